"""The run report: what a run created, skipped and refused, per source record."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class _Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    SKIPPED = "skipped"
    # Asked for by Id but not eligible (proforma, still Open, not shipped): the reason, nothing written.
    NOT_ELIGIBLE = "not_eligible"
    FAILED = "failed"
    WOULD_CREATE = "would_create"


class DocumentRef(_Camel):
    sobject: str
    external_id: str
    id: str | None = None
    name: str | None = None
    lines: int = 0
    total: str | None = None


class SourceResult(_Camel):
    source_id: str
    source_name: str | None = None
    outcome: Outcome
    documents: list[DocumentRef] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)
    reason: str | None = None


class Counts(_Camel):
    created: int = 0
    updated: int = 0
    skipped: int = 0
    not_eligible: int = 0
    failed: int = 0
    would_create: int = 0


class RunReport(_Camel):
    flow: str
    trigger: str
    run_id: str
    dry_run: bool = False
    counts: Counts = Field(default_factory=Counts)
    api_requests: int = 0
    # Requests sent to Avalara AvaTax (Calculate Tax), when the run calculated tax.
    tax_requests: int = 0
    stopped_reason: str | None = None
    checkpoint: str | None = None
    results: list[SourceResult] = Field(default_factory=list)
    # The Salesforce user who started a background run: whose save published the OIM event, or who
    # pressed the list button; the run's notification goes to them (schedules have none).
    started_by: str | None = None

    def add(self, result: SourceResult) -> None:
        self.results.append(result)
        current = getattr(self.counts, result.outcome.value)
        setattr(self.counts, result.outcome.value, current + 1)

    def to_json_dict(self) -> dict[str, object]:
        return self.model_dump(mode="json", by_alias=True)


MAX_CARRIED_FAILURES = 50  # earlier parts' failures a continuation carries (an SQS message stays small)
MAX_CARRIED_ERROR_CHARS = 500


class EarlierParts(_Camel):
    """What the earlier parts of a run did, carried by its continuations so that the run's last part
    reports (and notifies) the whole run: its totals and the failures users must act on."""

    run_id: str = Field(max_length=200)
    parts: int = Field(ge=1)
    counts: Counts = Field(default_factory=Counts)
    api_requests: int = Field(default=0, ge=0)
    failures: list[SourceResult] = Field(default_factory=list, max_length=MAX_CARRIED_FAILURES)
    failures_not_carried: int = Field(default=0, ge=0)


def carry(earlier: EarlierParts | None, part: RunReport) -> EarlierParts:
    """``earlier`` with ``part`` added: what the next continuation carries."""
    whole = whole_run(earlier, part)
    failed = [r for r in whole.results if r.outcome == Outcome.FAILED]
    kept = [
        r.model_copy(update={"errors": [e[:MAX_CARRIED_ERROR_CHARS] for e in r.errors[:3]], "documents": []})
        for r in failed[:MAX_CARRIED_FAILURES]
    ]
    not_carried = (earlier.failures_not_carried if earlier else 0) + len(failed) - len(kept)
    return EarlierParts(run_id=whole.run_id, parts=(earlier.parts if earlier else 0) + 1, counts=whole.counts,
                        api_requests=whole.api_requests, failures=kept, failures_not_carried=not_carried)  # fmt: skip


def whole_run(earlier: EarlierParts | None, last: RunReport) -> RunReport:
    """The last part's report with the earlier parts' totals and failures added: the run as a whole."""
    if earlier is None:
        return last
    counts = Counts(
        **{name: getattr(earlier.counts, name) + getattr(last.counts, name) for name in Counts.model_fields}
    )
    return last.model_copy(update={"run_id": earlier.run_id, "counts": counts,
                                   "api_requests": earlier.api_requests + last.api_requests,
                                   "results": [*earlier.failures, *last.results]})  # fmt: skip
