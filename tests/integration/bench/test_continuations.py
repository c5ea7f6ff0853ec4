"""Any volume: a scheduled run with almost no time left stops after each batch and hands a
checkpoint to the next invocation, through the jobs queue, until every document is done;
no document is written twice and none is left behind."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import boto3
import pytest
from oim_connector.jobs import DynamoJobStore, JobMessage, SqsJobQueue
from oim_connector.model.documents import EXPORT_STATUS_FIELD
from oim_connector.model.flows import FlowId
from oim_connector.model.report import RunReport
from oim_connector.model.settings import ConnectorSettings, GeneralSettings
from oim_connector.org.adapter import SalesforceOrg
from oim_connector.org.credentials import SalesforceCredentials
from oim_connector.service import ConnectorService, Services
from oim_connector.settings_store import StaticSettingsStore
from oim_local.bench.dataset import prepare
from oim_local.runner.aws import REGION
from oim_local.runner.environment import LocalEnvironment, salesforce_secret_for

pytestmark = pytest.mark.integration

DOCUMENTS = 120
BATCH = 10


def test_a_tiny_time_budget_runs_through_many_continuations_exactly_once(tmp_path: Path) -> None:
    data = prepare(tmp_path, documents=DOCUMENTS, lines_per_invoice=2, flows=(FlowId.SALES_INVOICES,))
    summaries = RecordedSummaries()
    with LocalEnvironment(data.fresh_org(tmp_path / "org.db"), quiet=True) as env:
        assert env.org is not None and env.resources is not None
        queue_url = env.resources.jobs_queues[FlowId.SALES_INVOICES.value]
        service = ConnectorService(
            Services(
                org=lambda: SalesforceOrg(SalesforceCredentials.model_validate(salesforce_secret_for(env.org))),
                settings=StaticSettingsStore(ConnectorSettings()),
                jobs=DynamoJobStore(env.resources.jobs_table),
                queue=SqsJobQueue(queue_url),
                clock=lambda: dt.datetime(2026, 9, 15, tzinfo=dt.UTC),
                batch_size=BATCH,
                safety_margin_seconds=60.0,
                listeners=[summaries],
            )
        )
        no_time_left = lambda: 1.0  # noqa: E731 (under the safety margin: one batch per invocation)
        env.org.reset_counters()

        first = service.scheduled(FlowId.SALES_INVOICES, "nightly@2026-09-15T02:00Z", no_time_left)
        invocations, created = 1, first.counts.created
        sqs = boto3.client("sqs", region_name=REGION)
        while messages := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=1).get("Messages"):
            message = messages[0]
            report = service.run_job(JobMessage.model_validate_json(message["Body"]), no_time_left)
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            invocations += 1
            created += report.counts.created
            assert report.counts.updated == 0  # nothing written a second time
        counters = env.org.counters()
        exported = env.org.store.query(
            f"SELECT COUNT() FROM SCMC__Invoicing__c WHERE {EXPORT_STATUS_FIELD} = 'Exported'"
        ).total_size
        invoices = env.org.store.query("SELECT COUNT() FROM c2g__codaInvoice__c").total_size

    assert invocations == DOCUMENTS // BATCH  # every batch in its own invocation, none left to find nothing
    assert created == exported == invoices == DOCUMENTS
    assert counters.graphs == DOCUMENTS  # each document written once: no graph resent, none skipped
    # The reference data is loaded once (one composite of queries, the first batch's query riding in it) and
    # carried on in the messages; each later part reads its batch with one query and none ends on an empty one.
    assert counters.requests_by_kind.get("composite") == 1, counters.requests_by_kind
    assert counters.requests_by_kind.get("query") == DOCUMENTS // BATCH - 1, counters.requests_by_kind
    # One summary (email, Salesforce, run history) for the whole run, after its last part.
    [summary] = summaries.reports
    assert summary.run_id == "nightly@2026-09-15T02:00Z"
    assert summary.counts.created == DOCUMENTS and summary.counts.failed == 0
    assert summary.api_requests == counters.total_requests


class RecordedSummaries:
    """A run listener that keeps what the notification channels would be sent."""

    def __init__(self) -> None:
        self.reports: list[RunReport] = []

    def run_finished(self, report: RunReport, general: GeneralSettings) -> None:
        self.reports.append(report)
