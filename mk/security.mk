# Security checks for `make test`:
# - audit-deps: the hashed locks are complete and agree with the layer's requirements, and are
#   checked against an advisory source (OSV through pip-audit), or reported "NOT AUDITED" in
#   words when none answers (never a pass). `make lock` refreshes the locks.
# - checkov: the template's findings, each remaining one justified next to its resource.
# The template's IAM auth and least privilege are proven by tests/unit/template; secrets in
# logs, SOQL injection, hooks and hostile bodies by tests/unit/security and tests/e2e.
PIP_AUDIT := pip-audit==2.9.0
LOCK_FLAGS := --quiet --generate-hashes --python-version 3.12 --python-platform x86_64-manylinux2014

TEST_CHECKS += audit-deps

$(VENV)/.pip-audit: $(STAMP)
	@$(BIN)/python -c 'import pip_audit' 2>/dev/null || $(BIN)/uv pip install --quiet --python $(PY) '$(PIP_AUDIT)'
	@touch $@

audit-deps: $(VENV)/.pip-audit
	$(BIN)/python mk/security_audit.py

# Pinned, hashed locks of the layer (what Lambda runs) and of the tools (the dev extras).
lock: $(STAMP)
	$(BIN)/uv pip compile $(LOCK_FLAGS) -o layers/common/requirements.lock layers/common/requirements.txt
	$(BIN)/uv pip compile $(LOCK_FLAGS) --extra dev -o requirements-dev.lock pyproject.toml

.PHONY: audit-deps lock

# checkov, pinned, in its own virtual environment (its dependencies would clash with the project's).
CHECKOV := checkov==3.3.30
CHECKOV_VENV := $(VENV)/checkov
TEST_CHECKS += checkov

$(CHECKOV_VENV)/.installed: $(STAMP)
	@test -x $(CHECKOV_VENV)/bin/checkov || { $(BIN)/uv venv --quiet --python $(PYTHON312) $(CHECKOV_VENV) && $(BIN)/uv pip install --quiet --python $(CHECKOV_VENV)/bin/python '$(CHECKOV)'; }
	@touch $@

# checkov cannot expand Fn::ForEach (on template.yaml it warns "Failed to create a new template with
# enriched resources" and never sees the five document flows' resources), so it scans the template
# as CloudFormation's AWS::LanguageExtensions transform hands it to SAM (oim_local.cfn_expand, the
# expansion the template tests read; the Metadata skips travel with each resource). Its customer
# managed key checks (CKV_AWS_26/27/119/149/158) pass on the `!If [HasKmsKey, ...]` key properties
# whether or not KmsKeyArn is set; tests/unit/template/test_kms.py proves both cases.
CHECKOV_TEMPLATE := .aws-sam/checkov/template.yaml

checkov: $(CHECKOV_VENV)/.installed
	$(BIN)/python -m oim_local.cfn_expand template.yaml -o $(CHECKOV_TEMPLATE)
	$(CHECKOV_VENV)/bin/checkov --config-file .checkov.yaml -f $(CHECKOV_TEMPLATE)

.PHONY: checkov
