"""The monthly reconciliation: which period a scheduled run covers, where its report goes and who
is told. The handler wires AWS and the org in; everything here works on ports."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from oim_connector.errors import BadRequestError
from oim_connector.model.api import describe_validation_error
from oim_connector.model.flows import DOCUMENT_FLOWS, FlowId
from oim_connector.model.settings import GeneralSettings
from oim_connector.notifications import CustomNotificationPort
from oim_connector.reconcile.export import to_csv
from oim_connector.reconcile.findings import ReconcileReport
from oim_connector.reconcile.scope import PERIOD_NAME

MAX_LISTED_FINDINGS = 50


class ReconcileEvent(BaseModel):
    """``{"period": "2026/006", "company"?, "flows"?}``, or the schedule's event: no period, the
    month before ``scheduledTime`` (Accounting's default period names: YYYY/NNN, one per month)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    period: str | None = Field(default=None, pattern=PERIOD_NAME.pattern)
    company: str | None = Field(default=None, min_length=1, max_length=80)
    flows: list[FlowId] | None = None
    scheduled_time: dt.datetime | None = Field(default=None, alias="scheduledTime")

    @classmethod
    def parse(cls, event: dict[str, Any]) -> ReconcileEvent:
        try:
            return cls.model_validate(event)
        except ValidationError as error:
            raise BadRequestError(describe_validation_error(error)) from None

    def period_name(self, now: dt.datetime) -> str:
        if self.period:
            return self.period
        day = (self.scheduled_time or now).date().replace(day=1) - dt.timedelta(days=1)
        return f"{day.year}/{day.month:03d}"

    def flow_ids(self) -> tuple[FlowId, ...]:
        return tuple(self.flows) if self.flows else DOCUMENT_FLOWS


class ReportStore(Protocol):
    def put(self, key: str, body: str, content_type: str) -> str:
        """Stores one object; returns where a person finds it."""
        ...


class S3ReportStore:
    def __init__(self, bucket: str, client: Any | None = None) -> None:
        import boto3

        self._bucket = bucket
        self._client = client or boto3.client("s3")

    def put(self, key: str, body: str, content_type: str) -> str:
        self._client.put_object(Bucket=self._bucket, Key=key, Body=body.encode("utf-8"), ContentType=content_type)
        return f"s3://{self._bucket}/{key}"


def store_report(store: ReportStore, report: ReconcileReport, now: dt.datetime) -> list[str]:
    """The report as JSON (everything) and CSV (the findings), under reconciliations/<period>/."""
    scope = report.period.replace("/", "-") + (f"-{_slug(report.company)}" if report.company else "")
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    base = f"reconciliations/{scope}/{stamp}"
    return [
        store.put(f"{base}.json", json.dumps(report.to_json_dict(), indent=2), "application/json"),
        store.put(f"{base}.csv", to_csv(report), "text/csv"),
    ]


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text).strip("-").lower()[:60]


def summary_text(report: ReconcileReport, locations: list[str]) -> str:
    lines = [report.summary(), ""]
    lines += [
        f"{f.flow}: {f.sources} OIM documents, {f.documents} ledger documents, {f.findings} findings"
        for f in report.flows
    ]
    if report.findings:
        lines += ["", "Findings:"]
        for finding in report.findings[:MAX_LISTED_FINDINGS]:
            subject = finding.source_name or finding.source_id or finding.document_name or finding.field or ""
            lines.append(f"  {finding.kind.value} {subject}: {finding.action}")
        if len(report.findings) > MAX_LISTED_FINDINGS:
            lines.append(f"  ... and {len(report.findings) - MAX_LISTED_FINDINGS} more in the report")
    lines += ["", "Report: " + ", ".join(locations)]
    return "\n".join(lines)


class SummaryChannels:
    """The run summary's channels, switched by the same general settings (Send Emails, Send Notifications)."""

    def __init__(
        self,
        *,
        sns: Any | None = None,
        topic_arn: str | None = None,
        salesforce: Callable[[], CustomNotificationPort] | None = None,
        notification_type: str | None = None,
    ) -> None:
        self._sns, self._topic_arn = sns, topic_arn
        self._salesforce, self._type = salesforce, notification_type

    def send(self, report: ReconcileReport, locations: list[str], general: GeneralSettings) -> list[str]:
        """Sends through each enabled channel; returns the ones that answered."""
        sent = []
        subject = f"OIM reconciliation {report.period}: {len(report.findings)} findings"[:100]
        if general.send_emails and self._sns is not None and self._topic_arn:
            self._sns.publish(TopicArn=self._topic_arn, Subject=subject, Message=summary_text(report, locations))
            sent.append("email")
        if general.send_notifications and self._salesforce is not None and self._type:
            self._salesforce().send_custom_notification(self._type, subject, report.summary()[:750], None)
            sent.append("salesforce")
        return sent
