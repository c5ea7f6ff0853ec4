"""Bodies of the HTTP API (camelCase, as the Salesforce buttons send them)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, model_validator

from oim_connector.errors import BadRequestError
from oim_connector.ids import RecordId
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
    if raw is None or not raw.strip():
        raise BadRequestError('The request has no body: send a JSON object such as {"recordId": "..."}')
    if len(raw.encode("utf-8", "replace")) > MAX_BODY_BYTES:
        raise BadRequestError(f"The request body is larger than {MAX_BODY_BYTES // 1024} KB: select fewer records")
    try:
        data: Any = json.loads(raw)
    except ValueError:
        raise BadRequestError("The request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise BadRequestError("The request body must be a JSON object")
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
