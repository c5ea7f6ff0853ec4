"""Settings: validated on read and on write; saved in DynamoDB (admin/settings_repo.py says why)."""

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


_CACHE: dict[str, tuple[float, ConnectorSettings]] = {}


def clear_cache() -> None:
    _CACHE.clear()


class DynamoSettingsStore:
    """The saved settings (admin/settings_repo.py), read at most once a minute per warm function;
    never saved: the defaults."""

    def __init__(self, table_name: str, *, max_age_seconds: int = 60, client: Any | None = None) -> None:
        self.table_name = table_name
        self.max_age_seconds = max_age_seconds
        self._client = client

    def load(self) -> ConnectorSettings:
        import time

        cached = _CACHE.get(self.table_name)
        if cached is not None and time.monotonic() - cached[0] < self.max_age_seconds:
            return cached[1]
        from oim_connector.admin.settings_repo import DynamoSettingsRepository

        try:
            settings = DynamoSettingsRepository(self.table_name, self._client).read().settings
        except ConfigurationError:
            raise
        except Exception as error:  # boto errors: the run cannot start without its settings
            raise ConfigurationError(
                f"Could not read the settings from {self.table_name}: {error.__class__.__name__}"
            ) from None
        _CACHE[self.table_name] = (time.monotonic(), settings)
        return settings

    def save(self, settings: ConnectorSettings) -> int:
        from oim_connector.admin.settings_repo import DynamoSettingsRepository

        return DynamoSettingsRepository(self.table_name, self._client).write(settings, None)
