"""Builders of OIM records and reference data, in the REST shape the org returns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from oim_connector.mapping.reference import AccountingCurrency, Company, ExchangeRate, Period, ReferenceData

COMPANY_US = "a1C000000000001AAA"
COMPANY_UK = "a1C000000000002AAA"
USD = "a1D000000000001AAA"
GBP = "a1D000000000002AAA"
JPY = "a1D000000000003AAA"
PRODUCT_WIDGET = "01t000000000001AAA"
PRODUCT_FREIGHT = "01t000000000002AAA"
PRODUCT_TAX = "01t000000000003AAA"
PRODUCT_DEPOSIT = "01t000000000004AAA"
CUSTOMER = "001000000000001AAA"
AR_CONTROL = "a1G000000000001AAA"
DIM1 = "a1H000000000001AAA"


def reference(*, closed_months: tuple[int, ...] = (), line_types: dict[str, str] | None = None) -> ReferenceData:
    periods = []
    for company in (COMPANY_US, COMPANY_UK):
        for month in range(1, 13):
            start = dt.date(2026, month, 1)
            end = (dt.date(2026, month + 1, 1) if month < 12 else dt.date(2027, 1, 1)) - dt.timedelta(days=1)
            periods.append(
                Period(f"{company[:14]}P{month:02d}", f"2026/{month:03d}", company, start, end, month in closed_months)
            )
    return ReferenceData(
        companies={COMPANY_US: Company(COMPANY_US, "Acme Industries US"), COMPANY_UK: Company(COMPANY_UK, "Acme UK")},
        currencies={
            USD: AccountingCurrency(USD, "USD", COMPANY_US, 2, home=True),
            JPY: AccountingCurrency(JPY, "JPY", COMPANY_US, 0),
            GBP: AccountingCurrency(GBP, "GBP", COMPANY_UK, 2, home=True),
        },
        periods=tuple(periods),
        line_type_products=line_types
        if line_types is not None
        else {"Freight": PRODUCT_FREIGHT, "Tax": PRODUCT_TAX, "Deposit": PRODUCT_DEPOSIT},
        exchange_rates=(ExchangeRate(GBP, dt.date(2026, 1, 1), Decimal("0.8")),),
    )


def item_line(
    line_id: str,
    *,
    quantity: float = 1,
    price: float = 10.0,
    product: str | None = PRODUCT_WIDGET,
    record_type: str = "Item",
    tax: float | None = None,
    unit_price: float | None = None,
) -> dict[str, Any]:
    return {
        "attributes": {"type": "SCMC__Invoice_Line_Item__c"},
        "Id": line_id,
        "Name": f"INVL-{line_id[-4:]}",
        "RecordType": {"Name": record_type},
        "SCMC__Item__c": "a3C000000000001AAA" if record_type == "Item" else None,
        "SCMC__Item__r": {
            "Name": "WIDGET-1",
            "SCMC__Product__c": None,
            "SCMC__Product_Group__c": "a3B000000000001AAA",
            "SCMC__Product_Group__r": {
                "Name": "Widgets",
                "SCMFFA__Product__c": product,
                "SCMFFA__Dimension_1__c": DIM1,
                "SCMFFA__Dimension_2__c": None,
                "SCMFFA__Dimension_3__c": None,
                "SCMFFA__Dimension_4__c": None,
            },
        }
        if record_type == "Item"
        else None,
        "SCMC__Quantity__c": quantity,
        "SCMC__Unit_Price__c": unit_price if unit_price is not None else price,
        "SCMC__Price_With_Options__c": price,
        "SCMC__Description__c": None,
        "SCMC__Tax__c": tax,
        "SCMFFA__Product__c": None,
    }


def invoice(*lines: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "attributes": {"type": "SCMC__Invoicing__c"},
        "Id": "a4A000000000001AAA",
        "Name": "INV-000001",
        "CreatedDate": "2026-11-20T10:00:00.000+0000",
        "SCMC__Status__c": "Closed",
        "SCMC__Proforma__c": False,
        "SCMC__Export_Status__c": "New",
        "SCMFFA__Sales_Invoice__c": None,
        "SCMFFA__Sales_Invoice__r": None,
        "SCMFFA__Billing_Document__c": None,
        "SCMC__Shipping__r": {"SCMC__Status__c": "Shipment complete"},
        "SCMC__Sales_Order__r": {"SCMC__Drop_Ship__c": False, "SCMFFA__Accounting_Company__c": COMPANY_US,
                                 "SCMFFA__Accounting_Currency__c": USD, "SCMC__Currency__r": {"Name": "USD"},
                                 "SCMC__Customer_Account__c": CUSTOMER},
        "SCMFFA__Accounting_Company__c": COMPANY_US,
        "SCMFFA__Accounting_Currency__c": USD,
        "SCMC__Customer__c": CUSTOMER,
        "SCMC__Customer__r": {"Name": "Globex", "c2g__CODAAccountsReceivableControl__c": AR_CONTROL},
        "SCMC__Invoice_Date__c": "2026-11-20",
        "SCMC__Due_Date__c": "2026-12-20",
        "SCMC__Total_Tax__c": None,
        "SCMC__Invoice_Line_Items__r": {"totalSize": len(lines), "done": True, "records": list(lines)}
        if lines
        else None,
    }  # fmt: skip
    record.update(overrides)
    return record
