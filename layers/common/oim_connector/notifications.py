"""Run summaries after background runs (schedule, job, event): an email through SNS and a
Salesforce custom notification, each switched by a general setting (Send Emails, Send
Notifications), as the source product sends them (spec §2.3)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from oim_connector.model.report import Outcome, RunReport
from oim_connector.model.settings import GeneralSettings

log = logging.getLogger(__name__)

# SNS limits a subject to 100 characters and a message to 256 KB; keep well inside both.
MAX_LISTED_RECORDS = 200
MAX_ERROR_CHARS = 1000


class _Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class CreatedRecord(_Camel):
    source_id: str
    source_name: str | None
    documents: list[str]


class FailedRecord(_Camel):
    source_id: str
    source_name: str | None
    errors: list[str]


class RunSummary(_Camel):
    """What an administrator is told after a background run."""

    flow: str
    trigger: str
    run_id: str
    created: int
    updated: int
    skipped: int
    failed: int
    created_records: list[CreatedRecord]
    failed_records: list[FailedRecord]
    stopped_reason: str | None = None
    more_not_listed: int = 0
    started_by: str | None = None
    notify_group: str | None = None  # the public group told in Salesforce as well (general settings)

    @property
    def subject(self) -> str:
        text = f"OIM connector {self.flow}: {self.created} created, {self.skipped} skipped, {self.failed} failed"
        return text[:100]

    def text(self) -> str:
        lines = [
            f"Flow: {self.flow} (run {self.run_id}, trigger {self.trigger})",
            f"Created: {self.created}  Updated: {self.updated}  Skipped: {self.skipped}  Failed: {self.failed}",
        ]
        if self.stopped_reason:
            lines.append(f"Stopped: {self.stopped_reason}")
        if self.created_records:
            lines.append("")
            lines.append("Documents created:")
            for record in self.created_records:
                lines.append(f"  {record.source_name or record.source_id}: {', '.join(record.documents)}")
        if self.failed_records:
            lines.append("")
            lines.append("Records that failed (their Export Error field says the same):")
            for failed in self.failed_records:
                lines.append(f"  {failed.source_name or failed.source_id}: {'; '.join(failed.errors)}")
        if self.more_not_listed:
            lines.append(f"... and {self.more_not_listed} more records: see the run history in the admin page")
        return "\n".join(lines)


def summarise(report: RunReport) -> RunSummary:
    created: list[CreatedRecord] = []
    failed: list[FailedRecord] = []
    not_listed = 0
    for result in report.results:
        if result.outcome in (Outcome.CREATED, Outcome.UPDATED) and result.documents:
            entry: CreatedRecord | FailedRecord = CreatedRecord(
                source_id=result.source_id,
                source_name=result.source_name,
                documents=[d.name or d.id or d.external_id for d in result.documents],
            )
        elif result.outcome == Outcome.FAILED or result.errors:
            # A created document that could not be posted is listed with its error too.
            entry = FailedRecord(
                source_id=result.source_id,
                source_name=result.source_name,
                errors=[e[:MAX_ERROR_CHARS] for e in result.errors],
            )
        else:
            continue
        if len(created) + len(failed) >= MAX_LISTED_RECORDS:
            not_listed += 1
        elif isinstance(entry, CreatedRecord):
            created.append(entry)
        else:
            failed.append(entry)
    counts = report.counts
    return RunSummary(
        flow=report.flow,
        trigger=report.trigger,
        run_id=report.run_id,
        created=counts.created,
        updated=counts.updated,
        skipped=counts.skipped,
        failed=counts.failed,
        created_records=created,
        failed_records=failed,
        stopped_reason=report.stopped_reason,
        more_not_listed=not_listed,
        started_by=report.started_by,
    )


class Notifier(Protocol):
    """One channel for run summaries."""

    def send(self, summary: RunSummary) -> None: ...


class SnsEmailNotifier:
    """Publishes the summary to the notifications topic; administrators subscribe their email."""

    def __init__(self, topic_arn: str, client: Any | None = None) -> None:
        import boto3

        self._topic_arn = topic_arn
        self._client = client or boto3.client("sns")

    def send(self, summary: RunSummary) -> None:
        self._client.publish(
            TopicArn=self._topic_arn,
            Subject=summary.subject,
            Message=summary.text(),
            MessageAttributes={
                "flow": {"DataType": "String", "StringValue": summary.flow},
                "failed": {"DataType": "Number", "StringValue": str(summary.failed)},
            },
        )


class CustomNotificationPort(Protocol):
    """Salesforce's standard action customNotificationAction (POST .../actions/standard/customNotificationAction)."""

    def send_custom_notification(
        self,
        type_name: str,
        title: str,
        body: str,
        target_id: str | None,
        recipient_ids: Sequence[str] = (),
        group_name: str | None = None,
    ) -> None: ...


class SalesforceNotifier:
    """A bell notification in Salesforce with the counts; the email carries the details.

    Recipients: the user who started the run (their save published the event, or they pressed the
    list button) and the public group of the general setting ``notification_group``; with neither
    (a schedule, no group), the integration user.
    """

    def __init__(self, port: Callable[[], CustomNotificationPort], type_name: str) -> None:
        self._port = port  # a factory, so the org is reached only when a notification is sent
        self._type_name = type_name  # the type's id (stack parameter CustomNotificationTypeId) or DeveloperName

    def send(self, summary: RunSummary) -> None:
        body = f"Created {summary.created}, skipped {summary.skipped}, failed {summary.failed}."
        if summary.failed_records:
            body += " Records that failed say why in their Export Error field."
        target = summary.failed_records[0].source_id if summary.failed_records else None
        recipients = (summary.started_by,) if summary.started_by else ()
        self._port().send_custom_notification(
            self._type_name, f"OIM connector: {summary.flow}", body[:750], target, recipients, summary.notify_group
        )


class RunListener(Protocol):
    """Told about each finished background run (notifications, run history); the service decides
    which runs are background ones (schedules, OIM events, queued jobs), not the report's trigger."""

    def run_finished(self, report: RunReport, general: GeneralSettings) -> None: ...


class Notifications:
    """Sends the summary through the channels the general settings switch on; a channel that fails
    is logged, never fails the run (the documents are already written)."""

    def __init__(self, email: Notifier | None = None, salesforce: Notifier | None = None) -> None:
        self._email = email
        self._salesforce = salesforce

    def run_finished(self, report: RunReport, general: GeneralSettings) -> None:
        summary = summarise(report).model_copy(update={"notify_group": general.notification_group})
        channels: Sequence[tuple[str, Notifier | None, bool]] = (
            ("email", self._email, general.send_emails),
            ("salesforce", self._salesforce, general.send_notifications),
        )
        for name, notifier, enabled in channels:
            if notifier is None or not enabled:
                continue
            try:
                notifier.send(summary)
            except Exception as error:  # a notification channel must never fail a run
                log.warning("could not send the %s notification: %s", name, error.__class__.__name__)
