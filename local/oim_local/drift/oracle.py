"""Did the reconciliation find every injected case, and nothing else?"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from oim_connector.reconcile.findings import Finding, FindingKind

from oim_local.drift.inject import Case


def finding_key(finding: Finding) -> tuple[str, str | None, str | None, str | None]:
    return (finding.kind.value, finding.source_id, finding.document_id, finding.field)


@dataclass(frozen=True)
class Verdict:
    cases: int
    missed: tuple[Case, ...]
    false_findings: tuple[Finding, ...]
    findings: int

    @property
    def ok(self) -> bool:
        return not self.missed and not self.false_findings

    def describe(self) -> str:
        lines = [
            f"{self.cases} injected cases, {self.findings} findings: "
            f"{len(self.missed)} cases missed, {len(self.false_findings)} false findings"
        ]
        lines += [f"  missed {c.kind} on {c.source_id} ({', '.join(sorted(c.document_ids))})" for c in self.missed[:10]]
        lines += [
            f"  false {f.kind.value} on {f.source_id}/{f.document_id} {f.field}: {f.action}"
            for f in self.false_findings[:10]
        ]
        return "\n".join(lines)


def judge(cases: Sequence[Case], findings: Iterable[Finding], baseline: Iterable[Finding] = ()) -> Verdict:
    """Every case named by one of its ``detect`` kinds; every finding explained by a case (or there
    before the drift: the generated data's own refusals)."""
    before = {finding_key(f) for f in baseline}
    found = list(findings)

    def touches(case: Case, finding: Finding) -> bool:
        return finding.flow == case.flow and (
            finding.source_id == case.source_id or (finding.document_id or "") in case.document_ids
        )

    missed = tuple(c for c in cases if not any(f.kind.value in c.detect and touches(c, f) for f in found))
    journal_drift = any(FindingKind.GL_ACCOUNT_DIFFERS.value in c.allowed for c in cases)
    false = []
    for finding in found:
        if finding_key(finding) in before:
            continue
        if finding.kind == FindingKind.GL_ACCOUNT_DIFFERS and journal_drift:
            continue
        if not any(finding.kind.value in c.detect | c.allowed and touches(c, finding) for c in cases):
            false.append(finding)
    return Verdict(len(cases), missed, tuple(false), len(found))
