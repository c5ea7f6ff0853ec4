"""What the administrator's settings do to runs: hooks, auto post, automatic creation from OIM
events, schedules written to EventBridge Scheduler, run summaries and the status view (real
handlers, the local org over HTTPS, AWS from moto)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from oim_connector.model.settings import ConnectorSettings, SalesInvoiceSettings
from oim_hooks.e2e_fixtures import CLOSED_PERIOD_VARIABLE
from oim_local.runner import events
from oim_local.runner.aws import REGION

from tests.e2e.conftest import Sample
from tests.e2e.helpers import body, result_for

FLOW = "sales-invoices"
FN = "sales_invoices"


def _use(sample: Sample, **flow_settings: Any) -> None:
    sample.env.save_settings(ConnectorSettings(sales_invoices=SalesInvoiceSettings(**flow_settings)))


def _sins_of(sample: Sample, invoice_id: str) -> list[dict[str, Any]]:
    return sample.query(
        f"SELECT Id, c2g__InvoiceStatus__c FROM c2g__codaInvoice__c WHERE SCMFFA__OIM_Invoice__c = '{invoice_id}'"
    )


# -- hooks ---------------------------------------------------------------------------------------
def test_a_hook_drops_a_document_and_changes_another(sample: Sample, monkeypatch: pytest.MonkeyPatch) -> None:
    customer = sample.get("SCMC__Invoicing__c", sample.ids["InvOk2"])["SCMC__Customer__c"]
    monkeypatch.setenv("OIM_HOOK_SKIPPED_ACCOUNT", customer)
    _use(sample, hook="oim_hooks.skip_customer:remove_customer_invoices")
    ids = [sample.ids["InvOk2"], sample.ids["InvUK"]]

    report = body(sample.env.invoke(FN, events.list_action(FLOW, ids)))

    dropped = result_for(report, sample.ids["InvOk2"])
    assert dropped["outcome"] == "skipped"
    assert dropped["reason"] == "dropped by hook oim_hooks.skip_customer:remove_customer_invoices"
    assert _sins_of(sample, sample.ids["InvOk2"]) == []
    assert sample.get("SCMC__Invoicing__c", sample.ids["InvOk2"])["SCMC__Export_Status__c"] != "Export Error"
    (document,) = result_for(report, sample.ids["InvUK"])["documents"]
    assert (
        sample.get("c2g__codaInvoice__c", document["id"])["c2g__InvoiceDescription__c"] == "Exported by sales-invoices"
    )


def test_a_hook_that_raises_fails_the_run_and_writes_nothing(sample: Sample) -> None:
    _use(sample, hook="oim_hooks.e2e_fixtures:explode")

    answer = sample.env.invoke(FN, events.record_action(FLOW, sample.ids["InvOk1"]))

    assert answer["statusCode"] == 500
    message = body(answer)["message"]
    assert "The hook oim_hooks.e2e_fixtures:explode failed" in message
    assert "the customer table is unavailable" in message and "nothing of this batch was written" in message
    assert _sins_of(sample, sample.ids["InvOk1"]) == []


# -- auto post -----------------------------------------------------------------------------------
def test_auto_post_posts_the_documents_a_run_creates(sample: Sample) -> None:
    _use(sample, auto_post=True)

    report = body(sample.env.invoke(FN, events.record_action(FLOW, sample.ids["InvOk1"])))

    result = result_for(report, sample.ids["InvOk1"])
    assert result["outcome"] == "created" and result["errors"] == []
    assert [s["c2g__InvoiceStatus__c"] for s in _sins_of(sample, sample.ids["InvOk1"])] == ["Complete"]


def test_a_failed_posting_keeps_the_document_in_progress_and_says_why_on_the_record(
    sample: Sample, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CLOSED_PERIOD_VARIABLE, sample.ids["PeriodUS09"])
    _use(sample, auto_post=True, hook="oim_hooks.e2e_fixtures:into_closed_period")

    report = body(sample.env.invoke(FN, events.record_action(FLOW, sample.ids["InvOk1"])))

    result = result_for(report, sample.ids["InvOk1"])
    assert result["outcome"] == "created"
    assert "was created but not posted" in result["errors"][0] and "closed" in result["errors"][0]
    assert [s["c2g__InvoiceStatus__c"] for s in _sins_of(sample, sample.ids["InvOk1"])] == ["In Progress"]
    source = sample.get("SCMC__Invoicing__c", sample.ids["InvOk1"])
    assert source["SCMC__Export_Status__c"] == "Exported"  # the document exists and is linked: never lost
    assert "was created but not posted" in source["SCMC__Export_Error__c"]


# -- automatic creation ----------------------------------------------------------------------------
def test_an_event_creates_the_document_when_create_when_is_on(sample: Sample) -> None:
    _use(sample, create_when=True)

    report = sample.env.invoke(FN, events.oim_event(FLOW, sample.ids["InvOk1"], "shipment-completed"))

    assert result_for(report, sample.ids["InvOk1"])["outcome"] == "created"


def test_an_event_is_acknowledged_and_ignored_when_automatic_creation_is_off(sample: Sample) -> None:
    _use(sample)

    report = sample.env.invoke(FN, events.oim_event(FLOW, sample.ids["InvOk1"], "shipment-completed"))

    assert report["results"] == [] and "Automatic creation is off" in report["stoppedReason"]
    assert _sins_of(sample, sample.ids["InvOk1"]) == []


def test_custom_criteria_decide_whether_an_event_creates_the_document(sample: Sample) -> None:
    _use(sample, custom_criteria_field="Create_Sales_Invoice__c")
    invoice_id = sample.ids["InvOk1"]

    unchecked = sample.env.invoke(FN, events.oim_event(FLOW, invoice_id, "shipment-completed"))
    assert sample.env.org is not None
    sample.env.org.store.update("SCMC__Invoicing__c", invoice_id, {"Create_Sales_Invoice__c": True})
    checked = sample.env.invoke(FN, events.oim_event(FLOW, invoice_id, "shipment-completed"))

    not_qualifying = result_for(unchecked, invoice_id)
    assert not_qualifying["outcome"] == "skipped" and unchecked["counts"]["failed"] == 0
    assert "Create_Sales_Invoice__c is not checked" in not_qualifying["reason"]
    assert result_for(checked, invoice_id)["outcome"] == "created"


# -- schedules -------------------------------------------------------------------------------------
@pytest.fixture
def scheduler(sample: Sample, monkeypatch: pytest.MonkeyPatch) -> Any:
    client = boto3.client("scheduler", region_name=REGION)
    client.create_schedule_group(Name="oim-connector")
    arns = {flow: f"arn:aws:lambda:{REGION}:123456789012:function:oim-{flow}" for flow in (FLOW, "journals")}
    monkeypatch.setenv("SCHEDULE_GROUP", "oim-connector")
    monkeypatch.setenv("SCHEDULER_ROLE_ARN", "arn:aws:iam::123456789012:role/oim-scheduler")
    monkeypatch.setenv("SCHEDULE_DEAD_LETTER_ARN", f"arn:aws:sqs:{REGION}:123456789012:undelivered")
    monkeypatch.setenv("FLOW_FUNCTION_ARNS", json.dumps(arns))
    return client


def admin(sample: Sample, method: str, path: str, payload: Any = None) -> tuple[int, Any]:
    answer = sample.env.invoke("admin", events.api_event(method, path, payload))
    return answer["statusCode"], body(answer)


def test_schedules_are_created_listed_changed_and_deleted(sample: Sample, scheduler: Any) -> None:
    status, created = admin(sample, "PUT", f"/admin/schedules/{FLOW}",
                            {"frequency": "weekly", "startTime": "06:30", "daysOfWeek": ["FRI", "MON"],
                             "timezone": "Europe/London"})  # fmt: skip
    assert status == 200 and created["expression"] == "cron(30 6 ? * MON,FRI *)"
    stored = scheduler.get_schedule(GroupName="oim-connector", Name=f"oim-{FLOW}")
    assert stored["ScheduleExpressionTimezone"] == "Europe/London"
    assert stored["Target"]["Arn"].endswith(f"function:oim-{FLOW}")
    assert stored["Target"]["DeadLetterConfig"]["Arn"].endswith(":undelivered")
    target_input = json.loads(stored["Target"]["Input"])
    assert target_input == {"flow": FLOW, "trigger": "schedule", "scheduleName": f"oim-{FLOW}",
                            "scheduledTime": "<aws.scheduler.scheduled-time>"}  # fmt: skip

    status, changed = admin(sample, "PUT", f"/admin/schedules/{FLOW}", {"frequency": "daily", "startTime": "02:00"})
    assert status == 200 and changed["expression"] == "cron(0 2 * * ? *)"
    _, listed = admin(sample, "GET", "/admin/schedules")
    assert [(s["flow"], s["expression"], s["spec"]["frequency"]) for s in listed["schedules"]] == [
        (FLOW, "cron(0 2 * * ? *)", "daily")
    ]
    assert admin(sample, "DELETE", f"/admin/schedules/{FLOW}")[0] == 200
    assert admin(sample, "GET", "/admin/schedules")[1]["schedules"] == []
    assert admin(sample, "DELETE", f"/admin/schedules/{FLOW}")[0] == 404


def test_a_bad_schedule_is_refused(sample: Sample, scheduler: Any) -> None:
    status, refused = admin(sample, "PUT", f"/admin/schedules/{FLOW}", {"frequency": "daily", "startTime": "25:00"})
    assert status == 400 and "'25:00' is not a time of day: use HH:MM" in refused["message"]
    status, refused = admin(sample, "PUT", f"/admin/schedules/{FLOW}", {"frequency": "weekly", "startTime": "06:00"})
    assert status == 400 and "a weekly schedule needs at least one day of the week" in refused["message"]
    status, refused = admin(
        sample, "PUT", "/admin/schedules/vendor-accounts", {"frequency": "daily", "startTime": "01:00"}
    )
    assert status == 400 and "cannot be scheduled" in refused["message"]


# -- notifications and status ----------------------------------------------------------------------
@pytest.fixture
def inbox(sample: Sample, monkeypatch: pytest.MonkeyPatch) -> str:
    """An SQS queue subscribed to the run-summary topic, standing in for an email subscriber."""
    sns = boto3.client("sns", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    topic = sns.create_topic(Name="oim-connector-run-summaries")["TopicArn"]
    url = sqs.create_queue(QueueName="inbox")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "false"})
    monkeypatch.setenv("RUN_SUMMARY_TOPIC_ARN", topic)
    # The alarms' topic is another one: run summaries never go there.
    monkeypatch.setenv("NOTIFICATIONS_TOPIC_ARN", sns.create_topic(Name="oim-connector-notifications")["TopicArn"])
    return url


def _received(url: str) -> list[dict[str, Any]]:
    messages = boto3.client("sqs", region_name=REGION).receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    return [json.loads(m["Body"]) for m in messages.get("Messages", [])]


def test_a_scheduled_run_sends_its_summary_and_shows_in_the_status_view(sample: Sample, inbox: str) -> None:
    report = sample.env.invoke(FN, events.schedule_event(FLOW))

    (message,) = _received(inbox)
    assert message["Subject"] == (
        f"OIM connector {FLOW}: {report['counts']['created']} created, {report['counts']['skipped']} skipped, "
        f"{report['counts']['failed']} failed"
    )
    text = message["Message"]
    (sin,) = _sins_of(sample, sample.ids["InvOk1"])
    assert "Documents created:" in text and f"INV-000001: {sin['Id']}" in text
    assert "Records that failed" in text and "has no accounts receivable control GLA" in text
    status, view = admin(sample, "GET", "/admin/status")
    assert status == 200
    flow = next(f for f in view["flows"] if f["flow"] == FLOW)
    (last,) = flow["lastRuns"]
    assert last["trigger"] == "schedule" and last["counts"]["created"] == report["counts"]["created"]
    assert flow["exportErrors"] == report["counts"]["failed"] > 0


def test_no_email_when_send_emails_is_off_and_none_for_synchronous_runs(sample: Sample, inbox: str) -> None:
    sample.env.invoke(FN, events.record_action(FLOW, sample.ids["InvOk1"]))
    assert _received(inbox) == []
    settings = ConnectorSettings()
    settings.general.send_emails = False
    sample.env.save_settings(settings)

    sample.env.invoke(FN, events.schedule_event(FLOW))

    assert _received(inbox) == []


# -- schedule time zone, records in Export Error ---------------------------------------------------
def test_a_schedule_without_a_time_zone_takes_the_stacks_default(
    sample: Sample, scheduler: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEFAULT_SCHEDULE_TIMEZONE", "America/Chicago")
    status, created = admin(sample, "PUT", f"/admin/schedules/{FLOW}", {"frequency": "daily", "startTime": "02:00"})
    assert status == 200 and created["spec"]["timezone"] == "America/Chicago"
    stored = scheduler.get_schedule(GroupName="oim-connector", Name=f"oim-{FLOW}")
    assert stored["ScheduleExpressionTimezone"] == "America/Chicago"


def test_records_in_export_error_are_listed_with_their_reason_and_retried(sample: Sample) -> None:
    sample.env.invoke(FN, events.schedule_event(FLOW))
    status, listed = admin(sample, "GET", f"/admin/flows/{FLOW}/export-errors")
    assert status == 200
    reasons = {record["name"]: record["error"] for record in listed["records"]}
    assert len(reasons) == 2
    assert any("has no accounts receivable control GLA: set it on the account" in why for why in reasons.values())

    # The account gets its control GLA; the retry creates that invoice and the other fails again.
    refused_id = next(r["id"] for r in listed["records"] if "accounts receivable" in r["error"])
    account_id = sample.get("SCMC__Invoicing__c", refused_id)["SCMC__Customer__c"]
    control = "c2g__CODAAccountsReceivableControl__c"
    gla = sample.query(f"SELECT {control} FROM Account WHERE {control} != null LIMIT 1")[0][control]
    assert sample.env.org is not None
    sample.env.org.store.update("Account", account_id, {control: gla})

    status, report = admin(sample, "POST", f"/admin/flows/{FLOW}/retry", {"ids": [r["id"] for r in listed["records"]]})
    assert status == 200
    assert report["counts"]["created"] == 1 and report["counts"]["failed"] == 1
    assert sample.get("SCMC__Invoicing__c", refused_id)["SCMC__Export_Status__c"] == "Exported"
    assert len(admin(sample, "GET", f"/admin/flows/{FLOW}/export-errors")[1]["records"]) == 1

    status, refused = admin(sample, "POST", f"/admin/flows/{FLOW}/retry", {"ids": []})
    assert status == 400 and "Choose at least one record to retry" in refused["message"]
    status, refused = admin(sample, "POST", "/admin/flows/vendor-accounts/retry", {"ids": [refused_id]})
    assert status == 400 and "only document flows" in refused["message"]
