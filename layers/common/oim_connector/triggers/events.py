"""EventBridge: Scheduler runs and OIM events relayed from Salesforce."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError

from oim_connector.errors import BadRequestError
from oim_connector.ids import RecordId
from oim_connector.model.api import describe_validation_error
from oim_connector.model.flows import FlowId

# The Salesforce package ships the platform event as its own, un-namespaced (no org can create
# components under SCMFFA); an org that has it under the earlier package's namespace relays that name.
OIM_EVENT_TYPES = ("OIM_Document_Event__e", "SCMFFA__OIM_Document_Event__e")
# The moments the Salesforce package's triggers publish, per flow (connector-spec.md 2.1 "create
# when"); "criteria-checked" is the flow's custom-criteria checkbox turning on.
CRITERIA_CHECKED = "criteria-checked"
EVENTS_BY_FLOW: dict[FlowId, frozenset[str]] = {
    FlowId.SALES_INVOICES: frozenset({"shipment-completed", "drop-ship-billed", CRITERIA_CHECKED}),
    FlowId.SALES_CREDIT_NOTES: frozenset({"invoice-credited", "invoice-voided", CRITERIA_CHECKED}),
    FlowId.PAYABLE_INVOICES: frozenset({"voucher-matched", CRITERIA_CHECKED}),
    FlowId.PAYABLE_CREDIT_NOTES: frozenset({"voucher-credited", CRITERIA_CHECKED}),
    FlowId.JOURNALS: frozenset({"perpetual-record-created", CRITERIA_CHECKED}),
}
OIM_EVENT_NAMES = frozenset().union(*EVENTS_BY_FLOW.values())


def oim_payload_value(payload: Mapping[str, Any], field: str) -> Any:
    """A field of an OIM event's payload under either of its names (``Flow__c``, ``SCMFFA__Flow__c``)."""
    return payload.get(field, payload.get(f"SCMFFA__{field}"))


class ScheduleInput(BaseModel):
    """The target input an EventBridge Scheduler schedule sends (set by the admin API)."""

    model_config = ConfigDict(extra="forbid")

    flow: FlowId
    trigger: str = Field(pattern="^schedule$")
    scheduleName: str = Field(min_length=1, max_length=200)
    scheduledTime: str = Field(min_length=1, max_length=40)


class OimEventPayload(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    flow: FlowId = Field(validation_alias=AliasChoices("Flow__c", "SCMFFA__Flow__c"))
    event: str = Field(validation_alias=AliasChoices("Event__c", "SCMFFA__Event__c"), max_length=80)
    record_id: RecordId = Field(validation_alias=AliasChoices("Record_Id__c", "SCMFFA__Record_Id__c"))
    # Set by Salesforce on every platform event: the user whose save published it.
    created_by: RecordId | None = Field(default=None, validation_alias=AliasChoices("CreatedById", "created_by"))


class OimEvent(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: str
    source: str
    detail_type: str = Field(alias="detail-type")
    payload: OimEventPayload


def not_for_flow(flow: FlowId, payload: OimEventPayload) -> str | None:
    """Why an OIM event is not this flow's to act on (another flow, or a kind the flow has not), else None."""
    if payload.flow != flow:
        return f"a {payload.flow.value} event reached the {flow.value} function"
    if payload.event not in EVENTS_BY_FLOW.get(flow, frozenset()):
        known = ", ".join(sorted(EVENTS_BY_FLOW.get(flow, frozenset())))
        return f"'{payload.event}' is not an event of {flow.value} (its events: {known})"
    return None


def parse_schedule(event: dict[str, Any]) -> ScheduleInput:
    try:
        return ScheduleInput.model_validate(event)
    except ValidationError as error:
        raise BadRequestError(describe_validation_error(error)) from None


def parse_oim_event(event: dict[str, Any]) -> OimEvent:
    detail_type = event.get("detail-type")
    if detail_type not in OIM_EVENT_TYPES:
        raise BadRequestError(f"Events of type '{str(detail_type)[:80]}' are not for this connector")
    detail = event.get("detail") or {}
    payload = detail.get("payload") if isinstance(detail, dict) else None
    try:
        return OimEvent.model_validate({**event, "payload": payload})
    except ValidationError as error:
        raise BadRequestError(describe_validation_error(error)) from None
