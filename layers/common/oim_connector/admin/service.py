"""What the admin API does, independent of HTTP: read and save settings and mappings (checked
against the org first), schedules, and the status view."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from oim_connector.admin.history import RunHistory
from oim_connector.admin.mappings import mapping_view, with_custom_rules
from oim_connector.admin.schedules import SchedulerPort
from oim_connector.admin.status import DlqDepths, status_view
from oim_connector.admin.validation import validate_settings
from oim_connector.errors import ConfigurationError, ConnectorError
from oim_connector.model.flows import FlowId
from oim_connector.model.settings import ConnectorSettings, FieldRule
from oim_connector.settings_repo import SettingsRepository

if TYPE_CHECKING:  # simple-salesforce and the reconciliation load on first use: the admin page's cold start stays short
    from oim_connector.org.adapter import SalesforceOrg
    from oim_connector.reconcile.service import ReconcileRequest


class InvalidSettingsError(ConnectorError):
    """The settings or mappings were refused; ``problems`` lists each, saying what to change (HTTP 400)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("The settings were not saved: " + "; ".join(problems))
        self.problems = problems


@dataclass
class AdminServices:
    settings: SettingsRepository
    org: Callable[[], SalesforceOrg]
    schedules: SchedulerPort | None
    history: RunHistory | None
    dlq: DlqDepths


def parse_settings_body(data: Any) -> ConnectorSettings:
    try:
        return ConnectorSettings.model_validate(data)
    except ValidationError as error:
        raise InvalidSettingsError(
            [f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in error.errors()]
        ) from None


def parse_rules(data: Any) -> list[FieldRule]:
    if not isinstance(data, list):
        raise InvalidSettingsError(["rules: give a list of mappings"])
    rules, problems = [], []
    for index, item in enumerate(data, start=1):
        try:
            rules.append(FieldRule.model_validate(item))
        except ValidationError as error:
            problems += [f"mapping {index} {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()]
    if problems:
        raise InvalidSettingsError(problems)
    return rules


class AdminService:
    def __init__(self, services: AdminServices) -> None:
        self.services = services

    def read_settings(self) -> dict[str, Any]:
        current = self.services.settings.read()
        return {"version": current.version, "settings": current.settings.model_dump(mode="json")}

    def check(self, settings: ConnectorSettings) -> list[str]:
        return validate_settings(settings, self.services.org())

    def save_settings(self, settings: ConnectorSettings, expected_version: int | None) -> dict[str, Any]:
        problems = self.check(settings)
        if problems:
            raise InvalidSettingsError(problems)
        version = self.services.settings.write(settings, expected_version)
        return {"version": version, "settings": settings.model_dump(mode="json")}

    def mappings(self, flow: FlowId) -> dict[str, Any]:
        current = self.services.settings.read()
        return {**mapping_view(current.settings, flow), "version": current.version}

    def save_mappings(
        self, flow: FlowId, rules: list[FieldRule], use_custom: bool | None, expected_version: int | None
    ) -> dict[str, Any]:
        current = self.services.settings.read()
        updated = with_custom_rules(current.settings, flow, rules)
        if use_custom is not None:
            target = updated.vendor_accounts if flow == FlowId.VENDOR_ACCOUNTS else updated.flow(flow)
            target.use_custom_mappings = use_custom
        version = expected_version if expected_version is not None else current.version
        saved = self.save_settings(updated, version if current.version else None)
        return {**mapping_view(updated, flow), "version": saved["version"]}

    def schedules_port(self) -> SchedulerPort:
        if self.services.schedules is None:
            raise ConfigurationError(
                "Schedules need SCHEDULE_GROUP, SCHEDULER_ROLE_ARN and FLOW_FUNCTION_ARNS in the admin function"
            )
        return self.services.schedules

    def export_errors(self, flow: FlowId) -> list[dict[str, Any]]:
        from oim_connector.admin.export_errors import export_errors

        return export_errors(self.services.org(), flow)

    def retry(self, flow: FlowId, ids: list[str]) -> dict[str, object]:
        from oim_connector.admin.export_errors import retry

        return retry(self.services.org, self.services.settings.read().settings, flow, ids)

    def status(self) -> dict[str, Any]:
        return status_view(self.services.org, self.services.history, self.services.dlq)

    def reconcile(self, request: ReconcileRequest, today: dt.date | None = None) -> dict[str, Any]:
        """The month-end reconciliation of a period (reads only), with the saved settings' mappings."""
        settings = self.services.settings.read().settings
        day = today or dt.datetime.now(dt.UTC).date()
        from oim_connector.reconcile.service import reconcile

        return reconcile(self.services.org(), settings, request, today=day).to_json_dict()
