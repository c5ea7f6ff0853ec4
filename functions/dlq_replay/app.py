"""Moves dead letters back to their source queue, or invokes the failed function again for the
queues that have none (run by an operator after fixing the cause).

Event: ``{"queue": "<DLQ name, URL or ARN>", "limit": N?, "dryRun": false?, "method": "auto"?}``;
``{"action": "list", "queue": ...}`` shows what waits there and why. The DLQ -> source queue
map comes from ``DLQ_SOURCES`` (template.yaml), so the function needs no list permission.
``auto`` re-invokes for FAILED_INVOCATIONS_QUEUE_URL and UNDELIVERED_QUEUE_URL (and for letters
that carry an invocation record or a target ARN).
"""

# No ``from __future__ import annotations``: pydantic resolves the request model's annotations when the
# module is loaded from its file without a sys.modules entry (the local runner does so).
import json
import os
from typing import Any, Literal

from oim_connector.dlq.notes import DynamoFailureNotes
from oim_connector.dlq.reinvoke import LambdaReinvoker, reinvoke_applies, reinvoke_dead_letters
from oim_connector.dlq.replay import list_dead_letters, replay, resolve_queue
from oim_connector.errors import BadRequestError
from oim_connector.model.api import describe_validation_error
from oim_connector.observability import logger, metrics, tracer
from pydantic import BaseModel, ConfigDict, Field, ValidationError


class ReplayRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    action: Literal["replay", "list"] = "replay"
    queue: str = Field(min_length=1, max_length=300)
    limit: int | None = Field(default=None, ge=1, le=100_000)
    dry_run: bool = Field(default=False, alias="dryRun")
    method: Literal["auto", "move-task", "copy", "reinvoke"] = "auto"
    wait_seconds: float = Field(default=60.0, ge=0, le=240, alias="waitSeconds")


def _reinvokes(sqs: Any, request: ReplayRequest) -> bool:
    """``auto``: the stack's two queues by URL, else letters that name their function."""
    named = [url for key in ("FAILED_INVOCATIONS_QUEUE_URL", "UNDELIVERED_QUEUE_URL") if (url := os.environ.get(key))]
    if request.queue in named:
        return True
    dlq = resolve_queue(sqs, request.queue)
    return dlq.arn not in _sources() and reinvoke_applies(sqs, dlq, named)


def _sources() -> dict[str, str]:
    raw = os.environ.get("DLQ_SOURCES") or "{}"
    value = json.loads(raw)
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


@logger.inject_lambda_context(log_event=True)
@metrics.log_metrics()
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    import boto3  # on first use: the handler's import (the cold start) stays short

    try:
        request = ReplayRequest.model_validate(event)
    except ValidationError as error:
        raise BadRequestError(describe_validation_error(error)) from None
    sqs = boto3.client("sqs")
    if request.action == "list":
        table = os.environ.get("JOBS_TABLE")
        letters = list_dead_letters(sqs, request.queue, DynamoFailureNotes(table) if table else None,
                                    limit=request.limit or 100)  # fmt: skip
        return {"queue": request.queue, "messages": [letter.to_json() for letter in letters]}
    if request.method == "reinvoke" or (request.method == "auto" and _reinvokes(sqs, request)):
        reinvoked = reinvoke_dead_letters(sqs, request.queue, LambdaReinvoker(boto3.client("lambda")),
                                          limit=request.limit, dry_run=request.dry_run)  # fmt: skip
        logger.info("re-invocation finished", extra=reinvoked.to_json())
        metrics.add_metric(name="DeadLettersReplayed", unit="Count", value=len(reinvoked.reinvoked))
        return reinvoked.to_json()
    result = replay(sqs, request.queue, limit=request.limit, dry_run=request.dry_run, method=request.method,
                    known_sources=_sources(), wait_seconds=request.wait_seconds)  # fmt: skip
    logger.info("replay finished", extra=result.to_json())
    metrics.add_metric(name="DeadLettersReplayed", unit="Count", value=result.moved)
    return result.to_json()
