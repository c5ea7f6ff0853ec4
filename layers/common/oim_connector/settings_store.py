"""Settings in SSM Parameter Store: one JSON parameter, validated on read and on write."""

from __future__ import annotations

import json
from typing import Any, Protocol

from pydantic import ValidationError

from oim_connector.errors import ConfigurationError
from oim_connector.model.settings import ConnectorSettings


class SettingsStore(Protocol):
    def load(self) -> ConnectorSettings: ...

    def save(self, settings: ConnectorSettings) -> int: ...


def parse_settings(raw: str | dict[str, Any]) -> ConnectorSettings:
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
        return ConnectorSettings.model_validate(data)
    except (ValueError, ValidationError) as error:
        if isinstance(error, ValidationError):
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        else:
            problems = "the settings are not valid JSON"
        raise ConfigurationError(f"The connector settings are invalid: {problems}") from None


class StaticSettingsStore:
    """Settings held in memory (the command line and tests)."""

    def __init__(self, settings: ConnectorSettings | None = None) -> None:
        self._settings = settings or ConnectorSettings()
        self.version = 1

    def load(self) -> ConnectorSettings:
        return self._settings

    def save(self, settings: ConnectorSettings) -> int:
        self._settings = settings
        self.version += 1
        return self.version


class SsmSettingsStore:
    """Reads through powertools' cached provider; a missing parameter means the defaults."""

    def __init__(self, parameter_name: str, *, max_age_seconds: int = 60) -> None:
        self.parameter_name = parameter_name
        self.max_age_seconds = max_age_seconds

    def load(self) -> ConnectorSettings:
        from aws_lambda_powertools.utilities import parameters

        try:
            raw = parameters.get_parameter(self.parameter_name, max_age=self.max_age_seconds)
        except parameters.exceptions.GetParameterError as error:
            if "ParameterNotFound" in str(error):
                return ConnectorSettings()
            raise ConfigurationError(f"Could not read the settings parameter {self.parameter_name}") from None
        return parse_settings(str(raw))

    def save(self, settings: ConnectorSettings) -> int:
        import boto3

        answer = boto3.client("ssm").put_parameter(
            Name=self.parameter_name,
            Value=settings.model_dump_json(),
            Type="String",
            Overwrite=True,
        )
        from aws_lambda_powertools.utilities import parameters

        parameters.clear_caches()  # type: ignore[no-untyped-call]
        return int(answer["Version"])
