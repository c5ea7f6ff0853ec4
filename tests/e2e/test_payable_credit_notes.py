"""AP voucher credits -> payable credit notes, through every trigger, the real handler and the local org."""

from __future__ import annotations

from decimal import Decimal

from oim_connector.model.settings import ConnectorSettings, PayableCreditNoteSettings
from oim_local.runner import events

from tests.e2e.conftest import Sample
from tests.e2e.helpers import body, result_for

FLOW = "payable-credit-notes"
FN = "payable_credit_notes"
PRODUCT_LINES = "c2g__codaPurchaseCreditNoteLineItem__c"
EXPENSE_LINES = "c2g__codaPurchaseCreditNoteExpLineItem__c"


def test_credit_of_a_posted_invoice_creates_the_credit_note_with_back_links(sample: Sample) -> None:
    credit_id = sample.ids["ApvcPartial"]

    answer = sample.env.invoke(FN, events.record_action(FLOW, credit_id))

    result = result_for(body(answer), credit_id)
    assert result["outcome"] == "created"
    (document,) = result["documents"]
    assert document["name"].startswith("PCR")
    pcn = sample.get("c2g__codaPurchaseCreditNote__c", document["id"])
    assert pcn["c2g__OwnerCompany__c"] == sample.ids["CompanyUS"]
    assert pcn["c2g__CreditNoteCurrency__c"] == sample.ids["CurUsdUS"]
    assert pcn["c2g__Account__c"] == sample.ids["VendGlobex"]
    assert pcn["c2g__AccountCreditNoteNumber__c"] == "GLX-CR-2001"
    assert pcn["c2g__CreditNoteDate__c"] == "2026-03-05"
    assert pcn["c2g__Period__c"] == sample.ids["PeriodUS03"]
    assert pcn["c2g__PurchaseInvoice__c"] == sample.ids["PinApvExported"]
    assert pcn["SCMFFA__AP_Voucher_Credit__c"] == credit_id
    (product,) = sample.query(
        "SELECT Id, c2g__Product__c, c2g__Quantity__c, c2g__UnitPrice__c, SCMFFA__AP_Voucher_Line_Credit__c "
        f"FROM {PRODUCT_LINES} WHERE c2g__PurchaseCreditNote__c = '{document['id']}'"
    )
    (expense,) = sample.query(
        "SELECT Id, c2g__GeneralLedgerAccount__c, c2g__NetValue__c, SCMFFA__AP_Voucher_Line_Credit__c "
        f"FROM {EXPENSE_LINES} WHERE c2g__PurchaseCreditNote__c = '{document['id']}'"
    )
    assert (product["c2g__Product__c"], product["c2g__Quantity__c"], product["c2g__UnitPrice__c"]) == (
        sample.ids["ProdWidget"], 2, 12.5,
    )  # fmt: skip
    assert product["SCMFFA__AP_Voucher_Line_Credit__c"] == sample.ids["ApvcPartialL1"]
    # The category line's GLA: MRO Supplies' purchase analysis GLA for category.
    assert (expense["c2g__GeneralLedgerAccount__c"], expense["c2g__NetValue__c"]) == (sample.ids["GlaMaintenance"], 20)
    total = Decimal(str(product["c2g__Quantity__c"])) * Decimal(str(product["c2g__UnitPrice__c"])) + Decimal(
        str(expense["c2g__NetValue__c"])
    )
    assert total == Decimal(document["total"]) == Decimal("45.00")
    credit = sample.get("SCMC__AP_Voucher_Credit__c", credit_id)
    assert (credit["SCMFFA__Payable_Credit_Note__c"], credit["SCMC__Export_Status__c"]) == (document["id"], "Exported")
    first = sample.get("SCMC__AP_Voucher_Line_Credit__c", sample.ids["ApvcPartialL1"])
    second = sample.get("SCMC__AP_Voucher_Line_Credit__c", sample.ids["ApvcPartialL2"])
    assert first["SCMFFA__Payable_Credit_Note_Line_Item__c"] == product["Id"]
    assert second["SCMFFA__Payable_Credit_Note_Expense_Line_Item__c"] == expense["Id"]


def test_list_action_refuses_a_credit_of_an_unposted_invoice_and_one_without_quantity_vouchered(
    sample: Sample,
) -> None:
    ids = [sample.ids[k] for k in ("ApvcPinInProgress", "ApvcNoQtyVouchered")]

    report = body(sample.env.invoke(FN, events.list_action(FLOW, ids)))

    unposted = sample.get("SCMC__AP_Voucher_Credit__c", ids[0])
    assert unposted["SCMC__Export_Status__c"] == "Export Error"
    assert unposted["SCMC__Export_Error__c"] == (
        "The payable invoice PIN000002 of AP voucher APV-000010 (INI-5400) is not posted (status In Progress): "
        "post it in Accounting before exporting AP voucher credit APVC-000002"
    )
    assert "has no Quantity Vouchered: fill it on the AP voucher line credit" in result_for(report, ids[1])["errors"][0]
    assert sample.query("SELECT Id FROM c2g__codaPurchaseCreditNote__c") == []


def test_scheduled_run_creates_only_the_eligible_credit(sample: Sample) -> None:
    report = sample.env.invoke(FN, events.schedule_event(FLOW))

    assert {r["sourceId"] for r in report["results"] if r["outcome"] == "created"} == {sample.ids["ApvcPartial"]}
    assert report["counts"]["failed"] == 2


def test_voucher_credited_event_creates_the_credit_note_when_create_when_crediting_is_on(sample: Sample) -> None:
    credit_id = sample.ids["ApvcPartial"]
    ignored = sample.env.invoke(FN, events.oim_event(FLOW, credit_id, "voucher-credited"))
    assert ignored["counts"]["created"] == 0

    sample.env.save_settings(ConnectorSettings(payable_credit_notes=PayableCreditNoteSettings(create_when=True)))
    created = sample.env.invoke(FN, events.oim_event(FLOW, credit_id, "voucher-credited"))
    again = sample.env.invoke(FN, events.oim_event(FLOW, credit_id, "voucher-credited"))
    rerun = body(sample.env.invoke(FN, events.record_action(FLOW, credit_id)))

    assert result_for(created, credit_id)["outcome"] == "created"
    assert result_for(again, credit_id)["outcome"] == "skipped"
    assert result_for(rerun, credit_id)["outcome"] == "skipped"
    assert len(sample.query("SELECT Id FROM c2g__codaPurchaseCreditNote__c")) == 1
    assert (
        len(sample.query(f"SELECT Id FROM {PRODUCT_LINES}")) + len(sample.query(f"SELECT Id FROM {EXPENSE_LINES}")) == 2
    )
