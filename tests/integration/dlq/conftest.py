"""The sample org and moto (tests/e2e's environment) plus the stack's two dead-letter queues that have
no source queue, with letters built as Lambda and EventBridge put them there."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from oim_connector.model.settings import ConnectorSettings, SalesInvoiceSettings
from oim_local.runner.aws import REGION
from oim_local.runner.environment import LocalEnvironment
from oim_local.sample import load_sample

from tests.e2e.conftest import Sample

pytestmark = pytest.mark.integration

ACCOUNT = "123456789012"
# A deployed name, as CloudFormation generates it: the in-process adapter finds functions/sales_invoices.
SALES_INVOICES_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:oim-connector-SalesInvoicesFunction-Q1w2E3r4"
SETTINGS = ConnectorSettings(sales_invoices=SalesInvoiceSettings(create_when=True))


@dataclass
class DeadLetterQueues:
    failed_invocations: str
    undelivered: str

    def __post_init__(self) -> None:
        self.sqs = boto3.client("sqs", region_name=REGION)

    def put_failed_invocation(
        self, event: dict[str, Any], error: Exception, function_arn: str = SALES_INVOICES_ARN
    ) -> str:
        """Lambda's OnFailure record after the retries of an asynchronous invocation ran out."""
        record = {
            "version": "1.0",
            "timestamp": dt.datetime.now(dt.UTC).isoformat(),
            "requestContext": {"requestId": str(uuid.uuid4()), "functionArn": f"{function_arn}:$LATEST",
                               "condition": "RetriesExhausted", "approximateInvokeCount": 3},
            "requestPayload": event,
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
            "responsePayload": {"errorMessage": str(error), "errorType": type(error).__name__, "stackTrace": []},
        }  # fmt: skip
        return str(self.sqs.send_message(QueueUrl=self.failed_invocations, MessageBody=json.dumps(record))["MessageId"])

    def put_undelivered(self, event: dict[str, Any], attributes: dict[str, str]) -> str:
        """What an EventBridge rule's DeadLetterConfig receives: the event, the reason in attributes."""
        sent = self.sqs.send_message(
            QueueUrl=self.undelivered,
            MessageBody=json.dumps(event),
            MessageAttributes={k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()},
        )
        return str(sent["MessageId"])

    def waiting(self, url: str) -> int:
        """Visible or not: a letter being handled (or left by an interrupted run) still counts."""
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        attributes = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)
        return sum(int(v) for v in attributes["Attributes"].values())


@pytest.fixture
def sample(tmp_path: Path) -> Iterator[Sample]:
    db = tmp_path / "org.db"
    loaded = load_sample(db)
    with LocalEnvironment(db, settings=SETTINGS, quiet=True) as env:
        yield Sample(env, dict(loaded.reference_ids))


@pytest.fixture
def queues(sample: Sample) -> DeadLetterQueues:
    sqs = boto3.client("sqs", region_name=REGION)
    return DeadLetterQueues(
        sqs.create_queue(QueueName="oim-connector-failed-invocations")["QueueUrl"],
        sqs.create_queue(QueueName="oim-connector-undelivered")["QueueUrl"],
    )
