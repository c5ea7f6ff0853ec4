"""Bodies of the HTTP API (camelCase, as the Salesforce buttons send them)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, model_validator

from oim_connector.errors import BadRequestError
from oim_connector.ids import RecordId
from oim_connector.model.json_body import load_json_object
from oim_connector.model.requests import MAX_IDS_PER_RUN

MAX_BODY_BYTES = 256 * 1024


class RecordActionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recordId: RecordId
    # "Calculate Tax" in Avalara before export (the record action's checkbox, connector-spec §10).
    calculateTax: StrictBool = False


class ListActionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recordIds: list[RecordId] | None = Field(default=None, max_length=MAX_IDS_PER_RUN)
    allEligible: bool = False
    # "Calculate Tax" before export; absent: the flow's Avalara setting decides.
    calculateTax: StrictBool | None = None
    # The user who pressed the button (UserInfo.getUserId()): told when a background job finishes.
    requestedBy: RecordId | None = None

    @model_validator(mode="after")
    def _one_selection(self) -> ListActionBody:
        if self.allEligible and self.recordIds:
            raise ValueError("send either recordIds or allEligible: true, not both")
        if not self.allEligible and not self.recordIds:
            raise ValueError("select at least one record (recordIds) or send allEligible: true")
        return self


def parse_body[M: BaseModel](raw: str | None, model: type[M]) -> M:
    data = load_json_object(raw, MAX_BODY_BYTES)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise BadRequestError(describe_validation_error(error)) from None


def describe_validation_error(error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        location = ".".join(str(part) for part in item["loc"]) or "body"
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "too_long":
            message = f"too many values: at most {MAX_IDS_PER_RUN} records per request"
        elif item["type"] == "extra_forbidden":
            message = "is not a field the API accepts"
        problems.append(f"{location}: {message}")
    return "Invalid request: " + "; ".join(problems)
