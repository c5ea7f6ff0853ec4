"""``oim-connector org serve`` as another process would run it: three lines, then it serves."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

import pytest
import requests

pytestmark = pytest.mark.integration


def read_lines(stream: IO[str] | None, count: int, timeout: float) -> list[str]:
    """Up to ``count`` lines, without hanging the test if the process never prints them."""
    assert stream is not None
    lines: list[str] = []

    def reader() -> None:
        for _ in range(count):
            line = stream.readline()
            if not line:
                return
            lines.append(line.rstrip("\n"))

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    thread.join(timeout)
    return lines


def test_org_serve_prints_three_lines_then_serves_until_terminated(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "oim_local.cli", "org", "serve", "--db", str(tmp_path / "org.db"), "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = read_lines(process.stdout, 3, timeout=30)
        assert [line.split(": ", 1)[0] for line in lines] == ["instance_url", "token", "ca_cert"]
        settings = dict(line.split(": ", 1) for line in lines)
        assert settings["instance_url"].startswith("https://127.0.0.1:")
        assert Path(settings["ca_cert"]).is_absolute() and Path(settings["ca_cert"]).is_file()

        response = requests.get(
            settings["instance_url"] + "/services/data/v60.0/limits",
            headers={"Authorization": f"Bearer {settings['token']}"},
            verify=settings["ca_cert"],
            timeout=10,
        )
        assert response.status_code == 200
        assert response.json()["DailyApiRequests"]["Max"] == 5_000_000
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
        assert process.stdout is not None and process.stdout.read() == ""
        if process.stdout:
            process.stdout.close()
        if process.stderr:
            process.stderr.close()


def test_org_serve_accepts_a_given_token_and_fault_options(tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "oim_local.cli",
        "org",
        "serve",
        "--db",
        str(tmp_path / "org.db"),
        "--port",
        "0",
        "--token",
        "fixed-token",
        "--fault-rate",
        "1",
        "--fault-seed",
        "3",
        "--faults",
        "unavailable_before_commit",
        "--daily-limit",
        "10",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        settings = dict(line.split(": ", 1) for line in read_lines(process.stdout, 3, timeout=30))
        assert settings["token"] == "fixed-token"
        response = requests.get(
            settings["instance_url"] + "/services/data/v60.0/limits",
            headers={"Authorization": "Bearer fixed-token"},
            verify=settings["ca_cert"],
            timeout=10,
        )
        assert response.status_code == 503
        assert response.headers["Sforce-Limit-Info"] == "api-usage=1/10"
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
        for stream in (process.stdout, process.stderr):
            if stream:
                stream.close()
