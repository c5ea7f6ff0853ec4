# Security checks for `make test`: the dependency audit (pip-audit; degrades to a clear
# message when the advisory service is unreachable). The template is linted by `validate`
# (cfn-lint with the serverless rules) and its IAM auth and least privilege are proven by
# tests/unit/template; secrets in logs and SOQL injection by tests/unit/security.
PIP_AUDIT := pip-audit==2.9.0

TEST_CHECKS += audit-deps

$(VENV)/.pip-audit: $(STAMP)
	@$(BIN)/python -c 'import pip_audit' 2>/dev/null || $(BIN)/python -m pip install --quiet '$(PIP_AUDIT)'
	@touch $@

audit-deps: $(VENV)/.pip-audit
	$(BIN)/python mk/security_audit.py

.PHONY: audit-deps
