# Avalara AvaTax alongside OIM (connector-spec §10): the demo on the sample data, through the real
# handlers, the avalara SDK and the local AvaTax stand-in over HTTPS; and the stand-in alone.
.PHONY: demo-avalara avatax-serve

demo-avalara: $(STAMP)
	$(BIN)/oim-connector avalara demo

avatax-serve: $(STAMP)
	$(BIN)/oim-connector avalara serve
