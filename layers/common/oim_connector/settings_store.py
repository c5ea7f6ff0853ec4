"""Settings: validated on read and on write; where they are kept (settings_repo.py saves them in DynamoDB)."""

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
