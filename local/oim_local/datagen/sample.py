"""The sample data set: ``python -m oim_local.datagen.sample [OUT_DIR]``.

Writes ``local/oim_local/data/sample/`` (plan, one file per object, ``manifest.json``) and
``local/oim_local/data/README.md``. Each source document is one case of one flow: it is
there to be created, skipped or refused for a stated reason. Document texts carry the
document's referenceId (``InvOk1: ...``) so tests can find them without knowing Ids.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from oim_local.datagen import documents as d
from oim_local.datagen.dataset import DataSetWriter
from oim_local.datagen.manifest import Flow, Locator, ManifestEntry, Outcome
from oim_local.datagen.readme import write_readme
from oim_local.datagen.reference import COMPANY_UK, COMPANY_US, LONG_TERMS_NAME, reference_records
from oim_local.datagen.tree import PLAN_FILE, Record, record, ref, reference_id

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SAMPLE_DIR = DATA_DIR / "sample"

_SI: Flow = "sales-invoices"
_SCN: Flow = "sales-credit-notes"
_PIN: Flow = "payable-invoices"
_PCN: Flow = "payable-credit-notes"
_JNL: Flow = "journals"
_VEN: Flow = "vendor-accounts"

Case = tuple[list[Record], ManifestEntry]


def _entry(
    flow: Flow, sobject: str, rid: str, locator: Locator, case: str, outcome: Outcome, reason: str = ""
) -> ManifestEntry:
    return ManifestEntry(
        flow=flow, sobject=sobject, reference_id=rid, locator=locator, case=case, outcome=outcome, reason=reason
    )


# ------------------------------------------------------------------ sales invoices


def _invoice(inv: d.SalesInvoice, case: str, outcome: Outcome, reason: str = "") -> Case:
    locator = Locator(sobject="SCMC__Invoice_Line_Item__c", field="SCMC__Description__c", value=inv.lines[0].text)
    entry = _entry(_SI, "SCMC__Invoicing__c", inv.reference_id, locator, case, outcome, reason)
    return list(d.sales_invoice_records(inv)), entry


def _line(
    rid: str,
    line_type: str,
    qty: float,
    price: float,
    text: str,
    *,
    item: str | None = None,
    price_with_options: float | None = None,
    tax: float | None = None,
) -> d.InvoiceLine:
    """A line whose text starts with its invoice's referenceId, so tests can find it."""
    return d.InvoiceLine(line_type, qty, price, f"{rid}: {text}", item, price_with_options, tax)


def sales_invoice_cases() -> Iterator[Case]:
    r = "InvOk1"
    yield _invoice(
        d.SalesInvoice(
            r,
            "CustNorthwind",
            "2026-03-10",
            [
                _line(r, "Item", 10, 25.0, "Standard widget, blue", item="ItemWidgetA", tax=20.63),
                _line(r, "Item", 3, 33.333333, "Precision gadget (3 x 33.333333)", item="ItemGadget", tax=8.25),
                _line(r, "Freight", 1, 45.0, "Ground freight"),
                _line(r, "Discount", 1, -20.0, "Loyalty discount", tax=-1.65),
            ],
            total_tax=27.23,
        ),
        "item lines, freight, a negative discount, OIM tax 27.23, 3 x 33.333333 rounds to 100.00",
        "created",
        "deleting the Tax line-type mapping makes it fail: no product for the summarised tax line",
    )
    r = "InvOk2"
    yield _invoice(
        d.SalesInvoice(
            r,
            "CustContoso",
            "2026-03-12",
            [
                _line(
                    r, "Item", 4, 120.0, "Heavy-duty widget with options", item="ItemWidgetB", price_with_options=135.0
                ),
                _line(r, "Virtual Kit Item", 2, 89.99, "Gadget starter kit", item="ItemKit"),
                _line(r, "Labor", 3, 65.0, "Installation, hours"),
                _line(r, "Deposit", 1, 500.0, "Deposit on next order", price_with_options=550.0),
            ],
        ),
        "options price 135.00 on the item line; deposit uses its unit price 500.00, not 550.00; kit and labor",
        "created",
    )
    r = "InvJpy"
    yield _invoice(
        d.SalesInvoice(
            r,
            "CustNorthwind",
            "2026-04-02",
            [
                _line(r, "Item", 3, 3333.333333, "Precision gadget, export order", item="ItemGadget"),
                _line(r, "Item", 7, 1234.56, "Standard widget, export order", item="ItemWidgetA"),
            ],
            iso="JPY",
        ),
        "JPY (0 decimals): lines round to 10000 and 8642",
        "created",
    )
    r = "InvDropShip"
    yield _invoice(
        d.SalesInvoice(
            r,
            "CustContoso",
            "2026-04-20",
            [
                _line(r, "Drop Ship Item", 20, 110.0, "Heavy-duty widget, shipped by the supplier", item="ItemWidgetB"),
                _line(r, "Freight", 1, 60.0, "Drop-ship freight"),
            ],
            drop_ship=True,
            shipping_status=None,
        ),
        "drop-ship invoice without a completed shipment: still eligible",
        "created",
    )
    r = "InvUK"
    yield _invoice(
        d.SalesInvoice(
            r,
            "CustFabrikam",
            "2026-04-08",
            [
                _line(r, "Item", 12, 19.95, "Standard widget, blue (UK)", item="ItemWidgetA", tax=47.88),
                _line(r, "Miscellaneous", 1, 15.0, "Handling charge", tax=3.0),
            ],
            company=COMPANY_UK,
            iso="GBP",
            total_tax=50.88,
        ),
        "UK company in GBP with VAT 50.88 from OIM",
        "created",
    )
    r = "InvOpen"
    yield _invoice(
        d.SalesInvoice(
            r,
            "CustNorthwind",
            "2026-05-04",
            [_line(r, "Item", 2, 25.0, "Standard widget", item="ItemWidgetA")],
            status="Open",
        ),
        "invoice still Open",
        "not_eligible",
        "not eligible: the invoice is open",
    )
    r = "InvProforma"
    yield _invoice(
        d.SalesInvoice(
            r,
            "CustNorthwind",
            "2026-05-05",
            [_line(r, "Item", 2, 25.0, "Standard widget", item="ItemWidgetA")],
            proforma=True,
        ),
        "proforma invoice",
        "not_eligible",
        "not eligible: a proforma invoice",
    )
    r = "InvShipPending"
    yield _invoice(
        d.SalesInvoice(
            r,
            "CustContoso",
            "2026-05-06",
            [_line(r, "Item", 1, 120.0, "Heavy-duty widget", item="ItemWidgetB")],
            shipping_status="Pick List Created",
        ),
        "shipment not complete (not drop-ship)",
        "not_eligible",
        "not eligible: the shipment is not complete",
    )
    r = "InvBillingDoc"
    yield _invoice(
        d.SalesInvoice(
            r,
            "CustNorthwind",
            "2026-05-07",
            [_line(r, "Item", 5, 25.0, "Standard widget", item="ItemWidgetA")],
            billing_document="BdNorthwind",
        ),
        "linked to a billing document (consolidated billing)",
        "not_eligible",
        "not eligible: billed through a billing document",
    )
    r = "InvNoArControl"
    yield _invoice(
        d.SalesInvoice(
            r, "CustTailspin", "2026-05-08", [_line(r, "Item", 6, 33.0, "Precision gadget", item="ItemGadget")]
        ),
        "customer Tailspin Toys has no Accounts Receivable Control GLA",
        "failed",
        "the account Tailspin Toys has no Accounts Receivable Control: set it on the account",
    )
    r = "InvNoProduct"
    yield _invoice(
        d.SalesInvoice(
            r, "CustContoso", "2026-05-11", [_line(r, "Item", 4, 12.5, "Spare part SPR-900", item="ItemSpare")]
        ),
        "item SPR-900 is in product group Unmapped Spares, which has no product",
        "failed",
        "line 1 (item SPR-900) has no product: link product group Unmapped Spares to a product",
    )


# ------------------------------------------------------------------ credit invoices (and the invoices they credit)


def _credit(
    rid: str,
    invoice: str,
    lines: Sequence[d.CreditLine],
    case: str,
    outcome: Outcome,
    reason: str = "",
    total_tax: float | None = None,
) -> Case:
    locator = Locator(sobject="SCMC__Credit_Invoice_Line__c", field="SCMC__Description__c", value=lines[0].text)
    entry = _entry(_SCN, "SCMC__Credit_Invoice__c", rid, locator, case, outcome, reason)
    records = list(
        d.credit_invoice_records(rid, invoice=invoice, due_date="2026-06-15", lines=lines, total_tax=total_tax)
    )
    return records, entry


def _exported(inv: d.SalesInvoice, case: str) -> Case:
    return _invoice(inv, case, "skipped", "already exported: no second sales invoice")


def credit_cases() -> Iterator[Case]:
    r = "InvExported"
    yield _exported(
        d.SalesInvoice(
            r,
            "CustNorthwind",
            "2026-02-05",
            [
                _line(r, "Item", 10, 25.0, "Standard widget, blue", item="ItemWidgetA"),
                _line(r, "Freight", 1, 30.0, "Ground freight"),
            ],
            exported_as="Complete",
        ),
        "already exported (Export Status Exported, linked to a Complete sales invoice)",
    )
    c = "CrPartial"
    yield _credit(
        c,
        "InvExported",
        [
            d.CreditLine("InvExportedL1", 2, 50.0, f"{c}: 2 widgets returned damaged"),
            d.CreditLine("InvExportedL1", 3, 10.0, f"{c}: price adjustment on 3 widgets"),
        ],
        "partial credit: 2 of 10 widgets, and 10.00 off 3 widgets (uneven: sent as 1 x 10.00)",
        "created",
    )
    r = "InvFullBase"
    yield _exported(
        d.SalesInvoice(
            r,
            "CustContoso",
            "2026-02-12",
            [
                _line(r, "Item", 2, 120.0, "Heavy-duty widget", item="ItemWidgetB"),
                _line(r, "Labor", 1, 65.0, "Installation"),
            ],
            exported_as="Complete",
        ),
        "exported invoice credited in full by CrFull",
    )
    c = "CrFull"
    yield _credit(
        c,
        "InvFullBase",
        [
            d.CreditLine("InvFullBaseL1", 2, 240.0, f"{c}: order cancelled, widgets"),
            d.CreditLine("InvFullBaseL2", 1, 65.0, f"{c}: order cancelled, installation"),
        ],
        "full credit of every line",
        "created",
    )
    r = "InvVoided"
    yield _exported(
        d.SalesInvoice(
            r,
            "CustNorthwind",
            "2026-02-18",
            [_line(r, "Item", 4, 33.0, "Precision gadget", item="ItemGadget")],
            status="Voided",
            exported_as="Complete",
        ),
        "exported invoice voided afterwards (Status Voided)",
    )
    c = "CrVoid"
    yield _credit(
        c,
        "InvVoided",
        [d.CreditLine("InvVoidedL1", 4, 132.0, f"{c}: void of the invoice")],
        "void credit: dated 2026-02-18, the original sales invoice's date",
        "created",
    )
    r = "InvTaxBase"
    yield _exported(
        d.SalesInvoice(
            r,
            "CustContoso",
            "2026-02-20",
            [_line(r, "Item", 10, 40.0, "Precision gadget, boxed", item="ItemGadget", tax=33.0)],
            total_tax=33.0,
            exported_as="Complete",
        ),
        "exported invoice with tax, credited by CrWithTax",
    )
    c = "CrWithTax"
    yield _credit(
        c,
        "InvTaxBase",
        [d.CreditLine("InvTaxBaseL1", 5, 200.0, f"{c}: 5 gadgets returned", tax=16.5)],
        "credit with OIM tax 16.50",
        "created",
        total_tax=16.5,
    )
    r = "InvSinInProgress"
    yield _exported(
        d.SalesInvoice(
            r,
            "CustNorthwind",
            "2026-03-02",
            [_line(r, "Item", 3, 25.0, "Standard widget", item="ItemWidgetA")],
            exported_as="In Progress",
        ),
        "exported invoice whose sales invoice is not posted yet (In Progress)",
    )
    c = "CrSinInProgress"
    yield _credit(
        c,
        "InvSinInProgress",
        [d.CreditLine("InvSinInProgressL1", 1, 25.0, f"{c}: price adjustment")],
        "the original sales invoice is In Progress",
        "failed",
        "the sales invoice of the original invoice is not posted (status In Progress): post it first",
    )
    r = "InvOldVoid"
    yield _exported(
        d.SalesInvoice(
            r,
            "CustContoso",
            "2026-03-03",
            [_line(r, "Item", 2, 120.0, "Heavy-duty widget", item="ItemWidgetB")],
            exported_as="Complete",
            void_path_credit_note=True,
        ),
        "exported invoice already credited by the deprecated void path (Credit Note set)",
    )
    c = "CrOldVoid"
    yield _credit(
        c,
        "InvOldVoid",
        [d.CreditLine("InvOldVoidL1", 2, 240.0, f"{c}: credit after void")],
        "the original invoice already has a sales credit note from the old void path",
        "failed",
        "the original invoice was already credited by a sales credit note (old void process)",
    )


# ------------------------------------------------------------------ purchase orders, AP vouchers and credits

_PO_GLOBEX = (
    d.PoLine("PolGlobexWidget", "Item", "Standard widget", item="ItemWidgetA"),
    d.PoLine("PolGlobexGadget", "Item", "Precision gadget", item="ItemGadget"),
    d.PoLine("PolGlobexCategory", "Category", "Shop floor consumables", category="PgCatMaintenance"),
    d.PoLine("PolGlobexService", "Description", "Annual calibration of test rigs", gla="GlaMaintenance"),
)
_PO_GLOBEX_UK = (d.PoLine("PolGlobexUkWidget", "Item", "Heavy-duty widget for Leeds", item="ItemWidgetB"),)
_PO_INITECH = (
    d.PoLine("PolInitechWidget", "Item", "Heavy-duty widget", item="ItemWidgetB"),
    d.PoLine("PolInitechPacking", "Description", "Packaging materials", gla="GlaMiscExpense"),
)
_PO_UMBRELLA = (d.PoLine("PolUmbrellaWidget", "Item", "Standard widget, UK stock", item="ItemWidgetA"),)
_PO_HOOLI = (d.PoLine("PolHooliWidget", "Item", "Heavy-duty widget", item="ItemWidgetB"),)
_PO_BULK = tuple(
    d.PoLine(
        f"PolBulk{n:02d}", "Item", f"Bulk order line {n}", item=("ItemWidgetA", "ItemWidgetB", "ItemGadget")[n % 3]
    )
    for n in range(1, 13)
)


def purchase_order_records() -> Iterator[Record]:
    yield from d.purchase_order_records("PoGlobex", site="SiteGlobex", company=COMPANY_US, iso="USD", lines=_PO_GLOBEX)
    yield from d.purchase_order_records(
        "PoGlobexUK", site="SiteGlobex", company=COMPANY_UK, iso="USD", lines=_PO_GLOBEX_UK
    )
    yield from d.purchase_order_records(
        "PoInitech", site="SiteInitech", company=COMPANY_US, iso="USD", lines=_PO_INITECH
    )
    yield from d.purchase_order_records(
        "PoUmbrella", site="SiteUmbrella", company=COMPANY_UK, iso="GBP", lines=_PO_UMBRELLA
    )
    yield from d.purchase_order_records("PoHooli", site="SiteHooli", company=COMPANY_US, iso="USD", lines=_PO_HOOLI)
    yield from d.purchase_order_records("PoBulk", site="SiteGlobex", company=COMPANY_US, iso="USD", lines=_PO_BULK)


def _voucher(v: d.Voucher, case: str, outcome: Outcome, reason: str = "") -> Case:
    locator = Locator(sobject="SCMC__AP_Voucher__c", field="SCMC__Invoice_Number__c", value=v.invoice_number)
    return list(d.voucher_records(v)), _entry(
        _PIN, "SCMC__AP_Voucher__c", v.reference_id, locator, case, outcome, reason
    )


def _item(po_line: d.PoLine, qty: float, cost: float) -> d.VoucherLine:
    return d.VoucherLine("Item", qty, cost, po_line.text, po_line=po_line)


def voucher_cases() -> Iterator[Case]:
    widget, gadget, category, service = _PO_GLOBEX
    freight = d.VoucherLine("Accounting", 1, 35.0, "Inbound freight", item="ItemFreightIn")
    yield _voucher(
        d.Voucher(
            "ApvMixed",
            "SiteGlobex",
            "GLX-INV-1001",
            "2026-03-20",
            "USD",
            [
                _item(widget, 10, 12.5),
                _item(gadget, 4, 31.25),
                _item(category, 1, 86.4),
                _item(service, 1, 450.0),
                freight,
                d.VoucherLine("Tax", 1, 33.22, "Sales tax charged by the vendor"),
            ],
            company=COMPANY_US,
        ),
        "product lines (2 items, accounting freight, tax) and expense lines (category, description)",
        "created",
    )
    yield _voucher(
        d.Voucher(
            "ApvCompanyMismatch",
            "SiteGlobex",
            "GLX-INV-1002",
            "2026-03-25",
            "USD",
            [_item(widget, 5, 12.5), _item(_PO_GLOBEX_UK[0], 5, 14.0)],
            company=None,
        ),
        "lines from a US company PO and a UK company PO",
        "failed",
        "the purchase orders of this voucher belong to different companies (Acme Industries US, Acme Industries UK)",
    )
    packing = _PO_INITECH[1]
    yield _voucher(
        d.Voucher(
            "ApvClosedPeriod",
            "SiteInitech",
            "INI-5501",
            "2026-09-15",
            "USD",
            [_item(_PO_INITECH[0], 3, 52.0), _item(packing, 1, 18.75)],
            company=COMPANY_US,
            period="PeriodUS09",
        ),
        "Period set to 2026/009, which is closed",
        "failed",
        "period 2026/009 is closed in Acme Industries US: choose an open period on the voucher",
    )
    yield _voucher(
        d.Voucher(
            "ApvNoVendor",
            "SiteHooli",
            "HOOLI-778",
            "2026-04-01",
            "USD",
            [_item(_PO_HOOLI[0], 2, 52.0)],
            company=COMPANY_US,
        ),
        "supplier site Hooli Logistics has no vendor account",
        "failed",
        "supplier site Hooli Logistics - Palo Alto has no vendor account: link or create its account"
        " (run this before vendor-accounts syncs SiteHooli)",
    )
    yield _voucher(
        d.Voucher(
            "ApvReceived",
            "SiteGlobex",
            "GLX-INV-1003",
            "2026-04-03",
            "USD",
            [_item(widget, 2, 12.5)],
            company=COMPANY_US,
            status="Received",
        ),
        "voucher Received, not Matched",
        "not_eligible",
        "not eligible: the voucher is not matched",
    )
    yield _voucher(
        d.Voucher(
            "ApvTwelveLines",
            "SiteGlobex",
            "GLX-INV-1004",
            "2026-04-06",
            "USD",
            [_item(line, n, 10.0 + n) for n, line in enumerate(_PO_BULK, start=1)],
            company=COMPANY_US,
        ),
        "12 product lines: with the line limit lowered to 5 it splits into 3 payable invoices",
        "created",
    )
    yield _voucher(
        d.Voucher(
            "ApvNoPo",
            "SiteInitech",
            "INI-5502",
            "2026-04-09",
            "USD",
            [
                d.VoucherLine("Accounting", 1, 75.0, "Courier charges", item="ItemFreightIn"),
                d.VoucherLine("Tax", 1, 6.19, "Sales tax on courier charges"),
            ],
            company=None,
        ),
        "no PO lines: company from the Default Company setting (Acme Industries US), USD",
        "created",
    )
    yield _voucher(
        d.Voucher(
            "ApvUK",
            "SiteUmbrella",
            "UMB-26-0415",
            "2026-04-15",
            "GBP",
            [_item(_PO_UMBRELLA[0], 40, 9.85)],
            company=COMPANY_UK,
        ),
        "UK company voucher in GBP",
        "created",
    )


def voucher_credit_cases() -> Iterator[Case]:
    widget, _gadget, category, _service = _PO_GLOBEX
    yield _voucher(
        d.Voucher(
            "ApvExported",
            "SiteGlobex",
            "GLX-INV-0950",
            "2026-02-16",
            "USD",
            [_item(widget, 10, 12.5), _item(category, 1, 60.0)],
            company=COMPANY_US,
            exported_as="Complete",
            vendor="VendGlobex",
        ),
        "already exported (linked to a Complete payable invoice)",
        "skipped",
        "already exported: no second payable invoice",
    )
    yield _voucher(
        d.Voucher(
            "ApvPinInProgress",
            "SiteInitech",
            "INI-5400",
            "2026-02-23",
            "USD",
            [_item(_PO_INITECH[0], 4, 52.0)],
            company=COMPANY_US,
            exported_as="In Progress",
            vendor="VendInitech",
        ),
        "already exported to a payable invoice that is not posted (In Progress)",
        "skipped",
        "already exported: no second payable invoice",
    )
    yield _voucher_credit(
        "ApvcPartial",
        "ApvExported",
        "GLX-CR-2001",
        [
            d.LineCredit("ApvExportedL1", 2, 25.0, "2 widgets returned"),
            d.LineCredit("ApvExportedL2", 1, 20.0, "Consumables price correction"),
        ],
        "credit of a product line and an expense line of an exported voucher",
        "created",
    )
    yield _voucher_credit(
        "ApvcPinInProgress",
        "ApvPinInProgress",
        "INI-CR-3001",
        [d.LineCredit("ApvPinInProgressL1", 1, 52.0, "1 widget returned")],
        "the voucher's payable invoice is In Progress",
        "failed",
        "the payable invoice of AP voucher INI-5400 is not posted (status In Progress): post it first",
    )
    yield _voucher_credit(
        "ApvcNoQtyVouchered",
        "ApvExported",
        "GLX-CR-2002",
        [d.LineCredit("ApvExportedL1", None, 12.5, "1 widget short-shipped")],
        "a line credit without Quantity Vouchered",
        "failed",
        "line 1 has no Quantity Vouchered: fill it on the AP voucher line credit",
    )


def _voucher_credit(
    rid: str,
    voucher: str,
    number: str,
    lines: Sequence[d.LineCredit],
    case: str,
    outcome: Outcome,
    reason: str = "",
) -> Case:
    locator = Locator(sobject="SCMC__AP_Voucher_Credit__c", field="SCMC__Invoice_Number__c", value=number)
    records = d.voucher_credit_records(
        rid, voucher=voucher, credit_number=number, credit_date="2026-03-05", lines=lines
    )
    return list(records), _entry(_PCN, "SCMC__AP_Voucher_Credit__c", rid, locator, case, outcome, reason)


# ------------------------------------------------------------------ inventory transactions


def _itpr(p: d.PerpetualRecord, case: str, outcome: Outcome, reason: str = "") -> Case:
    locator = Locator(
        sobject="SCMC__Inventory_Transaction_Perpetual_Record__c",
        field="SCMC__Inventory_Transactions__c",
        value=p.transaction,
    )
    entry = _entry(
        _JNL, "SCMC__Inventory_Transaction_Perpetual_Record__c", p.reference_id, locator, case, outcome, reason
    )
    return list(d.perpetual_record_records(p)), entry


F = d.FinancialRecord


def journal_cases() -> Iterator[Case]:
    yield _itpr(
        d.PerpetualRecord(
            "ItprReceive",
            "Receive Purchased Material",
            "2026-03-16",
            [F("Inventory", 250.0, quantity=20), F("Accrued Purchases", -250.0, quantity=20)],
            item="ItemWidgetA",
            purchase_order="PoGlobex",
            po_line="PolGlobexWidget",
        ),
        "receipt: Inventory 250.00 debit / Accrued Purchases 250.00 credit",
        "created",
    )
    yield _itpr(
        d.PerpetualRecord(
            "ItprPick",
            "Issue Customer Items Pick-list",
            "2026-03-09",
            [F("Cost of Goods Sold", 180.0, quantity=10), F("Inventory", -180.0, quantity=10)],
            item="ItemWidgetA",
            invoice="InvOk1",
            journal_date="2026-03-10",
        ),
        "pick for invoice InvOk1: COGS / Inventory, dated on the invoice (2026-03-10)",
        "created",
    )
    yield _itpr(
        d.PerpetualRecord(
            "ItprMiscIssue",
            "Miscellaneous Issue",
            "2026-03-18",
            [F("Miscellaneous", 50.0, quantity=2), F("Inventory", -50.0, quantity=2)],
            item="ItemGadget",
            reason="RcSamples",
            reason_gla="GlaMiscExpense",
        ),
        "miscellaneous issue with reason code Samples to customers (GLA Miscellaneous Expense)",
        "created",
    )
    yield _itpr(
        d.PerpetualRecord(
            "ItprCycleCount",
            "Cycle Count",
            "2026-03-31",
            [F("Cycle Count", 12.5, quantity=1), F("Inventory", -12.5, quantity=1)],
            item="ItemWidgetA",
        ),
        "cycle count shortage of one widget",
        "created",
    )
    yield _itpr(
        d.PerpetualRecord(
            "ItprScrap",
            "Scrap Inventory",
            "2026-04-02",
            [F("Scrap", 75.0, quantity=6), F("Inventory", -75.0, quantity=6)],
            item="ItemWidgetA",
            reason="RcWriteOff",
            reason_gla="GlaScrap",
        ),
        "scrap of 6 widgets, reason Damaged - write off",
        "created",
    )
    yield _itpr(
        d.PerpetualRecord(
            "ItprTransfer",
            "Item Transfer Outbound",
            "2026-04-07",
            [F("Transfer", 300.0, quantity=24), F("Inventory", -300.0, quantity=24)],
            item="ItemWidgetA",
        ),
        "transfer Dallas -> Reno: In Transit debit / Inventory credit",
        "created",
    )
    yield _itpr(
        d.PerpetualRecord(
            "ItprUseTax",
            "Use Tax",
            "2026-03-20",
            [F("Use Tax Expense", 8.25), F("Use Tax Payable", -8.25)],
            voucher="ApvMixed",
            journal_date="2026-03-20",
        ),
        "use tax on voucher GLX-INV-1001",
        "created",
    )
    yield _itpr(
        d.PerpetualRecord(
            "ItprPpv",
            "PPV",
            "2026-03-21",
            [F("PPV", 15.0, quantity=4), F("Accrued Purchases", -15.0, quantity=4)],
            item="ItemGadget",
            voucher="ApvMixed",
            journal_date="2026-03-20",
        ),
        "purchase price variance at matching, dated on the voucher (2026-03-20)",
        "created",
    )
    yield _itpr(
        d.PerpetualRecord(
            "ItprAdjustCondition",
            "Adjust Condition",
            "2026-04-10",
            [F("Inventory", 40.0, quantity=2), F("Inventory", -40.0, quantity=2)],
            item="ItemGadget",
        ),
        "a transaction type with no accounting impact",
        "skipped",
        "not for export: Adjust Condition is not an accounting transaction",
    )
    yield _itpr(
        d.PerpetualRecord(
            "ItprUnmappedWip",
            "Manufacture Item",
            "2026-04-14",
            [F("Inventory", 120.0, quantity=3), F("WIP", -120.0, quantity=3)],
            item="ItemWidgetB",
        ),
        "a WIP financial record: no GL Account mapping for WIP and no GLA on a related record",
        "failed",
        "financial record 2 (WIP) has no general ledger account: add a GL Account mapping for WIP",
    )
    yield _itpr(
        d.PerpetualRecord(
            "ItprForeign",
            "Miscellaneous Receipt",
            "2026-04-16",
            [
                F("Inventory", 33.33, element="Material", quantity=1),
                F("Inventory", 33.33, element="Freight", quantity=1),
                F("Inventory", 33.34, element="Duty", quantity=1),
                F("Miscellaneous", -100.0, quantity=1),
            ],
            icp="IcpRotterdam",
            company=COMPANY_UK,
            journal_iso="GBP",
            icp_iso="EUR",
            item="ItemWidgetA",
            reason="RcFound",
            reason_gla="GlaCycleCount",
        ),
        "EUR values in a GBP journal at 1.17: lines round to 28.49 + 28.49 + 28.50 - 85.47, 0.01 to the rounding "
        "GLA of the journal settings (reporting code 7900)",
        "created",
        "refused until the rounding GLA is set in the journal settings: the 0.01 difference is never dropped",
    )


# ------------------------------------------------------------------ supplier sites for the vendor-accounts flow


def _site(site: Record, case: str, outcome: Outcome, reason: str = "") -> Case:
    locator = Locator(sobject="SCMC__Supplier_Site__c", field="Name", value=str(site["Name"]))
    return [site], _entry(_VEN, "SCMC__Supplier_Site__c", reference_id(site), locator, case, outcome, reason)


def vendor_cases() -> Iterator[Case]:
    yield _site(
        d.supplier_site_record(
            "SiteStark",
            name="Stark Fasteners - Pittsburgh",
            supplier_name="Stark Fasteners",
            iso="USD",
            city="Pittsburgh",
            terms="TermsLong",
            ap_control="GlaApControl",
            phone="+1 412 555 0100",
        ),
        f"new site; payment terms '{LONG_TERMS_NAME}' are cut to 24 characters on the account",
        "created",
    )
    yield _site(
        d.supplier_site_record(
            "SiteWayne",
            name="Wayne Packaging - Gotham",
            supplier_name="Wayne Packaging",
            iso="USD",
            city="Gotham",
            terms="TermsNet30",
        ),
        "new site without AP control GLA: the Default AP Control GLA setting applies",
        "created",
    )
    yield _site(
        d.supplier_site_record(
            "SiteGlobexDallas",
            name="Globex Components - Dallas",
            supplier_name="Globex Components",
            iso="USD",
            city="Dallas",
            terms="TermsNet30",
        ),
        "new site whose supplier name equals the existing vendor account Globex Components",
        "failed",
        "a vendor account named Globex Components already exists: link the site to it",
    )
    yield _site(
        d.supplier_site_record(
            "SiteHooli",
            name="Hooli Logistics - Palo Alto",
            supplier_name="Hooli Logistics",
            iso="USD",
            city="Palo Alto",
            terms="TermsNet30",
        ),
        "site without an account, used by voucher ApvNoVendor",
        "created",
        "creating its account makes ApvNoVendor eligible: run payable-invoices first to see that refusal",
    )


# ------------------------------------------------------------------ the data set


def all_cases() -> Iterator[Case]:
    yield from vendor_cases()
    yield from sales_invoice_cases()
    yield from credit_cases()
    yield from voucher_cases()
    yield from voucher_credit_cases()
    yield from journal_cases()


def _other_records() -> Iterable[Record]:
    yield from reference_records()
    yield record("fferpcore__BillingDocument__c", "BdNorthwind", {"fferpcore__Account__c": ref("CustNorthwind")})
    yield from purchase_order_records()


def write_sample(out_dir: Path = SAMPLE_DIR, readme: Path | None = DATA_DIR / "README.md") -> Path:
    """Write the sample data set (and its README); returns the plan's path."""
    entries: list[ManifestEntry] = []
    with DataSetWriter(out_dir, parameters={"dataSet": "sample"}, pretty=True) as writer:
        writer.add_all(_other_records())
        for records, entry in all_cases():
            entries.append(writer.add_case(records, entry))
    if readme is not None:
        write_readme(readme, entries, writer.counts)
    return out_dir / PLAN_FILE


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out_dir = Path(args[0]) if args else SAMPLE_DIR
    plan = write_sample(out_dir, DATA_DIR / "README.md" if not args else None)
    print(f"wrote {plan}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
