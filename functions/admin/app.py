"""The admin API and page: settings, field mappings, schedules and the status view."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from oim_connector.observability import logger, tracer

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver


@cache
def api() -> APIGatewayRestResolver:
    """The resolver, built on the first request and kept for the execution environment: the
    powertools event handler and the admin modules stay out of the cold start's import."""
    from oim_connector.admin.api import build_admin_api
    from oim_connector.wiring import admin_service

    return build_admin_api(admin_service)


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    answer: dict[str, Any] = api().resolve(event, context)
    return answer
