"""The settings parameter with its version: read, write only over the version the writer saw,
and the history of versions (SSM keeps the last 100)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from oim_connector.errors import ConnectorError
from oim_connector.model.settings import ConnectorSettings
from oim_connector.settings_store import parse_settings


class VersionConflictError(ConnectorError):
    """Someone saved the settings since the caller read them (HTTP 409)."""


@dataclass(frozen=True)
class VersionedSettings:
    settings: ConnectorSettings
    version: int  # 0: never saved, the defaults apply


class SettingsRepository(Protocol):
    def read(self) -> VersionedSettings: ...

    def write(self, settings: ConnectorSettings, expected_version: int | None) -> int: ...

    def history(self) -> list[dict[str, Any]]: ...


class SsmSettingsRepository:
    def __init__(self, parameter_name: str, client: Any | None = None) -> None:
        import boto3

        self.parameter_name = parameter_name
        self._client = client or boto3.client("ssm")

    def read(self) -> VersionedSettings:
        try:
            answer = self._client.get_parameter(Name=self.parameter_name)
        except self._client.exceptions.ParameterNotFound:
            return VersionedSettings(ConnectorSettings(), 0)
        parameter = answer["Parameter"]
        return VersionedSettings(parse_settings(parameter["Value"]), int(parameter["Version"]))

    def write(self, settings: ConnectorSettings, expected_version: int | None) -> int:
        # SSM has no conditional put; read-compare-write narrows the window to milliseconds.
        if expected_version is not None:
            current = self.read().version
            if current != expected_version:
                raise VersionConflictError(
                    f"The settings were changed by someone else (version {current}, you edited version "
                    f"{expected_version}): reload them and apply your change again"
                )
        answer = self._client.put_parameter(
            Name=self.parameter_name, Value=settings.model_dump_json(), Type="String", Overwrite=True
        )
        from aws_lambda_powertools.utilities import parameters

        parameters.clear_caches()  # type: ignore[no-untyped-call]
        return int(answer["Version"])

    def history(self) -> list[dict[str, Any]]:
        try:
            pages = self._client.get_paginator("get_parameter_history").paginate(Name=self.parameter_name)
            entries = [entry for page in pages for entry in page["Parameters"]]
        except self._client.exceptions.ParameterNotFound:
            return []
        return [
            {
                "version": int(e["Version"]),
                "modified": e["LastModifiedDate"].isoformat(),
                "modifiedBy": e.get("LastModifiedUser"),
            }
            for e in sorted(entries, key=lambda e: int(e["Version"]), reverse=True)
        ]
