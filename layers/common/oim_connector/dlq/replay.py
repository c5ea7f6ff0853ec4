"""Moving dead letters back to their source queue, and listing them.

Two ways behind one port (``Mover``):

- ``MoveTaskMover``: SQS's own message move task (``StartMessageMoveTask``), where AWS offers
  it. SQS moves every message; it cannot stop after N, so ``--limit`` uses the other way.
- ``CopyMover``: receive, send to the source, then delete. Sending before deleting means an
  interruption leaves a message in both queues, never in neither; the copy sent to a FIFO
  queue carries the deduplication id ``replay:<message id>``, so a second attempt within
  SQS's 5-minute window is dropped, and the consumer's idempotency (record + change
  version) makes a later duplicate harmless. Used where move tasks do not exist (moto).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from oim_connector.dlq.letters import read_dead_letter
from oim_connector.dlq.notes import FailureNotes
from oim_connector.errors import BadRequestError

Method = Literal["auto", "move-task", "copy"]
RECEIVE_VISIBILITY_SECONDS = 60


@dataclass(frozen=True)
class Queue:
    url: str
    arn: str

    @property
    def name(self) -> str:
        return self.arn.rsplit(":", 1)[-1]

    @property
    def fifo(self) -> bool:
        return self.name.endswith(".fifo")


@dataclass
class ReplayResult:
    queue: str
    destination: str
    method: str
    dry_run: bool
    moved: int = 0
    would_move: int = 0
    remaining: int | None = None
    task_handle: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"queue": self.queue, "destination": self.destination, "method": self.method,
                "dryRun": self.dry_run, "moved": self.moved, "wouldMove": self.would_move,
                "remaining": self.remaining, "taskHandle": self.task_handle, "notes": self.notes}  # fmt: skip


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    record_id: str | None
    receive_count: int
    sent_at: str | None
    error: str | None
    body_preview: str
    # Letters of the queues replayed by re-invocation: the function (or target) and the event's trigger.
    target: str | None = None
    event_kind: str | None = None

    def to_json(self) -> dict[str, Any]:
        answer = {"messageId": self.message_id, "recordId": self.record_id, "receiveCount": self.receive_count,
                  "sentAt": self.sent_at, "error": self.error, "body": self.body_preview}  # fmt: skip
        if self.target or self.event_kind:
            answer |= {"target": self.target, "eventKind": self.event_kind}
        return answer


class Mover(Protocol):
    method: str

    def move(self, dlq: Queue, destination: Queue, *, limit: int | None, dry_run: bool) -> ReplayResult: ...


def resolve_queue(sqs: Any, queue: str) -> Queue:
    """A queue name, URL or ARN -> its URL and ARN."""
    if queue.startswith("arn:"):
        _, _, _, _, account, name = queue.split(":", 5)
        # Its ARN is known: no GetQueueAttributes on a queue the replay only sends to.
        return Queue(sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"], queue)
    url = queue if queue.startswith(("https://", "http://")) else sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return Queue(url, arn)


def source_of(sqs: Any, dlq: Queue, known_sources: Mapping[str, str] | None = None) -> Queue:
    """The queue whose redrive policy sends its failures to ``dlq``."""
    if known_sources and dlq.arn in known_sources:
        return resolve_queue(sqs, known_sources[dlq.arn])
    sources = sqs.list_dead_letter_source_queues(QueueUrl=dlq.url).get("queueUrls", [])
    if len(sources) != 1:
        found = ", ".join(sources) or "none"
        raise BadRequestError(f"{dlq.name} is the dead-letter queue of {len(sources)} queues ({found}): "
                              "name the destination queue explicitly")  # fmt: skip
    return resolve_queue(sqs, sources[0])


def approximate_count(sqs: Any, queue: Queue) -> int:
    attributes = sqs.get_queue_attributes(QueueUrl=queue.url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"].get("ApproximateNumberOfMessages", 0))


class CopyMover:
    method = "copy"

    def __init__(self, sqs: Any, *, visibility_seconds: int = RECEIVE_VISIBILITY_SECONDS) -> None:
        self.sqs = sqs
        # How long a received message stays hidden: if this run dies, others see it again after that.
        self.visibility_seconds = visibility_seconds

    def move(self, dlq: Queue, destination: Queue, *, limit: int | None, dry_run: bool) -> ReplayResult:
        result = ReplayResult(dlq.name, destination.name, self.method, dry_run)
        if dry_run:
            # Counted, not received: receiving a FIFO queue hides the rest of each message group.
            waiting = approximate_count(self.sqs, dlq)
            result.would_move, result.remaining = (waiting if limit is None else min(limit, waiting)), waiting
            return result
        while limit is None or result.moved < limit:
            messages = self._receive(dlq, 10 if limit is None else min(10, limit - result.moved))
            if not messages:
                break
            result.moved += self._send_then_delete(dlq, destination, messages)
        result.remaining = approximate_count(self.sqs, dlq)
        return result

    def _receive(self, dlq: Queue, wanted: int) -> list[dict[str, Any]]:
        answer = self.sqs.receive_message(QueueUrl=dlq.url, MaxNumberOfMessages=wanted, WaitTimeSeconds=0,
                                          VisibilityTimeout=self.visibility_seconds, AttributeNames=["All"],
                                          MessageAttributeNames=["All"])  # fmt: skip
        messages: list[dict[str, Any]] = answer.get("Messages", [])
        return messages

    def _send_then_delete(self, dlq: Queue, destination: Queue, messages: list[dict[str, Any]]) -> int:
        entries = [_send_entry(str(i), m, destination.fifo) for i, m in enumerate(messages)]
        sent = self.sqs.send_message_batch(QueueUrl=destination.url, Entries=entries)
        ok = {e["Id"] for e in sent.get("Successful", [])}
        done = [m for i, m in enumerate(messages) if str(i) in ok]
        if done:
            self.sqs.delete_message_batch(QueueUrl=dlq.url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)])  # fmt: skip
        not_sent = [m for i, m in enumerate(messages) if str(i) not in ok]
        if not_sent:
            _release(self.sqs, dlq, not_sent)
            failures = "; ".join(f"{f.get('Code')}: {f.get('Message')}" for f in sent.get("Failed", []))
            raise RuntimeError(f"{len(not_sent)} messages could not be sent back and stay in {dlq.name}: {failures}")
        return len(done)


def _send_entry(entry_id: str, message: Mapping[str, Any], fifo: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"Id": entry_id, "MessageBody": message["Body"]}
    if message.get("MessageAttributes"):
        entry["MessageAttributes"] = message["MessageAttributes"]
    if fifo:
        attributes = message.get("Attributes", {})
        entry["MessageGroupId"] = attributes.get("MessageGroupId") or message["MessageId"]
        entry["MessageDeduplicationId"] = f"replay:{message['MessageId']}"[:128]
    return entry


def _release(sqs: Any, queue: Queue, messages: list[dict[str, Any]]) -> None:
    for start in range(0, len(messages), 10):
        chunk = messages[start : start + 10]
        sqs.change_message_visibility_batch(QueueUrl=queue.url, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
            for i, m in enumerate(chunk)])  # fmt: skip


class MoveTaskMover:
    method = "move-task"

    def __init__(self, sqs: Any, *, wait_seconds: float = 0.0, sleep: Callable[[float], None] = time.sleep) -> None:
        self.sqs = sqs
        self.wait_seconds = wait_seconds
        self._sleep = sleep

    def move(self, dlq: Queue, destination: Queue, *, limit: int | None, dry_run: bool) -> ReplayResult:
        result = ReplayResult(dlq.name, destination.name, self.method, dry_run)
        waiting = approximate_count(self.sqs, dlq)
        if dry_run:
            result.would_move, result.remaining = waiting, waiting
            return result
        answer = self.sqs.start_message_move_task(SourceArn=dlq.arn, DestinationArn=destination.arn)
        result.task_handle = answer.get("TaskHandle")
        deadline = time.monotonic() + self.wait_seconds
        while True:
            task = self._task(dlq, result.task_handle)
            result.moved = int(task.get("ApproximateNumberOfMessagesMoved", 0))
            status = task.get("Status")
            if status in ("COMPLETED", "FAILED", "CANCELLED") or time.monotonic() >= deadline:
                if status != "COMPLETED":
                    result.notes.append(f"move task {status or 'started'}: {task.get('FailureReason') or ''}".strip())
                break
            self._sleep(1.0)
        result.remaining = approximate_count(self.sqs, dlq)
        return result

    def _task(self, dlq: Queue, handle: str | None) -> dict[str, Any]:
        tasks = self.sqs.list_message_move_tasks(SourceArn=dlq.arn, MaxResults=10).get("Results", [])
        task: dict[str, Any] = next((t for t in tasks if t.get("TaskHandle") == handle), tasks[0] if tasks else {})
        return task


def replay(
    sqs: Any,
    queue: str,
    *,
    destination: str | None = None,
    limit: int | None = None,
    dry_run: bool = False,
    method: Method = "auto",
    known_sources: Mapping[str, str] | None = None,
    wait_seconds: float = 0.0,
    move_tasks_available: bool = True,
) -> ReplayResult:
    """Move up to ``limit`` messages (all without one) from the dead-letter queue ``queue`` back."""
    if limit is not None and limit < 1:
        raise BadRequestError("--limit must be at least 1")
    dlq = resolve_queue(sqs, queue)
    target = resolve_queue(sqs, destination) if destination else source_of(sqs, dlq, known_sources)
    chosen = method
    if chosen == "auto":
        # A move task moves everything: a limit needs the copy loop. Emulators (a moto server behind
        # --endpoint-url) have no move tasks and answer 500, which must not be mistaken for AWS's.
        chosen = "copy" if limit is not None or not move_tasks_available else "move-task"
    if chosen == "move-task":
        try:
            return MoveTaskMover(sqs, wait_seconds=wait_seconds).move(dlq, target, limit=None, dry_run=dry_run)
        except Exception as error:
            if method == "move-task" or not _unsupported(error):
                raise
    return CopyMover(sqs).move(dlq, target, limit=limit, dry_run=dry_run)


def _unsupported(error: Exception) -> bool:
    if isinstance(error, NotImplementedError):
        return True
    code = str(getattr(error, "response", {}).get("Error", {}).get("Code", ""))
    text = str(error).lower()
    unsupported_codes = ("UnsupportedOperation", "InvalidAction", "NotImplemented", "501")
    return code in unsupported_codes or "not been implemented" in text or "not yet implemented" in text


def list_dead_letters(sqs: Any, queue: str, notes: FailureNotes | None, *, limit: int = 100) -> list[DeadLetter]:
    """What waits in the queue and why it failed. Peeks: every message is handed straight back."""
    dlq = resolve_queue(sqs, queue)
    peeked: list[dict[str, Any]] = []
    while len(peeked) < limit:
        answer = sqs.receive_message(QueueUrl=dlq.url, MaxNumberOfMessages=min(10, limit - len(peeked)),
                                     WaitTimeSeconds=0, VisibilityTimeout=RECEIVE_VISIBILITY_SECONDS,
                                     AttributeNames=["All"], MessageAttributeNames=["All"])  # fmt: skip
        batch = answer.get("Messages", [])
        if not batch:
            break
        peeked.extend(batch)
    if peeked:
        _release(sqs, dlq, peeked)
    found = notes.find(dlq.name, [m["MessageId"] for m in peeked]) if notes else {}
    letters = []
    for message in peeked:
        note = found.get(message["MessageId"])
        attributes = message.get("Attributes", {})
        sent = attributes.get("SentTimestamp")
        invocation = read_dead_letter(message["Body"], message.get("MessageAttributes"))
        carries_target = invocation.target is not None or invocation.error is not None
        letters.append(DeadLetter(
            message["MessageId"],
            note.record_id if note else attributes.get("MessageGroupId"),
            note.receive_count if note else int(attributes.get("ApproximateReceiveCount", 0)),
            time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(sent) / 1000)) if sent else None,
            note.error if note else invocation.error,
            message["Body"][:200],
            invocation.target if carries_target else None,
            invocation.event_kind if carries_target else None,
        ))  # fmt: skip
    return letters
