"""OIM credit invoices -> sales credit notes, through every trigger, the real handler, HTTPS and the local org."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from oim_connector.model.settings import ConnectorSettings, SalesCreditNoteSettings
from oim_local.runner import events

from tests.e2e.conftest import Sample
from tests.e2e.helpers import body, result_for

FLOW = "sales-credit-notes"
FN = "sales_credit_notes"
CENT = Decimal("0.01")


def _d(value: Any) -> Decimal:
    return Decimal(str(value or 0))


def _credit_note_lines(sample: Sample, note_id: str) -> list[dict[str, Any]]:
    return sample.query(
        "SELECT Id, c2g__Product__c, c2g__Quantity__c, c2g__UnitPrice__c, c2g__TaxValue1__c, c2g__LineDescription__c, "
        "SCMFFA__Credit_Invoice_Line__c, SCMFFA__OIM_Invoice_Line__c, SCMFFA__Item_Name__c, OIM_External_Id__c "
        f"FROM c2g__codaCreditNoteLineItem__c WHERE c2g__CreditNote__c = '{note_id}' "
        "ORDER BY OIM_External_Id__c"
    )


def _accounting_total(lines: list[dict[str, Any]]) -> Decimal:
    """What Accounting books for lines: quantity x unit price rounded, plus any tax value."""
    return sum(
        ((_d(x["c2g__Quantity__c"]) * _d(x["c2g__UnitPrice__c"])).quantize(CENT) + _d(x["c2g__TaxValue1__c"])
         for x in lines),
        Decimal(0),
    )  # fmt: skip


def _sales_invoice_total(sample: Sample, sales_invoice_id: str) -> Decimal:
    return _accounting_total(sample.query(
        "SELECT c2g__Quantity__c, c2g__UnitPrice__c, c2g__TaxValue1__c FROM c2g__codaInvoiceLineItem__c "
        f"WHERE c2g__Invoice__c = '{sales_invoice_id}'"
    ))  # fmt: skip


def _oim_total_after_credit(sample: Sample, invoice_id: str, credit_id: str) -> Decimal:
    """What OIM shows the customer owes on the invoice once the credit invoice is applied."""
    invoice = sample.get("SCMC__Invoicing__c", invoice_id)
    invoiced = sum(
        (_d(x["SCMC__Quantity__c"]) * _d(x["SCMC__Price_With_Options__c"]) for x in sample.query(
            "SELECT SCMC__Quantity__c, SCMC__Price_With_Options__c FROM SCMC__Invoice_Line_Item__c "
            f"WHERE SCMC__Invoicing__c = '{invoice_id}'"
        )),
        _d(invoice["SCMC__Total_Tax__c"]),
    )  # fmt: skip
    credit = sample.get("SCMC__Credit_Invoice__c", credit_id)
    credited = sum(
        (_d(x["SCMC__Amount__c"]) for x in sample.query(
            f"SELECT SCMC__Amount__c FROM SCMC__Credit_Invoice_Line__c WHERE SCMC__Credit_Invoice__c = '{credit_id}'"
        )),
        _d(credit["SCMC__Total_Tax__c"]),
    )  # fmt: skip
    return (invoiced - credited).quantize(CENT)


def _assert_nets_to_oim(sample: Sample, invoice_key: str, credit_key: str, note_id: str) -> None:
    net = _sales_invoice_total(sample, sample.ids[f"Sin{invoice_key}"]) - _accounting_total(
        _credit_note_lines(sample, note_id)
    )
    assert net == _oim_total_after_credit(sample, sample.ids[invoice_key], sample.ids[credit_key])


def test_record_action_credits_part_of_the_invoice_checked_field_by_field(sample: Sample) -> None:
    credit_id = sample.ids["CrPartial"]

    answer = sample.env.invoke(FN, events.record_action(FLOW, credit_id))

    assert answer["statusCode"] == 200
    result = result_for(body(answer), credit_id)
    assert result["outcome"] == "created", result
    (document,) = result["documents"]
    assert document["name"].startswith("SCR")
    note = sample.get("c2g__codaCreditNote__c", document["id"])
    assert note["c2g__OwnerCompany__c"] == sample.ids["CompanyUS"]
    assert note["c2g__CreditNoteCurrency__c"] == sample.ids["CurUsdUS"]
    assert note["c2g__Account__c"] == sample.ids["CustNorthwind"]
    assert note["c2g__Invoice__c"] == sample.ids["SinInvExported"]
    # Not a void: dated on the credit invoice's creation, which is today in the local org.
    created = sample.get("SCMC__Credit_Invoice__c", credit_id)["CreatedDate"][:10]
    assert note["c2g__CreditNoteDate__c"] == created == dt.date.today().isoformat()
    assert note["c2g__DueDate__c"] == "2026-06-15"
    assert note["c2g__CustomerReference__c"] == "CRINV-000001"
    assert note["c2g__CreditNoteStatus__c"] == "In Progress"
    assert note["SCMFFA__Credit_Invoice__c"] == credit_id
    assert note["SCMFFA__OIM_Invoice__c"] == sample.ids["InvExported"]
    assert note["OIM_External_Id__c"] == f"SCN:{credit_id}"
    returned, adjusted = _credit_note_lines(sample, document["id"])
    assert returned["c2g__Product__c"] == sample.ids["ProdWidget"]
    assert (returned["c2g__Quantity__c"], returned["c2g__UnitPrice__c"]) == (2, 25)
    assert returned["c2g__LineDescription__c"] == "CrPartial: 2 widgets returned damaged"
    assert returned["SCMFFA__Item_Name__c"] == "WID-100"
    assert returned["SCMFFA__OIM_Invoice_Line__c"] == sample.ids["InvExportedL1"]
    # 10.00 off 3 widgets does not divide into cents: sent as 1 x 10.00 so the total stays exact.
    assert (adjusted["c2g__Quantity__c"], adjusted["c2g__UnitPrice__c"]) == (1, 10)
    assert _accounting_total([returned, adjusted]) == Decimal("60.00") == Decimal(document["total"])
    # Back-links both ways, written with the document.
    source = sample.get("SCMC__Credit_Invoice__c", credit_id)
    assert (source["SCMFFA__Credit_Note__c"], source["SCMC__Export_Status__c"]) == (document["id"], "Exported")
    for line in (returned, adjusted):
        oim_line = sample.get("SCMC__Credit_Invoice_Line__c", line["SCMFFA__Credit_Invoice_Line__c"])
        assert oim_line["SCMFFA__Sales_Credit_Note_Line_Item__c"] == line["Id"]
    _assert_nets_to_oim(sample, "InvExported", "CrPartial", document["id"])  # 280.00 - 60.00


def test_list_action_credits_an_invoice_in_full_and_reports_each_record(sample: Sample) -> None:
    ids = [sample.ids[k] for k in ("CrFull", "CrSinInProgress", "CrOldVoid")]

    report = body(sample.env.invoke(FN, events.list_action(FLOW, ids)))

    full = result_for(report, ids[0])
    assert full["outcome"] == "created"
    _assert_nets_to_oim(sample, "InvFullBase", "CrFull", full["documents"][0]["id"])
    assert _oim_total_after_credit(sample, sample.ids["InvFullBase"], ids[0]) == 0
    assert result_for(report, ids[1])["errors"] == [
        "The original invoice INV-000016 has not been posted in Accounting (sales invoice SIN000005 is "
        "In Progress): post sales invoice SIN000005 first"
    ]
    assert (
        "already credited by sales credit note SCR000001 through the old void process"
        in (result_for(report, ids[2])["errors"][0])
    )


def test_a_credit_whose_original_is_not_posted_is_refused_on_the_record(sample: Sample) -> None:
    credit_id = sample.ids["CrSinInProgress"]

    result = result_for(body(sample.env.invoke(FN, events.record_action(FLOW, credit_id))), credit_id)

    assert result["outcome"] == "failed"
    source = sample.get("SCMC__Credit_Invoice__c", credit_id)
    assert source["SCMC__Export_Status__c"] == "Export Error"
    assert source["SCMC__Export_Error__c"] == result["errors"][0]
    assert "post sales invoice SIN000005 first" in source["SCMC__Export_Error__c"]
    assert source["SCMFFA__Credit_Note__c"] is None
    assert sample.query(f"SELECT Id FROM c2g__codaCreditNote__c WHERE SCMFFA__Credit_Invoice__c = '{credit_id}'") == []


def test_scheduled_run_credits_every_eligible_credit_invoice_and_dates_the_void_on_the_invoice(sample: Sample) -> None:
    report = sample.env.invoke(FN, events.schedule_event(FLOW))

    created = {r["sourceId"]: r for r in report["results"] if r["outcome"] == "created"}
    assert set(created) == {sample.ids[k] for k in ("CrPartial", "CrFull", "CrVoid", "CrWithTax")}
    void = created[sample.ids["CrVoid"]]["documents"][0]
    note = sample.get("c2g__codaCreditNote__c", void["id"])
    assert note["c2g__CreditNoteDate__c"] == "2026-02-18"  # the original sales invoice's date
    assert note["c2g__Period__c"] == sample.ids["PeriodUS02"]
    _assert_nets_to_oim(sample, "InvVoided", "CrVoid", void["id"])
    assert _oim_total_after_credit(sample, sample.ids["InvVoided"], sample.ids["CrVoid"]) == 0
    for refused in ("CrSinInProgress", "CrOldVoid"):
        assert sample.get("SCMC__Credit_Invoice__c", sample.ids[refused])["SCMC__Export_Status__c"] == "Export Error"


def test_invoice_credited_event_creates_a_credit_note_with_oims_tax_when_the_setting_is_on(sample: Sample) -> None:
    credit_id = sample.ids["CrWithTax"]
    ignored = sample.env.invoke(FN, events.oim_event(FLOW, credit_id, "invoice-credited"))
    assert ignored["counts"]["created"] == 0 and "Automatic creation is off" in ignored["stoppedReason"]

    sample.env.save_settings(ConnectorSettings(sales_credit_notes=SalesCreditNoteSettings(create_when=True)))
    report = sample.env.invoke(FN, events.oim_event(FLOW, credit_id, "invoice-credited"))

    (document,) = result_for(report, credit_id)["documents"]
    lines = _credit_note_lines(sample, document["id"])
    tax = next(x for x in lines if str(x["OIM_External_Id__c"]).endswith(":TAX"))
    assert tax["c2g__Product__c"] == sample.ids["ProdTax"]
    assert (tax["c2g__Quantity__c"], tax["c2g__UnitPrice__c"]) == (1, 16.5)
    assert all(x["c2g__TaxValue1__c"] is None for x in lines)  # Accounting adds no tax of its own
    assert _accounting_total(lines) == Decimal("216.50") == Decimal(document["total"])  # 200.00 + OIM tax 16.50
    _assert_nets_to_oim(sample, "InvTaxBase", "CrWithTax", document["id"])  # 433.00 - 216.50


def test_a_request_for_a_credit_note_straight_from_an_invoice_is_refused_with_what_to_do(sample: Sample) -> None:
    invoice_id = sample.ids["InvExported"]
    before = sample.query("SELECT Id FROM c2g__codaCreditNote__c")

    by_record = result_for(body(sample.env.invoke(FN, events.record_action(FLOW, invoice_id))), invoice_id)
    by_list = result_for(body(sample.env.invoke(FN, events.list_action(FLOW, [invoice_id]))), invoice_id)

    expected = (
        "INV-000012 is an OIM invoice, not a credit invoice: sales credit notes are no longer created straight from "
        "an invoice by voiding it. Credit (or void) the invoice in OIM and export the credit invoice it creates."
    )
    assert by_record["outcome"] == by_list["outcome"] == "failed"
    assert by_record["errors"] == by_list["errors"] == [expected]
    assert sample.query("SELECT Id FROM c2g__codaCreditNote__c") == before
    assert sample.get("SCMC__Invoicing__c", invoice_id)["SCMFFA__Credit_Note__c"] is None


def test_rerunning_any_trigger_creates_nothing_new(sample: Sample) -> None:
    credit_id = sample.ids["CrPartial"]
    sample.env.invoke(FN, events.record_action(FLOW, credit_id))
    notes = sample.query("SELECT Id FROM c2g__codaCreditNote__c")
    lines = sample.query("SELECT Id FROM c2g__codaCreditNoteLineItem__c")

    click = events.record_action(FLOW, credit_id)
    click["headers"]["Idempotency-Key"] = "a-later-click"
    again = body(sample.env.invoke(FN, click))
    listed = body(sample.env.invoke(FN, events.list_action(FLOW, [credit_id])))
    sample.env.save_settings(ConnectorSettings(sales_credit_notes=SalesCreditNoteSettings(create_when=True)))
    evented = sample.env.invoke(FN, events.oim_event(FLOW, credit_id, "invoice-credited"))
    sample.env.invoke(FN, events.schedule_event(FLOW))
    rescheduled = sample.env.invoke(FN, events.schedule_event(FLOW, name="again"))

    assert result_for(again, credit_id)["outcome"] == "skipped"
    assert result_for(listed, credit_id)["outcome"] == "skipped"
    assert result_for(evented, credit_id)["outcome"] == "skipped"
    assert rescheduled["counts"]["created"] == 0
    created_later = len(sample.query("SELECT Id FROM c2g__codaCreditNote__c")) - len(notes)
    assert created_later == 3  # CrFull, CrVoid, CrWithTax by the first schedule; CrPartial never again
    assert (
        len(sample.query(f"SELECT Id FROM c2g__codaCreditNote__c WHERE SCMFFA__Credit_Invoice__c = '{credit_id}'")) == 1
    )
    assert (
        len(sample.query("SELECT Id FROM c2g__codaCreditNoteLineItem__c")) == len(lines) + 5
    )  # CrFull 2, CrVoid 1, CrWithTax 1 + tax
