"""The supplier-site FIFO queue and its DLQ in moto, and delivery of its batches to the real
handler, the way Lambda's event source mapping does (receive, invoke, delete what succeeded).
Used by the demo and the vendor-sync tests."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, cast

import boto3

from oim_local.runner.aws import REGION
from oim_local.runner.environment import LocalEnvironment

QUEUE = "supplier-site-changes.fifo"
DLQ = "supplier-site-changes-dlq.fifo"
TS0 = 1_795_601_699_000


def site_change(site_id: str, *, change_type: str = "UPDATE", commit: int = 1, changed: tuple[str, ...] = (),
                fields: Mapping[str, Any] | None = None) -> dict[str, Any]:  # fmt: skip
    """A CDC event as EventBridge delivers it; ``commit`` orders changes (time and number); ``fields``
    are the values it carries (CDC sends every non-null field of a created record)."""
    event: dict[str, Any] = {
        "version": "0", "id": f"evt-{site_id}-{commit}", "detail-type": "SCMC__Supplier_Site__ChangeEvent",
        "source": "aws.partner/salesforce.com/00D5L0000000001UAA/0YL5L0000000001WAA",
        "account": "123456789012", "time": "2026-11-25T10:15:00Z", "region": REGION, "resources": [],
        "detail": {"payload": {"ChangeEventHeader": {
            "entityName": "SCMC__Supplier_Site__c", "recordIds": [site_id], "changeType": change_type,
            "commitTimestamp": TS0 + commit, "commitNumber": 10_813_280_944_400 + commit,
            "commitUser": "0055L0000000001QAA", "changedFields": list(changed)}}},
    }  # fmt: skip
    event["detail"]["payload"].update(fields or {})
    return event


def site_event(site_id: str, *, version: str | None = None) -> dict[str, Any]:
    """The package's Supplier_Site_Event__e as an Event Relay delivers it (an org without CDC publishes it)."""
    payload = {"Record_Id__c": site_id, "CreatedDate": "2026-11-25T10:15:00.000Z", "CreatedById": "0055L0000000001QAA"}
    if version is not None:
        payload["Version__c"] = version
    return {
        "version": "0", "id": f"evt-{site_id}-platform", "detail-type": "Supplier_Site_Event__e",
        "source": "aws.partner/salesforce.com/00D5L0000000001UAA/0YL5L0000000002WAA",
        "account": "123456789012", "time": "2026-11-25T10:15:00Z", "region": REGION, "resources": [],
        "detail": {"payload": payload, "schemaId": "local", "id": f"{site_id}-platform"},
    }  # fmt: skip


def account_change(account_id: str, *, commit: int = 1, change_type: str = "UPDATE") -> dict[str, Any]:
    event = site_change(account_id, commit=commit, change_type=change_type)
    event["detail-type"] = "AccountChangeEvent"
    event["detail"]["payload"]["ChangeEventHeader"]["entityName"] = "Account"
    return event


@dataclass
class Delivery:
    message_ids: list[str]
    failed: list[str]


class SupplierQueues:
    def __init__(self, env: LocalEnvironment, *, max_receives: int = 3) -> None:
        self.env = env
        self.sqs: Any = cast(Any, boto3.client("sqs", region_name=REGION))
        self.dlq_url = self.sqs.create_queue(QueueName=DLQ, Attributes={"FifoQueue": "true"})["QueueUrl"]
        dlq_arn = self.sqs.get_queue_attributes(QueueUrl=self.dlq_url, AttributeNames=["QueueArn"])["Attributes"]
        redrive = {"deadLetterTargetArn": dlq_arn["QueueArn"], "maxReceiveCount": str(max_receives)}
        attributes = {"FifoQueue": "true", "VisibilityTimeout": "360", "RedrivePolicy": json.dumps(redrive)}
        self.url = self.sqs.create_queue(QueueName=QUEUE, Attributes=attributes)["QueueUrl"]
        self.arn = self.sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]

    def publish(self, *events: dict[str, Any]) -> list[Any]:
        """EventBridge -> the function -> the FIFO queue."""
        self.env._set_env("JOBS_QUEUE_URL", self.url)
        return [self.env.invoke("vendor_accounts", event) for event in events]

    def send_raw(self, body: str, group: str, dedup: str) -> None:
        self.sqs.send_message(QueueUrl=self.url, MessageBody=body, MessageGroupId=group, MessageDeduplicationId=dedup)

    def deliver_once(self) -> Delivery | None:
        """One batch: failed messages become visible again at once (their visibility timeout 'expires')."""
        answer = self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10, AttributeNames=["All"])
        messages = answer.get("Messages", [])
        if not messages:
            return None
        event = {"Records": [self.record(dict(m)) for m in messages]}
        result = self.env.invoke("vendor_accounts", event)
        failed = [f["itemIdentifier"] for f in result["batchItemFailures"]]
        self.settle(messages, failed)
        return Delivery([m["MessageId"] for m in messages], failed)

    def settle(self, messages: list[dict[str, Any]], failed: Collection[str]) -> None:
        """What Lambda's SQS poller does with a batch's answer: successes deleted, failures visible again."""
        for message in messages:
            if message["MessageId"] in failed:
                self.sqs.change_message_visibility(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"],
                                                   VisibilityTimeout=0)  # fmt: skip
            else:
                self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])

    def drain(self, max_batches: int = 50) -> list[Delivery]:
        deliveries = []
        for _ in range(max_batches):
            delivery = self.deliver_once()
            if delivery is None:
                break
            deliveries.append(delivery)
        return deliveries

    def record(self, message: dict[str, Any]) -> dict[str, Any]:
        return {
            "messageId": message["MessageId"], "receiptHandle": message["ReceiptHandle"], "body": message["Body"],
            "attributes": {k: str(v) for k, v in message.get("Attributes", {}).items()},
            "messageAttributes": {}, "md5OfBody": message.get("MD5OfBody", ""), "eventSource": "aws:sqs",
            "eventSourceARN": self.arn, "awsRegion": REGION,
        }  # fmt: skip

    def count(self, url: str) -> int:
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        )
        return sum(int(v) for v in attributes["Attributes"].values())
