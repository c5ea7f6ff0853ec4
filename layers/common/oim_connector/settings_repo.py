"""The saved settings with their version: read, write only over the version the writer saw, and
the history of versions.

Where: two items in the stack's jobs table (DynamoDB; ``SETTINGS_TABLE``), not an SSM parameter:
- a standard SSM parameter holds 4 KB (about six custom mapping rules) and an Advanced one 8 KB
  (and costs $0.05 per parameter-month plus API charges); a DynamoDB item holds 400 KB, some 2,000
  rules, at the table's on-demand price (cents a month for a handful of reads per run);
- a CloudFormation-managed parameter has a ``Value`` a template change can reset; table items
  are no stack resource, and the table is retained (``DeletionPolicy: Retain``), so no deploy
  touches saved settings.

Items: ``pk=SETTINGS, sk=CURRENT`` (the settings JSON and its version) and one
``pk=SETTINGS, sk=V#<version>`` per saved version (history, kept HISTORY_VERSIONS). A write is a
transaction conditioned on the version the writer read: two admins never overwrite each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from oim_connector.errors import ConfigurationError, ConnectorError
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


SETTINGS_KEY = "SETTINGS"
CURRENT = "CURRENT"
HISTORY_VERSIONS = 100
# DynamoDB's item limit is 400 KB (names and values); keep room for the other attributes.
MAX_SETTINGS_BYTES = 380_000


class SettingsTooLargeError(ConnectorError):
    """The settings JSON does not fit in one item."""


class DynamoSettingsRepository:
    def __init__(self, table_name: str, client: Any | None = None) -> None:
        import boto3

        self.table_name = table_name
        self._client = client or boto3.client("dynamodb")

    def read(self) -> VersionedSettings:
        raw, version = self.read_raw()
        return VersionedSettings(parse_settings(raw) if raw is not None else ConnectorSettings(), version)

    def read_raw(self) -> tuple[str | None, int]:
        """(settings JSON, version); (None, 0) when never saved."""
        answer = self._client.get_item(
            TableName=self.table_name, Key=_key(CURRENT), ConsistentRead=True,
            ProjectionExpression="settings, version",
        )  # fmt: skip
        item = answer.get("Item")
        if not item:
            return None, 0
        return item["settings"]["S"], int(item["version"]["N"])

    def write(self, settings: ConnectorSettings, expected_version: int | None) -> int:
        value = settings.model_dump_json()
        if len(value.encode("utf-8")) > MAX_SETTINGS_BYTES:
            raise SettingsTooLargeError(
                f"The settings are {len(value.encode('utf-8')):,} bytes, more than the {MAX_SETTINGS_BYTES:,} "
                "one saved version holds: remove custom mapping rules that repeat the defaults"
            )
        current = self.read_raw()[1] if expected_version is None else expected_version
        version = current + 1
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        condition: dict[str, Any] = (
            {"ConditionExpression": "attribute_not_exists(pk)"}
            if current == 0
            else {"ConditionExpression": "version = :seen", "ExpressionAttributeValues": {":seen": {"N": str(current)}}}
        )
        attributes = {"settings": {"S": value}, "version": {"N": str(version)}, "modified": {"S": now}}
        try:
            self._client.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": self.table_name, "Item": {**_key(CURRENT), **attributes}, **condition}},
                    {"Put": {"TableName": self.table_name, "Item": {**_key(_version_key(version)), **attributes}}},
                ]
            )
        except self._client.exceptions.TransactionCanceledException:
            now_at = self.read_raw()[1]
            raise VersionConflictError(
                f"The settings were changed by someone else (version {now_at}, you edited version "
                f"{current}): reload them and apply your change again"
            ) from None
        if version > HISTORY_VERSIONS:
            self._client.delete_item(TableName=self.table_name, Key=_key(_version_key(version - HISTORY_VERSIONS)))
        clear_cache()
        return version

    def history(self) -> list[dict[str, Any]]:
        pages = self._client.get_paginator("query").paginate(
            TableName=self.table_name,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :v)",
            ExpressionAttributeValues={":pk": {"S": SETTINGS_KEY}, ":v": {"S": "V#"}},
            ProjectionExpression="version, modified",
            ScanIndexForward=False,
        )
        return [
            {"version": int(item["version"]["N"]), "modified": item["modified"]["S"], "modifiedBy": None}
            for page in pages
            for item in page.get("Items", [])
        ]


def _key(sort: str) -> dict[str, Any]:
    return {"pk": {"S": SETTINGS_KEY}, "sk": {"S": sort}}


def _version_key(version: int) -> str:
    return f"V#{version:010d}"


_CACHE: dict[str, tuple[float, ConnectorSettings]] = {}


def clear_cache() -> None:
    _CACHE.clear()


class DynamoSettingsStore:
    """The saved settings (DynamoSettingsRepository), read at most once a minute per warm function;
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
        return DynamoSettingsRepository(self.table_name, self._client).write(settings, None)
