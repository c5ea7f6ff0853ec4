"""Attack on trust: the audit in `make test` reported "no known vulnerabilities" while no advisory
source was reachable. It now says NOT AUDITED in words when nothing answered, never a pass, and
refuses locks that are not pinned and hashed."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "mk" / "security_audit.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("security_audit", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _advisory_source_answers(monkeypatch: pytest.MonkeyPatch, stdout: str, stderr: str = "") -> None:
    def run(command: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(command, 1, stdout, stderr)

    monkeypatch.setattr(subprocess, "run", run)


def test_an_unreachable_advisory_source_is_reported_not_audited(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    audit = _script()
    _advisory_source_answers(monkeypatch, "", "ConnectionError: Failed to resolve 'api.osv.dev'")

    assert audit.main() == 0
    out = capsys.readouterr().out
    assert "NOT AUDITED" in out and "were not checked against any advisory" in out
    assert "audited against OSV" not in out

    monkeypatch.setenv("OIM_REQUIRE_AUDIT", "1")
    assert audit.main() == 1


def test_a_known_vulnerability_fails(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    audit = _script()
    report = {"dependencies": [{"name": "requests", "version": "2.0.0", "vulns": [{"id": "GHSA-x"}]}]}
    _advisory_source_answers(monkeypatch, __import__("json").dumps(report))

    assert audit.main() == 1
    assert "requests: GHSA-x" in capsys.readouterr().err


def test_the_locks_are_pinned_hashed_and_agree_with_the_layer() -> None:
    assert _script().check_locks() == []


def test_an_unhashed_or_unpinned_lock_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    audit = _script()
    lock = tmp_path / "requirements.lock"
    lock.write_text("requests==2.34.2\n")
    monkeypatch.setattr(audit, "LOCKS", (lock,))
    assert any("requests has no sha256 hash" in p for p in audit.check_locks())
    lock.write_text("requests>=2\n")
    with pytest.raises(SystemExit, match="is not pinned with =="):
        audit.check_locks()
