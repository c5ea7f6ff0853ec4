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
    failed: int = 0
    would_create: int = 0


class RunReport(_Camel):
    flow: str
    trigger: str
    run_id: str
    dry_run: bool = False
    counts: Counts = Field(default_factory=Counts)
    api_requests: int = 0
    stopped_reason: str | None = None
    checkpoint: str | None = None
    results: list[SourceResult] = Field(default_factory=list)

    def add(self, result: SourceResult) -> None:
        self.results.append(result)
        current = getattr(self.counts, result.outcome.value)
        setattr(self.counts, result.outcome.value, current + 1)

    def to_json_dict(self) -> dict[str, object]:
        return self.model_dump(mode="json", by_alias=True)
