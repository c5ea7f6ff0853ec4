"""What a dead letter that did not come from a queue says: which function to invoke again, with
which event, and why it failed.

Two shapes land in such queues:

- Lambda's invocation record (OnFailure destination of asynchronous invocations): JSON with
  ``requestContext.functionArn``, ``requestContext.condition``, ``responsePayload`` and
  ``requestPayload`` (the original event).
- An undelivered EventBridge event or Scheduler input (rule or schedule DeadLetterConfig): the body
  is the event itself; the message attributes ``TARGET_ARN``, ``ERROR_CODE`` and ``ERROR_MESSAGE``
  say where it was going and why it did not get there.

Pure: no I/O, so the rules are tested without queues.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from oim_connector.triggers.events import oim_payload_value

ERROR_PREVIEW_CHARS = 300


@dataclass(frozen=True)
class Reinvocation:
    """``target`` is None when the letter does not say which function it was for (``problem`` says why)."""

    target: str | None
    event: dict[str, Any] | None
    event_kind: str
    error: str | None
    problem: str | None = None


def read_dead_letter(body: str, message_attributes: Mapping[str, Any] | None = None) -> Reinvocation:
    attributes = {name: _string(value) for name, value in (message_attributes or {}).items()}
    try:
        document = json.loads(body)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        return Reinvocation(None, None, "unreadable", _undelivered_error(attributes),
                            "the body is not a JSON object")  # fmt: skip
    context = document.get("requestContext")
    if isinstance(context, dict) and "functionArn" in context and "requestPayload" in document:
        return _from_invocation_record(document, context)
    target_arn = attributes.get("TARGET_ARN")
    kind = event_kind(document)
    error = _undelivered_error(attributes)
    if not target_arn:
        return Reinvocation(None, document, kind, error, "no invocation record and no TARGET_ARN attribute")
    function = function_of(target_arn)
    if function is None:
        return Reinvocation(None, document, kind, error, f"the target {target_arn[:200]} is not a Lambda function")
    return Reinvocation(function, document, kind, error)


def _from_invocation_record(record: dict[str, Any], context: dict[str, Any]) -> Reinvocation:
    event = record.get("requestPayload")
    kind = event_kind(event) if isinstance(event, dict) else "unreadable"
    response = record.get("responsePayload")
    parts = [str(context.get("condition") or "")]
    if isinstance(response, dict):
        parts += [str(response.get("errorType") or ""), str(response.get("errorMessage") or "")]
    error = ": ".join(p for p in parts if p)[:ERROR_PREVIEW_CHARS] or None
    function = function_of(str(context.get("functionArn") or ""))
    if not isinstance(event, dict):
        return Reinvocation(function, None, kind, error, "the invocation record holds no event object")
    if function is None:
        return Reinvocation(None, event, kind, error, "the invocation record names no Lambda function")
    return Reinvocation(function, event, kind, error)


def function_of(arn: str) -> str | None:
    """``arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`` -> the ARN to invoke.

    ``$LATEST`` is dropped: the unqualified ARN is what the replay role may invoke."""
    parts = arn.split(":")
    if len(parts) not in (7, 8) or parts[0] != "arn" or parts[2] != "lambda" or parts[5] != "function":
        return None
    if not parts[6]:
        return None
    if len(parts) == 8 and parts[7] not in ("", "$LATEST"):
        return arn
    return ":".join(parts[:7])


def event_kind(event: Mapping[str, Any]) -> str:
    """The trigger the event stands for, as an operator names it."""
    if event.get("trigger") == "schedule":
        return f"schedule {event.get('flow', '?')}"
    if "detail-type" in event and "source" in event:
        detail = event.get("detail")
        payload = detail.get("payload") if isinstance(detail, dict) else None
        flow = (oim_payload_value(payload, "Flow__c") if isinstance(payload, dict) else None) or "?"
        name = (oim_payload_value(payload, "Event__c") if isinstance(payload, dict) else None) or "?"
        return f"oim-event {flow} {name}"
    if "httpMethod" in event:
        return f"api {event.get('httpMethod')} {event.get('path', '')}".strip()
    if isinstance(event.get("Records"), list):
        return "sqs-batch"
    return "other"


def _undelivered_error(attributes: Mapping[str, str]) -> str | None:
    parts = [attributes.get("ERROR_CODE", ""), attributes.get("ERROR_MESSAGE", "")]
    return ": ".join(p for p in parts if p)[:ERROR_PREVIEW_CHARS] or None


def _string(value: Any) -> str:
    """SQS message attributes arrive as ``{"StringValue": ..., "DataType": ...}``."""
    if isinstance(value, Mapping):
        return str(value.get("StringValue") or value.get("stringValue") or "")
    return str(value)
