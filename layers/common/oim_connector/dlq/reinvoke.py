"""Replaying the dead-letter queues that have no source queue by invoking the failed function again.

The failed-invocations queue (Lambda's OnFailure destination) and the undelivered queue (the
schedules' and rules' DeadLetterConfig) hold events, not queue messages: "move back" does not
apply. Each letter names its function (``letters.read_dead_letter``); the replay invokes it
again with the original event behind the ``Reinvoker`` port, and deletes the letter only after
the invocation was accepted. An interruption between the two leaves the letter in the queue, so
the next replay invokes again: harmless, since schedule runs and OIM events are idempotent by
key and documents are written by external id. A letter without a target stays and is reported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from oim_connector.dlq.letters import Reinvocation, read_dead_letter
from oim_connector.dlq.replay import RECEIVE_VISIBILITY_SECONDS, Queue, _release, approximate_count, resolve_queue
from oim_connector.errors import BadRequestError

# The stack's queue names (template.yaml): replayed by re-invocation without looking inside.
# The stack's two queues of failed invocations, named <stack name>-failed-invocations and
# <stack name>-undelivered (every name is derived from the stack name: several stacks share a region).
REINVOKE_QUEUE_SUFFIXES = ("-failed-invocations", "-undelivered")


class ReinvokeRefusedError(Exception):
    """The function did not accept the invocation; the letter stays in its queue."""


class Reinvoker(Protocol):
    def reinvoke(self, target: str, event: dict[str, Any]) -> None:
        """Hand ``event`` to the function ``target``; return only once it was accepted."""


class LambdaReinvoker:
    """Asynchronous invocation (InvocationType Event), as the schedule or rule invoked it first:
    a failure of this run goes through the function's retries and OnFailure destination again."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def reinvoke(self, target: str, event: dict[str, Any]) -> None:
        answer = self._client.invoke(FunctionName=target, InvocationType="Event", Payload=json.dumps(event).encode())
        status = int(answer.get("StatusCode", 0))
        if status != 202:
            raise ReinvokeRefusedError(f"Lambda answered {status} instead of 202 Accepted")


class InProcessReinvoker:
    """Runs the handler in this process (local runs and tests). A handler that raises counts as
    not accepted, so the letter stays: locally there is no OnFailure destination to catch it."""

    def __init__(self, invoke: Callable[[str, dict[str, Any]], Any], functions: Iterable[str]) -> None:
        self._invoke = invoke
        self._functions = frozenset(functions)

    def reinvoke(self, target: str, event: dict[str, Any]) -> None:
        function = self.local_function(target)
        try:
            self._invoke(function, event)
        except Exception as error:
            raise ReinvokeRefusedError(f"{function} failed: {type(error).__name__}: {error}") from error

    def local_function(self, target: str) -> str:
        """A deployed name (``<stack>-SalesInvoicesFunction-AbC123``, ``sales-invoices``) -> ``sales_invoices``."""
        name = target.split(":")[6] if target.startswith("arn:") else target
        stack_style = re.search(r"([A-Z][A-Za-z0-9]*)Function", name)
        candidate = (re.sub(r"(?<!^)(?=[A-Z])", "_", stack_style.group(1)).lower() if stack_style
                     else name.replace("-", "_"))  # fmt: skip
        if candidate not in self._functions:
            raise ReinvokeRefusedError(f"no local function for {target}")
        return candidate


@dataclass(frozen=True)
class LetterOutcome:
    message_id: str
    target: str | None
    event_kind: str
    error: str | None
    reason: str | None = None  # why it stayed

    def to_json(self) -> dict[str, Any]:
        answer = {"messageId": self.message_id, "target": self.target, "eventKind": self.event_kind,
                  "error": self.error}  # fmt: skip
        if self.reason:
            answer["reason"] = self.reason
        return answer


@dataclass
class ReinvokeResult:
    queue: str
    dry_run: bool
    reinvoked: list[LetterOutcome] = field(default_factory=list)
    would_reinvoke: list[LetterOutcome] = field(default_factory=list)
    kept: list[LetterOutcome] = field(default_factory=list)
    remaining: int | None = None
    method: str = "reinvoke"

    @property
    def handled(self) -> int:
        return len(self.reinvoked) + len(self.would_reinvoke) + len(self.kept)

    def to_json(self) -> dict[str, Any]:
        return {"queue": self.queue, "method": self.method, "dryRun": self.dry_run,
                "reinvoked": len(self.reinvoked), "wouldReinvoke": len(self.would_reinvoke),
                "kept": [k.to_json() for k in self.kept], "remaining": self.remaining,
                "letters": [o.to_json() for o in self.reinvoked + self.would_reinvoke]}  # fmt: skip


def reinvoke_applies(sqs: Any, dlq: Queue, named_queues: Collection[str] = ()) -> bool:
    """By name (the stack's two queues, or URLs/ARNs configured as such); otherwise when the first
    waiting message carries an invocation record or a target ARN."""
    if dlq.name.endswith(REINVOKE_QUEUE_SUFFIXES) or dlq.url in named_queues or dlq.arn in named_queues:
        return True
    if dlq.fifo:
        return False  # receiving would hide the rest of the message group; these queues are standard
    answer = sqs.receive_message(QueueUrl=dlq.url, MaxNumberOfMessages=1, WaitTimeSeconds=0, VisibilityTimeout=0,
                                 MessageAttributeNames=["All"])  # fmt: skip
    first = answer.get("Messages", [])
    if not first:
        return False
    letter = read_dead_letter(first[0]["Body"], first[0].get("MessageAttributes"))
    return letter.target is not None


def reinvoke_dead_letters(
    sqs: Any,
    queue: str,
    reinvoker: Reinvoker,
    *,
    limit: int | None = None,
    dry_run: bool = False,
    visibility_seconds: int = RECEIVE_VISIBILITY_SECONDS,
) -> ReinvokeResult:
    """Invoke each letter's function again (at most ``limit`` letters), deleting a letter only once
    its invocation was accepted. ``visibility_seconds``: how long a letter being handled stays
    hidden; after an interruption it reappears then."""
    if limit is not None and limit < 1:
        raise BadRequestError("--limit must be at least 1")
    dlq = resolve_queue(sqs, queue)
    result = ReinvokeResult(dlq.name, dry_run)
    held: list[dict[str, Any]] = []  # left in the queue; hidden until the run ends so it is seen once
    try:
        while limit is None or result.handled < limit:
            wanted = 10 if limit is None else min(10, limit - result.handled)
            answer = sqs.receive_message(QueueUrl=dlq.url, MaxNumberOfMessages=wanted, WaitTimeSeconds=0,
                                         VisibilityTimeout=visibility_seconds, AttributeNames=["All"],
                                         MessageAttributeNames=["All"])  # fmt: skip
            messages: list[dict[str, Any]] = answer.get("Messages", [])
            if not messages:
                break
            for message in messages:
                if _handle(sqs, dlq, message, reinvoker, result):
                    continue
                held.append(message)
    finally:
        if held:
            _release(sqs, dlq, held)
    result.remaining = approximate_count(sqs, dlq)
    return result


def _handle(sqs: Any, dlq: Queue, message: dict[str, Any], reinvoker: Reinvoker, result: ReinvokeResult) -> bool:
    """True when the letter was re-invoked and deleted."""
    letter = read_dead_letter(message["Body"], message.get("MessageAttributes"))
    outcome = _outcome(message["MessageId"], letter)
    if letter.target is None or letter.event is None:
        result.kept.append(_outcome(message["MessageId"], letter, letter.problem or "no target"))
        return False
    if result.dry_run:
        result.would_reinvoke.append(outcome)
        return False
    try:
        reinvoker.reinvoke(letter.target, letter.event)
    except Exception as error:  # any refusal (throttled, not found, denied): the letter stays
        result.kept.append(_outcome(message["MessageId"], letter, f"not accepted: {str(error)[:300]}"))
        return False
    sqs.delete_message(QueueUrl=dlq.url, ReceiptHandle=message["ReceiptHandle"])
    result.reinvoked.append(outcome)
    return True


def _outcome(message_id: str, letter: Reinvocation, reason: str | None = None) -> LetterOutcome:
    return LetterOutcome(message_id, letter.target, letter.event_kind, letter.error, reason)
