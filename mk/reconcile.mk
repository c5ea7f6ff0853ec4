# The month-end reconciliation at volume (10,000 documents, 50 drift cases of every kind): out of
# `make test` (minutes); the suite runs a small version.
.PHONY: reconcile-bench
reconcile-bench: $(STAMP)
	$(BIN)/oim-connector reconcile-bench
