"""API Gateway (REST, IAM auth) requests from the Salesforce buttons -> the service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types

from oim_connector.errors import BadRequestError, ConfigurationError, ConnectorError, NotFoundError, OrgError
from oim_connector.model.api import ListActionBody, RecordActionBody, parse_body
from oim_connector.model.flows import FlowId, parse_flow
from oim_connector.observability import logger
from oim_connector.service import Accepted, ConnectorService
from oim_connector.triggers.idempotency import once
from oim_connector.triggers.metrics import record_metrics

DOUBLE_CLICK_SECONDS = 15


def _error(status: int, code: str, message: str) -> Response[Any]:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON,
                    body={"error": code, "message": message})  # fmt: skip


def build_api(flow: FlowId, service: Callable[[], ConnectorService]) -> APIGatewayRestResolver:
    app = APIGatewayRestResolver()

    def served_flow(path_flow: str) -> FlowId:
        try:
            requested = parse_flow(path_flow)
        except ValueError as error:
            raise BadRequestError(str(error)) from None
        if requested != flow:
            raise BadRequestError(f"This endpoint serves the {flow.value} flow, not {requested.value}")
        return requested

    def idempotency_key(action: str, payload: dict[str, Any]) -> dict[str, Any]:
        header = app.current_event.headers.get("Idempotency-Key") or app.current_event.headers.get("idempotency-key")
        return {"flow": flow.value, "action": action, "payload": payload, "key": header or ""}

    def window() -> int:
        # A caller's own key is honoured for an hour (retried callouts); without one, only a
        # double click is absorbed, so a user who fixed a refused record can press again.
        has_key = app.current_event.headers.get("Idempotency-Key") or app.current_event.headers.get("idempotency-key")
        return 3600 if has_key else DOUBLE_CLICK_SECONDS

    @app.post("/flows/<path_flow>/record")
    def record_action(path_flow: str) -> Response[Any]:
        target = served_flow(path_flow)
        body = parse_body(app.current_event.body, RecordActionBody)
        payload = {"recordId": body.recordId, "calculateTax": body.calculateTax}
        answer = once(idempotency_key("record", payload),
                      lambda: service().record_action(target, body.recordId, body.calculateTax).to_json_dict(),
                      app.lambda_context, expires_after_seconds=window())  # fmt: skip
        record_metrics(answer)
        return Response(200, content_types.APPLICATION_JSON, answer)

    @app.post("/flows/<path_flow>/list")
    def list_action(path_flow: str) -> Response[Any]:
        target = served_flow(path_flow)
        body = parse_body(app.current_event.body, ListActionBody)
        payload = {"recordIds": sorted(body.recordIds or []), "allEligible": body.allEligible,
                   "calculateTax": body.calculateTax}  # fmt: skip

        def work() -> dict[str, Any]:
            result = service().list_action(
                target, body.recordIds, body.allEligible, calculate_tax=body.calculateTax, requested_by=body.requestedBy
            )
            if isinstance(result, Accepted):
                return {
                    "status": 202,
                    "body": {
                        "jobId": result.job.job_id,
                        "status": result.job.status.value,
                        "statusUrl": f"/flows/{target.value}/jobs/{result.job.job_id}",
                    },
                }
            return {"status": 200, "body": result.to_json_dict()}  # fmt: skip

        answer = once(idempotency_key("list", payload), work, app.lambda_context, expires_after_seconds=window())
        if answer["status"] == 200:
            record_metrics(answer["body"])
        return Response(answer["status"], content_types.APPLICATION_JSON, answer["body"])

    def job(job_id: str) -> Response[Any]:
        found = service().job_status(job_id)
        return Response(200, content_types.APPLICATION_JSON, found.model_dump(mode="json", by_alias=True))

    @app.get("/flows/<path_flow>/jobs/<job_id>")
    def flow_job(path_flow: str, job_id: str) -> Response[Any]:
        served_flow(path_flow)
        return job(job_id)

    @app.get("/jobs/<job_id>")
    def plain_job(job_id: str) -> Response[Any]:
        return job(job_id)

    @app.exception_handler(BadRequestError)
    def bad_request(error: BadRequestError) -> Response[Any]:
        return _error(400, "BAD_REQUEST", error.message)

    @app.exception_handler(NotFoundError)
    def not_found(error: NotFoundError) -> Response[Any]:
        return _error(404, "NOT_FOUND", error.message)

    @app.exception_handler(ConfigurationError)
    def misconfigured(error: ConfigurationError) -> Response[Any]:
        logger.error("configuration error", extra={"reason": error.message})
        return _error(500, "CONFIGURATION_ERROR", error.message)

    @app.exception_handler(OrgError)
    def org_failed(error: OrgError) -> Response[Any]:
        logger.warning("org error", extra={"code": error.error_code})
        return _error(502, "SALESFORCE_ERROR", error.message)

    @app.exception_handler(ConnectorError)
    def other(error: ConnectorError) -> Response[Any]:
        return _error(500, "ERROR", error.message)

    @app.not_found
    def unknown_route(error: Exception) -> Response[Any]:
        path = app.current_event.path
        return _error(400, "BAD_REQUEST", f"No such action: {app.current_event.http_method} {path[:100]}")

    return app
