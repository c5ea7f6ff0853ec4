"""What a reconciliation reports: findings that name the source, the document, the field, both
values and what to do, and the per-GL-account totals of the journals."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class FindingKind(StrEnum):
    MISSING_DOCUMENT = "missing_document"  # exported, but no document in the ledger
    DISCARDED_DOCUMENT = "discarded_document"  # its only document is Discarded
    DUPLICATE_DOCUMENT = "duplicate_document"  # a source with two live documents
    ORPHAN_DOCUMENT = "orphan_document"  # a document whose OIM source no longer exists
    SOURCE_IN_OTHER_PERIOD = "source_in_other_period"  # a document of the period whose source is dated elsewhere
    FIELD_DIFFERS = "field_differs"  # a header field (company, currency, period, account, dates, ...)
    LINE_MISSING = "line_missing"  # a source line with no ledger line
    LINE_WITHOUT_SOURCE = "line_without_source"  # a ledger line whose source line was deleted
    LINE_DIFFERS = "line_differs"
    TAX_DIFFERS = "tax_differs"
    TOTAL_DIFFERS = "total_differs"
    EXPORT_ERROR = "export_error"
    NOT_EXPORTED = "not_exported"  # still New
    NOT_MAPPABLE = "not_mappable"  # exported, but the connector would refuse it today
    UNBALANCED_JOURNAL = "unbalanced_journal"
    GL_ACCOUNT_DIFFERS = "gl_account_differs"


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)


class Finding(_Model):
    kind: FindingKind
    flow: str
    source_id: str | None = None
    source_name: str | None = None
    document_id: str | None = None
    document_name: str | None = None
    field: str | None = None
    source_value: str | None = None
    ledger_value: str | None = None
    age_days: int | None = None
    action: str


class GlAccountTotal(_Model):
    company: str
    gl_account: str
    oim: str
    ledger: str

    @property
    def balanced(self) -> bool:
        return self.oim == self.ledger


class FlowSummary(_Model):
    flow: str
    sources: int = 0
    documents: int = 0
    findings: int = 0


class ReconcileReport(_Model):
    period: str
    company: str | None = None
    flows: list[FlowSummary] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    gl_accounts: list[GlAccountTotal] = Field(default_factory=list)
    api_requests: int = 0

    def counts(self) -> dict[str, int]:
        counted: dict[str, int] = {}
        for finding in self.findings:
            counted[finding.kind.value] = counted.get(finding.kind.value, 0) + 1
        return counted

    def to_json_dict(self) -> dict[str, object]:
        payload = self.model_dump(mode="json", by_alias=True)
        payload["counts"] = self.counts()
        return payload

    def summary(self) -> str:
        """One paragraph for the notification channels."""
        scope = f"{self.period}" + (f" ({self.company})" if self.company else "")
        sources = sum(f.sources for f in self.flows)
        if not self.findings:
            return f"Reconciliation {scope}: {sources} OIM documents, all in the ledger once at the same amounts."
        parts = ", ".join(f"{count} {kind.replace('_', ' ')}" for kind, count in sorted(self.counts().items()))
        return f"Reconciliation {scope}: {sources} OIM documents, {len(self.findings)} findings: {parts}."
