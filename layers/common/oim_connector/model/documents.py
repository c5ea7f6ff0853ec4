"""Accounting documents as the mapping produces them, ready to be written."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

EXTERNAL_ID_FIELD = "OIM_External_Id__c"
EXPORT_STATUS_FIELD = "SCMC__Export_Status__c"
EXPORT_ERROR_FIELD = "SCMC__Export_Error__c"
# On every target header the connector writes: true while a document larger than one graph is
# only partly written. The posting endpoint refuses such a document (docs/architecture.md).
INCOMPLETE_FIELD = "OIM_Export_Incomplete__c"
PARTLY_WRITTEN_MESSAGE = (
    "Partly written to Accounting: a large document is written in several parts and marked incomplete "
    "until the last; the next run completes it"
)


@dataclass(frozen=True)
class SourceLink:
    """A field on a source record that must point at the written target record, plus any
    other fields written on that source record in the same transaction (e.g. its status)."""

    sobject: str
    record_id: str
    field: str
    extra_fields: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class TargetLine:
    sobject: str
    external_id: str
    parent_field: str
    fields: dict[str, Any]
    amount: Decimal
    # Source lines that point back at this line (several when lines are summarised).
    source_links: tuple[SourceLink, ...] = ()


@dataclass(frozen=True)
class TargetDocument:
    sobject: str
    external_id: str
    fields: dict[str, Any]
    lines: tuple[TargetLine, ...]
    total: Decimal
    part: int = 1
    name_hint: str | None = None


@dataclass(frozen=True)
class Mapped:
    """What the mapping made of one source document: documents, or the reasons it can't."""

    source_id: str
    source_name: str | None
    documents: tuple[TargetDocument, ...] = ()
    errors: tuple[str, ...] = ()
    skip_reason: str | None = None
    # Why the record is not (yet) eligible (still Open, proforma, not shipped): answered, nothing written.
    not_eligible: tuple[str, ...] = ()
    header_link: SourceLink | None = None
    # Extra fields written on the source header together with the document (e.g. status mirrors).
    header_updates: dict[str, Any] = dataclasses.field(default_factory=dict)
    lock_key: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and not self.not_eligible and self.skip_reason is None and bool(self.documents)
