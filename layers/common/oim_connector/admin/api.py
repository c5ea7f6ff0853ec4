"""The admin API (API Gateway, IAM auth, under /admin/) and its web page."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types

from oim_connector.admin.schedules import parse_spec
from oim_connector.admin.service import AdminService, InvalidSettingsError, parse_rules, parse_settings_body
from oim_connector.errors import BadRequestError, ConfigurationError, ConnectorError, NotFoundError, OrgError
from oim_connector.model.flows import DOCUMENT_FLOWS, FlowId, parse_flow
from oim_connector.model.json_body import load_json_object
from oim_connector.observability import logger
from oim_connector.settings_repo import VersionConflictError

# Settings with every flow's custom mappings stay far below this; API Gateway's own cap is 10 MB.
MAX_ADMIN_BODY_BYTES = 1024 * 1024
STATIC = Path(__file__).resolve().parent / "static"
STATIC_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}


def _json(status: int, body: Any) -> Response[Any]:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body)


def _error(status: int, code: str, message: str, **extra: Any) -> Response[Any]:
    return _json(status, {"error": code, "message": message, **extra})


def build_admin_api(service: Callable[[], AdminService]) -> APIGatewayRestResolver:
    app = APIGatewayRestResolver()

    def body() -> dict[str, Any]:
        return load_json_object(app.current_event.body, MAX_ADMIN_BODY_BYTES, empty={})

    def expected_version(data: dict[str, Any]) -> int | None:
        value = data.get("expectedVersion")
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise BadRequestError("expectedVersion must be the settings version you read")
        return value

    def flow_of(name: str) -> FlowId:
        try:
            return parse_flow(name)
        except ValueError as error:
            raise BadRequestError(str(error)) from None

    # -- settings -----------------------------------------------------------------------------
    @app.get("/admin/settings")
    def get_settings() -> Response[Any]:
        return _json(200, service().read_settings())

    @app.put("/admin/settings")
    def put_settings() -> Response[Any]:
        data = body()
        settings = parse_settings_body(data.get("settings"))
        return _json(200, service().save_settings(settings, expected_version(data)))

    @app.post("/admin/settings/validate")
    def validate() -> Response[Any]:
        try:
            problems = service().check(parse_settings_body(body().get("settings")))
        except InvalidSettingsError as error:
            problems = error.problems
        return _json(200, {"valid": not problems, "problems": problems})

    @app.get("/admin/settings/history")
    def history() -> Response[Any]:
        return _json(200, {"versions": service().services.settings.history()})

    # -- mappings -----------------------------------------------------------------------------
    @app.get("/admin/flows/<flow>/mappings")
    def get_mappings(flow: str) -> Response[Any]:
        return _json(200, service().mappings(flow_of(flow)))

    @app.put("/admin/flows/<flow>/mappings")
    def put_mappings(flow: str) -> Response[Any]:
        data = body()
        use_custom = data.get("useCustomMappings")
        if use_custom is not None and not isinstance(use_custom, bool):
            raise BadRequestError("useCustomMappings must be true or false")
        rules = parse_rules(data.get("rules", []))
        return _json(200, service().save_mappings(flow_of(flow), rules, use_custom, expected_version(data)))

    # -- schedules ----------------------------------------------------------------------------
    @app.get("/admin/schedules")
    def list_schedules() -> Response[Any]:
        found = service().schedules_port().list()
        return _json(200, {"schedules": [s.model_dump(mode="json", by_alias=True) for s in found]})

    @app.put("/admin/schedules/<flow>")
    def put_schedule(flow: str) -> Response[Any]:
        spec = parse_spec(body(), os.environ.get("DEFAULT_SCHEDULE_TIMEZONE") or "UTC")
        schedule = service().schedules_port().put(flow_of(flow), spec)
        return _json(200, schedule.model_dump(mode="json", by_alias=True))

    @app.delete("/admin/schedules/<flow>")
    def delete_schedule(flow: str) -> Response[Any]:
        service().schedules_port().delete(flow_of(flow))
        return _json(200, {"deleted": flow})

    # -- month-end reconciliation (reads only) ---------------------------------------------------
    @app.get("/admin/reconcile")
    def reconcile() -> Response[Any]:
        query = app.current_event.query_string_parameters or {}
        period = (query.get("period") or "").strip()
        if not period:
            raise BadRequestError("Give the period to reconcile: ?period=YYYY/NNN, e.g. 2026/006")
        flows = tuple(flow_of(f.strip()) for f in (query.get("flows") or "").split(",") if f.strip())
        from oim_connector.reconcile.service import ReconcileRequest

        request = ReconcileRequest(
            period=period, company=(query.get("company") or "").strip() or None, flows=flows or DOCUMENT_FLOWS
        )
        return _json(200, service().reconcile(request))

    # -- records in Export Error -------------------------------------------------------------
    @app.get("/admin/flows/<flow>/export-errors")
    def list_export_errors(flow: str) -> Response[Any]:
        return _json(200, {"records": service().export_errors(flow_of(flow))})

    @app.post("/admin/flows/<flow>/retry")
    def retry_records(flow: str) -> Response[Any]:
        data = body()
        ids = data.get("ids") if isinstance(data, dict) else None
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise BadRequestError('Send {"ids": ["<record id>", ...]}: the records to retry')
        return _json(200, service().retry(flow_of(flow), ids))

    # -- status and page ----------------------------------------------------------------------
    @app.get("/admin/status")
    def status() -> Response[Any]:
        return _json(200, service().status())

    @app.get("/admin/page")
    def page() -> Response[Any]:
        return _static("index.html")

    @app.get("/admin/static/<name>")
    def static(name: str) -> Response[Any]:
        return _static(name)

    # -- errors: each typed error becomes one answer ---------------------------------------------
    def invalid(error: InvalidSettingsError) -> Response[Any]:
        return _error(400, "INVALID_SETTINGS", error.message, problems=error.problems)

    def misconfigured(error: ConfigurationError) -> Response[Any]:
        logger.error("configuration error", extra={"reason": error.message})
        return _error(500, "CONFIGURATION_ERROR", error.message)

    def org_failed(error: OrgError) -> Response[Any]:
        logger.warning("org error", extra={"code": error.error_code})
        return _error(502, "SALESFORCE_ERROR", error.message)

    def simple(status: int, code: str) -> Callable[[ConnectorError], Response[Any]]:
        return lambda error: _error(status, code, error.message)

    handlers: list[tuple[type[Exception], Callable[[Any], Response[Any]]]] = [
        (InvalidSettingsError, invalid),
        (VersionConflictError, simple(409, "CONFLICT")),
        (BadRequestError, simple(400, "BAD_REQUEST")),
        (NotFoundError, simple(404, "NOT_FOUND")),
        (ConfigurationError, misconfigured),
        (OrgError, org_failed),
        (ConnectorError, simple(500, "ERROR")),
    ]
    for error_type, handler in handlers:
        app.exception_handler(error_type)(handler)

    @app.not_found
    def unknown_route(error: Exception) -> Response[Any]:
        return _error(
            404, "NOT_FOUND", f"No such admin action: {app.current_event.http_method} {app.current_event.path[:100]}"
        )

    return app


def _static(name: str) -> Response[Any]:
    path = STATIC / name
    # Only files directly in static/ with a known type: no path from the request reaches the disk.
    if "/" in name or "\\" in name or path.suffix not in STATIC_TYPES or not path.is_file():
        raise NotFoundError(f"No page asset {name[:60]}")
    return Response(
        200,
        STATIC_TYPES[path.suffix],
        path.read_text(encoding="utf-8"),
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )
