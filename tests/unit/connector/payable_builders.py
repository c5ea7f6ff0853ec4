"""Builders of AP vouchers, voucher credits and their lines, in the REST shape the org returns."""

from __future__ import annotations

import dataclasses
from typing import Any

from oim_connector.mapping.payables import PayablesReference

from tests.unit.connector import builders as b

VOUCHER = "a4E000000000001AAA"
CREDIT = "a4G000000000001AAA"
PIN = "a2E000000000001AAA"
VENDOR = "001000000000009AAA"
AP_CONTROL = "a1G000000000002AAA"
GLA_ACCRUED = "a1G000000000010AAA"
GLA_FREIGHT = "a1G000000000011AAA"
GLA_MAINTENANCE = "a1G000000000012AAA"
GLA_MISC = "a1G000000000013AAA"
GLA_PURCHASE_TAX = "a1G000000000014AAA"
GLA_LINE_OWN = "a1G000000000015AAA"
DIM1_INDUSTRIAL = "a1H000000000002AAA"
DIM1_MRO = "a1H000000000003AAA"
PO_US = "a3M000000000001AAA"
PO_UK = "a3M000000000002AAA"


def reference(**kwargs: Any) -> PayablesReference:
    base = b.reference(**kwargs)
    fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
    return PayablesReference(**fields, products={b.PRODUCT_TAX: ("Sales Tax", GLA_PURCHASE_TAX)})


def _group(name: str, product: str | None, gla: str | None, dim1: str | None = DIM1_INDUSTRIAL) -> dict[str, Any]:
    return {
        "Name": name,
        "SCMFFA__Product__c": product,
        "SCMFFA__Product__r": {"Name": "Widget", "c2g__CODAPurchaseAnalysisAccount__c": gla} if product else None,
        "SCMFFA__Dimension_1__c": dim1,
        "SCMFFA__Dimension_2__c": None,
        "SCMFFA__Dimension_3__c": None,
        "SCMFFA__Dimension_4__c": None,
    }


def purchase_order(po_id: str = PO_US, company: str | None = b.COMPANY_US, currency: str | None = b.USD,
                   iso: str = "USD") -> dict[str, Any]:  # fmt: skip
    return {"Id": po_id, "Name": f"PO-{po_id[-7:-3]}", "SCMFFA__Accounting_Company__c": company,
            "SCMFFA__Accounting_Currency__c": currency, "SCMC__Currency__r": {"Name": iso}}  # fmt: skip


def voucher_line(
    line_id: str,
    *,
    line_type: str = "Item",
    po_line_type: str | None = "Item",
    product_line: bool = True,
    item: bool = True,
    product: str | None = b.PRODUCT_WIDGET,
    product_gla: str | None = GLA_ACCRUED,
    category_gla: str | None = GLA_MAINTENANCE,
    po_line_gla: str | None = GLA_MAINTENANCE,
    quantity: float = 1,
    unit_cost: float = 10.0,
    amount: float | None = None,
    order: dict[str, Any] | None = None,
    own_product: str | None = None,
    own_gla: str | None = None,
) -> dict[str, Any]:
    po_line: dict[str, Any] | None = None
    item_id = "a3C000000000001AAA"
    item_record = {"Name": "WID-100", "SCMC__Product_Group__r": _group("Widgets", product, product_gla)}
    on_po_line = po_line_type == "Item"
    if po_line_type is not None:
        po_line = {
            "Name": f"POL-{line_id[-7:-3]}",
            "SCMC__Line_Type__c": po_line_type,
            "SCMFFA__General_Ledger_Account__c": po_line_gla if po_line_type == "Description" else None,
            "SCMC__Category__c": "a3B000000000009AAA" if po_line_type == "Category" else None,
            "SCMC__Category__r": _group("MRO Supplies", None, None, DIM1_MRO)
            | {"SCMFFA__Purchase_Analysis_GLA_for_Category__c": category_gla}
            if po_line_type == "Category"
            else None,
            "SCMC__Purchase_Order__c": (order or {}).get("Id", PO_US),
            "SCMC__Purchase_Order__r": order or purchase_order(),
            "SCMC__Item_Master__c": item_id if item and on_po_line else None,
            "SCMC__Item_Master__r": item_record if item and on_po_line else None,
        }
    return {
        "attributes": {"type": "SCMC__AP_Voucher_Line__c"},
        "Id": line_id,
        "Name": f"APVL-{line_id[-7:-3]}",
        "SCMC__Line_Type__c": line_type,
        # An item line's item is its PO line's Item Master; any other line's is its Accounting Item.
        "SCMC__Accounting_Item__c": item_id if item and not on_po_line else None,
        "SCMC__Accounting_Item__r": item_record if item and not on_po_line else None,
        "SCMC__Purchase_Order_Line_Item__c": "a3N" + line_id[3:] if po_line else None,
        "SCMC__Purchase_Order_Line_Item__r": po_line,
        "SCMC__Quantity__c": quantity,
        "SCMC__Unit_Cost__c": unit_cost,
        "SCMC__Amount__c": amount if amount is not None else round(quantity * unit_cost, 2),
        "SCMC__Description__c": f"line {line_id[-7:-3]}",
        "SCMFFA__Product_Line__c": product_line,
        "SCMFFA__Product__c": own_product,
        "SCMFFA__General_Ledger_Account__c": own_gla,
    }


def category_line(line_id: str, **kwargs: Any) -> dict[str, Any]:
    return voucher_line(line_id, po_line_type="Category", item=False, **({"product_line": False} | kwargs))


def description_line(line_id: str, **kwargs: Any) -> dict[str, Any]:
    return voucher_line(line_id, po_line_type="Description", item=False, **({"product_line": False} | kwargs))


def tax_line(line_id: str, amount: float, *, product_line: bool = True) -> dict[str, Any]:
    return voucher_line(line_id, line_type="Tax", po_line_type=None, item=False, product_line=product_line,
                        unit_cost=amount)  # fmt: skip


def _site(account: str | None = VENDOR, ap_control: str | None = AP_CONTROL, iso: str = "USD") -> dict[str, Any]:
    return {"Name": "Globex Components - Springfield", "SCMC__Account__c": account,
            "SCMC__Currency__r": {"Name": iso},
            "SCMC__Account__r": {"Name": "Globex Components", "c2g__CODAAccountsPayableControl__c": ap_control}
            if account else None}  # fmt: skip


def voucher(*lines: dict[str, Any], total: float | None = None, **overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "attributes": {"type": "SCMC__AP_Voucher__c"},
        "Id": VOUCHER,
        "Name": "APV-000001",
        "CreatedDate": "2026-11-20T10:00:00.000+0000",
        "SCMC__Status__c": "Matched",
        "SCMC__Export_Status__c": "New",
        "SCMFFA__Payable_Invoice__c": None,
        "SCMC__Invoice_Number__c": "GLX-INV-1001",
        "SCMC__Invoice_Date__c": "2026-11-20",
        "SCMC__Due_Date__c": "2026-12-20",
        "SCMC__Invoice_Total__c": total if total is not None else sum(line["SCMC__Amount__c"] for line in lines),
        "SCMFFA__Accounting_Company__c": None,
        "SCMFFA__Accounting_Currency__c": None,
        "SCMFFA__Period__c": None,
        "SCMC__Supplier_Site__c": "a3J000000000001AAA",
        "SCMC__Supplier_Site__r": _site(),
        "SCMC__AP_Voucher_Lines__r": {"totalSize": len(lines), "done": True, "records": list(lines)} if lines else None,
    }
    record.update(overrides)
    return record


def site(**kwargs: Any) -> dict[str, Any]:
    return _site(**kwargs)


def line_credit(line_id: str, of: dict[str, Any], *, quantity: float | None = 1,
                amount: float = 10.0) -> dict[str, Any]:  # fmt: skip
    return {
        "attributes": {"type": "SCMC__AP_Voucher_Line_Credit__c"},
        "Id": line_id,
        "Name": f"APVLC-{line_id[-7:-3]}",
        "SCMC__Quantity__c": quantity,
        "SCMC__Amount__c": amount,
        "SCMC__Description__c": f"credit {line_id[-7:-3]}",
        "SCMC__AP_Voucher_Line__r": of,
    }


def credit(*lines: dict[str, Any], pin_status: str = "Complete", voucher_status: str = "Exported",
           **overrides: Any) -> dict[str, Any]:  # fmt: skip
    record: dict[str, Any] = {
        "attributes": {"type": "SCMC__AP_Voucher_Credit__c"},
        "Id": CREDIT,
        "Name": "APVC-000001",
        "CreatedDate": "2026-11-22T10:00:00.000+0000",
        "SCMC__Export_Status__c": "New",
        "SCMFFA__Payable_Credit_Note__c": None,
        "SCMC__Invoice_Number__c": "GLX-CR-2001",
        "SCMC__Credit_Date__c": "2026-11-22",
        "SCMFFA__Period__c": None,
        "SCMC__AP_Voucher__c": VOUCHER,
        "SCMC__AP_Voucher__r": {
            "Name": "APV-000001",
            "SCMC__Invoice_Number__c": "GLX-INV-1001",
            "SCMC__Export_Status__c": voucher_status,
            "SCMFFA__Payable_Invoice__c": PIN,
            "SCMFFA__Payable_Invoice__r": {"Name": "PIN000001", "c2g__InvoiceStatus__c": pin_status,
                                           "c2g__OwnerCompany__c": b.COMPANY_US, "c2g__InvoiceCurrency__c": b.USD},
            "SCMC__Supplier_Site__r": _site(),
        },
        "SCMC__AP_Voucher_Line_Credits__r": {"totalSize": len(lines), "done": True, "records": list(lines)}
        if lines
        else None,
    }  # fmt: skip
    record.update(overrides)
    return record
