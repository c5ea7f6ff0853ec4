"""Why a message failed, kept beside the queue: SQS moves a message to its dead-letter queue
without its error, so the consumer records the error of every failed attempt by message id
(the id survives the move), and ``dlq list`` shows it next to the message."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any, Protocol

NOTE_TTL_SECONDS = 15 * 24 * 3600  # a little longer than the DLQs' 14-day retention


@dataclass(frozen=True)
class FailureNote:
    queue: str  # queue name the message failed on (its source queue)
    message_id: str
    error: str
    receive_count: int
    record_id: str | None
    failed_at: str


class FailureNotes(Protocol):
    def record(self, note: FailureNote) -> None: ...

    def find(self, queue: str, message_ids: list[str]) -> dict[str, FailureNote]: ...


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def source_queue_name(queue: str) -> str:
    """The name the notes are filed under: a DLQ's notes are those of its source queue."""
    name = queue.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return name.replace("-dlq.fifo", ".fifo").removesuffix("-dlq")


class DynamoFailureNotes:
    """In the jobs table (pk ``dead-letter#<queue>``, sk the message id), expiring with the DLQ."""

    def __init__(self, table_name: str, client: Any | None = None) -> None:
        import boto3

        self._table = table_name
        self._client = client or boto3.client("dynamodb")

    def record(self, note: FailureNote) -> None:
        item: dict[str, Any] = {
            "pk": {"S": f"dead-letter#{source_queue_name(note.queue)}"},
            "sk": {"S": note.message_id},
            "error": {"S": note.error[:4000]},
            "receiveCount": {"N": str(note.receive_count)},
            "failedAt": {"S": note.failed_at},
            "expiration": {"N": str(int(time.time()) + NOTE_TTL_SECONDS)},
        }
        if note.record_id:
            item["recordId"] = {"S": note.record_id}
        self._client.put_item(TableName=self._table, Item=item)

    def find(self, queue: str, message_ids: list[str]) -> dict[str, FailureNote]:
        name = source_queue_name(queue)
        found: dict[str, FailureNote] = {}
        for start in range(0, len(message_ids), 100):
            keys = [{"pk": {"S": f"dead-letter#{name}"}, "sk": {"S": m}} for m in message_ids[start : start + 100]]
            request: dict[str, Any] = {self._table: {"Keys": keys}}
            while request:
                answer = self._client.batch_get_item(RequestItems=request)
                for item in answer.get("Responses", {}).get(self._table, []):
                    found[item["sk"]["S"]] = FailureNote(
                        name, item["sk"]["S"], item["error"]["S"], int(item["receiveCount"]["N"]),
                        item.get("recordId", {}).get("S"), item["failedAt"]["S"],
                    )  # fmt: skip
                request = answer.get("UnprocessedKeys") or {}
        return found


class MemoryFailureNotes:
    """For tests and runs without a table."""

    def __init__(self) -> None:
        self.notes: dict[tuple[str, str], FailureNote] = {}

    def record(self, note: FailureNote) -> None:
        self.notes[(source_queue_name(note.queue), note.message_id)] = note

    def find(self, queue: str, message_ids: list[str]) -> dict[str, FailureNote]:
        name = source_queue_name(queue)
        return {m: self.notes[(name, m)] for m in message_ids if (name, m) in self.notes}
