"""The admin API and page: settings, field mappings, schedules and the status view."""

from __future__ import annotations

from typing import Any

from oim_connector.admin.api import build_admin_api
from oim_connector.observability import logger, tracer
from oim_connector.wiring import admin_service

API = build_admin_api(admin_service)


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    answer: dict[str, Any] = API.resolve(event, context)
    return answer
