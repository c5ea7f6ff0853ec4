"""The function's environment, validated once per execution environment."""

from __future__ import annotations

import os
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from oim_connector.errors import ConfigurationError
from oim_connector.model.flows import FlowId


class FunctionEnvironment(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    FLOW: FlowId | None = None
    SALESFORCE_SECRET_ARN: str = Field(min_length=1)
    SETTINGS_PARAMETER: str = "/oim-connector/settings"
    IDEMPOTENCY_TABLE: str | None = None
    JOBS_TABLE: str | None = None
    JOBS_QUEUE_URL: str | None = None
    NOTIFICATIONS_TOPIC_ARN: str | None = None
    SYNC_LIST_LIMIT: int = Field(default=50, ge=1, le=500)
    MAX_LIST_IDS: int = Field(default=5000, ge=1, le=5000)
    # Stop a batch loop this many seconds before Lambda's timeout and hand over a checkpoint.
    SAFETY_MARGIN_SECONDS: float = Field(default=60.0, ge=1)


@cache
def environment() -> FunctionEnvironment:
    try:
        return FunctionEnvironment.model_validate(dict(os.environ))
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise ConfigurationError(f"The function's environment is incomplete: {problems}") from None
