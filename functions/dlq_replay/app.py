"""Moves dead letters back to their source queue, or invokes the failed function again for the
queues that have none (run by an operator after fixing the cause).

Event: ``{"queue": "<DLQ name, URL or ARN>", "limit": N?, "dryRun": false?, "method": "auto"?}``;
``{"action": "list", "queue": ...}`` shows what waits there and why. The DLQ -> source queue
map comes from ``DLQ_SOURCES`` (template.yaml), so the function needs no list permission.
``auto`` re-invokes for FAILED_INVOCATIONS_QUEUE_URL and UNDELIVERED_QUEUE_URL (and for letters
that carry an invocation record or a target ARN).
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

from oim_connector.errors import BadRequestError
from oim_connector.observability import logger, metrics, tracer

if TYPE_CHECKING:
    from oim_connector.dlq.request import ReplayRequest


def _reinvokes(sqs: Any, request: ReplayRequest) -> bool:
    """``auto``: the stack's two queues by URL, else letters that name their function."""
    named = [url for key in ("FAILED_INVOCATIONS_QUEUE_URL", "UNDELIVERED_QUEUE_URL") if (url := os.environ.get(key))]
    if request.queue in named:
        return True
    from oim_connector.dlq.reinvoke import reinvoke_applies
    from oim_connector.dlq.replay import resolve_queue

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
    # On first use: boto3, pydantic and the replay machinery stay out of the cold start's import.
    import boto3
    from oim_connector.dlq.notes import DynamoFailureNotes
    from oim_connector.dlq.reinvoke import LambdaReinvoker, reinvoke_dead_letters
    from oim_connector.dlq.replay import list_dead_letters, replay
    from oim_connector.dlq.request import ReplayRequest
    from oim_connector.model.api import describe_validation_error
    from pydantic import ValidationError

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
