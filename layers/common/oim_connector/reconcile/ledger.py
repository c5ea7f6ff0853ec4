"""Where each flow's documents sit in Accounting: header, status, source lookup and line objects.

The names are the ones the flows' mappings write (see ``mapping/<flow>.py`` and
``mapping/defaults/<flow>.json``); the child relationship names are Accounting's
(certinia-accounting-objects.json).
"""

from __future__ import annotations

from dataclasses import dataclass

from oim_connector.mapping import journals, payable_credit_notes, payable_invoices, sales_credit_notes, sales_invoices
from oim_connector.mapping.payables import PayableTarget
from oim_connector.model.flows import FlowId

DISCARDED = "Discarded"
PERIOD_FIELD = "c2g__Period__c"
COMPANY_FIELD = "c2g__OwnerCompany__c"
ACCOUNT_FIELD = "c2g__Account__c"
# What the books hold: the fields compared (when the mapping writes them). Descriptions, references
# and derivation flags are not: they change with a mapping and leave the amounts alone.
BOOK_LINE_FIELDS = frozenset(
    {
        "c2g__Quantity__c",
        "c2g__UnitPrice__c",
        "c2g__NetValue__c",
        "c2g__Value__c",
        "c2g__Product__c",
        "c2g__GeneralLedgerAccount__c",
        "c2g__TaxCode1__c",
        "c2g__TaxValue1__c",
    }
)


@dataclass(frozen=True)
class LineShape:
    sobject: str
    relationship: str
    # How Accounting holds the line's amount: "value" (journal), "net" (expense) or "price" (quantity x unit price).
    amount: str


@dataclass(frozen=True)
class LedgerShape:
    header: str
    status_field: str
    currency_field: str
    # The header lookup the mapping fills with the source Id: both sides meet on it.
    source_lookup: str
    prefix: str
    lines: tuple[LineShape, ...]
    label: str

    @property
    def book_header_fields(self) -> frozenset[str]:
        """Company, currency, period and the account (customer or vendor)."""
        return frozenset({COMPANY_FIELD, self.currency_field, PERIOD_FIELD, ACCOUNT_FIELD})

    @property
    def source_relationship(self) -> str:
        return self.source_lookup.removesuffix("__c") + "__r"


def _payable_lines(target: PayableTarget, product: str, expense: str) -> tuple[LineShape, ...]:
    return (
        LineShape(target.product_line_object, product, "price"),
        LineShape(target.expense_line_object, expense, "net"),
    )


SHAPES: dict[FlowId, LedgerShape] = {
    FlowId.SALES_INVOICES: LedgerShape(
        sales_invoices.HEADER_OBJECT,
        "c2g__InvoiceStatus__c",
        "c2g__InvoiceCurrency__c",
        "SCMFFA__OIM_Invoice__c",
        sales_invoices.PREFIX,
        (LineShape(sales_invoices.LINE_OBJECT, "c2g__InvoiceLineItems__r", "price"),),
        "sales invoice",
    ),
    FlowId.SALES_CREDIT_NOTES: LedgerShape(
        sales_credit_notes.HEADER_OBJECT,
        "c2g__CreditNoteStatus__c",
        "c2g__CreditNoteCurrency__c",
        "SCMFFA__Credit_Invoice__c",
        sales_credit_notes.PREFIX,
        (LineShape(sales_credit_notes.LINE_OBJECT, "c2g__CreditNoteLineItems__r", "price"),),
        "sales credit note",
    ),
    FlowId.PAYABLE_INVOICES: LedgerShape(
        payable_invoices.HEADER_OBJECT,
        "c2g__InvoiceStatus__c",
        "c2g__InvoiceCurrency__c",
        "SCMFFA__AP_Voucher__c",
        payable_invoices.PREFIX,
        _payable_lines(
            payable_invoices.TARGET, "c2g__PurchaseInvoiceLineItems__r", "c2g__PurchaseInvoiceExpenseLineItems__r"
        ),
        "payable invoice",
    ),
    FlowId.PAYABLE_CREDIT_NOTES: LedgerShape(
        payable_credit_notes.HEADER_OBJECT,
        "c2g__CreditNoteStatus__c",
        "c2g__CreditNoteCurrency__c",
        "SCMFFA__AP_Voucher_Credit__c",
        payable_credit_notes.PREFIX,
        _payable_lines(
            payable_credit_notes.TARGET,
            "c2g__PurchaseCreditNoteLineItems__r",
            "c2g__PurchaseCreditNoteExpenseLineItems__r",
        ),
        "payable credit note",
    ),
    FlowId.JOURNALS: LedgerShape(
        journals.HEADER_OBJECT,
        "c2g__JournalStatus__c",
        "c2g__JournalCurrency__c",
        "Perpetual_Record__c",
        journals.PREFIX,
        (LineShape(journals.LINE_OBJECT, "c2g__JournalLineItems__r", "value"),),
        "journal",
    ),
}

AMOUNT_FIELDS = {
    "value": ("c2g__Value__c", "c2g__GeneralLedgerAccount__c"),
    "net": ("c2g__NetValue__c",),
    "price": ("c2g__Quantity__c", "c2g__UnitPrice__c"),
}
