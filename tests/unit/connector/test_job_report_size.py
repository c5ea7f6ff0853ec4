"""A job's report fits a DynamoDB item whatever the run's size: a continuation of thousands of documents
used to fail writing it (400 KB an item), and the run stopped there."""

from __future__ import annotations

import boto3
from moto import mock_aws
from oim_connector.jobs import DynamoJobStore, JobStatus
from oim_connector.model.flows import FlowId
from oim_connector.model.report import DocumentRef, Outcome, RunReport, SourceResult


def _report(created: int, failed: int) -> RunReport:
    report = RunReport(flow="sales-invoices", trigger="schedule", run_id="nightly")
    for n in range(failed):
        report.add(SourceResult(source_id=f"a0X{n:015d}", outcome=Outcome.FAILED, errors=["no period is open"]))
    for n in range(created):
        report.add(SourceResult(source_id=f"a0Y{n:015d}", outcome=Outcome.CREATED, documents=[
            DocumentRef(sobject="c2g__codaInvoice__c", external_id=f"OIM-{n}", id=f"a1B{n:015d}", lines=5,
                        total="100.00")]))  # fmt: skip
    return report


def _store_with_job() -> DynamoJobStore:
    client = boto3.client("dynamodb", region_name="eu-west-1")
    keys = [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
    client.create_table(TableName="jobs", BillingMode="PAY_PER_REQUEST", KeySchema=keys,
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                              {"AttributeName": "sk", "AttributeType": "S"}])  # fmt: skip
    store = DynamoJobStore("jobs", client)
    store.create("job-1", FlowId.SALES_INVOICES)
    return store


@mock_aws
def test_a_part_of_thousands_of_documents_keeps_its_counts_and_every_failure() -> None:
    store = _store_with_job()

    store.update("job-1", JobStatus.RUNNING, _report(created=5000, failed=20).to_json_dict(), continuations=1)

    job = store.get("job-1")
    assert job is not None and job.report is not None
    assert job.report["counts"]["created"] == 5000 and job.report["counts"]["failed"] == 20
    outcomes = [r["outcome"] for r in job.report["results"]]
    assert outcomes[:20] == ["failed"] * 20  # every failure kept, first
    assert len(outcomes) + job.report["resultsNotStored"] == 5020


@mock_aws
def test_a_large_report_replaced_by_the_next_part_and_the_last_still_fits() -> None:
    # The 100,000-document run stopped at its third part: moto counts an update as the old value plus
    # the new one, so a second report of 300,000 characters over the first was refused.
    store = _store_with_job()

    for part in range(1, 4):
        status = JobStatus.SUCCEEDED if part == 3 else JobStatus.RUNNING
        store.update("job-1", status, _report(created=30_000, failed=0).to_json_dict(), continuations=part)

    job = store.get("job-1")
    assert job is not None and job.report is not None
    assert job.status == JobStatus.SUCCEEDED and job.continuations == 3
    assert job.report["counts"]["created"] == 30_000
