"""OIM invoices -> sales invoices, through every trigger, the real handler, HTTPS and the local org."""

from __future__ import annotations

from decimal import Decimal

import pytest
from oim_connector.errors import TransientOrgError
from oim_connector.model.settings import ConnectorSettings, SalesInvoiceSettings
from oim_local.org.runtime import FaultPlan
from oim_local.org.server.faults import FaultKind
from oim_local.runner import events

from tests.e2e.conftest import Sample
from tests.e2e.helpers import body, result_for

FLOW = "sales-invoices"
FN = "sales_invoices"


def _lines(sample: Sample, invoice_id: str) -> list[dict[str, object]]:
    return sample.query(
        "SELECT Id, c2g__Product__c, c2g__Quantity__c, c2g__UnitPrice__c, c2g__Dimension1__c, "
        "SCMFFA__OIM_Invoice_Line__c, OIM_External_Id__c FROM c2g__codaInvoiceLineItem__c "
        f"WHERE c2g__Invoice__c = '{invoice_id}' ORDER BY OIM_External_Id__c"
    )


def _total(lines: list[dict[str, object]]) -> Decimal:
    return sum(
        (Decimal(str(line["c2g__Quantity__c"])) * Decimal(str(line["c2g__UnitPrice__c"])) for line in lines),
        Decimal(0),
    ).quantize(Decimal("0.01"))


def test_record_action_creates_the_sales_invoice_checked_field_by_field(sample: Sample) -> None:
    invoice_id = sample.ids["InvOk1"]

    answer = sample.env.invoke(FN, events.record_action(FLOW, invoice_id))

    assert answer["statusCode"] == 200
    result = result_for(body(answer), invoice_id)
    assert result["outcome"] == "created"
    (document,) = result["documents"]
    assert document["name"].startswith("SIN")
    sin = sample.get("c2g__codaInvoice__c", document["id"])
    assert sin["c2g__OwnerCompany__c"] == sample.ids["CompanyUS"]
    assert sin["c2g__InvoiceCurrency__c"] == sample.ids["CurUsdUS"]
    assert sin["c2g__Account__c"] == sample.ids["CustNorthwind"]
    assert sin["c2g__InvoiceDate__c"] == "2026-03-10"
    assert sin["c2g__DueDate__c"] == "2026-04-09"
    assert sin["c2g__CustomerReference__c"] == "INV-000001"
    assert sin["c2g__InvoiceStatus__c"] == "In Progress"
    assert sin["SCMFFA__OIM_Invoice__c"] == invoice_id
    assert sin["OIM_External_Id__c"] == f"SIN:{invoice_id}"
    lines = _lines(sample, document["id"])
    assert len(lines) == 5  # 4 OIM lines + the summarised OIM tax line
    tax = next(line for line in lines if str(line["OIM_External_Id__c"]).endswith(":TAX"))
    assert tax["c2g__UnitPrice__c"] == 27.23 and tax["c2g__Product__c"] == sample.ids["ProdTax"]
    # Totals equal OIM's to the cent: 250 + 3 x 33.333333 (100.00) + 45 - 20 + tax 27.23
    assert _total(lines) == Decimal("402.23") == Decimal(document["total"])
    # Back-links both ways, in the same transaction as the document.
    source = sample.get("SCMC__Invoicing__c", invoice_id)
    assert source["SCMFFA__Sales_Invoice__c"] == document["id"]
    assert source["SCMC__Export_Status__c"] == "Exported"
    oim_lines = sample.query(
        "SELECT Id, SCMFFA__Sales_Invoice_Line_Item__c FROM SCMC__Invoice_Line_Item__c "
        f"WHERE SCMC__Invoicing__c = '{invoice_id}'"
    )
    target_ids = {line["Id"] for line in lines}
    assert all(line["SCMFFA__Sales_Invoice_Line_Item__c"] in target_ids for line in oim_lines)


def test_a_double_click_gets_the_first_answer_and_does_no_second_work(sample: Sample) -> None:
    invoice_id = sample.ids["InvOk2"]
    first = body(sample.env.invoke(FN, events.record_action(FLOW, invoice_id)))
    assert sample.env.org is not None
    sample.env.org.reset_counters()

    second = body(sample.env.invoke(FN, events.record_action(FLOW, invoice_id)))

    assert second == first
    assert sample.env.org.counters().total_requests == 0


def test_rerunning_any_trigger_creates_nothing_new(sample: Sample) -> None:
    invoice_id = sample.ids["InvOk2"]
    sample.env.invoke(FN, events.record_action(FLOW, invoice_id))
    lines_of_invoice = (
        f"SELECT Id FROM c2g__codaInvoiceLineItem__c WHERE c2g__Invoice__r.SCMFFA__OIM_Invoice__c = '{invoice_id}'"
    )
    before = len(sample.query(lines_of_invoice))

    click = events.record_action(FLOW, invoice_id)
    click["headers"]["Idempotency-Key"] = "a-later-click"
    again = body(sample.env.invoke(FN, click))
    scheduled = sample.env.invoke(FN, events.schedule_event(FLOW))
    listed = body(sample.env.invoke(FN, events.list_action(FLOW, [invoice_id])))

    assert result_for(again, invoice_id)["outcome"] == "skipped"
    assert invoice_id not in {r["sourceId"] for r in scheduled["results"] if r["outcome"] == "created"}
    assert result_for(listed, invoice_id)["outcome"] == "skipped"
    assert len(sample.query(f"SELECT Id FROM c2g__codaInvoice__c WHERE SCMFFA__OIM_Invoice__c = '{invoice_id}'")) == 1
    assert len(sample.query(lines_of_invoice)) == before > 0


def test_scheduled_run_exports_every_eligible_invoice_and_only_those(sample: Sample) -> None:
    report = sample.env.invoke(FN, events.schedule_event(FLOW))

    created = {r["sourceId"] for r in report["results"] if r["outcome"] == "created"}
    assert created == {sample.ids[k] for k in ("InvOk1", "InvOk2", "InvJpy", "InvDropShip", "InvUK")}
    # Ineligible invoices are not picked by "all eligible"; invalid ones say why on the record.
    refused = sample.get("SCMC__Invoicing__c", sample.ids["InvNoArControl"])
    assert refused["SCMC__Export_Status__c"] == "Export Error"
    assert "has no accounts receivable control GLA: set it on the account" in refused["SCMC__Export_Error__c"]
    jpy = sample.query(f"SELECT Id FROM c2g__codaInvoice__c WHERE SCMFFA__OIM_Invoice__c = '{sample.ids['InvJpy']}'")[0]
    assert sample.get("c2g__codaInvoice__c", jpy["Id"])["c2g__InvoiceCurrency__c"] == sample.ids["CurJpyUS"]


def test_list_view_action_reports_each_record_and_writes_errors_on_the_record(sample: Sample) -> None:
    ids = [sample.ids[k] for k in ("InvOk1", "InvOpen", "InvNoProduct", "InvExported")]

    report = body(sample.env.invoke(FN, events.list_action(FLOW, ids)))

    assert result_for(report, ids[0])["outcome"] == "created"
    assert "has no product" in result_for(report, ids[2])["errors"][0]
    assert sample.get("SCMC__Invoicing__c", ids[2])["SCMC__Export_Status__c"] == "Export Error"
    assert result_for(report, ids[3])["outcome"] == "skipped"
    # The still-Open invoice is not eligible: the reason is answered, nothing is written on it.
    assert result_for(report, ids[1])["outcome"] == "not_eligible"
    assert "only closed OIM invoices can be exported" in result_for(report, ids[1])["reason"]
    assert sample.get("SCMC__Invoicing__c", ids[1])["SCMC__Export_Status__c"] == "New"  # as loaded
    assert report["counts"]["notEligible"] == 1 and report["counts"]["failed"] == 1


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("InvOpen", "is Open: only closed OIM invoices can be exported"),
        ("InvProforma", "is a proforma invoice, which is never booked in Accounting"),
        ("InvShipPending", "is not complete: complete the shipment in OIM first"),
    ],
)
def test_a_record_action_on_an_ineligible_invoice_answers_why_and_writes_nothing(
    sample: Sample, case: str, reason: str
) -> None:
    record_id = sample.ids[case]
    before = sample.get("SCMC__Invoicing__c", record_id)

    report = body(sample.env.invoke(FN, events.record_action(FLOW, record_id)))

    assert report["results"] == [
        {
            "sourceId": record_id,
            "sourceName": before["Name"],
            "outcome": "not_eligible",
            "documents": [],
            "errors": [],
            "reason": result_for(report, record_id)["reason"],
        }
    ]
    assert reason in result_for(report, record_id)["reason"]
    assert report["counts"]["notEligible"] == 1 and report["counts"]["failed"] == 0
    after = sample.get("SCMC__Invoicing__c", record_id)
    assert after["SCMC__Export_Status__c"] == before["SCMC__Export_Status__c"]
    assert after["SCMC__Export_Error__c"] == before["SCMC__Export_Error__c"]
    assert after["LastModifiedDate"] == before["LastModifiedDate"]


def test_large_selection_is_accepted_as_a_job_and_its_status_is_readable(sample: Sample) -> None:
    sample.env.sync_list_limit = 1
    ids = [sample.ids["InvOk1"], sample.ids["InvOk2"]]
    sample.env._set_env("SYNC_LIST_LIMIT", "1")

    user = "005000000000003AAA"
    accepted = sample.env.invoke(FN, events.list_action(FLOW, ids, requested_by=user))  # the queue drains after it

    assert accepted["statusCode"] == 202
    job_id = body(accepted)["jobId"]
    status = body(sample.env.invoke(FN, events.api_event("GET", f"/flows/{FLOW}/jobs/{job_id}")))
    assert status["status"] == "SUCCEEDED"
    assert status["report"]["counts"]["created"] == 2
    assert status["report"]["startedBy"] == user  # who is told in Salesforce that the job finished


def test_automatic_event_creates_only_when_the_setting_is_on(sample: Sample) -> None:
    invoice_id = sample.ids["InvOk1"]
    ignored = sample.env.invoke(FN, events.oim_event(FLOW, invoice_id, "shipment-completed"))
    assert ignored["counts"]["created"] == 0 and "Automatic creation is off" in ignored["stoppedReason"]

    sample.env.save_settings(ConnectorSettings(sales_invoices=SalesInvoiceSettings(create_when=True)))
    created = sample.env.invoke(FN, events.oim_event(FLOW, invoice_id, "shipment-completed"))

    assert result_for(created, invoice_id)["outcome"] == "created"
    assert created["startedBy"] == events.SAVING_USER  # the user whose save published the event


def test_the_earlier_packages_namespaced_event_is_accepted_too(sample: Sample) -> None:
    sample.env.save_settings(ConnectorSettings(sales_invoices=SalesInvoiceSettings(create_when=True)))
    invoice_id = sample.ids["InvOk1"]

    created = sample.env.invoke(FN, events.oim_event(FLOW, invoice_id, "shipment-completed", namespaced=True))

    assert result_for(created, invoice_id)["outcome"] == "created"


def test_bad_requests_get_400_naming_the_problem_and_write_nothing(sample: Sample) -> None:
    cases = {
        "no body": events.api_event("POST", f"/flows/{FLOW}/record", None),
        "bad json": events.api_event("POST", f"/flows/{FLOW}/record", "{not json"),
        "bad id": events.api_event("POST", f"/flows/{FLOW}/record", {"recordId": "x' OR Id != '"}),
        "unknown flow": events.api_event("POST", "/flows/teleport/record", {"recordId": sample.ids["InvOk1"]}),
        "too many": events.list_action(FLOW, [sample.ids["InvOk1"]] * 5001),
    }
    expected = {
        "no body": "has no body",
        "bad json": "not valid JSON",
        "bad id": "is not a Salesforce record id",
        "unknown flow": "Unknown flow 'teleport'",
        "too many": "at most 5000 records",
    }
    for case, event in cases.items():
        answer = sample.env.invoke(FN, event)
        assert answer["statusCode"] == 400, case
        assert expected[case] in body(answer)["message"], (case, body(answer))
    assert sample.query("SELECT Id FROM c2g__codaInvoice__c WHERE OIM_External_Id__c != null") == []


def test_a_failure_mid_run_leaves_no_half_written_document(sample: Sample) -> None:
    assert sample.env.org is not None
    sample.env.org.set_faults(FaultPlan(seed=3, rate=1.0, kinds=(FaultKind.UNAVAILABLE_BEFORE_COMMIT,)))

    # The org stays down past every retry: the invocation fails, so Scheduler retries it and
    # finally parks it in the dead-letter queue.
    with pytest.raises(TransientOrgError):
        sample.env.invoke(FN, events.schedule_event(FLOW))

    sample.env.org.set_faults(None)
    assert sample.query("SELECT Id FROM c2g__codaInvoice__c WHERE OIM_External_Id__c != null") == []
    assert sample.query("SELECT Id FROM c2g__codaInvoiceLineItem__c WHERE OIM_External_Id__c != null") == []
    assert sample.get("SCMC__Invoicing__c", sample.ids["InvOk1"])["SCMC__Export_Status__c"] == "New"
    # The next run, with the org healthy again, finishes the job exactly once.
    retry = sample.env.invoke(FN, events.schedule_event(FLOW, name="retry"))
    assert retry["counts"]["created"] == 5


def test_commit_whose_answer_is_lost_is_not_duplicated_by_the_retry(sample: Sample) -> None:
    assert sample.env.org is not None
    sample.env.org.set_faults(FaultPlan(seed=1, rate=0.5, kinds=(FaultKind.UNAVAILABLE_AFTER_COMMIT,
                                                                  FaultKind.DROP_AFTER_COMMIT)))  # fmt: skip
    sample.env.invoke(FN, events.schedule_event(FLOW))
    sample.env.org.set_faults(None)
    sample.env.invoke(FN, events.schedule_event(FLOW, name="again"))

    for key in ("InvOk1", "InvOk2", "InvJpy", "InvDropShip", "InvUK"):
        documents = sample.query(
            f"SELECT Id FROM c2g__codaInvoice__c WHERE SCMFFA__OIM_Invoice__c = '{sample.ids[key]}'"
        )
        assert len(documents) == 1, key
        assert sample.get("SCMC__Invoicing__c", sample.ids[key])["SCMC__Export_Status__c"] == "Exported"
