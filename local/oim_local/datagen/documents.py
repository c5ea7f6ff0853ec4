"""Builders of OIM source documents (and of the Accounting documents already exported from them).

Each builder yields the tree-format records of one document: its header, its lines and the
records it needs of its own (sales order and shipping, the posted sales invoice it was
exported to, ...). The fields that OIM and the connector's Salesforce package fill on the
source records (line products, AP line GLAs, financial record GLAs, accounting company and
currency) are filled here the same way, so the data looks like an org's.

Line referenceIds are the header's referenceId plus ``L<n>`` (``F<n>`` for financial
records); an exported document's target is ``Sin``/``Pin`` plus the source referenceId.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from oim_local.datagen.reference import (
    CATEGORY_GLAS,
    COMPANY_US,
    GL_CATEGORY_MAPPINGS,
    LINE_TYPE_PRODUCTS,
    company_ref,
    currency_ref,
    item_product,
    location_ref,
    period_ref,
)
from oim_local.datagen.tree import Record, record, ref

_ITEM_LINE_TYPES = frozenset({"Item", "Drop Ship Item", "Virtual Kit Item"})
_MAPPED_PRODUCTS = dict(LINE_TYPE_PRODUCTS)
_CATEGORY_GLAS = dict(GL_CATEGORY_MAPPINGS)
_REASON_CATEGORIES = frozenset({"Miscellaneous", "Scrap", "Cycle Count"})

PostedStatus = Literal["Complete", "In Progress"]


def money(value: float, decimals: int = 2) -> float:
    return round(value + 0.0, decimals)


def due(day: str, days: int = 30) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def _month(day: str) -> int:
    return date.fromisoformat(day).month


# ------------------------------------------------------------------ sales invoices


@dataclass(frozen=True)
class InvoiceLine:
    line_type: str  # the record type: Item, Drop Ship Item, ..., Tax
    quantity: float
    unit_price: float
    text: str
    item: str | None = None
    price_with_options: float | None = None  # the price OIM uses for every type but Deposit
    tax: float | None = None

    @property
    def product(self) -> str | None:
        if self.line_type in _ITEM_LINE_TYPES:
            return item_product(self.item) if self.item else None
        return _MAPPED_PRODUCTS.get(self.line_type)

    @property
    def derived_unit_price(self) -> float:
        if self.line_type == "Deposit" or self.price_with_options is None:
            return self.unit_price
        return self.price_with_options


@dataclass(frozen=True)
class SalesInvoice:
    reference_id: str
    customer: str
    invoice_date: str
    lines: Sequence[InvoiceLine]
    company: str = COMPANY_US
    iso: str = "USD"
    status: str = "Closed"
    shipping_status: str | None = "Shipment complete"  # None: no shipping record
    drop_ship: bool = False
    proforma: bool = False
    total_tax: float | None = None
    billing_document: str | None = None
    exported_as: PostedStatus | None = None  # already exported to a sales invoice with this status
    void_path_credit_note: bool = False  # the deprecated void path made a credit note from it


def sales_invoice_records(inv: SalesInvoice) -> Iterator[Record]:
    rid = inv.reference_id
    company = ref(company_ref(inv.company))
    currency = ref(currency_ref(inv.company, inv.iso))
    yield record(
        "SCMC__Sales_Order__c",
        "So" + rid,
        {
            "SCMC__Customer_Account__c": ref(inv.customer),
            "SCMC__Currency__c": ref("Cm" + inv.iso),
            "SCMC__Drop_Ship__c": inv.drop_ship,
            "SCMFFA__Company_Name__c": inv.company,
            "SCMFFA__Accounting_Company__c": company,
            "SCMFFA__Accounting_Currency__c": currency,
        },
    )
    if inv.shipping_status is not None:
        yield record(
            "SCMC__Shipping__c",
            "Ship" + rid,
            {"SCMC__Sales_Order__c": ref("So" + rid), "SCMC__Status__c": inv.shipping_status},
        )
    if inv.exported_as is not None:
        yield from _posted_sales_invoice(inv)
    yield record(
        "SCMC__Invoicing__c",
        rid,
        {
            "SCMC__Status__c": inv.status,
            "SCMC__Proforma__c": inv.proforma,
            "SCMC__Sales_Order__c": ref("So" + rid),
            "SCMC__Shipping__c": ref("Ship" + rid) if inv.shipping_status is not None else None,
            "SCMC__Customer__c": ref(inv.customer),
            "SCMC__Invoice_Date__c": inv.invoice_date,
            "SCMC__Due_Date__c": due(inv.invoice_date),
            "SCMC__Total_Tax__c": inv.total_tax,
            "SCMC__Export_Status__c": "Exported" if inv.exported_as else "New",
            "SCMFFA__Billing_Document__c": ref(inv.billing_document) if inv.billing_document else None,
            "SCMFFA__Accounting_Company__c": company,
            "SCMFFA__Accounting_Currency__c": currency,
            "SCMFFA__Sales_Invoice__c": ref("Sin" + rid) if inv.exported_as else None,
            "SCMFFA__Credit_Note__c": ref("Scn" + rid) if inv.void_path_credit_note else None,
        },
    )
    for n, line in enumerate(inv.lines, start=1):
        yield record(
            "SCMC__Invoice_Line_Item__c",
            f"{rid}L{n}",
            {
                "SCMC__Invoicing__c": ref(rid),
                "RecordTypeId": ref("Rt" + line.line_type.replace(" ", "")),
                "SCMC__Item__c": ref(line.item) if line.item else None,
                "SCMC__Quantity__c": line.quantity,
                "SCMC__Unit_Price__c": line.unit_price,
                "SCMC__Price_With_Options__c": (
                    line.price_with_options if line.price_with_options is not None else line.unit_price
                ),
                "SCMC__Description__c": line.text,
                "SCMC__Tax__c": line.tax,
                "SCMFFA__Product__c": ref(line.product) if line.product else None,
                "SCMFFA__Sales_Invoice_Line_Item__c": ref(f"Sin{rid}L{n}") if inv.exported_as else None,
                "SCMFFA__Credit_Note_Line_Item__c": ref(f"Scn{rid}L1")
                if inv.void_path_credit_note and n == 1
                else None,
            },
        )


def _posted_sales_invoice(inv: SalesInvoice) -> Iterator[Record]:
    """The sales invoice made when the OIM invoice was exported (before this data set)."""
    rid = inv.reference_id
    header = {
        "c2g__Account__c": ref(inv.customer),
        "c2g__OwnerCompany__c": ref(company_ref(inv.company)),
        "c2g__Period__c": ref(period_ref(inv.company, _month(inv.invoice_date))),
    }
    yield record(
        "c2g__codaInvoice__c",
        "Sin" + rid,
        {
            **header,
            "c2g__InvoiceDate__c": inv.invoice_date,
            "c2g__DueDate__c": due(inv.invoice_date),
            "c2g__InvoiceCurrency__c": ref(currency_ref(inv.company, inv.iso)),
            "c2g__InvoiceDescription__c": f"Exported from OIM invoice ({rid})",
            "c2g__InvoiceStatus__c": inv.exported_as,
            "c2g__DerivePeriod__c": False,
        },
    )
    for n, line in enumerate(inv.lines, start=1):
        yield record(
            "c2g__codaInvoiceLineItem__c",
            f"Sin{rid}L{n}",
            {
                "c2g__Invoice__c": ref("Sin" + rid),
                "c2g__Product__c": ref(line.product) if line.product else None,
                "c2g__Quantity__c": line.quantity,
                "c2g__UnitPrice__c": line.derived_unit_price,
                "c2g__LineDescription__c": line.text,
                "c2g__DeriveUnitPriceFromProduct__c": False,
                "c2g__TaxValue1__c": line.tax,
                "c2g__CalculateTaxValue1FromRate__c": False,
                "SCMFFA__Item__c": ref(line.item) if line.item else None,
            },
        )
    if inv.void_path_credit_note:
        first = inv.lines[0]
        yield record(
            "c2g__codaCreditNote__c",
            "Scn" + rid,
            {
                **header,
                "c2g__CreditNoteDate__c": inv.invoice_date,
                "c2g__DueDate__c": inv.invoice_date,
                "c2g__CreditNoteCurrency__c": ref(currency_ref(inv.company, inv.iso)),
                "c2g__CreditNoteDescription__c": f"Made by the deprecated void path from {rid}",
                "c2g__CreditNoteStatus__c": "Complete",
                "c2g__Invoice__c": ref("Sin" + rid),
                "c2g__DerivePeriod__c": False,
            },
        )
        yield record(
            "c2g__codaCreditNoteLineItem__c",
            f"Scn{rid}L1",
            {
                "c2g__CreditNote__c": ref("Scn" + rid),
                "c2g__Product__c": ref(first.product) if first.product else None,
                "c2g__Quantity__c": first.quantity,
                "c2g__UnitPrice__c": first.derived_unit_price,
                "c2g__DeriveUnitPriceFromProduct__c": False,
            },
        )


# ------------------------------------------------------------------ credit invoices


@dataclass(frozen=True)
class CreditLine:
    invoice_line: str  # referenceId of the original invoice line
    quantity: float
    amount: float
    text: str
    tax: float | None = None


def credit_invoice_records(
    reference_id: str,
    *,
    invoice: str,
    due_date: str,
    lines: Sequence[CreditLine],
    total_tax: float | None = None,
) -> Iterator[Record]:
    yield record(
        "SCMC__Credit_Invoice__c",
        reference_id,
        {
            "SCMC__Invoicing__c": ref(invoice),
            "SCMC__Status__c": "Closed",
            "SCMC__Total_Tax__c": total_tax,
            "SCMC__Export_Status__c": "New",
            "SCMFFA__Credit_Invoice_Due_Date__c": due_date,
        },
    )
    for n, line in enumerate(lines, start=1):
        yield record(
            "SCMC__Credit_Invoice_Line__c",
            f"{reference_id}L{n}",
            {
                "SCMC__Credit_Invoice__c": ref(reference_id),
                "SCMC__Invoice_Line_Item__c": ref(line.invoice_line),
                "SCMC__Quantity__c": line.quantity,
                "SCMC__Amount__c": line.amount,
                "SCMC__Tax__c": line.tax,
                "SCMC__Description__c": line.text,
            },
        )


# ------------------------------------------------------------------ purchase orders and AP vouchers


@dataclass(frozen=True)
class PoLine:
    reference_id: str
    line_type: Literal["Item", "Category", "Description"]
    text: str
    item: str | None = None
    category: str | None = None  # a category product group
    gla: str | None = None  # the GL account of a Description line


def purchase_order_records(
    reference_id: str, *, site: str, company: str, iso: str, lines: Sequence[PoLine]
) -> Iterator[Record]:
    yield record(
        "SCMC__Purchase_Order__c",
        reference_id,
        {
            "SCMC__Supplier_Site__c": ref(site),
            "SCMC__Currency__c": ref("Cm" + iso),
            "SCMFFA__Company_Name__c": company,
            "SCMFFA__Accounting_Company__c": ref(company_ref(company)),
            "SCMFFA__Accounting_Currency__c": ref(currency_ref(company, iso)),
        },
    )
    for line in lines:
        yield record(
            "SCMC__Purchase_Order_Line_Item__c",
            line.reference_id,
            {
                "SCMC__Purchase_Order__c": ref(reference_id),
                "SCMC__Line_Type__c": line.line_type,
                "SCMC__Item_Master__c": ref(line.item) if line.item else None,
                "SCMC__Category__c": ref(line.category) if line.category else None,
                "SCMC__Description__c": line.text,
                "SCMFFA__General_Ledger_Account__c": ref(line.gla) if line.gla else None,
            },
        )


@dataclass(frozen=True)
class VoucherLine:
    line_type: Literal["Item", "Accounting", "Tax"]
    quantity: float
    unit_cost: float
    text: str
    po_line: PoLine | None = None
    item: str | None = None  # the accounting item of an Accounting line

    @property
    def amount(self) -> float:
        return money(self.quantity * self.unit_cost)

    @property
    def item_ref(self) -> str | None:
        if self.po_line is not None and self.po_line.line_type == "Item":
            return self.po_line.item
        return self.item

    @property
    def product(self) -> str | None:
        """The product of a product line (None for an expense line)."""
        if self.line_type == "Tax":
            return _MAPPED_PRODUCTS["Tax"]
        item = self.item_ref
        return item_product(item) if item else None

    @property
    def is_product_line(self) -> bool:
        # Lines with an item (or a tax line) become product lines; the rest expense lines.
        return self.line_type == "Tax" or self.item_ref is not None

    @property
    def gla(self) -> str | None:
        """The GL account of an expense line: the category's, or the PO line's."""
        if self.is_product_line or self.po_line is None:
            return None
        if self.po_line.line_type == "Category" and self.po_line.category:
            return CATEGORY_GLAS.get(self.po_line.category)
        return self.po_line.gla


@dataclass(frozen=True)
class Voucher:
    reference_id: str
    site: str
    invoice_number: str
    invoice_date: str
    iso: str
    lines: Sequence[VoucherLine]
    company: str | None  # None: OIM could not set it (no PO, or POs that disagree)
    status: str = "Matched"
    period: str | None = None
    exported_as: PostedStatus | None = None  # already exported to a payable invoice with this status
    vendor: str | None = None  # the vendor account; needed when exported

    @property
    def total_tax(self) -> float:
        return money(sum(line.amount for line in self.lines if line.line_type == "Tax"))

    @property
    def total(self) -> float:
        return money(sum(line.amount for line in self.lines))


def voucher_records(v: Voucher) -> Iterator[Record]:
    rid = v.reference_id
    if v.exported_as is not None:
        yield from _posted_payable_invoice(v)
    yield record(
        "SCMC__AP_Voucher__c",
        rid,
        {
            "SCMC__Status__c": v.status,
            "SCMC__Supplier_Site__c": ref(v.site),
            "SCMC__Invoice_Number__c": v.invoice_number,
            "SCMC__Invoice_Date__c": v.invoice_date,
            "SCMC__Due_Date__c": due(v.invoice_date),
            "SCMC__Invoice_Total__c": v.total,
            "SCMC__Total_Tax__c": v.total_tax,
            "SCMC__Export_Status__c": "Exported" if v.exported_as else "New",
            "SCMFFA__Accounting_Company__c": ref(company_ref(v.company)) if v.company else None,
            "SCMFFA__Accounting_Currency__c": ref(currency_ref(v.company, v.iso)) if v.company else None,
            "SCMFFA__Period__c": ref(v.period) if v.period else None,
            "SCMFFA__Payable_Invoice__c": ref("Pin" + rid) if v.exported_as else None,
        },
    )
    for n, line in enumerate(v.lines, start=1):
        exported = v.exported_as is not None
        yield record(
            "SCMC__AP_Voucher_Line__c",
            f"{rid}L{n}",
            {
                "SCMC__AP_Voucher__c": ref(rid),
                "SCMC__Line_Type__c": line.line_type,
                "SCMC__Purchase_Order_Line_Item__c": ref(line.po_line.reference_id) if line.po_line else None,
                # SCMC__Item__c is a formula (the PO line's Item Master); accounting lines name their item here.
                "SCMC__Accounting_Item__c": ref(line.item) if line.item and not _on_item_po_line(line) else None,
                "SCMC__Quantity__c": line.quantity,
                "SCMC__Unit_Cost__c": line.unit_cost,
                "SCMC__Amount__c": line.amount,
                "SCMC__Description__c": line.text,
                "SCMFFA__Product_Line__c": line.is_product_line,
                "SCMFFA__Product__c": ref(line.product) if line.is_product_line and line.product else None,
                "SCMFFA__General_Ledger_Account__c": ref(line.gla) if line.gla else None,
                "SCMFFA__Payable_Invoice_Line_Item__c": (
                    ref(f"Pin{rid}L{n}") if exported and line.is_product_line else None
                ),
                "SCMFFA__Payable_Invoice_Expense_Line_Item__c": (
                    ref(f"Pin{rid}L{n}") if exported and not line.is_product_line else None
                ),
            },
        )


def _on_item_po_line(line: VoucherLine) -> bool:
    return line.po_line is not None and line.po_line.line_type == "Item"


def _posted_payable_invoice(v: Voucher) -> Iterator[Record]:
    """The payable invoice made when the voucher was exported (before this data set)."""
    assert v.company is not None and v.vendor is not None, "an exported voucher has a company and a vendor"
    rid = v.reference_id
    yield record(
        "c2g__codaPurchaseInvoice__c",
        "Pin" + rid,
        {
            "c2g__Account__c": ref(v.vendor),
            "c2g__OwnerCompany__c": ref(company_ref(v.company)),
            "c2g__AccountInvoiceNumber__c": v.invoice_number,
            "c2g__InvoiceDate__c": v.invoice_date,
            "c2g__DueDate__c": due(v.invoice_date),
            "c2g__InvoiceCurrency__c": ref(currency_ref(v.company, v.iso)),
            "c2g__InvoiceDescription__c": f"Exported from AP voucher ({rid})",
            "c2g__InvoiceStatus__c": v.exported_as,
            "c2g__Period__c": ref(period_ref(v.company, _month(v.invoice_date))),
            "c2g__DerivePeriod__c": False,
        },
    )
    for n, line in enumerate(v.lines, start=1):
        if line.is_product_line:
            yield record(
                "c2g__codaPurchaseInvoiceLineItem__c",
                f"Pin{rid}L{n}",
                {
                    "c2g__PurchaseInvoice__c": ref("Pin" + rid),
                    "c2g__Product__c": ref(line.product) if line.product else None,
                    "c2g__Quantity__c": line.quantity,
                    "c2g__UnitPrice__c": line.unit_cost,
                    "c2g__LineDescription__c": line.text,
                    "c2g__DeriveUnitPriceFromProduct__c": False,
                    "SCMFFA__Item__c": ref(line.item_ref) if line.item_ref else None,
                },
            )
        else:
            yield record(
                "c2g__codaPurchaseInvoiceExpenseLineItem__c",
                f"Pin{rid}L{n}",
                {
                    "c2g__PurchaseInvoice__c": ref("Pin" + rid),
                    "c2g__GeneralLedgerAccount__c": ref(line.gla) if line.gla else None,
                    "c2g__NetValue__c": line.amount,
                    "c2g__LineDescription__c": line.text,
                },
            )


@dataclass(frozen=True)
class LineCredit:
    voucher_line: str  # referenceId of the AP voucher line credited
    quantity: (
        float | None
    )  # "Quantity Vouchered" (SCMC__Quantity__c): OIM does not always fill it; the connector needs it
    amount: float
    text: str


def voucher_credit_records(
    reference_id: str,
    *,
    voucher: str,
    credit_number: str,
    credit_date: str,
    lines: Sequence[LineCredit],
    total_tax: float | None = None,
    period: str | None = None,
) -> Iterator[Record]:
    yield record(
        "SCMC__AP_Voucher_Credit__c",
        reference_id,
        {
            "SCMC__AP_Voucher__c": ref(voucher),
            "SCMC__Invoice_Number__c": credit_number,
            "SCMC__Credit_Date__c": credit_date,
            "SCMC__Total_Tax__c": total_tax,
            "SCMC__Export_Status__c": "New",
            "SCMFFA__Period__c": ref(period) if period else None,
        },
    )
    for n, line in enumerate(lines, start=1):
        yield record(
            "SCMC__AP_Voucher_Line_Credit__c",
            f"{reference_id}L{n}",
            {
                "SCMC__AP_Voucher_Credit__c": ref(reference_id),
                "SCMC__AP_Voucher_Line__c": ref(line.voucher_line),
                "SCMC__Quantity__c": line.quantity,
                "SCMC__Amount__c": line.amount,
                "SCMC__Description__c": line.text,
            },
        )


# ------------------------------------------------------------------ inventory transactions


@dataclass(frozen=True)
class FinancialRecord:
    category: str  # the ITFR GL category (picklist)
    amount: float  # signed ICP value: positive is a debit
    element: str = "Material"
    quantity: float | None = None


@dataclass(frozen=True)
class PerpetualRecord:
    reference_id: str
    transaction: str
    transaction_date: str
    records: Sequence[FinancialRecord]
    icp: str = "IcpDallas"
    company: str = COMPANY_US
    journal_iso: str = "USD"  # the accounting currency of the journal
    icp_iso: str = "USD"  # the currency of the ICP values
    item: str | None = None
    purchase_order: str | None = None
    po_line: str | None = None
    invoice: str | None = None
    voucher: str | None = None
    reason: str | None = None
    reason_gla: str | None = None
    journal_date: str | None = None  # the related invoice's or voucher's date, else the record's

    def gla(self, fin: FinancialRecord) -> str | None:
        """The GL account OIM fills on a financial record: the reason code's, else the mapping's."""
        if self.reason_gla and fin.category in _REASON_CATEGORIES:
            return self.reason_gla
        return _CATEGORY_GLAS.get(fin.category)


def perpetual_record_records(p: PerpetualRecord) -> Iterator[Record]:
    rid = p.reference_id
    yield record(
        "SCMC__Inventory_Transaction_Perpetual_Record__c",
        rid,
        {
            "SCMC__Inventory_Transactions__c": p.transaction,
            "SCMC__Transaction_Date__c": p.transaction_date,
            "SCMC__Inventory_Location__c": ref(location_ref(p.icp)),
            "SCMC__Item__c": ref(p.item) if p.item else None,
            "SCMC__Purchase_Order__c": ref(p.purchase_order) if p.purchase_order else None,
            "SCMC__Purchase_Order_Line_Item__c": ref(p.po_line) if p.po_line else None,
            "SCMC__Invoicing__c": ref(p.invoice) if p.invoice else None,
            "SCMC__AP_Voucher__c": ref(p.voucher) if p.voucher else None,
            "SCMC__Reason_Code__c": ref(p.reason) if p.reason else None,
            "SCMC__Trade_Currency__c": ref("Cm" + p.icp_iso),
            "SCMC__Export_Status__c": "New",
            "SCMFFA__Accounting_Company__c": ref(company_ref(p.company)),
            "SCMFFA__Accounting_Currency__c": ref(currency_ref(p.company, p.journal_iso)),
            "SCMFFA__Journal_Date__c": p.journal_date or p.transaction_date,
        },
    )
    for n, fin in enumerate(p.records, start=1):
        gla = p.gla(fin)
        yield record(
            "SCMC__Inventory_Transaction_Financial_Records__c",
            f"{rid}F{n}",
            {
                "SCMC__Inventory_Transaction__c": ref(rid),
                "SCMC__GL_Account__c": fin.category,
                "SCMC__ICP_Value_Amount__c": fin.amount,
                "SCMC__ICP_Unit_Cost__c": (round(abs(fin.amount) / fin.quantity, 9) if fin.quantity else None),
                "SCMC__ICP_Currency__c": ref("Cm" + p.icp_iso),
                "SCMC__Quantity__c": fin.quantity,
                "SCMC__Trade_Currency__c": ref("Cm" + p.icp_iso),
                "SCMC__Elements_of_Costs__c": fin.element,
                "SCMC__Export_Status__c": "New",
                "SCMFFA__General_Ledger_Account__c": ref(gla) if gla else None,
            },
        )


# ------------------------------------------------------------------ supplier sites


def supplier_site_record(
    reference_id: str,
    *,
    name: str,
    supplier_name: str,
    iso: str,
    city: str,
    terms: str | None = None,
    ap_control: str | None = None,
    phone: str | None = None,
) -> Record:
    """A supplier site with no vendor account yet (the vendor-accounts flow creates it)."""
    return record(
        "SCMC__Supplier_Site__c",
        reference_id,
        {
            "Name": name,
            "SCMC__Supplier_Name__c": supplier_name,
            "SCMC__Currency__c": ref("Cm" + iso),
            "SCMC__Mailing_City__c": city,
            "SCMC__Office_Phone__c": phone,
            "SCMC__PO_Payment_Terms__c": ref(terms) if terms else None,
            "SCMC__Preferred_Communication_Purchase_Order__c": "Email",
            "SCMFFA__Accounts_Payable_Control_GLA__c": ref(ap_control) if ap_control else None,
        },
    )
