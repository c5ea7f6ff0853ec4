# The admin page's browser test (tests/browser): Debian's Chromium and playwright-core.
# Installs what is missing, then the default pytest run drives the page. If Chromium cannot be
# installed (no apt, no network), the test skips and says why instead of failing the build.
BROWSER_DIR := tests/browser

.PHONY: browser-deps browser-test

browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
		if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
			(apt-get update -q && apt-get install -y -q chromium) >/tmp/oim-chromium-install.log 2>&1 \
				|| echo "browser-deps: installing chromium failed (see /tmp/oim-chromium-install.log): the browser test will skip"; \
		else \
			echo "browser-deps: no /usr/bin/chromium and cannot apt-get install it: the browser test will skip"; \
		fi; \
	fi
	@if command -v npm >/dev/null; then \
		[ -d $(BROWSER_DIR)/node_modules/playwright-core ] || (cd $(BROWSER_DIR) && npm install --no-audit --no-fund --silent) \
			|| echo "browser-deps: npm install failed: the browser test will skip"; \
	else \
		echo "browser-deps: no npm: the browser test will skip"; \
	fi

browser-test: $(STAMP) browser-deps
	$(BIN)/pytest -q tests/browser

PYTEST_DEPS += browser-deps
