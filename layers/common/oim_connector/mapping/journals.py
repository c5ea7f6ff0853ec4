"""Inventory transactions (perpetual records and their financial records) -> journals.

connector-spec §8: one journal per eligible perpetual record, one line per financial record
(or per GLA when summarising), the GLA from the record, its related records or the GL Account
mapping, the signed ICP value converted to the journal currency. A journal is written only when
it, and every part of it past the line limit, sums to zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, get_args

from oim_connector.mapping.entry import DocumentMapping
from oim_connector.mapping.journal_balance import check_balanced, debits, rounded, split_balanced, summarise
from oim_connector.mapping.journal_entries import GROUP, ICP, Entry, transaction_entries
from oim_connector.mapping.money import as_number
from oim_connector.mapping.reference import ReferenceData
from oim_connector.mapping.rules import (
    MappingError,
    apply_rules,
    children,
    company_and_currency,
    get_path,
    open_period,
    parse_date,
    part_external_id,
)
from oim_connector.model.documents import (
    EXPORT_ERROR_FIELD,
    EXPORT_STATUS_FIELD,
    Mapped,
    SourceLink,
    TargetDocument,
    TargetLine,
)
from oim_connector.model.settings import FieldRule, GeneralSettings, JournalSettings, JournalType

PREFIX = "JNL"
SOURCE_OBJECT = "SCMC__Inventory_Transaction_Perpetual_Record__c"
SOURCE_LINE_OBJECT = "SCMC__Inventory_Transaction_Financial_Records__c"
LINES_RELATIONSHIP = "SCMC__Financial_Records__r"
HEADER_OBJECT = "c2g__codaJournal__c"
LINE_OBJECT = "c2g__codaJournalLineItem__c"
PARENT_FIELD = "c2g__Journal__c"
BACK_LINK_FIELD = "SCMFFA__Journal__c"
LINE_BACK_LINK_FIELD = "Journal_Line_Item__c"
TYPE_FIELD = "SCMC__Inventory_Transactions__c"
DIMENSIONS = tuple(GROUP + f"SCMFFA__Dimension_{n}__c" for n in range(1, 5))

HEADER_FIELDS = (
    "Id",
    "Name",
    "CreatedDate",
    TYPE_FIELD,
    "SCMC__Transaction_Date__c",
    "SCMC__Export_Status__c",
    "SCMFFA__Journal__c",
    "SCMFFA__Journal__r.Name",
    "SCMFFA__Journal_Date__c",
    "SCMFFA__Journal_Type__c",
    "SCMFFA__Accounting_Company__c",
    "SCMFFA__Accounting_Currency__c",
    ICP + "Name",
    ICP + "SCMFFA__Accounting_Company__c",
    ICP + "SCMC__Currency__r.Name",
    "SCMC__Purchase_Order__r.SCMFFA__Accounting_Company__c",
    "SCMC__Purchase_Order__r.SCMFFA__Accounting_Currency__c",
    "SCMC__Purchase_Order__r.SCMC__Currency__r.Name",
    "SCMC__Trade_Currency__r.Name",
    "SCMC__Invoicing__r.SCMC__Invoice_Date__c",
    "SCMC__AP_Voucher__r.SCMC__Accounting_Date__c",
    "SCMC__AP_Voucher__r.SCMC__Invoice_Date__c",
    "SCMC__Item__r.Name",
    GROUP + "Name",
    GROUP + "SCMFFA__Inventory_GLA__c",
    GROUP + "SCMFFA__COGS_GLA__c",
    *DIMENSIONS,
    "SCMC__Reason_Code__r.Name",
    "SCMC__Reason_Code__r.SCMFFA__General_Ledger_Account__c",
    "SCMC__Purchase_Order_Line_Item__r.SCMFFA__General_Ledger_Account__c",
    "SCMC__Purchase_Order_Line_Item__r.SCMC__Category__r.Name",
    "SCMC__Purchase_Order_Line_Item__r.SCMC__Category__r.SCMFFA__Purchase_Analysis_GLA_for_Category__c",
)
LINE_FIELDS = (
    "Id",
    "Name",
    "SCMC__GL_Account__c",
    "SCMC__ICP_Value_Amount__c",
    "SCMC__ICP_Currency__r.Name",
    "SCMC__Elements_of_Costs__c",
    "SCMC__Quantity__c",
    "SCMFFA__General_Ledger_Account__c",
)


def external_id(source_id: str) -> str:
    return f"{PREFIX}:{source_id}"


def accounting_types(settings: JournalSettings) -> list[str]:
    return list(dict.fromkeys([*settings.eligible_transaction_types, *settings.custom_transaction_types]))


def not_for_accounting(itpr: Mapping[str, Any], settings: JournalSettings) -> str | None:
    kind = itpr.get(TYPE_FIELD)
    wanted = {t.strip().lower() for t in accounting_types(settings)}
    if isinstance(kind, str) and kind.strip().lower() in wanted:
        return None
    return (
        f"'{kind or 'no type'}' is not an inventory transaction for accounting, so it needs no journal (add it to "
        "the custom transaction types of the journal settings if it should be booked)"
    )


def _not_for_export(itpr: Mapping[str, Any], settings: JournalSettings) -> str | None:
    if reason := not_for_accounting(itpr, settings):
        return reason
    if not children(itpr, LINES_RELATIONSHIP):
        return "It has no financial records, so there is nothing to book"
    return None


def _map(
    itpr: Mapping[str, Any],
    *,
    ref: ReferenceData,
    settings: JournalSettings,
    general: GeneralSettings,
    rules: Sequence[FieldRule],
    today: dt.date,
) -> Mapped:
    source_id = str(itpr["Id"])
    name = str(itpr.get("Name") or source_id)
    label = f"perpetual record {name}"
    company_id, currency_id, currency_iso = _company_and_currency_sources(itpr, settings, ref)
    cc = company_and_currency(ref, company_id=company_id, currency_id=currency_id, currency_iso=currency_iso,
                              default_company=general.default_company, record_label=label)  # fmt: skip
    journal_date = _journal_date(itpr, settings) or today
    period = open_period(ref, cc.company, journal_date, label)
    dp, iso = cc.currency.decimal_places, cc.currency.iso_code

    entries = transaction_entries(itpr, children(itpr, LINES_RELATIONSHIP), company=cc.company, currency=cc.currency,
                                  day=journal_date, ref=ref, settings=settings)  # fmt: skip
    check_balanced(entries, dp=dp, iso=iso, label=label)
    dimensions = [get_path(itpr, path) for path in DIMENSIONS]
    if settings.summarise_lines:
        entries = summarise(entries, dimensions)
    entries = rounded(entries, dp=dp, rounding_gla=_gla(ref, settings.rounding_gla),
                      rounding_setting=settings.rounding_gla, iso=iso, label=label)  # fmt: skip
    parts = split_balanced(entries, limit=settings.line_limit,
                           clearing_gla=_gla(ref, settings.split_clearing_gla),
                           clearing_setting=settings.split_clearing_gla, label=f"Perpetual record {name}")  # fmt: skip

    kind = str(itpr.get(TYPE_FIELD))
    derived_header: dict[str, Any] = {
        "company": cc.company.id,
        "currency": cc.currency.id,
        "journal_date": journal_date.isoformat(),
        "period": period.id,
        "journal_type": _journal_type(itpr, settings, label),
        "description": f"{kind} {name}",
    }
    header_fields = apply_rules(rules, "header", itpr, derived_header)
    base = external_id(source_id)
    documents = []
    for number, part in enumerate(parts, start=1):
        lines = tuple(_line(entry, base, rules=rules, dimensions=dimensions) for entry in part)
        if sum((line.amount for line in lines), Decimal(0)) != 0:  # a last guard: never write an unbalanced journal
            raise MappingError(f"Part {number} of the journal for {label} does not balance; nothing was written")
        documents.append(TargetDocument(
            sobject=HEADER_OBJECT, external_id=part_external_id(base, number), fields=dict(header_fields),
            lines=lines, total=debits([line.amount for line in lines]), part=number, name_hint=name,
        ))  # fmt: skip
    return Mapped(source_id, name, documents=tuple(documents),
                  header_link=SourceLink(SOURCE_OBJECT, source_id, BACK_LINK_FIELD))  # fmt: skip


def _company_and_currency_sources(
    itpr: Mapping[str, Any], settings: JournalSettings, ref: ReferenceData
) -> tuple[str | None, str | None, str | None]:
    """The perpetual record's own company and currency (as OIM fills them) first, then the settings' order."""
    company_paths = {"icp": ICP + "SCMFFA__Accounting_Company__c",
                     "purchase_order": "SCMC__Purchase_Order__r.SCMFFA__Accounting_Company__c"}  # fmt: skip
    company_id = itpr.get("SCMFFA__Accounting_Company__c") or next(
        (get_path(itpr, company_paths[s]) for s in settings.company_sources if get_path(itpr, company_paths[s])), None
    )
    currency_id = itpr.get("SCMFFA__Accounting_Currency__c") or get_path(
        itpr, "SCMC__Purchase_Order__r.SCMFFA__Accounting_Currency__c"
    )
    iso_paths = {"trade": "SCMC__Trade_Currency__r.Name", "icp": ICP + "SCMC__Currency__r.Name"}
    candidates = [str(v) for s in settings.currency_sources if (v := get_path(itpr, iso_paths[s]))]
    # The first candidate the company keeps accounts in; else the first, so the refusal names it.
    iso = next((c for c in candidates if company_id and ref.currency_for(str(company_id), c)), None)
    return company_id, currency_id, iso or (candidates[0] if candidates else None)


def _journal_type(itpr: Mapping[str, Any], settings: JournalSettings, label: str) -> str:
    """The perpetual record's Journal Type, else the setting's; only a type Accounting's picklist has."""
    kind = itpr.get("SCMFFA__Journal_Type__c")
    if not kind:
        return settings.default_journal_type
    published: tuple[str, ...] = get_args(JournalType)
    match = next((t for t in published if t.lower() == str(kind).strip().lower()), None)
    if match is None:
        raise MappingError(
            f"{label} has Journal Type '{kind}', which Accounting does not have (its journal types: "
            f"{', '.join(published)}): correct the Journal Type in OIM"
        )
    return match


# Where each journal date source reads its date; the reconciliation selects by the same paths.
JOURNAL_DATE_PATHS: dict[str, tuple[str, ...]] = {
    "record": ("SCMFFA__Journal_Date__c",),
    "invoice": ("SCMC__Invoicing__r.SCMC__Invoice_Date__c",),
    "ap_voucher": ("SCMC__AP_Voucher__r.SCMC__Accounting_Date__c", "SCMC__AP_Voucher__r.SCMC__Invoice_Date__c"),
    "transaction": ("SCMC__Transaction_Date__c", "CreatedDate"),
}


def journal_date_paths(settings: JournalSettings) -> tuple[str, ...]:
    """The field paths the journal date is taken from, first filled wins."""
    return tuple(path for source in settings.journal_date_sources for path in JOURNAL_DATE_PATHS[source])


def _journal_date(itpr: Mapping[str, Any], settings: JournalSettings) -> dt.date | None:
    for path in journal_date_paths(settings):
        day = parse_date(get_path(itpr, path))
        if day is not None:
            return day
    return None


def _gla(ref: ReferenceData, reporting_code: str | None) -> str | None:
    return ref.gla_by_reporting_code.get(reporting_code) if reporting_code else None


def _line(entry: Entry, base: str, *, rules: Sequence[FieldRule], dimensions: Sequence[str | None]) -> TargetLine:
    single = entry.sources[0].record_id if len(entry.sources) == 1 and entry.key == entry.sources[0].record_id else None
    derived = {
        "gla": entry.gla,
        "value": as_number(entry.value),
        "debit_credit": "Credit" if entry.value < 0 else "Debit",
        "description": entry.description,
        "dimension_1": dimensions[0],
        "dimension_2": dimensions[1],
        "dimension_3": dimensions[2],
        "dimension_4": dimensions[3],
        "source_line": single,
    }
    links = tuple(
        SourceLink(SOURCE_LINE_OBJECT, s.record_id, LINE_BACK_LINK_FIELD, extra_fields={
            EXPORT_STATUS_FIELD: "Exported", EXPORT_ERROR_FIELD: None,
            **({"SCMFFA__General_Ledger_Account__c": s.filled_gla} if s.filled_gla else {}),
        })
        for s in entry.sources
    )  # fmt: skip
    # A financial record's line is keyed by the record; a summarised or balancing line by the journal.
    line_id = f"{PREFIX}:{entry.key}" if single else f"{base}:{entry.key}"
    return TargetLine(sobject=LINE_OBJECT, external_id=line_id, parent_field=PARENT_FIELD,
                      fields=apply_rules(rules, "line", entry.record, derived), amount=entry.value,
                      source_links=links)  # fmt: skip


# The flow's entry point, shaped like every other flow's (mapping/entry.py).
map_journal = DocumentMapping[JournalSettings](BACK_LINK_FIELD, "journal", build=_map, not_for_export=_not_for_export)
