"""The change events the vendor-accounts function receives, and the key that makes them the same.

Salesforce Change Data Capture relayed through EventBridge (``detail.payload.ChangeEventHeader``)
is the canonical shape; the Salesforce package's platform event ``Supplier_Site_Event__e``
carrying ``Record_Id__c`` (and optionally ``Version__c``) is accepted as well, so an org without
CDC on supplier sites can publish one from a flow.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from oim_connector.errors import BadRequestError
from oim_connector.ids import RecordId
from oim_connector.model.api import describe_validation_error

SITE_OBJECT = "SCMC__Supplier_Site__c"
ACCOUNT_OBJECT = "Account"
SITE_CHANGE_EVENT = "SCMC__Supplier_Site__ChangeEvent"
ACCOUNT_CHANGE_EVENT = "AccountChangeEvent"
PLATFORM_EVENT = "Supplier_Site_Event__e"
KNOWN_DETAIL_TYPES = (SITE_CHANGE_EVENT, ACCOUNT_CHANGE_EVENT, PLATFORM_EVENT)


class ChangeEventHeader(BaseModel):
    model_config = ConfigDict(extra="ignore")

    entityName: Literal["SCMC__Supplier_Site__c", "Account"]
    recordIds: list[RecordId] = Field(min_length=1)
    changeType: str
    commitTimestamp: int = Field(ge=0)
    commitNumber: int = Field(default=0, ge=0)
    commitUser: str | None = None
    changedFields: list[str] = Field(default_factory=list)


PayloadValue = str | int | float | bool


class RecordChange(BaseModel):
    """One record's change: what the sync needs from any of the accepted shapes."""

    model_config = ConfigDict(frozen=True)

    sobject: Literal["SCMC__Supplier_Site__c", "Account"]
    record_id: RecordId
    change_type: str
    version: str = Field(description="sortable change version: commit time and number, zero-padded")
    changed_fields: tuple[str, ...] = ()
    # The field values the event carried (CDC: every non-null field of a CREATE, the changed ones of an
    # UPDATE). Hints for reading ahead only: the sync always reads the record's current state.
    payload_values: tuple[tuple[str, PayloadValue], ...] = ()

    def payload_value(self, field: str) -> PayloadValue | None:
        return next((value for name, value in self.payload_values if name == field), None)

    @property
    def idempotency_key(self) -> dict[str, str]:
        """Keyed on the record and its change version, never on the message id: a redelivery or a
        replay of the same change is the same work."""
        return {"sobject": self.sobject, "record": self.record_id, "version": self.version}


def change_version(commit_timestamp_ms: int, commit_number: int = 0) -> str:
    """CDC's commitTimestamp then commitNumber, as text that sorts like the pair (40 characters max)."""
    return f"{commit_timestamp_ms:013d}:{commit_number:020d}"


def version_of_modstamp(system_modstamp: str) -> str:
    """The version of a record's SystemModstamp, comparable with CDC versions."""
    moment = dt.datetime.fromisoformat(system_modstamp.replace("Z", "+00:00").replace("+0000", "+00:00"))
    return change_version(int(moment.timestamp() * 1000))


def parse_changes(body: str) -> list[RecordChange]:
    """The changes in one SQS message body (the EventBridge event). Refuses what it cannot use."""
    try:
        event = json.loads(body)
    except ValueError:
        raise BadRequestError("The message body is not valid JSON: it cannot be a supplier site change") from None
    return changes_of_event(event)


def changes_of_event(event: Any) -> list[RecordChange]:
    if not isinstance(event, dict) or not isinstance(event.get("detail"), dict):
        raise BadRequestError("The message is not an EventBridge event with a 'detail' object")
    detail_type = event.get("detail-type")
    if detail_type not in KNOWN_DETAIL_TYPES:
        raise BadRequestError(f"Unexpected detail-type '{str(detail_type)[:80]}': expected one of "
                              f"{', '.join(KNOWN_DETAIL_TYPES)}")  # fmt: skip
    payload = event["detail"].get("payload")
    if not isinstance(payload, dict):
        raise BadRequestError("The event has no detail.payload object")
    try:
        if detail_type == PLATFORM_EVENT:
            return [_platform_change(payload, event)]
        header = ChangeEventHeader.model_validate(payload.get("ChangeEventHeader"))
    except ValidationError as error:
        raise BadRequestError(describe_validation_error(error)) from None
    version = change_version(header.commitTimestamp, header.commitNumber)
    values = _scalar_values(payload)
    return [
        RecordChange(sobject=header.entityName, record_id=record_id, change_type=header.changeType.upper(),
                     version=version, changed_fields=tuple(header.changedFields), payload_values=values)
        for record_id in header.recordIds
    ]  # fmt: skip


def _scalar_values(payload: dict[str, Any]) -> tuple[tuple[str, PayloadValue], ...]:
    """The payload's plain field values (compound fields, the header and blanks left out)."""
    return tuple(
        (name, value) for name, value in payload.items()
        if name != "ChangeEventHeader" and isinstance(value, str | int | float | bool) and value != ""
    )  # fmt: skip


class _PlatformPayload(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    record_id: RecordId = Field(alias="Record_Id__c")
    version: str | None = Field(default=None, alias="Version__c", max_length=40)


def _platform_change(payload: dict[str, Any], event: dict[str, Any]) -> RecordChange:
    parsed = _PlatformPayload.model_validate(payload)
    # Without an explicit version the event time orders the change (platform events carry no commit number).
    version = parsed.version or version_of_modstamp(str(payload.get("CreatedDate") or event.get("time")))
    return RecordChange(sobject=SITE_OBJECT, record_id=parsed.record_id, change_type="UPDATE", version=version)
