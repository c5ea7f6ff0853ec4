"""Inventory transactions -> journals on the sample data, through the real handler, HTTPS and the local org."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from oim_connector.model.settings import ConnectorSettings, JournalSettings
from oim_local.runner import events

from tests.e2e.conftest import Sample
from tests.e2e.helpers import body, result_for

FLOW = "journals"
FN = "journals"
ITPR = "SCMC__Inventory_Transaction_Perpetual_Record__c"


def _book(sample: Sample, reference_id: str) -> dict[str, Any]:
    answer = sample.env.invoke(FN, events.record_action(FLOW, sample.ids[reference_id]))
    assert answer["statusCode"] == 200
    return result_for(body(answer), sample.ids[reference_id])


def _lines(sample: Sample, journal_id: str) -> list[dict[str, Any]]:
    return sample.query(
        "SELECT Id, c2g__GeneralLedgerAccount__c, c2g__Value__c, c2g__DebitCredit__c, c2g__LineType__c, "
        "c2g__Dimension1__c, Financial_Record__c, OIM_External_Id__c FROM c2g__codaJournalLineItem__c "
        f"WHERE c2g__Journal__c = '{journal_id}' ORDER BY OIM_External_Id__c"
    )


def _financial_records(sample: Sample, itpr_id: str) -> list[dict[str, Any]]:
    return sample.query(
        "SELECT Id, SCMC__ICP_Value_Amount__c, SCMC__Export_Status__c, Journal_Line_Item__c "
        f"FROM SCMC__Inventory_Transaction_Financial_Records__c WHERE SCMC__Inventory_Transaction__c = '{itpr_id}'"
    )


def _money(value: object) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


# case -> journal date, then each line's GLA (sample referenceId) and value, debits first
BOOKED = {
    "ItprReceive": ("2026-03-16", [("GlaInventory", "250.00"), ("GlaAccruedPurchases", "-250.00")]),
    "ItprPick": ("2026-03-10", [("GlaCogs", "180.00"), ("GlaInventory", "-180.00")]),
    "ItprMiscIssue": ("2026-03-18", [("GlaMiscExpense", "50.00"), ("GlaInventory", "-50.00")]),
    "ItprCycleCount": ("2026-03-31", [("GlaCycleCount", "12.50"), ("GlaInventory", "-12.50")]),
    "ItprScrap": ("2026-04-02", [("GlaScrap", "75.00"), ("GlaInventory", "-75.00")]),
    "ItprTransfer": ("2026-04-07", [("GlaInTransit", "300.00"), ("GlaInventory", "-300.00")]),
    "ItprUseTax": ("2026-03-20", [("GlaUseTaxExpense", "8.25"), ("GlaUseTaxPayable", "-8.25")]),
    "ItprPpv": ("2026-03-20", [("GlaPpv", "15.00"), ("GlaAccruedPurchases", "-15.00")]),
}


@pytest.mark.parametrize("case", list(BOOKED))
def test_the_record_action_books_each_kind_of_transaction_as_a_balanced_journal(sample: Sample, case: str) -> None:
    itpr_id = sample.ids[case]
    journal_date, expected = BOOKED[case]

    result = _book(sample, case)

    assert result["outcome"] == "created"
    (document,) = result["documents"]
    journal = sample.get("c2g__codaJournal__c", document["id"])
    assert journal["c2g__OwnerCompany__c"] == sample.ids["CompanyUS"]
    assert journal["c2g__JournalCurrency__c"] == sample.ids["CurUsdUS"]
    assert journal["c2g__JournalDate__c"] == journal_date
    assert journal["c2g__JournalStatus__c"] == "In Progress"
    assert journal["c2g__Reference__c"] == sample.get(ITPR, itpr_id)["Name"]
    assert journal["Perpetual_Record__c"] == itpr_id
    lines = sorted(_lines(sample, document["id"]), key=lambda line: -line["c2g__Value__c"])
    assert [(line["c2g__GeneralLedgerAccount__c"], _money(line["c2g__Value__c"])) for line in lines] == [
        (sample.ids[gla], Decimal(value)) for gla, value in expected
    ]
    assert [line["c2g__DebitCredit__c"] for line in lines] == ["Debit", "Credit"]
    # Balanced, and the debits are the financial records' positive values, to the cent.
    records = _financial_records(sample, itpr_id)
    assert sum(_money(line["c2g__Value__c"]) for line in lines) == 0
    debits = sum(_money(r["SCMC__ICP_Value_Amount__c"]) for r in records if r["SCMC__ICP_Value_Amount__c"] > 0)
    assert debits == Decimal(expected[0][1]) == Decimal(document["total"])
    # Back-links: the perpetual record to its journal, each financial record to its line, in one transaction.
    source = sample.get(ITPR, itpr_id)
    assert source["SCMFFA__Journal__c"] == document["id"]
    assert source["SCMC__Export_Status__c"] == "Exported"
    line_by_record = {line["Financial_Record__c"]: line["Id"] for line in lines}
    assert {r["Id"]: r["Journal_Line_Item__c"] for r in records} == line_by_record
    assert {r["SCMC__Export_Status__c"] for r in records} == {"Exported"}


def test_a_transaction_type_not_for_accounting_is_skipped_and_left_untouched(sample: Sample) -> None:
    result = _book(sample, "ItprAdjustCondition")

    assert result["outcome"] == "skipped"
    assert "'Adjust Condition' is not an inventory transaction for accounting" in result["reason"]
    source = sample.get(ITPR, sample.ids["ItprAdjustCondition"])
    assert source["SCMC__Export_Status__c"] == "New" and source["SCMC__Export_Error__c"] is None
    assert sample.query("SELECT Id FROM c2g__codaJournal__c") == []


def test_an_unmapped_gl_category_refuses_the_journal_with_what_to_map(sample: Sample) -> None:
    itpr_id = sample.ids["ItprUnmappedWip"]

    result = _book(sample, "ItprUnmappedWip")

    assert result["outcome"] == "failed"
    expected = (
        "Financial record ITFR-0000020 (GL category 'WIP') has no general ledger account: map 'WIP' to a general "
        "ledger account in the OIM GL Accounts (GL Account mapping) or set the GLA on the financial record"
    )
    assert result["errors"] == [expected]
    source = sample.get(ITPR, itpr_id)
    assert source["SCMC__Export_Status__c"] == "Export Error"
    assert source["SCMC__Export_Error__c"] == expected
    assert source["SCMFFA__Journal__c"] is None
    assert sample.query("SELECT Id FROM c2g__codaJournal__c") == []


def test_a_foreign_currency_journal_puts_the_rounding_difference_on_the_rounding_gla(sample: Sample) -> None:
    refused = _book(sample, "ItprForeign")
    assert refused["errors"] == [
        "Rounding perpetual record ITPR-0000011 to GBP leaves a difference of -0.01 GBP: set the rounding GLA (a "
        "reporting code) in the journal settings"
    ]
    sample.env.save_settings(ConnectorSettings(journals=JournalSettings(rounding_gla="7900")))

    # Retried from the list view (the record button answers a double click within seconds from its first answer).
    itpr_id = sample.ids["ItprForeign"]
    result = result_for(body(sample.env.invoke(FN, events.list_action(FLOW, [itpr_id]))), itpr_id)

    assert result["outcome"] == "created"
    (document,) = result["documents"]
    journal = sample.get("c2g__codaJournal__c", document["id"])
    assert journal["c2g__OwnerCompany__c"] == sample.ids["CompanyUK"]
    assert journal["c2g__JournalCurrency__c"] == sample.ids["CurGbpUK"]
    lines = _lines(sample, document["id"])
    values = sorted(_money(line["c2g__Value__c"]) for line in lines)
    assert values == [Decimal(v) for v in ("-85.47", "-0.01", "28.49", "28.49", "28.50")]
    (rounding,) = [line for line in lines if line["Financial_Record__c"] is None]
    assert rounding["c2g__GeneralLedgerAccount__c"] == sample.ids["GlaRounding"]
    assert _money(rounding["c2g__Value__c"]) == Decimal("-0.01")
    assert sum(values) == 0
    source = sample.get(ITPR, sample.ids["ItprForeign"])
    assert source["SCMC__Export_Status__c"] == "Exported" and source["SCMC__Export_Error__c"] is None


def test_a_scheduled_run_books_every_eligible_record_and_every_journal_balances(sample: Sample) -> None:
    sample.env.save_settings(ConnectorSettings(journals=JournalSettings(rounding_gla="7900")))

    report = sample.env.invoke(FN, events.schedule_event(FLOW))

    assert report["counts"]["created"] == 9  # 8 kinds of transaction and the foreign one
    assert report["counts"]["failed"] == 1  # the unmapped WIP; Adjust Condition is never selected
    journals = sample.query("SELECT Id, Perpetual_Record__c FROM c2g__codaJournal__c")
    assert len(journals) == 9
    for journal in journals:
        lines = _lines(sample, journal["Id"])
        assert sum(_money(line["c2g__Value__c"]) for line in lines) == 0
    again = sample.env.invoke(FN, events.list_action(FLOW, [j["Perpetual_Record__c"] for j in journals]))
    assert {r["outcome"] for r in body(again)["results"]} == {"skipped"}  # never a second journal
    assert len(sample.query("SELECT Id FROM c2g__codaJournal__c")) == 9


def test_summarised_lines_keep_every_financial_records_back_link(sample: Sample) -> None:
    settings = JournalSettings(rounding_gla="7900", summarise_lines=True)
    sample.env.save_settings(ConnectorSettings(journals=settings))

    result = _book(sample, "ItprForeign")

    (document,) = result["documents"]
    lines = _lines(sample, document["id"])
    by_gla = {line["c2g__GeneralLedgerAccount__c"]: _money(line["c2g__Value__c"]) for line in lines}
    # Three EUR inventory records of 33.33 + 33.33 + 33.34 are 100.00 EUR: 85.47 GBP in one line, no rounding.
    assert by_gla == {sample.ids["GlaInventory"]: Decimal("85.47"), sample.ids["GlaCycleCount"]: Decimal("-85.47")}
    inventory = next(line["Id"] for line in lines if line["c2g__GeneralLedgerAccount__c"] == sample.ids["GlaInventory"])
    records = _financial_records(sample, sample.ids["ItprForeign"])
    assert sorted(r["Journal_Line_Item__c"] == inventory for r in records) == [False, True, True, True]


def test_an_org_whose_gl_account_mappings_name_no_company_books_the_same_journal(sample: Sample) -> None:
    # An org without the company field on its GL account mappings: the connector does not ask for it.
    sample.env.save_settings(ConnectorSettings(journals=JournalSettings(gl_mapping_company_field=None)))

    result = _book(sample, "ItprReceive")

    assert result["outcome"] == "created"
    [journal] = result["documents"]
    lines = _lines(sample, journal["id"])
    assert [(line["c2g__GeneralLedgerAccount__c"], _money(line["c2g__Value__c"])) for line in lines] == [
        (sample.ids["GlaInventory"], Decimal("250.00")),
        (sample.ids["GlaAccruedPurchases"], Decimal("-250.00")),
    ]
