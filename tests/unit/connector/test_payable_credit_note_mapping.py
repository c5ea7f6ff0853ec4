"""What the payable credit note mapping makes of AP voucher credits: lines, company, period, refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from oim_connector.mapping.defaults import default_rules
from oim_connector.mapping.payable_credit_notes import map_payable_credit_note
from oim_connector.model.documents import Mapped
from oim_connector.model.settings import GeneralSettings, PayableCreditNoteSettings

from tests.unit.connector import builders as b
from tests.unit.connector import payable_builders as pb

TODAY = dt.date(2026, 11, 25)


def run(record: dict[str, Any], *, settings: PayableCreditNoteSettings | None = None, ref: Any = None) -> Mapped:
    return map_payable_credit_note(
        record, ref=ref or pb.reference(), settings=settings or PayableCreditNoteSettings(),
        general=GeneralSettings(), rules=list(default_rules("payable_credit_notes")), today=TODAY,
    )  # fmt: skip


def partial_credit(**overrides: Any) -> dict[str, Any]:
    widget = pb.voucher_line("a4F000000000001AAA", quantity=10, unit_cost=12.5)
    consumables = pb.category_line("a4F000000000002AAA", unit_cost=60.0)
    return pb.credit(
        pb.line_credit("a4H000000000001AAA", widget, quantity=2, amount=25.0),
        pb.line_credit("a4H000000000002AAA", consumables, quantity=1, amount=20.0),
        **overrides,
    )


def test_credit_of_a_posted_invoice_becomes_a_credit_note_in_the_invoices_company_and_currency() -> None:
    mapped = run(partial_credit())

    assert mapped.errors == () and mapped.skip_reason is None
    (document,) = mapped.documents
    assert document.sobject == "c2g__codaPurchaseCreditNote__c"
    assert document.external_id == f"PCN:{pb.CREDIT}"
    fields = document.fields
    assert fields["c2g__OwnerCompany__c"] == b.COMPANY_US and fields["c2g__CreditNoteCurrency__c"] == b.USD
    assert fields["c2g__Account__c"] == pb.VENDOR
    assert fields["c2g__AccountCreditNoteNumber__c"] == "GLX-CR-2001"
    # An AP voucher credit has no due date in OIM: the credit note is due on its date.
    assert (fields["c2g__CreditNoteDate__c"], fields["c2g__DueDate__c"]) == ("2026-11-22", "2026-11-22")
    assert fields["c2g__PurchaseInvoice__c"] == pb.PIN
    assert fields["SCMFFA__AP_Voucher_Credit__c"] == pb.CREDIT
    assert fields["c2g__Period__c"].endswith("P11")
    widget, consumables = document.lines
    assert widget.sobject == "c2g__codaPurchaseCreditNoteLineItem__c"
    assert (widget.fields["c2g__Product__c"], widget.fields["c2g__Quantity__c"], widget.fields["c2g__UnitPrice__c"]) \
        == (b.PRODUCT_WIDGET, 2, 12.5)  # fmt: skip
    assert widget.fields["SCMFFA__AP_Voucher_Line_Credit__c"] == "a4H000000000001AAA"
    assert widget.source_links[0].field == "SCMFFA__Payable_Credit_Note_Line_Item__c"
    assert consumables.sobject == "c2g__codaPurchaseCreditNoteExpLineItem__c"
    assert consumables.fields["c2g__GeneralLedgerAccount__c"] == pb.GLA_MAINTENANCE
    assert consumables.fields["c2g__NetValue__c"] == 20
    assert consumables.source_links[0].field == "SCMFFA__Payable_Credit_Note_Expense_Line_Item__c"
    assert document.total == Decimal("45.00")


def test_a_price_correction_on_a_product_line_keeps_the_credited_amount() -> None:
    widget = pb.voucher_line("a4F000000000001AAA", quantity=3, unit_cost=12.5)

    mapped = run(pb.credit(pb.line_credit("a4H000000000001AAA", widget, quantity=3, amount=10.0)))

    (line,) = mapped.documents[0].lines
    assert line.amount == Decimal("10.00")
    assert round(Decimal(str(line.fields["c2g__Quantity__c"])) * Decimal(str(line.fields["c2g__UnitPrice__c"])), 2) \
        == Decimal("10.00")  # fmt: skip


def test_unposted_or_unexported_invoices_and_missing_quantity_vouchered_are_refused() -> None:
    widget = pb.voucher_line("a4F000000000001AAA")

    in_progress = run(pb.credit(pb.line_credit("a4H000000000001AAA", widget), pin_status="In Progress"))
    not_exported = run(pb.credit(pb.line_credit("a4H000000000001AAA", widget), voucher_status="New"))
    no_quantity = run(pb.credit(pb.line_credit("a4H000000000004AAA", widget, quantity=None)))

    assert in_progress.errors == (
        "The payable invoice PIN000001 of AP voucher APV-000001 (GLX-INV-1001) is not posted (status In Progress): "
        "post it in Accounting before exporting AP voucher credit APVC-000001",
    )
    assert "has not been exported to a payable invoice: create its payable invoice first" in not_exported.errors[0]
    assert no_quantity.errors == (
        "Line credit APVLC-0004 of AP voucher credit APVC-000001 has no Quantity Vouchered: fill it on the AP "
        "voucher line credit",
    )


def test_the_period_copied_from_the_voucher_is_used_and_refused_when_closed() -> None:
    ref = pb.reference(closed_months=(10,))

    chosen = run(partial_credit(SCMFFA__Period__c=f"{b.COMPANY_US[:14]}P12"), ref=ref)
    closed = run(partial_credit(SCMFFA__Period__c=f"{b.COMPANY_US[:14]}P10"), ref=ref)

    assert chosen.documents[0].fields["c2g__Period__c"] == f"{b.COMPANY_US[:14]}P12"
    assert "Period 2026/010 of company 'Acme Industries US' is closed, so AP voucher credit APVC-000001" in \
        closed.errors[0]  # fmt: skip


def test_credit_note_number_falls_back_to_the_credit_name_unless_required() -> None:
    without_number = partial_credit(SCMC__Invoice_Number__c=None)

    assert run(without_number).documents[0].fields["c2g__AccountCreditNoteNumber__c"] == "APVC-000001"
    required = run(without_number, settings=PayableCreditNoteSettings(vendor_credit_note_number="credit_number"))
    assert required.errors == (
        "AP voucher credit APVC-000001 has no Supplier Invoice Number: enter the vendor's credit note number on the "
        "AP voucher credit",
    )


def test_exported_credits_are_skipped() -> None:
    assert run(partial_credit(SCMC__Export_Status__c="Export in Process")).skip_reason == (
        "Export Status is 'Export in Process'"
    )
