"""AP vouchers -> payable invoices, through every trigger, the real handler, HTTPS and the local org."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from oim_connector.model.settings import ConnectorSettings, GeneralSettings, PayableInvoiceSettings
from oim_local.runner import events

from tests.e2e.conftest import Sample
from tests.e2e.helpers import body, result_for

FLOW = "payable-invoices"
FN = "payable_invoices"
DEFAULT_COMPANY = GeneralSettings(default_company="Acme Industries US")


def _product_lines(sample: Sample, pin_id: str) -> list[dict[str, Any]]:
    return sample.query(
        "SELECT Id, c2g__Product__c, c2g__Quantity__c, c2g__UnitPrice__c, c2g__Dimension1__c, SCMFFA__Item__c, "
        "SCMFFA__AP_Voucher_Line__c FROM c2g__codaPurchaseInvoiceLineItem__c "
        f"WHERE c2g__PurchaseInvoice__c = '{pin_id}'"
    )


def _expense_lines(sample: Sample, pin_id: str) -> list[dict[str, Any]]:
    return sample.query(
        "SELECT Id, c2g__GeneralLedgerAccount__c, c2g__NetValue__c, c2g__Dimension1__c, SCMFFA__AP_Voucher_Line__c "
        f"FROM c2g__codaPurchaseInvoiceExpenseLineItem__c WHERE c2g__PurchaseInvoice__c = '{pin_id}'"
    )


def _total(sample: Sample, pin_id: str) -> Decimal:
    products = sum(
        (
            Decimal(str(r["c2g__Quantity__c"])) * Decimal(str(r["c2g__UnitPrice__c"]))
            for r in _product_lines(sample, pin_id)
        ),
        Decimal(0),
    )
    expenses = sum((Decimal(str(r["c2g__NetValue__c"])) for r in _expense_lines(sample, pin_id)), Decimal(0))
    return (products + expenses).quantize(Decimal("0.01"))


def _voucher_total(sample: Sample, key: str) -> Decimal:
    return Decimal(str(sample.get("SCMC__AP_Voucher__c", sample.ids[key])["SCMC__Invoice_Total__c"])).quantize(
        Decimal("0.01")
    )


def test_record_action_creates_product_and_expense_lines_on_the_right_glas_with_back_links(sample: Sample) -> None:
    voucher_id = sample.ids["ApvMixed"]

    answer = sample.env.invoke(FN, events.record_action(FLOW, voucher_id))

    assert answer["statusCode"] == 200
    result = result_for(body(answer), voucher_id)
    assert result["outcome"] == "created"
    (document,) = result["documents"]
    pin = sample.get("c2g__codaPurchaseInvoice__c", document["id"])
    assert pin["c2g__OwnerCompany__c"] == sample.ids["CompanyUS"]
    assert pin["c2g__InvoiceCurrency__c"] == sample.ids["CurUsdUS"]
    assert pin["c2g__Account__c"] == sample.ids["VendGlobex"]
    assert pin["c2g__AccountInvoiceNumber__c"] == "GLX-INV-1001"
    assert (pin["c2g__InvoiceDate__c"], pin["c2g__DueDate__c"]) == ("2026-03-20", "2026-04-19")
    assert pin["c2g__Period__c"] == sample.ids["PeriodUS03"]
    assert pin["SCMFFA__AP_Voucher__c"] == voucher_id
    assert pin["OIM_External_Id__c"] == f"PIN:{voucher_id}"
    products = {r["SCMFFA__AP_Voucher_Line__c"]: r for r in _product_lines(sample, document["id"])}
    expenses = {r["SCMFFA__AP_Voucher_Line__c"]: r for r in _expense_lines(sample, document["id"])}
    line = {n: sample.ids[f"ApvMixedL{n}"] for n in range(1, 7)}
    assert set(products) == {line[1], line[2], line[5], line[6]} and set(expenses) == {line[3], line[4]}
    assert products[line[1]]["c2g__Product__c"] == sample.ids["ProdWidget"]
    assert products[line[1]]["c2g__Dimension1__c"] == sample.ids["Dim1Industrial"]
    assert products[line[1]]["SCMFFA__Item__c"] == sample.ids["ItemWidgetA"]
    assert products[line[2]]["c2g__Product__c"] == sample.ids["ProdGadget"]
    assert products[line[5]]["c2g__Product__c"] == sample.ids["ProdFreight"]  # accounting item's product group
    assert products[line[6]]["c2g__Product__c"] == sample.ids["ProdTax"]  # the Tax line-type mapping
    # Category line: MRO Supplies' purchase analysis GLA for category; description line: the PO line's GLA.
    assert expenses[line[3]]["c2g__GeneralLedgerAccount__c"] == sample.ids["GlaMaintenance"]
    assert expenses[line[3]]["c2g__NetValue__c"] == 86.4
    assert expenses[line[3]]["c2g__Dimension1__c"] == sample.ids["Dim1Industrial"]
    assert expenses[line[4]]["c2g__GeneralLedgerAccount__c"] == sample.ids["GlaMaintenance"]
    assert _total(sample, document["id"]) == _voucher_total(sample, "ApvMixed") == Decimal("854.62")
    voucher = sample.get("SCMC__AP_Voucher__c", voucher_id)
    assert voucher["SCMFFA__Payable_Invoice__c"] == document["id"]
    assert voucher["SCMC__Export_Status__c"] == "Exported"
    for n in (1, 2, 5, 6):
        source_line = sample.get("SCMC__AP_Voucher_Line__c", line[n])
        assert source_line["SCMFFA__Payable_Invoice_Line_Item__c"] == products[line[n]]["Id"]
    for n in (3, 4):
        source_line = sample.get("SCMC__AP_Voucher_Line__c", line[n])
        assert source_line["SCMFFA__Payable_Invoice_Expense_Line_Item__c"] == expenses[line[n]]["Id"]


def test_scheduled_run_exports_the_eligible_vouchers_and_writes_refusals_on_the_records(sample: Sample) -> None:
    sample.env.save_settings(ConnectorSettings(general=DEFAULT_COMPANY))

    report = sample.env.invoke(FN, events.schedule_event(FLOW))

    created = {r["sourceId"] for r in report["results"] if r["outcome"] == "created"}
    assert created == {sample.ids[k] for k in ("ApvMixed", "ApvTwelveLines", "ApvNoPo", "ApvUK")}
    for key in ("ApvMixed", "ApvTwelveLines", "ApvNoPo", "ApvUK"):
        (document,) = result_for(report, sample.ids[key])["documents"]
        assert _total(sample, document["id"]) == _voucher_total(sample, key), key
    uk = result_for(report, sample.ids["ApvUK"])["documents"][0]
    assert sample.get("c2g__codaPurchaseInvoice__c", uk["id"])["c2g__InvoiceCurrency__c"] == sample.ids["CurGbpUK"]
    mismatch = sample.get("SCMC__AP_Voucher__c", sample.ids["ApvCompanyMismatch"])
    assert mismatch["SCMC__Export_Status__c"] == "Export Error"
    assert "belong to different companies: Acme Industries US (PO-000001), Acme Industries UK (PO-000002)" in \
        mismatch["SCMC__Export_Error__c"]  # fmt: skip
    closed = sample.get("SCMC__AP_Voucher__c", sample.ids["ApvClosedPeriod"])
    assert closed["SCMC__Export_Status__c"] == "Export Error"
    assert "Period 2026/009 of company 'Acme Industries US' is closed" in closed["SCMC__Export_Error__c"]
    no_vendor = sample.get("SCMC__AP_Voucher__c", sample.ids["ApvNoVendor"])
    assert "Supplier site 'Hooli Logistics - Palo Alto'" in no_vendor["SCMC__Export_Error__c"]
    # A voucher that is not matched is not picked at all.
    assert sample.get("SCMC__AP_Voucher__c", sample.ids["ApvReceived"])["SCMC__Export_Status__c"] == "New"


def test_list_action_over_the_line_limit_splits_the_voucher_and_keeps_its_total(sample: Sample) -> None:
    sample.env.save_settings(ConnectorSettings(payable_invoices=PayableInvoiceSettings(line_limit=5)))
    voucher_id = sample.ids["ApvTwelveLines"]

    report = body(sample.env.invoke(FN, events.list_action(FLOW, [voucher_id, sample.ids["ApvReceived"]])))

    documents = result_for(report, voucher_id)["documents"]
    assert [d["lines"] for d in documents] == [5, 5, 2]
    assert sum(_total(sample, d["id"]) for d in documents) == _voucher_total(sample, "ApvTwelveLines")
    assert sum(Decimal(d["total"]) for d in documents) == Decimal("1430.00")
    assert sample.get("SCMC__AP_Voucher__c", voucher_id)["SCMFFA__Payable_Invoice__c"] == documents[0]["id"]
    received = result_for(report, sample.ids["ApvReceived"])
    assert received["outcome"] == "not_eligible" and "only matched AP vouchers can be exported" in received["reason"]
    assert sample.get("SCMC__AP_Voucher__c", sample.ids["ApvReceived"])["SCMC__Export_Status__c"] == "New"  # as loaded


def test_voucher_matched_event_creates_only_when_the_setting_is_on(sample: Sample) -> None:
    voucher_id = sample.ids["ApvUK"]
    ignored = sample.env.invoke(FN, events.oim_event(FLOW, voucher_id, "voucher-matched"))
    assert ignored["counts"]["created"] == 0 and "Automatic creation is off" in ignored["stoppedReason"]

    sample.env.save_settings(ConnectorSettings(payable_invoices=PayableInvoiceSettings(create_when=True)))
    created = sample.env.invoke(FN, events.oim_event(FLOW, voucher_id, "voucher-matched"))

    assert result_for(created, voucher_id)["outcome"] == "created"


def test_rerunning_any_trigger_creates_nothing_new(sample: Sample) -> None:
    voucher_id = sample.ids["ApvMixed"]
    sample.env.invoke(FN, events.record_action(FLOW, voucher_id))
    count = (
        "SELECT Id FROM c2g__codaPurchaseInvoice__c WHERE OIM_External_Id__c != null",
        "SELECT Id FROM c2g__codaPurchaseInvoiceLineItem__c WHERE OIM_External_Id__c != null",
        "SELECT Id FROM c2g__codaPurchaseInvoiceExpenseLineItem__c WHERE OIM_External_Id__c != null",
    )
    before = [len(sample.query(q)) for q in count]

    click = events.record_action(FLOW, voucher_id)
    click["headers"]["Idempotency-Key"] = "a-later-click"
    again = body(sample.env.invoke(FN, click))
    listed = body(sample.env.invoke(FN, events.list_action(FLOW, [voucher_id])))
    sample.env.save_settings(ConnectorSettings(payable_invoices=PayableInvoiceSettings(create_when=True)))
    evented = sample.env.invoke(FN, events.oim_event(FLOW, voucher_id, "voucher-matched"))
    scheduled = sample.env.invoke(FN, events.schedule_event(FLOW))

    assert result_for(again, voucher_id)["outcome"] == "skipped"
    assert result_for(listed, voucher_id)["outcome"] == "skipped"
    assert result_for(evented, voucher_id)["outcome"] == "skipped"
    assert voucher_id not in {r["sourceId"] for r in scheduled["results"]}
    assert before == [1, 4, 2]
    after_schedule_ours = sample.query(
        f"SELECT Id FROM c2g__codaPurchaseInvoice__c WHERE SCMFFA__AP_Voucher__c = '{voucher_id}'"
    )
    assert len(after_schedule_ours) == 1


def test_posting_a_payable_invoice_dates_its_voucher_with_the_posting_date(sample: Sample) -> None:
    sample.env.save_settings(ConnectorSettings(payable_invoices=PayableInvoiceSettings(auto_post=True)))
    before = dt.datetime.now(dt.UTC).date().isoformat()

    report = body(sample.env.invoke(FN, events.record_action(FLOW, sample.ids["ApvMixed"])))

    after = dt.datetime.now(dt.UTC).date().isoformat()
    result = result_for(report, sample.ids["ApvMixed"])
    assert result["outcome"] == "created" and result["errors"] == []
    [document] = result["documents"]
    assert sample.get("c2g__codaPurchaseInvoice__c", document["id"])["c2g__InvoiceStatus__c"] == "Complete"
    assert sample.get("SCMC__AP_Voucher__c", sample.ids["ApvMixed"])["SCMC__Accounting_Date__c"] in (before, after)


def test_with_fill_accounting_date_off_the_posted_vouchers_date_is_left_alone(sample: Sample) -> None:
    settings = PayableInvoiceSettings(auto_post=True, fill_accounting_date=False)
    sample.env.save_settings(ConnectorSettings(payable_invoices=settings))

    report = body(sample.env.invoke(FN, events.record_action(FLOW, sample.ids["ApvMixed"])))

    assert result_for(report, sample.ids["ApvMixed"])["outcome"] == "created"
    assert sample.get("SCMC__AP_Voucher__c", sample.ids["ApvMixed"])["SCMC__Accounting_Date__c"] is None
