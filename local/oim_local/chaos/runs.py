"""Connector runs as separate processes (``oim-connector run``), so a crash is a real SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oim_local.org.process import OrgEndpoint

# Fast retries: the harness wants many runs, not long waits (the policy's shape is the same). Three
# attempts: at a 30% fault rate about 3% of requests exhaust them, so runs do give up on documents
# and the next run must pick them up without a false Export Error.
_RETRY_ENVIRONMENT = {
    "SALESFORCE_RETRY_ATTEMPTS": "3",
    "SALESFORCE_RETRY_BASE_SECONDS": "0.05",
    "SALESFORCE_CONCURRENCY_BACKOFF_SECONDS": "0.3",
}


@dataclass
class RunOutcome:
    flow: str
    killed: bool
    exit_code: int | None
    report: dict[str, Any] | None
    stderr: str

    @property
    def stopped_reason(self) -> str:
        return str((self.report or {}).get("stoppedReason") or "")

    @property
    def unresolved(self) -> int:
        """Documents whose outcome the run could not learn (it left them for the next run)."""
        results = (self.report or {}).get("results") or []
        return sum(1 for r in results if r.get("outcome") == "failed" and r.get("reason"))

    @property
    def written(self) -> int:
        counts = (self.report or {}).get("counts") or {}
        return int(counts.get("created", 0)) + int(counts.get("updated", 0))


class ConnectorRun:
    def __init__(self, process: subprocess.Popen[bytes], flow: str, stdout: Path, stderr: Path) -> None:
        self.process = process
        self.flow = flow
        self._stdout = stdout
        self._stderr = stderr
        self.killed = False

    def running(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> bool:
        """SIGKILL, no goodbye; True when the run was still going."""
        if self.process.poll() is not None:
            return False
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.killed = True
        return True

    def wait(self, timeout: float) -> RunOutcome:
        try:
            code: int | None = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            code = None
        text = self._stdout.read_text(encoding="utf-8")
        report = _report(text) if not self.killed else None
        stderr = self._stderr.read_text(encoding="utf-8")
        return RunOutcome(self.flow, self.killed, code, report, stderr)


def _report(text: str) -> dict[str, Any] | None:
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        return None
    return parsed if isinstance(parsed, dict) else None


class ConnectorLauncher:
    def __init__(self, endpoint: OrgEndpoint, work_dir: Path, settings_file: Path) -> None:
        self._endpoint = endpoint
        self._settings_file = settings_file
        self._logs = work_dir / "runs"
        self._logs.mkdir(parents=True, exist_ok=True)
        self._env = {
            **os.environ,
            **_RETRY_ENVIRONMENT,
            "SALESFORCE_AUTH": "token",
            "SALESFORCE_ACCESS_TOKEN": endpoint.token,
            "SALESFORCE_CA_BUNDLE_FILE": str(endpoint.ca_cert),
        }
        self.started = 0

    def start(self, flow: str, record_ids: list[str] | None = None) -> ConnectorRun:
        self.started += 1
        selection = ["--ids", *record_ids] if record_ids else ["--all-eligible"]
        fd, name = tempfile.mkstemp(prefix=f"{self.started:04d}-{flow}-", suffix=".json", dir=self._logs)
        os.close(fd)
        stdout, stderr = Path(name), Path(name).with_suffix(".log")
        command = [sys.executable, "-m", "oim_local.cli", "run", flow, *selection, "--json",
                   "--instance-url", self._endpoint.instance_url, "--settings", str(self._settings_file)]  # fmt: skip
        with stdout.open("wb") as out, stderr.open("wb") as err:
            process = subprocess.Popen(command, stdout=out, stderr=err, env=self._env)
        return ConnectorRun(process, flow, stdout, stderr)
