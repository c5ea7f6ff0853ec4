"""Dependency audit for `make test`: fail on a known vulnerability, say so clearly (and pass)
when the advisory service cannot be reached, as on machines with only a package mirror."""

from __future__ import annotations

import json
import subprocess
import sys

# Findings looked at and accepted: {"package": "why"} (none today).
ACCEPTED: dict[str, str] = {}


def main() -> int:
    command = [sys.executable, "-m", "pip_audit", "--local", "--format", "json", "--progress-spinner", "off"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print("security: dependency audit SKIPPED: the advisory service could not be reached", file=sys.stderr)
        print((result.stderr.strip().splitlines() or [""])[-1], file=sys.stderr)
        return 0
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    if not audited:
        print("security: dependency audit SKIPPED: no package could be looked up in the advisory service")
        return 0
    findings = [(d["name"], v["id"]) for d in audited for v in d.get("vulns", []) if d["name"] not in ACCEPTED]
    for name, advisory in findings:
        print(f"security: {name}: {advisory}", file=sys.stderr)
    print(f"security: {len(audited)} packages audited, {len(findings)} unaccepted advisories")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
