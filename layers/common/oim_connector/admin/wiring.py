"""Builds the admin service from the admin function's environment."""

from __future__ import annotations

import json
import os
from functools import cache

from oim_connector.admin.history import RunHistory
from oim_connector.admin.schedules import EventBridgeSchedules
from oim_connector.admin.service import AdminService, AdminServices
from oim_connector.admin.settings_repo import DynamoSettingsRepository
from oim_connector.admin.status import DlqDepths
from oim_connector.config import environment
from oim_connector.errors import ConfigurationError
from oim_connector.wiring import salesforce_org


def _json_map(name: str) -> dict[str, str]:
    raw = os.environ.get(name)
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a JSON object") from None
    if not isinstance(value, dict):
        raise ConfigurationError(f"{name} must be a JSON object")
    return {str(k): str(v) for k, v in value.items()}


@cache
def admin_service() -> AdminService:
    env = environment()
    group, role = os.environ.get("SCHEDULE_GROUP"), os.environ.get("SCHEDULER_ROLE_ARN")
    schedules = (
        EventBridgeSchedules(group, role, _json_map("FLOW_FUNCTION_ARNS"), os.environ.get("SCHEDULE_DEAD_LETTER_ARN"))
        if group and role
        else None
    )
    return AdminService(
        AdminServices(
            settings=DynamoSettingsRepository(env.SETTINGS_TABLE),
            org=salesforce_org,
            schedules=schedules,
            history=RunHistory(env.JOBS_TABLE) if env.JOBS_TABLE else None,
            # DLQ_URLS: {"<name>": "<queue url>"}, the dead-letter queues the status view shows.
            dlq=DlqDepths(_json_map("DLQ_URLS")),
        )
    )


def reset() -> None:
    admin_service.cache_clear()
