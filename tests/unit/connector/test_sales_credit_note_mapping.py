"""What the sales credit note mapping makes of OIM credit invoices: documents, amounts, refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from oim_connector.mapping.defaults import default_rules
from oim_connector.mapping.money import round_money
from oim_connector.mapping.sales_credit_notes import map_sales_credit_note, quantity_and_unit_price
from oim_connector.model.documents import Mapped
from oim_connector.model.settings import GeneralSettings, SalesCreditNoteSettings

from tests.unit.connector import builders as b
from tests.unit.connector import credit_builders as cb

TODAY = dt.date(2026, 11, 25)
LINE_1 = "a4D000000000001AAA"
LINE_2 = "a4D000000000002AAA"


def run(record: dict[str, Any], *, settings: SalesCreditNoteSettings | None = None, ref: Any = None) -> Mapped:
    return map_sales_credit_note(
        record, ref=ref or b.reference(), settings=settings or SalesCreditNoteSettings(),
        general=GeneralSettings(), rules=list(default_rules("sales_credit_notes")), today=TODAY,
    )  # fmt: skip


def test_partial_credit_becomes_a_credit_note_against_the_original_sales_invoice() -> None:
    mapped = run(cb.credit_invoice(cb.credit_line(LINE_1, quantity=2, amount=50.0)))

    assert mapped.errors == () and mapped.skip_reason is None
    (document,) = mapped.documents
    assert document.sobject == "c2g__codaCreditNote__c"
    assert document.external_id == f"SCN:{cb.CREDIT_ID}"
    fields = document.fields
    assert fields["c2g__OwnerCompany__c"] == b.COMPANY_US
    assert fields["c2g__CreditNoteCurrency__c"] == b.USD
    assert fields["c2g__Account__c"] == b.CUSTOMER
    assert fields["c2g__CreditNoteDate__c"] == "2026-11-20"  # the credit invoice's creation date
    assert fields["c2g__DueDate__c"] == "2026-11-20"
    assert fields["c2g__Period__c"].endswith("P11")
    assert fields["c2g__CustomerReference__c"] == "CRINV-000001"
    assert fields["c2g__Invoice__c"] == cb.SALES_INVOICE
    assert fields["SCMFFA__OIM_Invoice__c"] == cb.INVOICE_ID
    assert fields["SCMFFA__Credit_Invoice__c"] == cb.CREDIT_ID
    assert (fields["c2g__Dimension1__c"], fields["c2g__Dimension2__c"]) == (b.DIM1, cb.DIM2)
    (line,) = document.lines
    assert line.external_id == f"SCN:{LINE_1}"
    assert line.fields["c2g__Product__c"] == b.PRODUCT_WIDGET
    assert (line.fields["c2g__Quantity__c"], line.fields["c2g__UnitPrice__c"]) == (2, 25)
    assert line.fields["c2g__LineDescription__c"] == "Standard widget, blue"
    assert line.fields["SCMFFA__Item_Name__c"] == "WIDGET-1"
    assert line.fields["SCMFFA__Credit_Invoice_Line__c"] == LINE_1
    assert line.fields["SCMFFA__OIM_Invoice_Line__c"] == "a4B000000000001AAA"
    assert line.fields["c2g__DeriveTaxRateFromCode__c"] is False
    assert line.fields["c2g__Dimension1__c"] == cb.SIN_LINE_DIM1  # as booked on the sales invoice line
    assert [(s.sobject, s.field) for s in line.source_links] == [
        ("SCMC__Credit_Invoice_Line__c", "SCMFFA__Sales_Credit_Note_Line_Item__c")
    ]
    assert mapped.header_link is not None and mapped.header_link.field == "SCMFFA__Credit_Note__c"
    assert document.total == Decimal("50.00")


def test_a_void_credit_is_dated_on_the_original_sales_invoice() -> None:
    record = cb.credit_invoice(cb.credit_line(LINE_1))
    record["SCMC__Invoicing__r"]["SCMC__Status__c"] = "Voided"

    fields = run(record).documents[0].fields

    assert fields["c2g__CreditNoteDate__c"] == "2026-02-18"
    assert fields["c2g__Period__c"].endswith("P02")


def test_a_void_credit_in_a_closed_period_is_refused_naming_the_period() -> None:
    record = cb.credit_invoice(cb.credit_line(LINE_1))
    record["SCMC__Invoicing__r"]["SCMC__Status__c"] = "Voided"

    mapped = run(record, ref=b.reference(closed_months=(2,)))

    assert "Period 2026/002 of company 'Acme Industries US' is closed" in mapped.errors[0]


def test_an_amount_that_does_not_divide_by_its_quantity_is_sent_as_one_times_the_amount() -> None:
    mapped = run(cb.credit_invoice(
        cb.credit_line(LINE_1, quantity=3, amount=100.0), cb.credit_line(LINE_2, quantity=7, amount=10.0),
    ))  # fmt: skip

    first, second = mapped.documents[0].lines
    assert (first.fields["c2g__Quantity__c"], first.fields["c2g__UnitPrice__c"]) == (1, 100)
    assert (second.fields["c2g__Quantity__c"], second.fields["c2g__UnitPrice__c"]) == (1, 10)
    assert mapped.documents[0].total == Decimal("110.00")


def test_nine_decimal_unit_prices_keep_the_quantity_when_the_setting_asks() -> None:
    settings = SalesCreditNoteSettings(uneven_unit_price="nine_decimals")

    mapped = run(cb.credit_invoice(cb.credit_line(LINE_1, quantity=3, amount=100.0)), settings=settings)

    (line,) = mapped.documents[0].lines
    assert line.fields["c2g__Quantity__c"] == 3
    assert line.fields["c2g__UnitPrice__c"] == pytest.approx(33.333333333, abs=1e-12)
    assert mapped.documents[0].total == Decimal("100.00")


@given(
    cents=st.integers(min_value=1, max_value=10**9),
    quantity=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(10000), places=4),
)
def test_every_credit_line_recomputed_by_accounting_equals_the_credited_amount(cents: int, quantity: Decimal) -> None:
    amount = Decimal(cents) / 100

    sent_quantity, unit_price, line_amount = quantity_and_unit_price(amount, quantity, 2, "quantity_one")

    assert line_amount == amount
    assert round_money(sent_quantity * unit_price, 2) == amount


def test_oim_tax_arrives_as_one_summarised_tax_line_equal_to_the_credit_invoices_tax() -> None:
    mapped = run(cb.credit_invoice(cb.credit_line(LINE_1, quantity=5, amount=200.0, tax=16.5), SCMC__Total_Tax__c=16.5))

    (document,) = mapped.documents
    tax = document.lines[-1]
    assert tax.external_id == f"SCN:{cb.CREDIT_ID}:TAX"
    assert tax.fields["c2g__Product__c"] == b.PRODUCT_TAX
    assert tax.fields["c2g__UnitPrice__c"] == 16.5
    assert tax.fields["c2g__CalculateTaxValueFromRate__c"] is False
    assert document.total == Decimal("216.50")


def test_credited_tax_lines_and_line_taxes_are_summed_when_the_header_has_no_total() -> None:
    mapped = run(cb.credit_invoice(
        cb.credit_line(LINE_1, amount=40.0, tax=3.3),
        cb.credit_line(LINE_2, amount=1.25, record_type="Tax", product=b.PRODUCT_TAX),
    ))  # fmt: skip

    lines = mapped.documents[0].lines
    assert len(lines) == 2  # the credited OIM tax line folds into the summarised tax line
    assert lines[-1].fields["c2g__UnitPrice__c"] == 4.55
    assert mapped.documents[0].total == Decimal("44.55")


def test_tax_without_a_tax_line_type_mapping_is_refused_naming_the_setting() -> None:
    ref = b.reference(line_types={"Freight": b.PRODUCT_FREIGHT})

    mapped = run(cb.credit_invoice(cb.credit_line(LINE_1), SCMC__Total_Tax__c=0.83), ref=ref)

    assert mapped.errors == (
        "Credit invoice CRINV-000001 carries OIM tax of 0.83 but no product is mapped to the OIM line type 'Tax': "
        "add a 'Tax' OIM Line Type to Product Mapping",
    )


def test_a_credit_whose_original_sales_invoice_is_not_posted_is_refused_with_what_to_post() -> None:
    mapped = run(cb.credit_invoice(cb.credit_line(LINE_1), sales_invoice_status="In Progress"))

    assert mapped.errors == (
        "The original invoice INV-000042 has not been posted in Accounting (sales invoice SIN000123 is "
        "In Progress): post sales invoice SIN000123 first",
    )


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ({"SCMFFA__Credit_Note__c": "a2C000000000001AAA", "SCMFFA__Credit_Note__r": {"Name": "SCR000001"}},
         "The original invoice INV-000042 was already credited by sales credit note SCR000001 through the old "
         "void process: a second credit note would credit it twice, so cancel credit invoice CRINV-000001 in OIM"),
        ({"SCMFFA__Sales_Invoice__c": None, "SCMFFA__Sales_Invoice__r": None},
         "The original invoice INV-000042 has not been exported to Accounting: create its sales invoice and post "
         "it first"),
    ],
)  # fmt: skip
def test_credits_of_invoices_not_in_accounting_or_already_credited_are_refused(
    original: dict[str, Any], expected: str
) -> None:
    record = cb.credit_invoice(cb.credit_line(LINE_1))
    record["SCMC__Invoicing__r"].update(original)

    assert run(record).errors == (expected,)


def test_a_credit_invoice_on_a_billing_document_is_refused() -> None:
    mapped = run(cb.credit_invoice(cb.credit_line(LINE_1), SCMFFA__Billing_Document__c="a0B000000000001AAA"))

    assert "linked to a billing document" in mapped.errors[0]


def test_already_exported_or_linked_credit_invoices_are_skipped_not_refused() -> None:
    linked = run(cb.credit_invoice(cb.credit_line(LINE_1), SCMFFA__Credit_Note__c="a2C000000000002AAA",
                                   SCMFFA__Credit_Note__r={"Name": "SCR000007"}))  # fmt: skip
    exported = run(cb.credit_invoice(cb.credit_line(LINE_1), SCMC__Export_Status__c="Exported"))

    assert linked.skip_reason == "Already linked to sales credit note SCR000007"
    assert exported.skip_reason == "Export Status is 'Exported'"


def test_lines_without_a_product_or_an_original_line_name_the_line_to_fix() -> None:
    no_product = cb.credit_line(LINE_1, product=None, sales_invoice_line=False)
    no_original = cb.credit_line(LINE_2, original_line=None)

    mapped = run(cb.credit_invoice(no_product, no_original))

    (message,) = mapped.errors
    assert "Line CRL-1AAA: the original invoice line INVL-0000001 has no product: set its Product in OIM" in message
    assert "Line CRL-2AAA: no original invoice line: link it to the invoice line it credits" in message


def test_line_dimensions_come_from_the_product_group_when_asked_or_when_there_is_no_sales_invoice_line() -> None:
    asked = run(
        cb.credit_invoice(cb.credit_line(LINE_1)), settings=SalesCreditNoteSettings(line_dimensions="product_group")
    )
    fallback = run(cb.credit_invoice(cb.credit_line(LINE_1, sales_invoice_line=False)))

    assert asked.documents[0].lines[0].fields["c2g__Dimension1__c"] == b.DIM1
    assert fallback.documents[0].lines[0].fields["c2g__Dimension1__c"] == b.DIM1


def test_credit_notes_over_the_line_limit_are_split_and_keep_the_total() -> None:
    lines = [cb.credit_line(f"a4D0000000000{i:02d}AAA", quantity=1, amount=1.1) for i in range(5)]

    mapped = run(cb.credit_invoice(*lines), settings=SalesCreditNoteSettings(line_limit=2))

    assert [len(d.lines) for d in mapped.documents] == [2, 2, 1]
    assert mapped.documents[2].external_id == f"SCN:{cb.CREDIT_ID}:3"
    assert sum(d.total for d in mapped.documents) == Decimal("5.50")
