"""Which trigger an event came from, and the one call into the service that answers it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from oim_connector.errors import BadRequestError
from oim_connector.model.flows import FlowId
from oim_connector.observability import logger, metrics

if TYPE_CHECKING:
    from oim_connector.model.report import RunReport
    from oim_connector.service import ConnectorService

# Each trigger's machinery (the API resolver, batch processing, the event models, idempotency,
# the Salesforce adapter) is imported by the branch that needs it, so a cold start pays only for
# its own trigger and the handler's import (Lambda's INIT) loads neither pydantic nor boto3.


def service() -> ConnectorService:
    from oim_connector.wiring import service as wired

    return wired()


def is_schedule(event: dict[str, Any]) -> bool:
    return event.get("trigger") == "schedule"


def is_eventbridge(event: dict[str, Any]) -> bool:
    return "detail-type" in event and "source" in event


def is_sqs(event: dict[str, Any]) -> bool:
    records = event.get("Records")
    return isinstance(records, list) and bool(records) and records[0].get("eventSource") == "aws:sqs"


def _remaining(context: Any) -> Any:
    if context is None or not hasattr(context, "get_remaining_time_in_millis"):
        return None
    return lambda: float(context.get_remaining_time_in_millis()) / 1000


def _log_report(report: RunReport) -> dict[str, Any]:
    from oim_connector.triggers.metrics import record_metrics

    answer = report.to_json_dict()
    logger.info("run finished", extra={"flow": report.flow, "trigger": report.trigger,
                                       "counts": report.counts.model_dump(), "api_requests": report.api_requests,
                                       "stopped_reason": report.stopped_reason})  # fmt: skip
    record_metrics(answer)
    return _compact(answer)


# A background run's answer is kept as its idempotency record (DynamoDB items hold 400 KB):
# past this many results only the failures are kept; the counts always are.
MAX_RESULTS_IN_ANSWER = 200


def _compact(answer: dict[str, Any]) -> dict[str, Any]:
    results = answer.get("results") or []
    if len(results) <= MAX_RESULTS_IN_ANSWER:
        return answer
    failed = [r for r in results if r.get("outcome") == "failed"][:MAX_RESULTS_IN_ANSWER]
    return {**answer, "results": failed, "resultsOmitted": len(results) - len(failed)}


_APIS: dict[FlowId, Any] = {}


def dispatch(event: dict[str, Any], context: Any, flow: FlowId) -> dict[str, Any]:
    if not isinstance(event, dict):
        raise BadRequestError("The event is not a JSON object")
    if metrics.default_dimensions.get("Flow") != flow.value:
        metrics.set_default_dimensions(Flow=flow.value)
    if is_sqs(event):
        from oim_connector.triggers.jobs_queue import handle_jobs

        return handle_jobs(event, context, flow, service)
    if "httpMethod" in event and "requestContext" in event:
        from oim_connector.triggers.api import build_api

        logger.set_correlation_id(event["requestContext"].get("requestId"))
        # Built on the first API call, then kept, as powertools expects of a module-level app.
        api = _APIS.get(flow) or _APIS.setdefault(flow, build_api(flow, service))
        answer: dict[str, Any] = api.resolve(event, context)
        return answer
    if is_schedule(event):
        from oim_connector.triggers.events import parse_schedule
        from oim_connector.triggers.idempotency import once

        schedule = parse_schedule(event)
        if schedule.flow != flow:
            raise BadRequestError(f"a {schedule.flow.value} schedule reached the {flow.value} function")
        run_key = f"{schedule.scheduleName}@{schedule.scheduledTime}"
        logger.set_correlation_id(run_key)
        return once({"schedule": run_key},
                    lambda: _log_report(service().scheduled(flow, run_key, _remaining(context))),
                    context, expires_after_seconds=24 * 3600)  # fmt: skip
    if is_eventbridge(event):
        from oim_connector.triggers.events import not_for_flow, parse_oim_event
        from oim_connector.triggers.idempotency import once

        oim_event = parse_oim_event(event)
        ignored = not_for_flow(flow, oim_event.payload)
        if ignored:
            # Another flow's or kind's event does nothing here; it is not an error to retry.
            logger.warning("OIM event ignored", extra={"event_id": oim_event.id, "reason": ignored})
            return {"ignored": ignored}
        logger.set_correlation_id(oim_event.id)
        payload = oim_event.payload
        return once({"event": oim_event.id},
                    lambda: _log_report(service().oim_event(flow, payload.record_id, payload.event,
                                                            payload.created_by)),
                    context)  # fmt: skip
    raise BadRequestError(
        "Unrecognised event: expected an API Gateway request, an SQS batch, a schedule or an OIM event"
    )
