"""The admin page in headless Chromium (Playwright): change a setting, see it take effect in the
next run, see the run in the status view, schedule a flow; saves docs/admin-page.png.

Needs /usr/bin/chromium and tests/browser/node_modules (make browser-test installs both); skips
with the reason when either is missing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = ROOT / "docs" / "admin-page.png"


@pytest.fixture
def admin_server() -> Iterator[tuple[str, str]]:
    if not CHROMIUM.exists() or shutil.which("node") is None:
        pytest.skip("no Chromium at /usr/bin/chromium or no node: run `make browser-test` to install them")
    if not (HERE / "node_modules" / "playwright-core").is_dir():
        pytest.skip("playwright-core is not installed: run `make browser-test` (npm install in tests/browser)")
    command = [sys.executable, "-m", "oim_local.cli", "admin", "serve", "--port", "0"]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+)/admin/page\?token=(\S+)", line)
        assert match, f"admin serve did not start: {line}"
        yield match.group(1), match.group(2)
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_a_setting_changed_in_the_page_takes_effect_in_the_next_run(
    admin_server: tuple[str, str], tmp_path: Path
) -> None:
    # UPDATE_SCREENSHOTS=1 refreshes docs/admin-page.png; otherwise a run leaves the tree clean.
    screenshot = SCREENSHOT if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path / "admin-page.png"
    answer = subprocess.run(
        ["node", "admin_page.mjs", *admin_server, str(screenshot)],
        cwd=HERE, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert answer.returncode == 0, answer.stderr[-3000:]
    result = json.loads(answer.stdout.strip().splitlines()[-1])

    assert "Nope__c is not a field of SCMC__Invoicing__c" in result["refused"]
    assert result["saved"].startswith("Saved: version")
    assert result["documentsOfFirstInvoice"] == 3  # 5 lines in parts of the new limit of 2
    assert "schedule" in result["statusRow"]
    assert "cron(30 6 ? * MON,THU *)" in result["schedule"]
    assert "findings" in result["reconcileMessage"]
    assert "orphan_document" in result["reconcileFindings"] and "SCR000001" in result["reconcileFindings"]
    assert "every Mon, Thu at 06:30" in result["schedule"] and "Europe/London" in result["schedule"]
    assert "a weekly schedule needs at least one day of the week" in result["scheduleProblems"]
    assert any("c2g__Nope__c" in problem for problem in result["mappingProblems"])
    # The run the page's setting changed is in the flow's history; its refusals are listed and retried.
    assert "schedule" in result["history"]
    assert any("has no accounts receivable control GLA" in row for row in result["exportErrors"])
    assert result["retried"].startswith("Retried: 0 created") and "2 failed again" in result["retried"]
    assert any("set it on the account" in problem for problem in result["retryProblems"])
    assert screenshot.stat().st_size > 10_000
