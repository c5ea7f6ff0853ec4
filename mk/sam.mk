# SAM template: validate, build and smoke-test the built artefacts (included by the Makefile,
# which defines VENV, BIN, STAMP and TEST_CHECKS and puts the venv's bin first on PATH).

SAM_TEMPLATE := template.yaml
SAM_BUILD_DIR := .aws-sam/build
# The template declares the five document flows once with Fn::ForEach (AWS::LanguageExtensions).
# SAM CLI expands it locally only when asked: a plain `sam build` fails with "'list' object has no
# attribute 'get'". samconfig.toml sets it for bare sam commands too (docs/deploy.md).
SAM_LANGUAGE_EXTENSIONS := --language-extensions
# Serverless best-practice rules for cfn-lint (tracing, DLQs, log retention, API logging and
# throttling, ...); installed here until pyproject.toml pins it in the dev extras.
CFN_LINT_SERVERLESS := cfn-lint-serverless==0.3.6
CFN_LINT_STRICT := --append-rules cfn_lint_serverless.rules --include-checks I

TEST_CHECKS += validate build smoke

$(VENV)/.cfn-lint-serverless: $(STAMP)
	@$(BIN)/python -c 'import cfn_lint_serverless' 2>/dev/null || $(BIN)/uv pip install --quiet --python $(PY) '$(CFN_LINT_SERVERLESS)'
	@touch $@

validate: $(STAMP) $(VENV)/.cfn-lint-serverless
	$(BIN)/sam validate --lint $(SAM_LANGUAGE_EXTENSIONS) --template-file $(SAM_TEMPLATE)
	$(BIN)/cfn-lint $(CFN_LINT_STRICT) -- $(SAM_TEMPLATE)

build: $(STAMP)
	$(BIN)/sam build --cached --parallel $(SAM_LANGUAGE_EXTENSIONS) --template-file $(SAM_TEMPLATE)

# Import every built function and every module of the built layer with the built artefacts only.
smoke: build
	$(BIN)/python mk/sam_smoke.py $(SAM_BUILD_DIR)
