"""Values never longer than the Accounting field they go to: one rule for every flow.

Accounting refuses a whole document with STRING_TOO_LONG when one text value is longer than its
field. Each text field the connector writes on an accounting document has its published length
here (Certinia Accounting's field definitions; tests keep this table equal to the local org's
data model, which is checked against them) and what to do with a longer value:
- ``cut``: keep the first characters; when ``keep_in`` names another field of the same record, the
  full value is added to it (e.g. the description), so nothing the user typed is lost;
- ``refuse``: the document is not written and the message names the field and its limit (for
  identifiers, where a cut value would point at something else).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from oim_connector.model.documents import Mapped, TargetDocument, TargetLine

Action = Literal["cut", "refuse"]
TEXT_AREA = 255


class ValueTooLong(ValueError):
    """A value longer than its field, where cutting it would change what it points at."""


@dataclass(frozen=True)
class FieldLimit:
    length: int
    action: Action
    keep_in: str | None = None
    label: str | None = None


_EXTERNAL_ID = FieldLimit(80, "refuse", label="OIM External Id")
_LINE_DESCRIPTION = FieldLimit(TEXT_AREA, "cut", label="Line Description")


def _header(description: str, **extra: FieldLimit) -> dict[str, FieldLimit]:
    return {description: FieldLimit(TEXT_AREA, "cut", label="Description"), "OIM_External_Id__c": _EXTERNAL_ID, **extra}


_LINE = {"c2g__LineDescription__c": _LINE_DESCRIPTION, "OIM_External_Id__c": _EXTERNAL_ID}

LIMITS: dict[str, dict[str, FieldLimit]] = {
    "c2g__codaInvoice__c": _header(
        "c2g__InvoiceDescription__c",
        c2g__CustomerReference__c=FieldLimit(
            24, "cut", keep_in="c2g__InvoiceDescription__c", label="Customer Reference"
        ),
    ),
    "c2g__codaInvoiceLineItem__c": dict(_LINE),
    "c2g__codaCreditNote__c": _header(
        "c2g__CreditNoteDescription__c",
        c2g__CustomerReference__c=FieldLimit(
            24, "cut", keep_in="c2g__CreditNoteDescription__c", label="Customer Reference"
        ),
    ),
    "c2g__codaCreditNoteLineItem__c": {**_LINE, "SCMFFA__Item_Name__c": FieldLimit(255, "cut", label="Item Name")},
    "c2g__codaPurchaseInvoice__c": _header(
        "c2g__InvoiceDescription__c",
        c2g__AccountInvoiceNumber__c=FieldLimit(
            25, "cut", keep_in="c2g__InvoiceDescription__c", label="Vendor Invoice Number"
        ),
    ),
    "c2g__codaPurchaseInvoiceLineItem__c": dict(_LINE),
    "c2g__codaPurchaseInvoiceExpenseLineItem__c": dict(_LINE),
    "c2g__codaPurchaseCreditNote__c": _header(
        "c2g__CreditNoteDescription__c",
        c2g__AccountCreditNoteNumber__c=FieldLimit(
            24, "cut", keep_in="c2g__CreditNoteDescription__c", label="Vendor Credit Note Number"
        ),
    ),
    "c2g__codaPurchaseCreditNoteLineItem__c": dict(_LINE),
    "c2g__codaPurchaseCreditNoteExpLineItem__c": dict(_LINE),
    "c2g__codaJournal__c": _header(
        "c2g__JournalDescription__c",
        c2g__Reference__c=FieldLimit(80, "cut", keep_in="c2g__JournalDescription__c", label="Reference"),
    ),
    "c2g__codaJournalLineItem__c": dict(_LINE),
}


def fit_mapped(mapped: Mapped) -> Mapped:
    """Every document of ``mapped`` with its values fitted to their fields, or the refusal naming the field."""
    if not mapped.documents:
        return mapped
    try:
        documents = tuple(fit_document(d, label=mapped.source_name or mapped.source_id) for d in mapped.documents)
    except ValueTooLong as error:
        return Mapped(mapped.source_id, mapped.source_name, errors=(str(error),))
    return dataclasses.replace(mapped, documents=documents)


def fit_document(document: TargetDocument, *, label: str) -> TargetDocument:
    return dataclasses.replace(
        document,
        fields=fit_fields(document.sobject, document.fields, label=label),
        lines=tuple(_fit_line(line, label) for line in document.lines),
    )


def _fit_line(line: TargetLine, label: str) -> TargetLine:
    return dataclasses.replace(line, fields=fit_fields(line.sobject, line.fields, label=label))


def fit_fields(sobject: str, fields: Mapping[str, Any], *, label: str) -> dict[str, Any]:
    limits = {name.lower(): (name, limit) for name, limit in LIMITS.get(sobject, {}).items()}
    out = dict(fields)
    kept: dict[str, list[str]] = {}
    for name, value in fields.items():
        entry = limits.get(name.lower())
        if entry is None or not isinstance(value, str) or len(value) <= entry[1].length:
            continue
        limit = entry[1]
        if limit.action == "refuse":
            raise ValueTooLong(
                f"The {limit.label or name} of the {_object_label(sobject)} for {label} is {len(value)} characters "
                f"long; {sobject}.{name} holds {limit.length}: shorten it in OIM"
            )
        out[name] = value[: limit.length]
        if limit.keep_in:
            kept.setdefault(limit.keep_in, []).append(f"{limit.label or name}: {value}")
    for target, notes in kept.items():
        target_limit = limits.get(target.lower())
        existing = str(out.get(target) or "")
        combined = " | ".join(filter(None, (existing, *notes)))
        out[target] = combined[: target_limit[1].length] if target_limit else combined
    return out


def _object_label(sobject: str) -> str:
    return sobject.removeprefix("c2g__coda").removesuffix("__c")
