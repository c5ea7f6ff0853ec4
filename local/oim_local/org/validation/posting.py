"""Certinia Accounting's posting rules, as pure checks: which documents post, from which
status, into which period, and that a journal balances. The store fetches, these decide."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

COMPLETE = "Complete"
POSTABLE_STATUSES = frozenset({"In Progress", "Ready to Post"})


@dataclass(frozen=True)
class PostableKind:
    label: str
    status_field: str
    date_field: str


POSTABLE: dict[str, PostableKind] = {
    "c2g__codaInvoice__c": PostableKind("Sales invoice", "c2g__InvoiceStatus__c", "c2g__InvoiceDate__c"),
    "c2g__codaCreditNote__c": PostableKind("Sales credit note", "c2g__CreditNoteStatus__c", "c2g__CreditNoteDate__c"),
    "c2g__codaPurchaseInvoice__c": PostableKind("Payable invoice", "c2g__InvoiceStatus__c", "c2g__InvoiceDate__c"),
    "c2g__codaPurchaseCreditNote__c": PostableKind(
        "Payable credit note", "c2g__CreditNoteStatus__c", "c2g__CreditNoteDate__c"
    ),
    "c2g__codaJournal__c": PostableKind("Journal", "c2g__JournalStatus__c", "c2g__JournalDate__c"),
}
JOURNAL = "c2g__codaJournal__c"
# The connector's large-document marker: a document still being written never posts.
INCOMPLETE_FIELD = "OIM_Export_Incomplete__c"
JOURNAL_LINE_VALUE = "c2g__Value__c"


@dataclass(frozen=True)
class Period:
    id: str
    name: str
    start: str
    end: str
    closed: bool


def not_postable_reason(sobject: str) -> str:
    kinds = ", ".join(sorted(POSTABLE))
    return f"{sobject} records cannot be posted: post one of {kinds}"


def status_refusal(kind: PostableKind, name: str, status: str | None) -> str | None:
    if status in POSTABLE_STATUSES:
        return None
    if status == COMPLETE:
        return f"{kind.label} {name} is already posted (status Complete); nothing to do"
    if status == "Discarded":
        return f"{kind.label} {name} is discarded and cannot be posted; create a new document instead"
    return f"{kind.label} {name} has status {status!r}; only In Progress or Ready to Post documents post"


def incomplete_refusal(kind: PostableKind, name: str, incomplete: bool) -> str | None:
    if not incomplete:
        return None
    return (
        f"{kind.label} {name} is still being written by the OIM connector ({INCOMPLETE_FIELD} is checked); "
        "post it once its export has completed"
    )


def posted_change_refusal(kind: PostableKind, name: str) -> str:
    return f"{kind.label} {name} is posted (status Complete) and cannot be changed"


def choose_period(
    kind: PostableKind, name: str, document_date: str, candidates: Sequence[Period]
) -> tuple[Period | None, str | None]:
    """The open period among the company's periods containing the document date, or why none fits."""
    open_periods = [p for p in candidates if not p.closed]
    if open_periods:
        return min(open_periods, key=lambda p: p.start), None
    if candidates:
        closed = ", ".join(p.name for p in candidates)
        return None, (
            f"{kind.label} {name} cannot be posted: the period for {document_date} ({closed}) is closed; "
            "reopen the period or set the document's Period to an open one"
        )
    return None, (
        f"{kind.label} {name} cannot be posted: its company has no period containing {document_date}; "
        "create that period or set the document's Period"
    )


def closed_period_refusal(kind: PostableKind, name: str, period: Period) -> str | None:
    if not period.closed:
        return None
    return (
        f"{kind.label} {name} cannot be posted: its period {period.name} is closed; "
        "reopen the period or set the document's Period to an open one"
    )


def journal_balance_refusal(name: str, line_values: Iterable[float | int | None]) -> str | None:
    total = sum((Decimal(str(v)) for v in line_values if v is not None), Decimal(0))
    total = total.quantize(Decimal("0.01"))
    if total == 0:
        return None
    return (
        f"Journal {name} does not balance: its line values sum to {total}, not 0; "
        "make debits (positive values) equal credits (negative values)"
    )


def no_lines_refusal(kind: PostableKind, name: str) -> str:
    return f"{kind.label} {name} has no lines; add at least one line before posting"
