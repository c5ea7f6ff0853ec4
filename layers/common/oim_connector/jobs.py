"""Asynchronous list-view jobs: their status in DynamoDB, their work on an SQS queue."""

from __future__ import annotations

import datetime as dt
import json
import time
from enum import StrEnum
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from oim_connector.ids import RecordId
from oim_connector.model.flows import FlowId
from oim_connector.model.report import EarlierParts
from oim_connector.reference_carry import CarriedReference

JOB_TTL_SECONDS = 14 * 24 * 3600


class JobStatus(StrEnum):
    ACCEPTED = "ACCEPTED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class JobMessage(BaseModel):
    """The body of a message on a flow's jobs queue: a job to run or to continue."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    job_id: str = Field(min_length=1, max_length=100)
    flow: FlowId
    trigger: str = "list"
    record_ids: list[RecordId] | None = None
    all_eligible: bool = False
    after_id: RecordId | None = None
    continuation: int = Field(default=0, ge=0)
    earlier: EarlierParts | None = None  # set on continuations: what the run's earlier parts did
    calculate_tax: bool | None = None  # "Calculate Tax" asked by the list action (None: the flow's setting)
    requested_by: RecordId | None = None  # the Salesforce user who started the job (its notification)
    reference: CarriedReference | None = None  # set on continuations: the run's reference data, not loaded again


class Job(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    job_id: str
    flow: str
    status: JobStatus
    created_at: str
    updated_at: str
    report: dict[str, Any] | None = None
    continuations: int = 0


class JobStore(Protocol):
    def create(self, job_id: str, flow: FlowId) -> Job: ...

    def update(
        self, job_id: str, status: JobStatus, report: dict[str, Any] | None = None, continuations: int = 0
    ) -> None: ...

    def get(self, job_id: str) -> Job | None: ...


class JobQueue(Protocol):
    def send(self, message: JobMessage) -> None: ...


# A DynamoDB item holds 400 KB: a run's report (one result per document) is kept within this many characters
# (ASCII: json.dumps escapes the rest). Under half the item, because moto counts an update as the value it
# replaces plus the new one, and a continuation replaces its predecessor's report.
MAX_STORED_REPORT_CHARS = 190_000


def stored_report(report: dict[str, Any]) -> dict[str, Any]:
    """The report as the job keeps it: whole when it fits an item, else its failures first, then as many other
    results as fit, and how many were left out (the counts always cover them all)."""
    if len(json.dumps(report)) <= MAX_STORED_REPORT_CHARS:
        return report
    results = report.get("results") or []
    failed = [r for r in results if isinstance(r, dict) and r.get("outcome") == "failed"]
    others = [r for r in results if not (isinstance(r, dict) and r.get("outcome") == "failed")]
    kept: list[Any] = []
    budget = MAX_STORED_REPORT_CHARS - len(json.dumps({**report, "results": []})) - 100
    for result in [*failed, *others]:
        size = len(json.dumps(result)) + 2
        if size > budget:
            break
        kept.append(result)
        budget -= size
    return {**report, "results": kept, "resultsNotStored": len(results) - len(kept)}


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class DynamoJobStore:
    def __init__(self, table_name: str, client: Any | None = None) -> None:
        import boto3

        self._table = table_name
        self._client = client or boto3.client("dynamodb")

    def create(self, job_id: str, flow: FlowId) -> Job:
        now = _now()
        self._client.put_item(
            TableName=self._table,
            Item={
                "pk": {"S": f"JOB#{job_id}"},
                "sk": {"S": "JOB"},
                "flow": {"S": flow.value},
                "status": {"S": JobStatus.ACCEPTED.value},
                "createdAt": {"S": now},
                "updatedAt": {"S": now},
                "expiration": {"N": str(int(time.time()) + JOB_TTL_SECONDS)},
            },
            ConditionExpression="attribute_not_exists(pk)",
        )
        return Job(job_id=job_id, flow=flow.value, status=JobStatus.ACCEPTED, created_at=now, updated_at=now)

    def update(
        self, job_id: str, status: JobStatus, report: dict[str, Any] | None = None, continuations: int = 0
    ) -> None:
        values: dict[str, Any] = {":s": {"S": status.value}, ":u": {"S": _now()}, ":c": {"N": str(continuations)}}
        expression = "SET #s = :s, updatedAt = :u, continuations = :c"
        if report is not None:
            values[":r"] = {"S": json.dumps(stored_report(report))}
            expression += ", report = :r"
        self._client.update_item(
            TableName=self._table,
            Key={"pk": {"S": f"JOB#{job_id}"}, "sk": {"S": "JOB"}},
            UpdateExpression=expression,
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues=values,
        )

    def get(self, job_id: str) -> Job | None:
        item = self._client.get_item(TableName=self._table, Key={"pk": {"S": f"JOB#{job_id}"}, "sk": {"S": "JOB"}})
        data = item.get("Item")
        if not data:
            return None
        report = data.get("report", {}).get("S")
        return Job(
            job_id=job_id,
            flow=data["flow"]["S"],
            status=JobStatus(data["status"]["S"]),
            created_at=data["createdAt"]["S"],
            updated_at=data["updatedAt"]["S"],
            report=json.loads(report) if report else None,
            continuations=int(data.get("continuations", {}).get("N", "0")),
        )


class SqsJobQueue:
    def __init__(self, queue_url: str, client: Any | None = None) -> None:
        import boto3

        self._url = queue_url
        self._client = client or boto3.client("sqs")

    def send(self, message: JobMessage) -> None:
        self._client.send_message(QueueUrl=self._url, MessageBody=message.model_dump_json(by_alias=True))
