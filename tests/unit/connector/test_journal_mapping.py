"""What the journal mapping makes of perpetual records: journals, lines, amounts, refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from oim_connector.mapping.defaults import default_rules
from oim_connector.mapping.journals import map_journal
from oim_connector.model.documents import Mapped, TargetDocument
from oim_connector.model.settings import GeneralSettings, JournalSettings
from pydantic import ValidationError

from tests.unit.connector import journal_builders as b

TODAY = dt.date(2026, 11, 25)


def run(record: dict[str, Any], *, settings: JournalSettings | None = None, ref: Any = None) -> Mapped:
    return map_journal(
        record, ref=ref or b.reference(), settings=settings or JournalSettings(), general=GeneralSettings(),
        rules=list(default_rules("journals")), today=TODAY,
    )  # fmt: skip


def receipt(**overrides: Any) -> dict[str, Any]:
    return b.perpetual_record(
        b.financial_record(1, "Inventory", 250.0, gla=b.GLA_INVENTORY),
        b.financial_record(2, "Accrued Purchases", -250.0, gla=b.GLA_ACCRUED),
        **overrides,
    )


def values(document: TargetDocument) -> list[Decimal]:
    return [line.amount for line in document.lines]


def test_a_receipt_becomes_one_balanced_journal_in_the_oim_company_and_currency() -> None:
    mapped = run(receipt())

    assert mapped.errors == () and mapped.skip_reason is None
    (journal,) = mapped.documents
    assert journal.sobject == "c2g__codaJournal__c"
    assert journal.external_id == f"JNL:{b.ITPR_ID}"
    assert journal.fields["c2g__OwnerCompany__c"] == b.COMPANY_US
    assert journal.fields["c2g__JournalCurrency__c"] == b.USD
    assert journal.fields["c2g__JournalDate__c"] == "2026-03-16"
    assert journal.fields["c2g__Period__c"].endswith("P03")
    assert journal.fields["c2g__JournalStatus__c"] == "In Progress"
    assert journal.fields["c2g__Type__c"] == "Manual Journal"
    assert journal.fields["c2g__Reference__c"] == "ITPR-0000001"
    assert journal.fields["c2g__JournalDescription__c"] == "Receive Purchased Material ITPR-0000001"
    assert journal.fields["Perpetual_Record__c"] == b.ITPR_ID
    inventory, accrued = journal.lines
    assert inventory.external_id == f"JNL:{b.financial_record(1, 'Inventory', 0)['Id']}"
    assert inventory.fields["c2g__LineType__c"] == "General Ledger Account"
    assert inventory.fields["c2g__GeneralLedgerAccount__c"] == b.GLA_INVENTORY
    assert inventory.fields["c2g__Value__c"] == 250
    assert inventory.fields["c2g__DebitCredit__c"] == "Debit"
    assert inventory.fields["c2g__Dimension1__c"] == b.DIM1
    assert inventory.fields["c2g__LineDescription__c"] == "ITFR-0000001 Inventory (Material)"
    assert accrued.fields["c2g__Value__c"] == -250
    assert accrued.fields["c2g__DebitCredit__c"] == "Credit"
    assert accrued.fields["Financial_Record__c"] == "a4K000000000002AAA"
    (link,) = accrued.source_links
    assert (link.sobject, link.record_id, link.field) == (
        "SCMC__Inventory_Transaction_Financial_Records__c", "a4K000000000002AAA", "Journal_Line_Item__c"
    )  # fmt: skip
    assert link.extra_fields == {"SCMC__Export_Status__c": "Exported", "SCMC__Export_Error__c": None}
    assert journal.total == Decimal("250.00")
    assert mapped.header_link is not None and mapped.header_link.field == "SCMFFA__Journal__c"


def test_a_transaction_type_not_for_accounting_is_skipped_not_refused() -> None:
    mapped = run(receipt(SCMC__Inventory_Transactions__c="Adjust Condition"))

    assert mapped.errors == () and mapped.documents == ()
    assert mapped.skip_reason is not None
    assert "'Adjust Condition' is not an inventory transaction for accounting" in mapped.skip_reason


def test_a_custom_transaction_type_in_the_settings_is_booked() -> None:
    settings = JournalSettings(custom_transaction_types=["Consignment Receipt"])

    mapped = run(receipt(SCMC__Inventory_Transactions__c="Consignment Receipt"), settings=settings)

    assert len(mapped.documents) == 1


def test_a_perpetual_record_already_linked_to_a_journal_is_skipped() -> None:
    mapped = run(receipt(SCMFFA__Journal__c="a2K000000000001AAA", SCMFFA__Journal__r={"Name": "JNL000001"}))

    assert mapped.skip_reason == "Already linked to journal JNL000001"


def test_the_records_own_gla_comes_first_then_related_records_then_the_gl_account_mapping() -> None:
    record = b.perpetual_record(
        b.financial_record(1, "Inventory", 10, gla=b.GLA_MISC),  # filled by OIM: kept
        b.financial_record(2, "Inventory", 10),  # product group inventory GLA
        b.financial_record(3, "Miscellaneous", 5),  # reason code GLA
        b.financial_record(4, "Accrued Purchases", -25),  # GL Account mapping
    )
    record["SCMC__Item__r"]["SCMC__Product_Group__r"]["SCMFFA__Inventory_GLA__c"] = b.GLA_PG_INVENTORY
    record["SCMC__Reason_Code__r"] = {"Name": "Samples", "SCMFFA__General_Ledger_Account__c": b.GLA_REASON}

    lines = run(record).documents[0].lines

    assert [line.fields["c2g__GeneralLedgerAccount__c"] for line in lines] == [
        b.GLA_MISC, b.GLA_PG_INVENTORY, b.GLA_REASON, b.GLA_ACCRUED
    ]  # fmt: skip
    # The GLA the connector found is written back on the financial record; OIM's own is left alone.
    assert "SCMFFA__General_Ledger_Account__c" not in lines[0].source_links[0].extra_fields
    assert lines[1].source_links[0].extra_fields["SCMFFA__General_Ledger_Account__c"] == b.GLA_PG_INVENTORY


def test_expenses_take_the_po_line_gla_and_a_company_specific_mapping_beats_the_general_one() -> None:
    ref = b.reference()
    ref.gl_category_accounts["Inventory"][b.COMPANY_US] = b.GLA_PG_INVENTORY
    ref.gl_category_accounts["Expenses"] = {None: b.GLA_MISC}
    record = b.perpetual_record(b.financial_record(1, "Expenses", 40), b.financial_record(2, "Inventory", -40))
    record["SCMC__Purchase_Order_Line_Item__r"] = {"SCMFFA__General_Ledger_Account__c": b.GLA_PO_LINE,
                                                   "SCMC__Category__r": None}  # fmt: skip

    expense, inventory = run(record, ref=ref).documents[0].lines

    assert expense.fields["c2g__GeneralLedgerAccount__c"] == b.GLA_PO_LINE
    assert inventory.fields["c2g__GeneralLedgerAccount__c"] == b.GLA_PG_INVENTORY


def test_a_record_without_gla_refuses_the_journal_naming_the_category_and_where_to_map_it() -> None:
    mapped = run(b.perpetual_record(b.financial_record(1, "Inventory", 120), b.financial_record(2, "WIP", -120)))

    assert mapped.documents == ()
    assert mapped.errors == (
        "Financial record ITFR-0000002 (GL category 'WIP') has no general ledger account: map 'WIP' to a general "
        "ledger account in the OIM GL Accounts (GL Account mapping) or set the GLA on the financial record",
    )


def test_a_missing_related_gla_is_named_among_the_fixes() -> None:
    ref = b.reference()
    del ref.gl_category_accounts["Miscellaneous"]
    record = b.perpetual_record(b.financial_record(1, "Miscellaneous", 5), b.financial_record(2, "Inventory", -5))
    record["SCMC__Reason_Code__r"] = {"Name": "Samples", "SCMFFA__General_Ledger_Account__c": None}

    (error,) = run(record, ref=ref).errors

    assert "set the GLA of reason code 'Samples'" in error


def test_financial_records_that_do_not_balance_are_refused_with_the_imbalance_and_the_records() -> None:
    mapped = run(b.perpetual_record(b.financial_record(1, "Inventory", 250), b.financial_record(2, "Accrued Purchases",
                                                                                                 -240)))  # fmt: skip

    assert mapped.documents == ()
    assert mapped.errors == (
        "The financial records of perpetual record ITPR-0000001 do not balance: debits 250.00 and credits 240.00 USD "
        "differ by 10.00 (ITFR-0000001 Inventory 250.00, ITFR-0000002 Accrued Purchases -240.00): correct the "
        "financial records in OIM",
    )


def foreign() -> dict[str, Any]:
    return b.perpetual_record(
        b.financial_record(1, "Inventory", 33.33, currency="EUR"),
        b.financial_record(2, "Inventory", 33.33, currency="EUR"),
        b.financial_record(3, "Inventory", 33.34, currency="EUR"),
        b.financial_record(4, "Miscellaneous", -100, currency="EUR"),
        SCMFFA__Accounting_Company__c=b.COMPANY_UK, SCMFFA__Accounting_Currency__c=b.GBP,
        SCMC__Inventory_Location__r=b.icp_location("Rotterdam", b.COMPANY_UK, "EUR"),
    )  # fmt: skip


def test_foreign_values_are_converted_and_the_rounding_difference_goes_to_the_rounding_gla() -> None:
    mapped = run(foreign(), settings=JournalSettings(rounding_gla="7900"))

    (journal,) = mapped.documents
    assert journal.fields["c2g__JournalCurrency__c"] == b.GBP
    assert values(journal) == [Decimal(v) for v in ("28.49", "28.49", "28.50", "-85.47", "-0.01")]
    rounding = journal.lines[-1]
    assert rounding.fields["c2g__GeneralLedgerAccount__c"] == b.GLA_ROUNDING
    assert rounding.external_id == f"JNL:{b.ITPR_ID}:ROUNDING"
    assert rounding.source_links == ()
    assert sum(values(journal)) == 0
    assert journal.total == Decimal("85.48")


def test_a_rounding_difference_without_a_rounding_gla_is_refused_never_dropped() -> None:
    assert run(foreign()).errors == (
        "Rounding perpetual record ITPR-0000001 to GBP leaves a difference of -0.01 GBP: set the rounding GLA (a "
        "reporting code) in the journal settings",
    )
    (error,) = run(foreign(), settings=JournalSettings(rounding_gla="0000")).errors
    assert "the rounding GLA '0000' of the journal settings is not a general ledger account reporting code" in error


def test_a_currency_without_exchange_rate_is_refused() -> None:
    record = b.perpetual_record(b.financial_record(1, "Inventory", 10, currency="CHF"),
                                b.financial_record(2, "Accrued Purchases", -10))  # fmt: skip

    (error,) = run(record).errors

    assert "ITFR-0000001 is in CHF, which is not an accounting currency of company 'Acme Industries US'" in error


def test_journal_date_follows_the_record_then_invoice_then_voucher_then_transaction() -> None:
    invoice = {"SCMC__Invoice_Date__c": "2026-03-10"}
    voucher = {"SCMC__Accounting_Date__c": "2026-03-20", "SCMC__Invoice_Date__c": "2026-03-19"}

    def date_of(**overrides: Any) -> str:
        return str(run(receipt(**overrides)).documents[0].fields["c2g__JournalDate__c"])

    assert date_of(SCMFFA__Journal_Date__c="2026-03-31", SCMC__Invoicing__r=invoice) == "2026-03-31"
    assert date_of(SCMC__Invoicing__r=invoice) == "2026-03-10"
    assert date_of(SCMC__AP_Voucher__r=voucher) == "2026-03-20"
    assert date_of() == "2026-03-16"
    only_transaction = JournalSettings(journal_date_sources=["transaction"])
    record = receipt(SCMFFA__Journal_Date__c="2026-03-31")
    assert run(record, settings=only_transaction).documents[0].fields["c2g__JournalDate__c"] == "2026-03-16"


def test_a_closed_period_is_refused() -> None:
    (error,) = run(receipt(), ref=b.reference(closed_months=(3,))).errors

    assert "Period 2026/003 of company 'Acme Industries US' is closed" in error


def test_company_and_currency_come_from_the_icp_or_the_purchase_order_in_the_settings_order() -> None:
    record = receipt(SCMFFA__Accounting_Company__c=None, SCMFFA__Accounting_Currency__c=None)
    record["SCMC__Purchase_Order__r"] = {"SCMFFA__Accounting_Company__c": b.COMPANY_UK,
                                        "SCMFFA__Accounting_Currency__c": None, "SCMC__Currency__r": None}  # fmt: skip

    from_icp = run(record).documents[0]
    from_po = run(record, settings=JournalSettings(company_sources=["purchase_order", "icp"])).errors

    assert from_icp.fields["c2g__OwnerCompany__c"] == b.COMPANY_US
    assert from_icp.fields["c2g__JournalCurrency__c"] == b.USD
    # Here the purchase order's UK company has no USD currency: the refusal names it.
    assert from_po == (
        "Company 'Acme Industries UK' has no accounting currency USD: create it in Accounting or correct the "
        "currency on perpetual record ITPR-0000001",
    )


def test_the_journal_type_comes_from_the_perpetual_record_else_the_setting() -> None:
    typed = run(receipt(SCMFFA__Journal_Type__c="reversing journal")).documents[0]
    default = run(receipt(), settings=JournalSettings(default_journal_type="Reversing Journal")).documents[0]

    assert typed.fields["c2g__Type__c"] == default.fields["c2g__Type__c"] == "Reversing Journal"


def test_a_journal_type_accounting_does_not_have_is_refused_on_the_record_and_in_the_settings() -> None:
    (error,) = run(receipt(SCMFFA__Journal_Type__c="Inventory Journal")).errors

    assert "has Journal Type 'Inventory Journal', which Accounting does not have (its journal types: Manual " in error
    with pytest.raises(ValidationError, match="Manual Journal"):
        JournalSettings(default_journal_type="Inventory Journal")  # type: ignore[arg-type]


def test_summarising_sums_lines_of_the_same_gla_and_keeps_every_back_link() -> None:
    record = b.perpetual_record(
        b.financial_record(1, "Inventory", 10), b.financial_record(2, "Inventory", 15),
        b.financial_record(3, "Accrued Purchases", -25),
    )  # fmt: skip

    (journal,) = run(record, settings=JournalSettings(summarise_lines=True)).documents

    inventory, accrued = journal.lines
    assert inventory.amount == Decimal("25.00")
    assert inventory.external_id.startswith(f"JNL:{b.ITPR_ID}:{b.GLA_INVENTORY}:")
    assert inventory.fields["Financial_Record__c"] is None
    assert [link.record_id for link in inventory.source_links] == ["a4K000000000001AAA", "a4K000000000002AAA"]
    assert accrued.external_id == "JNL:a4K000000000003AAA"


def test_past_the_line_limit_each_part_is_a_balanced_journal() -> None:
    record = b.perpetual_record(
        b.financial_record(1, "Inventory", 10), b.financial_record(2, "Inventory", 20),
        b.financial_record(3, "Accrued Purchases", -20), b.financial_record(4, "Accrued Purchases", -10),
    )  # fmt: skip

    mapped = run(record, settings=JournalSettings(line_limit=2))

    assert [d.external_id for d in mapped.documents] == [f"JNL:{b.ITPR_ID}", f"JNL:{b.ITPR_ID}:2"]
    assert [values(d) for d in mapped.documents] == [[Decimal("10.00"), Decimal("-10.00")],
                                                    [Decimal("20.00"), Decimal("-20.00")]]  # fmt: skip


def test_parts_that_cannot_balance_are_refused_or_balanced_through_the_clearing_gla() -> None:
    record = b.perpetual_record(
        b.financial_record(1, "Inventory", 10), b.financial_record(2, "Inventory", 10),
        b.financial_record(3, "Inventory", 10), b.financial_record(4, "Accrued Purchases", -30),
    )  # fmt: skip

    refused = run(record, settings=JournalSettings(line_limit=2))
    cleared = run(record, settings=JournalSettings(line_limit=2, split_clearing_gla="9990"))

    assert refused.errors == (
        "Perpetual record ITPR-0000001 needs 4 journal lines, more than the journal line limit of 2, and its "
        "financial records only balance in a group of 4 lines, so no part would balance on its own: raise the "
        "journal line limit to at least 4 or set a split clearing GLA (a reporting code) in the journal settings",
    )
    assert len(cleared.documents) == 4
    assert all(sum(values(d)) == 0 and len(d.lines) <= 2 for d in cleared.documents)
    clearing = [line for d in cleared.documents for line in d.lines if ":CLEARING:" in line.external_id]
    assert {line.fields["c2g__GeneralLedgerAccount__c"] for line in clearing} == {b.GLA_CLEARING}
    assert sum(line.amount for line in clearing) == 0


def test_a_perpetual_record_without_financial_records_is_skipped() -> None:
    assert run(b.perpetual_record()).skip_reason == "It has no financial records, so there is nothing to book"
