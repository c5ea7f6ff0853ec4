"""What Accounting already holds for a source about to be written, and how to converge it.

A rerun writes exactly the source as it is then: target lines the mapping no longer wants are
deleted, the rest are upserted by external id. A posted (Complete) document is never changed:
Accounting refuses it, so the connector refuses first, saying so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from oim_connector.model.documents import EXTERNAL_ID_FIELD, INCOMPLETE_FIELD, Mapped
from oim_connector.org.port import OrgPort
from oim_connector.org.soql import Select, is_in

# Each Accounting header's status field: "Complete" means posted.
STATUS_FIELDS = {
    "c2g__codaInvoice__c": "c2g__InvoiceStatus__c",
    "c2g__codaCreditNote__c": "c2g__CreditNoteStatus__c",
    "c2g__codaPurchaseInvoice__c": "c2g__InvoiceStatus__c",
    "c2g__codaPurchaseCreditNote__c": "c2g__CreditNoteStatus__c",
    "c2g__codaJournal__c": "c2g__JournalStatus__c",
}
POSTED = "Complete"
IDS_PER_QUERY = 300


@dataclass(frozen=True)
class HeldHeader:
    sobject: str
    external_id: str
    record_id: str
    name: str
    status: str | None
    incomplete: bool


@dataclass
class Held:
    """A source's documents as Accounting holds them: headers and their lines' external ids."""

    headers: list[HeldHeader] = field(default_factory=list)
    lines: dict[str, str] = field(default_factory=dict)  # line external id -> Id

    def posted(self) -> list[HeldHeader]:
        return [h for h in self.headers if h.status == POSTED]

    def stale_line_ids(self, mapped: Mapped) -> list[str]:
        wanted = {line.external_id for document in mapped.documents for line in document.lines}
        return [record_id for external_id, record_id in self.lines.items() if external_id not in wanted]


def held_documents(org: OrgPort, mapped: Mapped) -> Held:
    """Two small queries: the source's headers by external id, then their lines."""
    held = Held()
    by_sobject: dict[str, list[str]] = {}
    for document in mapped.documents:
        by_sobject.setdefault(document.sobject, []).append(document.external_id)
    for sobject, external_ids in by_sobject.items():
        status_field = STATUS_FIELDS.get(sobject)
        fields = ("Id", "Name", EXTERNAL_ID_FIELD, INCOMPLETE_FIELD, *((status_field,) if status_field else ()))
        for row in org.query(Select(sobject, fields, where=is_in(EXTERNAL_ID_FIELD, external_ids))):
            held.headers.append(HeldHeader(
                sobject, str(row[EXTERNAL_ID_FIELD]), str(row["Id"]), str(row.get("Name") or row["Id"]),
                str(row[status_field]) if status_field and row.get(status_field) else None,
                bool(row.get(INCOMPLETE_FIELD)),
            ))  # fmt: skip
    if not held.headers:
        return held
    header_ids = [h.record_id for h in held.headers]
    line_kinds = {(line.sobject, line.parent_field) for d in mapped.documents for line in d.lines}
    for sobject, parent_field in sorted(line_kinds):
        for start in range(0, len(header_ids), IDS_PER_QUERY):
            where = is_in(parent_field, header_ids[start : start + IDS_PER_QUERY])
            for row in org.query(Select(sobject, ("Id", EXTERNAL_ID_FIELD), where=where)):
                held.lines[str(row.get(EXTERNAL_ID_FIELD) or row["Id"])] = str(row["Id"])
    return held


def posted_refusal(label: str, posted: Sequence[HeldHeader]) -> str:
    names = ", ".join(h.name for h in posted)
    return (
        f"Accounting already holds the {label} {names}, posted (status Complete): a posted document is never "
        "changed. Undo the OIM change, or correct it in Accounting with a credit note or journal"
    )
