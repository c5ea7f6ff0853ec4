"""The monthly reconcile function through its handler: the report in S3, the summary by email (SNS)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from oim_connector.errors import BadRequestError
from oim_connector.model.settings import ConnectorSettings, GeneralSettings
from oim_local.drift.dataset import DRIFT_FLOWS, PERIOD, export_month
from oim_local.drift.inject import Injector
from oim_local.runner import events
from oim_local.runner.aws import REGION
from oim_local.runner.environment import LocalEnvironment

pytestmark = pytest.mark.integration


def _subscribed_queue(topic_arn: str) -> str:
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="reconcile-summaries")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    boto3.client("sns", region_name=REGION).subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn)
    return url


def test_a_scheduled_run_reconciles_the_month_before_stores_the_report_and_sends_the_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    month = export_month(tmp_path / "month", documents=60)
    settings = ConnectorSettings(general=GeneralSettings(send_emails=True))
    with LocalEnvironment(month.db_path, settings=settings, quiet=True) as env:
        assert env.org is not None
        Injector(env.org.store, seed=3).inject(1)
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="reports", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        topic = boto3.client("sns", region_name=REGION).create_topic(Name="notifications")["TopicArn"]
        queue = _subscribed_queue(topic)
        monkeypatch.setenv("REPORTS_BUCKET", "reports")
        monkeypatch.setenv("NOTIFICATIONS_TOPIC_ARN", topic)
        event = {
            "trigger": "schedule",
            "scheduleName": "reconcile-monthly",
            "scheduledTime": "2026-07-02T06:00:00Z",
            "flows": [f.value for f in DRIFT_FLOWS],
        }

        result = env.invoke("reconcile", event)

        assert result["period"] == PERIOD  # the month before the scheduled time
        assert result["findings"] >= 10 and result["notified"] == ["email"]
        keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="reports")["Contents"])
        assert [k.rsplit(".", 1)[1] for k in keys] == ["csv", "json"]
        assert all(k.startswith("reconciliations/2026-006/") for k in keys)
        stored = json.loads(s3.get_object(Bucket="reports", Key=keys[1])["Body"].read())
        assert len(stored["findings"]) == result["findings"] and stored["counts"]["orphan_document"] == 1
        message = json.loads(
            boto3.client("sqs", region_name=REGION).receive_message(QueueUrl=queue)["Messages"][0]["Body"]
        )
        assert message["Subject"] == f"OIM reconciliation {PERIOD}: {result['findings']} findings"
        assert "Report: s3://reports/reconciliations/2026-006/" in message["Message"]

        with pytest.raises(BadRequestError, match="period"):
            env.invoke("reconcile", {"period": "June"})
        with pytest.raises(BadRequestError, match="No accounting period is named 2031/001"):
            env.invoke("reconcile", {"period": "2031/001"})


def _admin_get(env: LocalEnvironment, query: dict[str, str] | None) -> tuple[int, Any]:
    event = events.api_event("GET", "/admin/reconcile")
    event["queryStringParameters"] = query
    answer = env.invoke("admin", event)
    return answer["statusCode"], json.loads(answer["body"])


def test_the_admin_view_reconciles_a_period_and_answers_bad_input_with_400(tmp_path: Path) -> None:
    month = export_month(tmp_path / "month", documents=60)
    with LocalEnvironment(month.db_path, quiet=True) as env:
        assert env.org is not None
        cases = Injector(env.org.store, seed=5).inject(1)
        flows = ",".join(f.value for f in DRIFT_FLOWS)

        status, report = _admin_get(env, {"period": PERIOD, "flows": flows})

        assert status == 200 and report["period"] == PERIOD
        assert {f["kind"] for f in report["findings"]} >= {"duplicate_document", "orphan_document", "missing_document"}
        sources = {f["sourceId"] for f in report["findings"]}
        assert {c.source_id for c in cases if c.kind != "document_without_source"} <= sources
        assert _admin_get(env, None) == (
            400,
            {"error": "BAD_REQUEST", "message": "Give the period to reconcile: ?period=YYYY/NNN, e.g. 2026/006"},
        )
        status, refused = _admin_get(env, {"period": PERIOD, "company": "Initech"})
        assert status == 400 and refused["message"].startswith("No accounting company is named 'Initech'")
