"""Builders of OIM credit invoices, in the REST shape the org returns for the credit note flow's query."""

from __future__ import annotations

from typing import Any

from tests.unit.connector import builders as b

CREDIT_ID = "a4C000000000001AAA"
INVOICE_ID = "a4A000000000001AAA"
SALES_INVOICE = "a2A000000000001AAA"
DIM2 = "a1I000000000001AAA"
SIN_LINE_DIM1 = "a1H000000000009AAA"


def credit_line(
    line_id: str,
    *,
    quantity: float | None = 1,
    amount: float | None = 10.0,
    tax: float | None = None,
    record_type: str = "Item",
    product: str | None = b.PRODUCT_WIDGET,
    sales_invoice_line: bool = True,
    original_line: str | None = "a4B000000000001AAA",
) -> dict[str, Any]:
    return {
        "attributes": {"type": "SCMC__Credit_Invoice_Line__c"},
        "Id": line_id,
        "Name": f"CRL-{line_id[-4:]}",
        "SCMC__Quantity__c": quantity,
        "SCMC__Amount__c": amount,
        "SCMC__Tax__c": tax,
        "SCMC__Description__c": None,
        "SCMC__Invoice_Line_Item__c": original_line,
        "SCMC__Invoice_Line_Item__r": {
            "Name": "INVL-0000001",
            "RecordType": {"Name": record_type},
            "SCMC__Description__c": "Standard widget, blue",
            "SCMFFA__Product__c": product,
            "SCMC__Item__r": {
                "Name": "WIDGET-1",
                "SCMC__Product_Group__r": {
                    "SCMFFA__Dimension_1__c": b.DIM1, "SCMFFA__Dimension_2__c": None,
                    "SCMFFA__Dimension_3__c": None, "SCMFFA__Dimension_4__c": None,
                },
            },
            "SCMFFA__Sales_Invoice_Line_Item__c": "a2B000000000001AAA" if sales_invoice_line else None,
            "SCMFFA__Sales_Invoice_Line_Item__r": {
                "c2g__Product__c": b.PRODUCT_WIDGET, "c2g__Dimension1__c": SIN_LINE_DIM1,
                "c2g__Dimension2__c": None, "c2g__Dimension3__c": None, "c2g__Dimension4__c": None,
            }
            if sales_invoice_line
            else None,
        }
        if original_line
        else None,
    }  # fmt: skip


def credit_invoice(*lines: dict[str, Any], sales_invoice_status: str = "Complete", **overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "attributes": {"type": "SCMC__Credit_Invoice__c"},
        "Id": CREDIT_ID,
        "Name": "CRINV-000001",
        "CreatedDate": "2026-11-20T10:00:00.000+0000",
        "SCMC__Export_Status__c": "New",
        "SCMC__Total_Tax__c": None,
        "SCMFFA__Credit_Note__c": None,
        "SCMFFA__Credit_Note__r": None,
        "SCMFFA__Billing_Document__c": None,
        "SCMFFA__Credit_Invoice_Due_Date__c": "2026-11-20",
        "SCMC__Invoicing__c": INVOICE_ID,
        "SCMC__Invoicing__r": {
            "Name": "INV-000042",
            "SCMC__Status__c": "Closed",
            "SCMFFA__Accounting_Company__c": b.COMPANY_US,
            "SCMFFA__Credit_Note__c": None,
            "SCMFFA__Credit_Note__r": None,
            "SCMFFA__Sales_Invoice__c": SALES_INVOICE,
            "SCMFFA__Sales_Invoice__r": {
                "Name": "SIN000123",
                "c2g__InvoiceStatus__c": sales_invoice_status,
                "c2g__InvoiceDate__c": "2026-02-18",
                "c2g__Account__c": b.CUSTOMER,
                "c2g__OwnerCompany__c": b.COMPANY_US,
                "c2g__InvoiceCurrency__c": b.USD,
                "c2g__Dimension1__c": b.DIM1,
                "c2g__Dimension2__c": DIM2,
                "c2g__Dimension3__c": None,
                "c2g__Dimension4__c": None,
            },
        },
        "SCMC__Credit_Invoice_Lines__r": {"totalSize": len(lines), "done": True, "records": list(lines)}
        if lines
        else None,
    }  # fmt: skip
    record.update(overrides)
    return record
