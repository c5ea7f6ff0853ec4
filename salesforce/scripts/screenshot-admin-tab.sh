#!/usr/bin/env bash
# The screenshot of the OIM Connector tab in docs/images: Jest renders c-oim-admin (every tab, with
# the admin API answers of lwc/oimAdmin/__tests__/data) and writes its DOM; headless Chromium
# (Debian's, see mk/browser.mk) takes the picture. Run from salesforce/ after `npm ci`.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-../docs/images/salesforce-admin-tab.png}
html=$(mktemp --suffix=.html)
trap 'rm -f "$html"' EXIT
OIM_TAB_HTML="$html" npx --no-install sfdx-lwc-jest -- --silent force-app/main/default/lwc/oimAdmin/__tests__/oimAdmin.render.test.js
mkdir -p "$(dirname "$out")"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,2300 --screenshot="$(realpath -m "$out")" "file://$html" 2>/dev/null
echo "wrote $out"
