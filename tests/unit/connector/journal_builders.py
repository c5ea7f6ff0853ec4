"""Builders of perpetual records, financial records and the journal flow's reference data,
in the REST shape the org returns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from oim_connector.mapping.reference import AccountingCurrency, Company, ExchangeRate, Period, ReferenceData

COMPANY_US = "a1C000000000001AAA"
COMPANY_UK = "a1C000000000002AAA"
USD = "a1D000000000001AAA"
EUR_US = "a1D000000000002AAA"
GBP = "a1D000000000003AAA"
EUR_UK = "a1D000000000004AAA"
JPY = "a1D000000000005AAA"
GLA_INVENTORY = "a1G000000000001AAA"
GLA_ACCRUED = "a1G000000000002AAA"
GLA_COGS = "a1G000000000003AAA"
GLA_MISC = "a1G000000000004AAA"
GLA_ROUNDING = "a1G000000000005AAA"
GLA_CLEARING = "a1G000000000006AAA"
GLA_PG_INVENTORY = "a1G000000000007AAA"
GLA_REASON = "a1G000000000008AAA"
GLA_PO_LINE = "a1G000000000009AAA"
DIM1 = "a1H000000000001AAA"
ITPR_ID = "a4J000000000001AAA"

MAPPED_CATEGORIES = {
    "Inventory": GLA_INVENTORY,
    "Accrued Purchases": GLA_ACCRUED,
    "Cost of Goods Sold": GLA_COGS,
    "Miscellaneous": GLA_MISC,
}


def reference(*, closed_months: tuple[int, ...] = (), eur_uk_rate: str = "1.17") -> ReferenceData:
    periods = []
    for company in (COMPANY_US, COMPANY_UK):
        for month in range(1, 13):
            start = dt.date(2026, month, 1)
            end = (dt.date(2026, month + 1, 1) if month < 12 else dt.date(2027, 1, 1)) - dt.timedelta(days=1)
            periods.append(
                Period(f"{company[:14]}P{month:02d}", f"2026/{month:03d}", company, start, end, month in closed_months)
            )
    return ReferenceData(
        companies={COMPANY_US: Company(COMPANY_US, "Acme Industries US"),
                   COMPANY_UK: Company(COMPANY_UK, "Acme Industries UK")},
        currencies={
            USD: AccountingCurrency(USD, "USD", COMPANY_US, 2, home=True),
            EUR_US: AccountingCurrency(EUR_US, "EUR", COMPANY_US, 2),
            JPY: AccountingCurrency(JPY, "JPY", COMPANY_US, 0),
            GBP: AccountingCurrency(GBP, "GBP", COMPANY_UK, 2, home=True),
            EUR_UK: AccountingCurrency(EUR_UK, "EUR", COMPANY_UK, 2),
        },
        periods=tuple(periods),
        gl_category_accounts={category: {None: gla} for category, gla in MAPPED_CATEGORIES.items()},
        exchange_rates=(
            ExchangeRate(EUR_US, dt.date(2026, 1, 1), Decimal("0.92")),
            ExchangeRate(JPY, dt.date(2026, 1, 1), Decimal("151.5")),
            ExchangeRate(EUR_UK, dt.date(2026, 1, 1), Decimal(eur_uk_rate)),
        ),
        gla_by_reporting_code={"1300": GLA_INVENTORY, "7900": GLA_ROUNDING, "9990": GLA_CLEARING},
    )  # fmt: skip


def financial_record(
    number: int,
    category: str,
    value: float | str,
    *,
    gla: str | None = None,
    currency: str = "USD",
    elements: str | None = "Material",
) -> dict[str, Any]:
    return {
        "attributes": {"type": "SCMC__Inventory_Transaction_Financial_Records__c"},
        "Id": f"a4K{number:012d}AAA",
        "Name": f"ITFR-{number:07d}",
        "SCMC__GL_Account__c": category,
        "SCMC__ICP_Value_Amount__c": value,
        "SCMC__ICP_Currency__r": {"Name": currency},
        "SCMC__Elements_of_Costs__c": elements,
        "SCMC__Quantity__c": 1,
        "SCMFFA__General_Ledger_Account__c": gla,
    }


def perpetual_record(*records: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "attributes": {"type": "SCMC__Inventory_Transaction_Perpetual_Record__c"},
        "Id": ITPR_ID,
        "Name": "ITPR-0000001",
        "CreatedDate": "2026-03-16T10:00:00.000+0000",
        "SCMC__Inventory_Transactions__c": "Receive Purchased Material",
        "SCMC__Transaction_Date__c": "2026-03-16",
        "SCMC__Export_Status__c": "New",
        "SCMFFA__Journal__c": None,
        "SCMFFA__Journal__r": None,
        "SCMFFA__Journal_Date__c": None,
        "SCMFFA__Journal_Type__c": None,
        "SCMFFA__Accounting_Company__c": COMPANY_US,
        "SCMFFA__Accounting_Currency__c": USD,
        "SCMC__Inventory_Location__r": icp_location("Dallas", COMPANY_US, "USD"),
        "SCMC__Purchase_Order__r": None,
        "SCMC__Trade_Currency__r": {"Name": "USD"},
        "SCMC__Invoicing__r": None,
        "SCMC__AP_Voucher__r": None,
        "SCMC__Item__r": {"Name": "WID-100", "SCMC__Product_Group__r": {
            "Name": "Widgets", "SCMFFA__Inventory_GLA__c": None, "SCMFFA__COGS_GLA__c": None,
            "SCMFFA__Dimension_1__c": DIM1, "SCMFFA__Dimension_2__c": None, "SCMFFA__Dimension_3__c": None,
            "SCMFFA__Dimension_4__c": None}},
        "SCMC__Reason_Code__r": None,
        "SCMC__Purchase_Order_Line_Item__r": None,
        "SCMC__Financial_Records__r": {"totalSize": len(records), "done": True, "records": list(records)}
        if records
        else None,
    }  # fmt: skip
    record.update(overrides)
    return record


def icp_location(name: str, company: str | None, iso: str | None) -> dict[str, Any]:
    """A perpetual record's inventory location, its warehouse and that warehouse's ICP, as SOQL returns them."""
    icp = {"Name": name, "SCMFFA__Accounting_Company__c": company, "SCMC__Currency__r": {"Name": iso} if iso else None}
    return {"SCMC__Warehouse__r": {"SCMC__ICP__r": icp}}
