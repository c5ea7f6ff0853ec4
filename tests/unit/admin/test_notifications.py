"""The run summary an administrator receives, and which channels send it."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from oim_connector.model.flows import FlowId
from oim_connector.model.report import DocumentRef, Outcome, RunReport, SourceResult
from oim_connector.model.settings import GeneralSettings
from oim_connector.notifications import Notifications, RunSummary, SalesforceNotifier, summarise
from oim_connector.triggers.events import not_for_flow, parse_oim_event
from pydantic import ValidationError


def _report() -> RunReport:
    report = RunReport(flow="sales-invoices", trigger="schedule", run_id="nightly@2026-03-31T02:00:00Z")
    report.add(SourceResult(source_id="a4A1", source_name="INV-000001", outcome=Outcome.CREATED,
                            documents=[DocumentRef(sobject="c2g__codaInvoice__c", external_id="SIN:a4A1", id="a2A1",
                                                   name="SIN000001")]))  # fmt: skip
    report.add(SourceResult(source_id="a4A2", source_name="INV-000002", outcome=Outcome.SKIPPED,
                            reason="Export Status is 'Exported'"))  # fmt: skip
    error = "Account 'Acme' has no accounts receivable control GLA: set it on the account"
    report.add(SourceResult(source_id="a4A3", source_name="INV-000003", outcome=Outcome.FAILED, errors=[error]))
    return report


def test_the_summary_counts_and_lists_created_documents_and_failed_records() -> None:
    summary = summarise(_report())

    assert summary.subject == "OIM connector sales-invoices: 1 created, 1 skipped, 1 failed"
    assert summary.text().splitlines() == [
        "Flow: sales-invoices (run nightly@2026-03-31T02:00:00Z, trigger schedule)",
        "Created: 1  Updated: 0  Skipped: 1  Failed: 1",
        "",
        "Documents created:",
        "  INV-000001: SIN000001",
        "",
        "Records that failed (their Export Error field says the same):",
        "  INV-000003: Account 'Acme' has no accounts receivable control GLA: set it on the account",
    ]


class _Inbox:
    def __init__(self, fail: bool = False) -> None:
        self.received: list[RunSummary] = []
        self.fail = fail

    def send(self, summary: RunSummary) -> None:
        if self.fail:
            raise ConnectionError("smtp down")
        self.received.append(summary)


def test_each_channel_follows_its_setting_and_a_failing_one_does_not_stop_the_other() -> None:
    email, bell = _Inbox(fail=True), _Inbox()
    Notifications(email=email, salesforce=bell).run_finished(_report(), GeneralSettings())
    assert len(bell.received) == 1

    email, bell = _Inbox(), _Inbox()
    Notifications(email=email, salesforce=bell).run_finished(
        _report(), GeneralSettings(send_emails=True, send_notifications=False)
    )
    assert (len(email.received), len(bell.received)) == (1, 0)


class _Org:
    """Records the customNotificationAction calls the notifier makes."""

    def __init__(self) -> None:
        self.calls: list[dict[str, object]] = []

    def send_custom_notification(
        self,
        type_name: str,
        title: str,
        body: str,
        target_id: str | None,
        recipient_ids: Sequence[str] = (),
        group_name: str | None = None,
    ) -> None:
        self.calls.append({"type": type_name, "title": title, "body": body, "target": target_id,
                           "recipients": list(recipient_ids), "group": group_name})  # fmt: skip


def test_the_salesforce_notification_goes_to_who_started_the_run_and_the_configured_group() -> None:
    org = _Org()
    report = _report()
    report.started_by = "005000000000001AAA"
    bell = SalesforceNotifier(lambda: org, "0ML000000000001AAA")

    Notifications(salesforce=bell).run_finished(report, GeneralSettings(notification_group="Finance_Team"))

    assert org.calls == [{
        "type": "0ML000000000001AAA",
        "title": "OIM connector: sales-invoices",
        "body": "Created 1, skipped 1, failed 1. Records that failed say why in their Export Error field.",
        "target": "a4A3",
        "recipients": ["005000000000001AAA"],
        "group": "Finance_Team",
    }]  # fmt: skip


def test_a_scheduled_run_without_group_notifies_nobody_in_particular() -> None:
    org = _Org()
    Notifications(salesforce=SalesforceNotifier(lambda: org, "0ML000000000001AAA")).run_finished(
        _report(), GeneralSettings()
    )
    # The org adapter then sends it to the integration user.
    assert [(c["recipients"], c["group"]) for c in org.calls] == [([], None)]


def test_the_group_setting_takes_a_developer_name_only() -> None:
    with pytest.raises(ValidationError):
        GeneralSettings(notification_group="Finance Team'; DELETE")


def test_an_oim_event_names_the_user_whose_save_published_it() -> None:
    event = {
        "id": "e1", "source": "aws.partner/salesforce.com/00D000000000001/0YL000000000001",
        "detail-type": "OIM_Document_Event__e",
        "detail": {"payload": {"Flow__c": "payable-invoices", "Event__c": "voucher-matched",
                               "Record_Id__c": "a1B000000000001", "CreatedById": "005000000000002"}},
    }  # fmt: skip
    payload = parse_oim_event(event).payload
    assert payload.created_by == "005000000000002AAA"  # the 18-character form
    assert not_for_flow(FlowId.PAYABLE_INVOICES, payload) is None
    assert not_for_flow(FlowId.JOURNALS, payload) == "a payable-invoices event reached the journals function"
