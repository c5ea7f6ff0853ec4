"""The run summary an administrator receives, and which channels send it."""

from __future__ import annotations

from oim_connector.model.report import DocumentRef, Outcome, RunReport, SourceResult
from oim_connector.model.settings import GeneralSettings
from oim_connector.notifications import Notifications, RunSummary, summarise


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
