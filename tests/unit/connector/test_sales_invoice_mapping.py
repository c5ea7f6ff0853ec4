"""What the sales invoice mapping makes of OIM invoices: documents, amounts, refusals."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from oim_connector.mapping.defaults import default_rules
from oim_connector.mapping.rules import effective_rules
from oim_connector.mapping.sales_invoices import map_sales_invoice
from oim_connector.model.documents import Mapped
from oim_connector.model.settings import FieldRule, GeneralSettings, SalesInvoiceSettings

from tests.unit.connector import builders as b

TODAY = dt.date(2026, 11, 25)


def run(
    record: dict[str, Any],
    *,
    settings: SalesInvoiceSettings | None = None,
    ref: Any = None,
    general: GeneralSettings | None = None,
    rules: list[FieldRule] | None = None,
) -> Mapped:
    return map_sales_invoice(
        record, ref=ref or b.reference(), settings=settings or SalesInvoiceSettings(),
        general=general or GeneralSettings(), rules=rules or list(default_rules("sales_invoices")), today=TODAY,
    )  # fmt: skip


def test_closed_shipped_invoice_becomes_one_sales_invoice_in_the_oim_company_and_currency() -> None:
    mapped = run(b.invoice(b.item_line("a4B000000000001AAA", quantity=2, price=50.0)))

    assert mapped.errors == () and mapped.skip_reason is None
    (document,) = mapped.documents
    assert document.sobject == "c2g__codaInvoice__c"
    assert document.external_id == "SIN:a4A000000000001AAA"
    assert document.fields["c2g__OwnerCompany__c"] == b.COMPANY_US
    assert document.fields["c2g__InvoiceCurrency__c"] == b.USD
    assert document.fields["c2g__Account__c"] == b.CUSTOMER
    assert document.fields["c2g__InvoiceDate__c"] == "2026-11-20"
    assert document.fields["c2g__DueDate__c"] == "2026-12-20"
    assert document.fields["c2g__CustomerReference__c"] == "INV-000001"
    assert document.fields["SCMFFA__OIM_Invoice__c"] == "a4A000000000001AAA"
    assert document.fields["c2g__Period__c"].endswith("P11")
    (line,) = document.lines
    assert line.fields["c2g__Product__c"] == b.PRODUCT_WIDGET
    assert line.fields["c2g__Quantity__c"] == 2
    assert line.fields["c2g__UnitPrice__c"] == 50
    assert line.fields["c2g__Dimension1__c"] == b.DIM1
    assert line.fields["SCMFFA__OIM_Invoice_Line__c"] == "a4B000000000001AAA"
    assert [link.field for link in line.source_links] == ["SCMFFA__Sales_Invoice_Line_Item__c"]
    assert document.total == Decimal("100.00")


def test_non_item_lines_take_the_line_type_product_and_deposits_their_unit_price() -> None:
    mapped = run(b.invoice(
        b.item_line("a4B000000000001AAA", record_type="Freight", price=12.5),
        b.item_line("a4B000000000002AAA", record_type="Deposit", price=99.0, unit_price=40.0),
    ))  # fmt: skip

    freight, deposit = mapped.documents[0].lines
    assert freight.fields["c2g__Product__c"] == b.PRODUCT_FREIGHT
    assert deposit.fields["c2g__Product__c"] == b.PRODUCT_DEPOSIT
    assert deposit.fields["c2g__UnitPrice__c"] == 40
    assert mapped.documents[0].total == Decimal("52.50")


def test_oim_tax_arrives_as_one_summarised_tax_line_equal_to_the_oim_total() -> None:
    mapped = run(b.invoice(b.item_line("a4B000000000001AAA", price=100.0), SCMC__Total_Tax__c=8.25))

    lines = mapped.documents[0].lines
    tax = lines[-1]
    assert tax.external_id == "SIN:a4A000000000001AAA:TAX"
    assert tax.fields["c2g__Product__c"] == b.PRODUCT_TAX
    assert tax.fields["c2g__UnitPrice__c"] == 8.25
    assert tax.fields["c2g__DeriveTaxRate1FromCode__c"] is False
    assert mapped.documents[0].total == Decimal("108.25")


def test_tax_without_a_tax_line_type_mapping_is_refused_naming_the_setting() -> None:
    ref = b.reference(line_types={"Freight": b.PRODUCT_FREIGHT})
    mapped = run(b.invoice(b.item_line("a4B000000000001AAA"), SCMC__Total_Tax__c=1.0), ref=ref)

    assert mapped.documents == ()
    assert "no product is mapped to the OIM line type 'Tax'" in mapped.errors[0]


def test_amounts_that_do_not_split_evenly_round_half_up_to_the_currency() -> None:
    mapped = run(b.invoice(b.item_line("a4B000000000001AAA", quantity=3, price=33.333333)))

    assert mapped.documents[0].total == Decimal("100.00")


def test_customer_without_ar_control_gla_is_refused_with_what_to_fix() -> None:
    record = b.invoice(b.item_line("a4B000000000001AAA"))
    record["SCMC__Customer__r"] = {"Name": "Acme", "c2g__CODAAccountsReceivableControl__c": None}

    mapped = run(record)

    assert mapped.errors == ("Customer account 'Acme' has no accounts receivable control GLA: set it on the account",)


def test_item_without_product_names_the_product_group_to_fix() -> None:
    mapped = run(b.invoice(b.item_line("a4B000000000001AAA", product=None)))

    assert "link a product to its product group 'Widgets'" in mapped.errors[0]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"SCMC__Status__c": "Open"}, "only closed OIM invoices"),
        ({"SCMC__Proforma__c": True}, "proforma"),
        ({"SCMC__Shipping__r": {"SCMC__Status__c": "New"}}, "shipment of invoice INV-000001 is not complete"),
        ({"SCMFFA__Billing_Document__c": "a0B000000000001AAA"}, "billing document"),
    ],
)
def test_ineligible_invoices_are_not_eligible_with_the_reason(overrides: dict[str, Any], expected: str) -> None:
    mapped = run(b.invoice(b.item_line("a4B000000000001AAA"), **overrides))

    assert mapped.documents == ()
    # Not eligible is no refusal: no error to write on the record, the reason for the user.
    assert mapped.errors == ()
    assert expected in " ".join(mapped.not_eligible)


def test_drop_ship_invoices_do_not_need_a_complete_shipment() -> None:
    record = b.invoice(b.item_line("a4B000000000001AAA"), SCMC__Shipping__r=None)
    record["SCMC__Sales_Order__r"]["SCMC__Drop_Ship__c"] = True

    assert run(record).ok


def test_already_exported_or_linked_invoices_are_skipped_not_refused() -> None:
    linked = run(b.invoice(b.item_line("a4B000000000001AAA"), SCMFFA__Sales_Invoice__c="a2A000000000001AAA",
                           SCMFFA__Sales_Invoice__r={"Name": "SIN000007"}))  # fmt: skip
    in_process = run(b.invoice(b.item_line("a4B000000000001AAA"), SCMC__Export_Status__c="Export in Process"))
    # "Export in Progress" is the value the Invoicing picklist publishes (connector help, Invoicing Fields)
    in_progress = run(b.invoice(b.item_line("a4B000000000001AAA"), SCMC__Export_Status__c="Export in Progress"))

    assert linked.skip_reason == "Already linked to sales invoice SIN000007"
    assert in_progress.skip_reason == "Export Status is 'Export in Progress'"
    assert in_process.skip_reason == "Export Status 'Export in Process'" or "Export in Process" in str(
        in_process.skip_reason
    )


def test_a_closed_period_is_refused_before_anything_is_written() -> None:
    mapped = run(b.invoice(b.item_line("a4B000000000001AAA")), ref=b.reference(closed_months=(11,)))

    assert "Period 2026/011 of company 'Acme Industries US' is closed" in mapped.errors[0]


def test_company_never_comes_from_the_user_but_from_the_order_or_the_default() -> None:
    record = b.invoice(b.item_line("a4B000000000001AAA"), SCMFFA__Accounting_Company__c=None,
                       SCMFFA__Accounting_Currency__c=None)  # fmt: skip
    record["SCMC__Sales_Order__r"].update(SCMFFA__Accounting_Company__c=None, SCMFFA__Accounting_Currency__c=None)

    refused = run(record)
    defaulted = run(record, general=GeneralSettings(default_company="Acme Industries US"))

    assert "no default company is set" in refused.errors[0]
    assert defaulted.documents[0].fields["c2g__OwnerCompany__c"] == b.COMPANY_US
    assert defaulted.documents[0].fields["c2g__InvoiceCurrency__c"] == b.USD


def test_documents_over_the_line_limit_are_split_and_keep_the_total() -> None:
    lines = [b.item_line(f"a4B0000000000{i:02d}AAA", price=1.1) for i in range(7)]
    mapped = run(b.invoice(*lines), settings=SalesInvoiceSettings(line_limit=3))

    assert [len(d.lines) for d in mapped.documents] == [3, 3, 1]
    assert [d.external_id for d in mapped.documents] == [
        "SIN:a4A000000000001AAA", "SIN:a4A000000000001AAA:2", "SIN:a4A000000000001AAA:3",
    ]  # fmt: skip
    assert sum(d.total for d in mapped.documents) == Decimal("7.70")


def test_an_admin_mapping_overrides_a_default_and_adds_a_field() -> None:
    custom = [
        FieldRule(target="c2g__CustomerReference__c", source="SCMC__Customer__r.Name"),
        FieldRule(target="c2g__InvoiceDescription__c", constant="Exported from OIM"),
    ]
    rules = effective_rules(default_rules("sales_invoices"), custom, use_custom=True)

    fields = run(b.invoice(b.item_line("a4B000000000001AAA")), rules=rules).documents[0].fields

    assert fields["c2g__CustomerReference__c"] == "Globex"
    assert fields["c2g__InvoiceDescription__c"] == "Exported from OIM"


def _thirds() -> dict[str, Any]:
    # Three OIM lines of 1 x 33.333333 (33.33 each once rounded) and tax 10.00: OIM's own total is 110.00.
    lines = [b.item_line(f"a4B00000000000{n}AAA", price=33.333333) for n in (1, 2, 3)]
    return b.invoice(*lines, SCMC__Total_Tax__c=10.0, SCMC__Total_Invoice__c=110.0)


TOTAL = SalesInvoiceSettings(header_total_field="SCMC__Total_Invoice__c")


def test_an_invoice_whose_booked_total_differs_from_oims_is_refused_naming_both_totals() -> None:
    assert run(_thirds(), settings=TOTAL, ref=_tax_ref()).errors == (
        "Invoice INV-000001 would be booked at 109.99 but OIM's SCMC__Total_Invoice__c is 110.00 (a difference of "
        "0.01): correct the document in OIM, or name a rounding GLA in the flow's settings to book the rounding",
    )
    # no total field set (its API name is unpublished): no comparison, as before
    assert run(_thirds(), settings=SalesInvoiceSettings(), ref=_tax_ref()).ok


def test_with_a_rounding_gla_the_invoice_equals_oims_total_to_the_cent() -> None:
    settings = TOTAL.model_copy(update={"rounding_gla": "7900"})

    (document,) = run(_thirds(), settings=settings, ref=_tax_ref()).documents

    assert document.total == Decimal("110.00")
    rounding = document.lines[-1]
    assert rounding.amount == Decimal("0.01")
    assert rounding.fields["c2g__GeneralLedgerAccount__c"] == "a1G000000000079AAA"
    assert rounding.fields["c2g__LineDescription__c"] == "Rounding to OIM's invoice total"
    assert rounding.fields["c2g__DeriveTaxRate1FromCode__c"] is False


def _tax_ref() -> Any:
    ref = b.reference()
    return dataclasses.replace(ref, gla_by_reporting_code={**ref.gla_by_reporting_code, "7900": "a1G000000000079AAA"})


def test_with_the_lookups_empty_the_orders_company_name_picklist_names_the_company() -> None:
    record = b.invoice(b.item_line("a4B000000000001AAA"), SCMFFA__Accounting_Company__c=None,
                       SCMFFA__Accounting_Currency__c=None)  # fmt: skip
    record["SCMC__Sales_Order__r"].update(SCMFFA__Accounting_Company__c=None, SCMFFA__Accounting_Currency__c=None,
                                          SCMFFA__Company_Name__c="Acme Industries US")  # fmt: skip

    named = run(record, general=GeneralSettings(default_company="Nowhere Ltd"))

    assert not named.errors
    assert named.documents[0].fields["c2g__OwnerCompany__c"] == b.COMPANY_US  # the picklist wins over the default
    record["SCMC__Sales_Order__r"]["SCMFFA__Company_Name__c"] = "N/A"  # the shipped placeholder names none
    assert "no default company is set" in run(record).errors[0]
    record["SCMC__Sales_Order__r"]["SCMFFA__Company_Name__c"] = "Acme Industries DE"
    assert run(record).errors == (
        "The Company Name 'Acme Industries DE' of invoice INV-000001 names no Accounting company: choose the name "
        "of an existing company (the picklist values must match the companies' names exactly)",
    )
