"""Dependency audit for `make test`, truthful about what it did.

1. The locks (layers/common/requirements.lock for the layer, requirements-dev.lock for the tools)
   must pin every package with `==` and at least one sha256 hash, and agree with the layer's
   requirements.txt: checked offline, a failure fails `make test`.
2. The locked packages are checked against an advisory source (pip-audit, OSV). A known,
   unaccepted vulnerability fails `make test`. When no advisory source answers (machines with
   only a package mirror), it prints "NOT AUDITED" and how many packages went unchecked: never a
   pass. Set OIM_REQUIRE_AUDIT=1 to make an unaudited run fail (release pipelines).

Refresh the locks with `make lock`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYER_REQUIREMENTS = ROOT / "layers/common/requirements.txt"
LOCKS = (ROOT / "layers/common/requirements.lock", ROOT / "requirements-dev.lock")
# Findings looked at and accepted: {"package": "why"} (none today).
ACCEPTED: dict[str, str] = {}

_REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;\\]+)")


def _entries(lock: Path) -> dict[str, tuple[str, int]]:
    """{package: (version, number of hashes)} of a pip-compile/uv lock."""
    entries: dict[str, tuple[str, int]] = {}
    current = ""
    for line in lock.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _REQUIREMENT.match(stripped)
        if match:
            current = match.group(1).lower().replace("_", "-")
            entries[current] = (match.group(3), 0)
        elif stripped.startswith("--hash=sha256:") and current:
            version, hashes = entries[current]
            entries[current] = (version, hashes + 1)
        elif not line.startswith((" ", "\t")):
            raise SystemExit(f"security: {lock.name}: '{stripped[:80]}' is not pinned with == (run make lock)")
    return entries


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def check_locks() -> list[str]:
    problems: list[str] = []
    for lock in LOCKS:
        if not lock.exists():
            problems.append(f"{_shown(lock)} is missing (run make lock)")
            continue
        for name, (_, hashes) in _entries(lock).items():
            if not hashes:
                problems.append(f"{_shown(lock)}: {name} has no sha256 hash (run make lock)")
    if LOCKS[0].exists():
        locked = _entries(LOCKS[0])
        for line in LAYER_REQUIREMENTS.read_text(encoding="utf-8").splitlines():
            match = _REQUIREMENT.match(line.strip())
            if match:
                name, version = match.group(1).lower().replace("_", "-"), match.group(3)
                if locked.get(name, ("", 0))[0] != version:
                    problems.append(f"layers/common/requirements.lock does not lock {name}=={version} (run make lock)")
    return problems


def audit(lock: Path) -> tuple[int, list[tuple[str, str]]] | str:
    """(packages audited, unaccepted findings), or why nothing could be audited."""
    command = [sys.executable, "-m", "pip_audit", "--disable-pip", "--require-hashes", "-r", str(lock),
               "--vulnerability-service", "osv", "--format", "json", "--progress-spinner", "off"]  # fmt: skip
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    except subprocess.TimeoutExpired:
        return "the advisory service did not answer within 300 s"
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        last = (result.stderr.strip().splitlines() or ["no answer"])[-1]
        return f"the advisory service could not be reached ({last[:160]})"
    audited = [d for d in report.get("dependencies", []) if "skip_reason" not in d]
    if not audited:
        return "no package could be looked up in the advisory service"
    findings = [(d["name"], v["id"]) for d in audited for v in d.get("vulns", []) if d["name"] not in ACCEPTED]
    return len(audited), findings


def main() -> int:
    problems = check_locks()
    for problem in problems:
        print(f"security: {problem}", file=sys.stderr)
    if problems:
        return 1
    failed = unaudited = False
    for lock in LOCKS:
        name = _shown(lock)
        packages = len(_entries(lock))
        outcome = audit(lock)
        if isinstance(outcome, str):
            unaudited = True
            print(f"security: {name}: NOT AUDITED: {packages} pinned, hashed packages were not checked "
                  f"against any advisory: {outcome}")  # fmt: skip
            continue
        count, findings = outcome
        for package, advisory in findings:
            print(f"security: {name}: {package}: {advisory}", file=sys.stderr)
        print(f"security: {name}: {count} of {packages} packages audited against OSV, "
              f"{len(findings)} unaccepted advisories")  # fmt: skip
        failed = failed or bool(findings)
    if unaudited and os.environ.get("OIM_REQUIRE_AUDIT") == "1":
        print("security: OIM_REQUIRE_AUDIT=1 and the dependencies were not audited", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
