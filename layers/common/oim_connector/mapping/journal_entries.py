"""Financial records -> journal entries: each record's GLA and its value in the journal currency.

connector-spec §8: the GLA comes from the financial record itself (when OIM or the connector
filled it), else from the related records its GL category calls for, else from the GL Account
mapping of the category. Values are OIM's signed ICP value amounts, converted exactly here and
rounded later, so rounding is accounted for once, in one place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from oim_connector.mapping.money import to_decimal
from oim_connector.mapping.reference import AccountingCurrency, Company, ReferenceData
from oim_connector.mapping.rules import MappingError, get_path, map_all
from oim_connector.model.settings import JournalSettings, RelatedGlaSource

# A perpetual record's ICP is a text formula (OIM DD 2024.1: Inventory_Location__r.Warehouse__r.ICP__r.Name), not
# a lookup: the ICP record is reached through the inventory location (OIM DD 2025.3 SCMC__Inventory_Location__c:
# Warehouse__c lookup) and its warehouse (OIM help "Warehouse Fields": ICP lookup).
ICP = "SCMC__Inventory_Location__r.SCMC__Warehouse__r.SCMC__ICP__r."

GROUP = "SCMC__Item__r.SCMC__Product_Group__r."
PO_LINE = "SCMC__Purchase_Order_Line_Item__r."

# Related source -> (field path on the perpetual record, how to name it in an error).
_RELATED: dict[RelatedGlaSource, tuple[str, str]] = {
    "product_group_inventory": (GROUP + "SCMFFA__Inventory_GLA__c", "inventory GLA of product group '{group}'"),
    "product_group_cogs": (GROUP + "SCMFFA__COGS_GLA__c", "COGS GLA of product group '{group}'"),
    "reason_code": ("SCMC__Reason_Code__r.SCMFFA__General_Ledger_Account__c", "GLA of reason code '{reason}'"),
    "category_purchase_analysis": (
        PO_LINE + "SCMC__Category__r.SCMFFA__Purchase_Analysis_GLA_for_Category__c",
        "purchase analysis GLA for category of product group '{category}'",
    ),
    "po_line": (PO_LINE + "SCMFFA__General_Ledger_Account__c", "GLA of the purchase order line"),
}


@dataclass(frozen=True)
class SourceRecord:
    """A financial record behind a journal line, and the GLA to write back on it if it had none."""

    record_id: str
    name: str
    category: str
    value: Decimal  # in the journal currency, exact
    filled_gla: str | None = None


@dataclass(frozen=True)
class Entry:
    """One journal line before it becomes a TargetLine: exact or rounded value, where it comes from."""

    key: str  # what makes the line's external id unique within the journal
    gla: str
    value: Decimal
    description: str
    sources: tuple[SourceRecord, ...] = ()
    record: Mapping[str, Any] = field(default_factory=dict)  # the OIM record for source-path field rules


def transaction_entries(
    itpr: Mapping[str, Any],
    records: Sequence[Mapping[str, Any]],
    *,
    company: Company,
    currency: AccountingCurrency,
    day: dt.date,
    ref: ReferenceData,
    settings: JournalSettings,
) -> list[Entry]:
    """One entry per financial record; every record that can't be booked is named in one error."""
    return map_all(
        records, lambda record: _entry(itpr, record, company=company, currency=currency, day=day, ref=ref,
                                       settings=settings)
    )  # fmt: skip


def _entry(
    itpr: Mapping[str, Any],
    record: Mapping[str, Any],
    *,
    company: Company,
    currency: AccountingCurrency,
    day: dt.date,
    ref: ReferenceData,
    settings: JournalSettings,
) -> Entry:
    name = str(record.get("Name") or record["Id"])
    category = str(record.get("SCMC__GL_Account__c") or "")
    amount = to_decimal(record.get("SCMC__ICP_Value_Amount__c"))
    if amount is None:
        raise MappingError(f"Financial record {name} has no ICP Value Amount: correct the record in OIM")
    value = convert(amount, _record_currency_iso(itpr, record) or currency.iso_code, currency, company=company,
                    day=day, ref=ref, record_label=f"Financial record {name}")  # fmt: skip
    own = record.get("SCMFFA__General_Ledger_Account__c")
    gla = str(own) if own else _derived_gla(itpr, category, name, company, ref, settings)
    elements = record.get("SCMC__Elements_of_Costs__c")
    description = f"{name} {category}" + (f" ({elements})" if elements else "")
    source = SourceRecord(str(record["Id"]), name, category, value, None if own else gla)
    return Entry(key=str(record["Id"]), gla=gla, value=value, description=description, sources=(source,),
                 record=record)  # fmt: skip


def _record_currency_iso(itpr: Mapping[str, Any], record: Mapping[str, Any]) -> str | None:
    value = get_path(record, "SCMC__ICP_Currency__r.Name") or get_path(itpr, ICP + "SCMC__Currency__r.Name")
    return str(value) if value else None


def convert(
    amount: Decimal,
    from_iso: str,
    to: AccountingCurrency,
    *,
    company: Company,
    day: dt.date,
    ref: ReferenceData,
    record_label: str,
) -> Decimal:
    """Exact conversion through the company's home currency (rates are units per one home unit)."""
    if from_iso.upper() == to.iso_code.upper():
        return amount
    source = ref.currency_for(company.id, from_iso)
    if source is None:
        raise MappingError(
            f"{record_label} is in {from_iso}, which is not an accounting currency of company '{company.name}': "
            "create the currency and its exchange rates in Accounting"
        )
    return amount / _rate(source, company, day, ref) * _rate(to, company, day, ref)


def _rate(currency: AccountingCurrency, company: Company, day: dt.date, ref: ReferenceData) -> Decimal:
    if currency.home:
        return Decimal(1)
    rate = ref.rate_on(currency.id, day)
    if rate is None or rate == 0:
        raise MappingError(
            f"Company '{company.name}' has no exchange rate for {currency.iso_code} on or before {day.isoformat()}: "
            "add the rate in Accounting"
        )
    return rate


def _derived_gla(
    itpr: Mapping[str, Any], category: str, name: str, company: Company, ref: ReferenceData, settings: JournalSettings
) -> str:
    sources = settings.related_gla_sources.get(category, [])
    for source in sources:
        gla = get_path(itpr, _RELATED[source][0])
        if gla:
            return str(gla)
    mapped = ref.gl_category_accounts.get(category, {})
    gla = mapped.get(company.id) or mapped.get(None)
    if gla:
        return gla
    shown = category or "(none)"
    fixes = [
        f"map '{shown}' to a general ledger account in the OIM GL Accounts (GL Account mapping)",
        *(f"set the {_describe(itpr, source)}" for source in sources),
    ]
    raise MappingError(
        f"Financial record {name} (GL category '{shown}') has no general ledger account: {', '.join(fixes)} "
        "or set the GLA on the financial record"
    )


def _describe(itpr: Mapping[str, Any], source: RelatedGlaSource) -> str:
    return _RELATED[source][1].format(
        group=get_path(itpr, GROUP + "Name") or "of the item",
        reason=get_path(itpr, "SCMC__Reason_Code__r.Name") or "of the transaction",
        category=get_path(itpr, PO_LINE + "SCMC__Category__r.Name") or "of the purchase order line",
    )
