"""What the payable invoice mapping makes of AP vouchers: product and expense lines, GLAs, refusals."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from oim_connector.mapping.defaults import default_rules
from oim_connector.mapping.payable_invoices import map_payable_invoice
from oim_connector.mapping.payables import quantity_and_price
from oim_connector.mapping.reference import Period
from oim_connector.model.documents import Mapped, TargetDocument
from oim_connector.model.settings import GeneralSettings, PayableInvoiceSettings

from tests.unit.connector import builders as b
from tests.unit.connector import payable_builders as pb

TODAY = dt.date(2026, 11, 25)
PRODUCT_LINE = "c2g__codaPurchaseInvoiceLineItem__c"
EXPENSE_LINE = "c2g__codaPurchaseInvoiceExpenseLineItem__c"


def run(record: dict[str, Any], *, settings: PayableInvoiceSettings | None = None, ref: Any = None,
        general: GeneralSettings | None = None) -> Mapped:  # fmt: skip
    return map_payable_invoice(
        record, ref=ref or pb.reference(), settings=settings or PayableInvoiceSettings(),
        general=general or GeneralSettings(), rules=list(default_rules("payable_invoices")), today=TODAY,
    )  # fmt: skip


def one_document(mapped: Mapped) -> TargetDocument:
    assert mapped.errors == () and mapped.skip_reason is None
    (document,) = mapped.documents
    return document


def test_mixed_voucher_becomes_product_and_expense_lines_on_the_gla_the_rules_give() -> None:
    voucher = pb.voucher(
        pb.voucher_line("a4F000000000001AAA", quantity=10, unit_cost=12.5),
        pb.category_line("a4F000000000002AAA", unit_cost=86.4),
        pb.description_line("a4F000000000003AAA", unit_cost=450.0, po_line_gla=pb.GLA_MISC),
        pb.tax_line("a4F000000000004AAA", 33.22),
        pb.voucher_line("a4F000000000005AAA", line_type="Accounting", po_line_type=None, product=b.PRODUCT_FREIGHT,
                        unit_cost=35.0),
    )  # fmt: skip

    document = one_document(run(voucher))

    assert document.sobject == "c2g__codaPurchaseInvoice__c"
    assert document.external_id == f"PIN:{pb.VOUCHER}"
    fields = document.fields
    assert fields["c2g__OwnerCompany__c"] == b.COMPANY_US and fields["c2g__InvoiceCurrency__c"] == b.USD
    assert fields["c2g__Account__c"] == pb.VENDOR
    assert fields["c2g__AccountInvoiceNumber__c"] == "GLX-INV-1001"
    assert (fields["c2g__InvoiceDate__c"], fields["c2g__DueDate__c"]) == ("2026-11-20", "2026-12-20")
    assert fields["c2g__Period__c"].endswith("P11") and fields["c2g__DerivePeriod__c"] is False
    assert fields["SCMFFA__AP_Voucher__c"] == pb.VOUCHER
    item, category, description, tax, accounting = document.lines
    assert [line.sobject for line in document.lines] == [PRODUCT_LINE, EXPENSE_LINE, EXPENSE_LINE, PRODUCT_LINE,
                                                         PRODUCT_LINE]  # fmt: skip
    assert item.fields["c2g__Product__c"] == b.PRODUCT_WIDGET
    assert (item.fields["c2g__Quantity__c"], item.fields["c2g__UnitPrice__c"]) == (10, 12.5)
    assert item.fields["c2g__Dimension1__c"] == pb.DIM1_INDUSTRIAL
    assert item.fields["SCMFFA__Item__c"] == "a3C000000000001AAA"
    assert item.fields["SCMFFA__AP_Voucher_Line__c"] == "a4F000000000001AAA"
    assert item.source_links[0].field == "SCMFFA__Payable_Invoice_Line_Item__c"
    assert category.fields["c2g__GeneralLedgerAccount__c"] == pb.GLA_MAINTENANCE
    assert category.fields["c2g__NetValue__c"] == 86.4
    assert category.fields["c2g__Dimension1__c"] == pb.DIM1_MRO
    assert category.source_links[0].field == "SCMFFA__Payable_Invoice_Expense_Line_Item__c"
    assert "c2g__Product__c" not in category.fields
    assert description.fields["c2g__GeneralLedgerAccount__c"] == pb.GLA_MISC
    assert tax.fields["c2g__Product__c"] == b.PRODUCT_TAX
    assert accounting.fields["c2g__Product__c"] == b.PRODUCT_FREIGHT
    assert document.total == Decimal("729.62")  # 125 + 86.40 + 450 + 33.22 + 35


def test_expense_lines_with_an_item_take_the_products_purchase_analysis_gla_and_tax_lines_the_tax_products() -> None:
    voucher = pb.voucher(pb.voucher_line("a4F000000000001AAA", product_line=False),
                         pb.tax_line("a4F000000000002AAA", 5.0, product_line=False))  # fmt: skip

    item, tax = one_document(run(voucher)).lines

    assert item.sobject == EXPENSE_LINE and item.fields["c2g__GeneralLedgerAccount__c"] == pb.GLA_ACCRUED
    assert tax.fields["c2g__GeneralLedgerAccount__c"] == pb.GLA_PURCHASE_TAX


def test_each_missing_account_is_refused_naming_the_line_and_where_to_set_it() -> None:
    voucher = pb.voucher(
        pb.category_line("a4F000000000012AAA", category_gla=None),
        pb.description_line("a4F000000000013AAA", po_line_gla=None),
        pb.voucher_line("a4F000000000014AAA", product_line=False, product_gla=None),
        pb.voucher_line("a4F000000000015AAA", product=None),
        pb.voucher_line("a4F000000000016AAA", po_line_type=None, item=False),
    )

    (error,) = run(voucher).errors

    assert "Line APVL-0012: product group 'MRO Supplies' has no purchase analysis GLA for category: set it on the " \
           "product group" in error  # fmt: skip
    assert "Line APVL-0013: purchase order line POL-0013 is a Description line without a General Ledger Account: " \
           "set the General Ledger Account on the PO line" in error  # fmt: skip
    assert "Line APVL-0014: product 'Widget' has no purchase analysis GLA: set it on the product" in error
    assert "Line APVL-0015: product group 'Widgets' of item 'WID-100' has no product: link a product" in error
    assert "Line APVL-0016 is a product line (Product Line is checked) but has no item" in error


def test_a_tax_line_without_the_tax_line_type_mapping_is_refused() -> None:
    voucher = pb.voucher(pb.tax_line("a4F000000000001AAA", 5.0))

    general = GeneralSettings(default_company="Acme Industries US")

    (error,) = run(voucher, ref=pb.reference(line_types={}), general=general).errors

    assert "no product is mapped to the OIM line type 'Tax': add a 'Tax' OIM Line Type to Product Mapping" in error


def test_purchase_orders_of_different_companies_are_refused_naming_them() -> None:
    uk_order = pb.purchase_order(pb.PO_UK, b.COMPANY_UK, b.GBP, "GBP")
    voucher = pb.voucher(pb.voucher_line("a4F000000000001AAA"), pb.voucher_line("a4F000000000002AAA", order=uk_order))

    (error,) = run(voucher).errors

    assert error.startswith("The purchase orders of AP voucher APV-000001 belong to different companies: "
                            "Acme Industries US (PO-0001), Acme UK (PO-0002)")  # fmt: skip
    assert "split the voucher" in error


def test_purchase_orders_in_different_currencies_or_without_company_are_refused() -> None:
    jpy_order = pb.purchase_order("a3M000000000003AAA", b.COMPANY_US, b.JPY, "JPY")
    mixed = pb.voucher(pb.voucher_line("a4F000000000001AAA"), pb.voucher_line("a4F000000000002AAA", order=jpy_order))
    no_company = pb.voucher(pb.voucher_line("a4F000000000001AAA", order=pb.purchase_order(company=None)))

    assert "are in different currencies: USD (PO-0001), JPY (PO-0003)" in run(mixed).errors[0]
    assert run(no_company).errors == (
        "Purchase order PO-0001 of AP voucher APV-000001 has no Accounting Company: set its Company Name in OIM",
    )


def test_without_purchase_orders_the_default_company_and_the_voucher_currency_apply() -> None:
    voucher = pb.voucher(pb.tax_line("a4F000000000001AAA", 6.19))

    document = one_document(run(voucher, general=GeneralSettings(default_company="Acme Industries US")))

    assert (
        document.fields["c2g__OwnerCompany__c"] == b.COMPANY_US and document.fields["c2g__InvoiceCurrency__c"] == b.USD
    )
    assert "no default company is set" in run(voucher).errors[0]


def test_the_voucher_period_is_used_and_a_closed_or_foreign_one_is_refused() -> None:
    ref = pb.reference(closed_months=(9,))
    line = pb.voucher_line("a4F000000000001AAA")
    chosen = f"{b.COMPANY_US[:14]}P12"

    assert one_document(run(pb.voucher(line, SCMFFA__Period__c=chosen), ref=ref)).fields["c2g__Period__c"] == chosen
    closed = run(pb.voucher(line, SCMFFA__Period__c=f"{b.COMPANY_US[:14]}P09"), ref=ref)
    assert closed.errors == (
        "Period 2026/009 of company 'Acme Industries US' is closed, so AP voucher APV-000001 cannot be booked in it: "
        "choose an open period on AP voucher APV-000001, or reopen the period in Accounting",
    )
    uk_period = Period(
        "a1P0000000000UKAAA", "2026/011", b.COMPANY_UK, dt.date(2026, 11, 1), dt.date(2026, 11, 30), False
    )
    with_uk = dataclasses.replace(ref, periods=(*ref.periods, uk_period))
    foreign = run(pb.voucher(line, SCMFFA__Period__c=uk_period.id), ref=with_uk)
    assert "belongs to company 'Acme UK', not to 'Acme Industries US'" in foreign.errors[0]
    derived_closed = run(pb.voucher(line, SCMC__Invoice_Date__c="2026-09-10"), ref=ref)
    assert "Period 2026/009 of company 'Acme Industries US' is closed" in derived_closed.errors[0]


def test_supplier_site_without_vendor_account_or_ap_control_is_refused() -> None:
    line = pb.voucher_line("a4F000000000001AAA")

    no_account = run(pb.voucher(line, SCMC__Supplier_Site__r=pb.site(account=None)))
    no_control = run(pb.voucher(line, SCMC__Supplier_Site__r=pb.site(ap_control=None)))

    assert no_account.errors == (
        "Supplier site 'Globex Components - Springfield' of AP voucher APV-000001 has no vendor account: link the "
        "site to an account (the vendor accounts sync creates it)",
    )
    assert no_control.errors == (
        "Vendor account 'Globex Components' has no accounts payable control GLA: set it on the account",
    )


def test_unmatched_vouchers_are_not_eligible_and_exported_ones_are_skipped() -> None:
    line = pb.voucher_line("a4F000000000001AAA")

    received = run(pb.voucher(line, SCMC__Status__c="Received"))
    exported = run(pb.voucher(line, SCMC__Export_Status__c="Exported"))
    linked = run(pb.voucher(line, SCMFFA__Payable_Invoice__c=pb.PIN, SCMFFA__Payable_Invoice__r={"Name": "PIN000007"}))

    assert received.errors == ()
    assert received.not_eligible == (
        "AP voucher APV-000001 is Received: only matched AP vouchers can be exported; match it in OIM first",
    )
    assert exported.skip_reason == "Export Status is 'Exported'"
    assert linked.skip_reason == "Already linked to payable invoice PIN000007"


def test_over_the_line_limit_the_voucher_splits_and_keeps_its_total() -> None:
    lines = [pb.voucher_line(f"a4F0000000000{n:02d}AAA", quantity=n, unit_cost=10.0 + n) for n in range(1, 13)]

    mapped = run(pb.voucher(*lines), settings=PayableInvoiceSettings(line_limit=5))

    assert [len(d.lines) for d in mapped.documents] == [5, 5, 2]
    assert [d.external_id for d in mapped.documents] == [f"PIN:{pb.VOUCHER}", f"PIN:{pb.VOUCHER}:2",
                                                         f"PIN:{pb.VOUCHER}:3"]  # fmt: skip
    assert sum(d.total for d in mapped.documents) == Decimal("1430.00")


def test_lines_that_do_not_add_up_to_the_voucher_total_are_refused_unless_the_check_is_off() -> None:
    voucher = pb.voucher(pb.voucher_line("a4F000000000001AAA", quantity=2, unit_cost=10.0), total=25.0)

    assert run(voucher).errors == (
        "AP voucher APV-000001 would be booked at 20.00 but OIM's Invoice Total is 25.00 (a difference of 5.00): "
        "correct the document in OIM, or name a rounding GLA in the flow's settings to book the rounding",
    )
    # a rounding GLA books rounding only: five of twenty is more than one line's rounding
    assert "more than rounding of 1 line(s) explains" in run(voucher, settings=ROUNDING).errors[0]
    assert run(voucher, settings=PayableInvoiceSettings(check_voucher_total=False)).ok


ROUNDING = PayableInvoiceSettings(rounding_gla="7900")


def test_three_thirds_are_booked_at_oims_total_with_a_rounding_line_on_the_named_gla() -> None:
    # three lines of 1 x 33.333333 round to 99.99; OIM's Invoice Total says 100.00
    thirds = [pb.voucher_line(f"a4F00000000000{n}AAA", unit_cost=33.333333, amount=33.33) for n in (1, 2, 3)]
    voucher = pb.voucher(*thirds, total=100.00)
    ref = dataclasses.replace(pb.reference(), gla_by_reporting_code={"7900": pb.GLA_MISC})

    refused = run(voucher, ref=ref)
    (document,) = run(voucher, settings=ROUNDING, ref=ref).documents

    assert "would be booked at 99.99 but OIM's Invoice Total is 100.00 (a difference of 0.01)" in refused.errors[0]
    assert document.total == Decimal("100.00")
    rounding = document.lines[-1]
    assert (rounding.sobject, rounding.amount) == (EXPENSE_LINE, Decimal("0.01"))
    assert rounding.fields["c2g__GeneralLedgerAccount__c"] == pb.GLA_MISC
    assert rounding.fields["c2g__LineDescription__c"] == "Rounding to OIM's Invoice Total"


def test_a_line_amount_that_is_not_quantity_times_unit_cost_keeps_the_amount_to_the_cent() -> None:
    assert quantity_and_price(Decimal(3), Decimal("33.333333"), Decimal("100.00"), 2) == (
        Decimal(3), Decimal("33.333333"),
    )  # fmt: skip
    quantity, price = quantity_and_price(Decimal(3), Decimal("30"), Decimal("100.00"), 2)
    assert (quantity * price).quantize(Decimal("0.01")) == Decimal("100.00")
    assert quantity_and_price(Decimal(0), None, Decimal("5.00"), 2) == (Decimal(1), Decimal("5.00"))


def test_vendor_invoice_number_is_cut_to_25_characters_and_required() -> None:
    line = pb.voucher_line("a4F000000000001AAA")

    long_number = one_document(run(pb.voucher(line, SCMC__Invoice_Number__c="X" * 30)))
    missing = run(pb.voucher(line, SCMC__Invoice_Number__c=None))

    assert long_number.fields["c2g__AccountInvoiceNumber__c"] == "X" * 25
    # the full number is kept on the document, in its description
    assert long_number.fields["c2g__InvoiceDescription__c"].endswith("Vendor Invoice Number: " + "X" * 30)
    assert "has no Supplier Invoice Number: enter the vendor's invoice number" in missing.errors[0]


def test_settings_split_by_item_and_take_the_lines_own_product_and_gla_first() -> None:
    flagged_without_item = pb.description_line("a4F000000000001AAA", product_line=True)
    item_unflagged = pb.voucher_line("a4F000000000002AAA", product_line=False, own_product=b.PRODUCT_FREIGHT)
    own_gla = pb.category_line("a4F000000000003AAA", own_gla=pb.GLA_LINE_OWN)
    voucher = pb.voucher(flagged_without_item, item_unflagged, own_gla)

    by_item = one_document(run(voucher, settings=PayableInvoiceSettings(product_line_rule="item")))
    line_first = one_document(run(voucher, settings=PayableInvoiceSettings(product_line_rule="item",
                                                                           line_accounts="line_first")))  # fmt: skip

    assert [line.sobject for line in by_item.lines] == [EXPENSE_LINE, PRODUCT_LINE, EXPENSE_LINE]
    assert by_item.lines[1].fields["c2g__Product__c"] == b.PRODUCT_WIDGET
    assert by_item.lines[2].fields["c2g__GeneralLedgerAccount__c"] == pb.GLA_MAINTENANCE
    assert line_first.lines[1].fields["c2g__Product__c"] == b.PRODUCT_FREIGHT
    assert line_first.lines[2].fields["c2g__GeneralLedgerAccount__c"] == pb.GLA_LINE_OWN


def test_a_purchase_order_without_company_lookup_takes_the_company_its_company_name_names() -> None:
    order = pb.purchase_order(company=None)
    order["SCMFFA__Company_Name__c"] = "Acme Industries US"
    named = run(pb.voucher(pb.voucher_line("a4F000000000001AAA", order=order)))

    assert not named.errors
    assert one_document(named).fields["c2g__OwnerCompany__c"] == b.COMPANY_US
    order["SCMFFA__Company_Name__c"] = "Acme Japan"
    assert run(pb.voucher(pb.voucher_line("a4F000000000001AAA", order=order))).errors == (
        "The Company Name 'Acme Japan' of purchase order PO-0001 (AP voucher APV-000001) names no Accounting "
        "company: choose the name of an existing company (the picklist values must match the companies' names "
        "exactly)",
    )
