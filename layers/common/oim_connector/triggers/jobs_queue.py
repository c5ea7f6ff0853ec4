"""SQS messages on a flow's jobs queue (async list-view jobs and continuations)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from oim_connector.errors import BadRequestError
from oim_connector.jobs import JobMessage
from oim_connector.model.api import describe_validation_error
from oim_connector.model.flows import FlowId
from oim_connector.observability import logger
from oim_connector.service import ConnectorService


def handle_jobs(
    event: dict[str, Any], context: Any, flow: FlowId, service: Callable[[], ConnectorService]
) -> dict[str, Any]:
    # A batch whose every message fails is still a partial response: those messages go back to
    # the queue (and on to its DLQ), and the invocation itself succeeds.
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)

    def remaining() -> float:
        return float(context.get_remaining_time_in_millis()) / 1000 if context is not None else 900.0

    def handle(record: SQSRecord) -> None:
        from pydantic import ValidationError

        try:
            message = JobMessage.model_validate_json(record.body)
        except ValidationError as error:
            raise BadRequestError(describe_validation_error(error)) from None
        if message.flow != flow:
            raise BadRequestError(f"job for {message.flow.value} reached the {flow.value} function")
        report = service().run_job(message, remaining)
        logger.info("job processed", extra={"job_id": message.job_id, "counts": report.counts.model_dump()})

    answer = process_partial_response(event=event, record_handler=handle, processor=processor, context=context)
    return dict(answer)
