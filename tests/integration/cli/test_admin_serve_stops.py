"""`admin serve` started in the background (a script's `cmd &`, a CI job) inherits SIGINT ignored:
it served on after `kill -INT` and the test that stopped it waited 30 s and failed. It stops on
SIGINT (and SIGTERM) wherever it was started."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from tests.integration.local_org.test_org_serve_command import read_lines

pytestmark = pytest.mark.integration


def test_admin_serve_started_with_sigint_ignored_stops_on_sigint() -> None:
    def as_a_background_job() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    command = [sys.executable, "-m", "oim_local.cli", "admin", "serve", "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               preexec_fn=as_a_background_job)  # fmt: skip
    try:
        lines = read_lines(process.stdout, 2, timeout=120)
        assert lines and lines[0].startswith("admin page: http://127.0.0.1:"), lines
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
