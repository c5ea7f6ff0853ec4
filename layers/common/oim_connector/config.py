"""The function's environment, validated once per execution environment."""

from __future__ import annotations

import os
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from oim_connector.errors import ConfigurationError


class FunctionEnvironment(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    # A document or sync flow id, or "admin" / "dlq-replay" for the operational functions.
    FLOW: str | None = None
    SALESFORCE_SECRET_ARN: str | None = None
    # The table holding the saved settings (the stack's jobs table; settings_repo.py).
    SETTINGS_TABLE: str = "oim-connector-jobs"
    IDEMPOTENCY_TABLE: str | None = None
    JOBS_TABLE: str | None = None
    JOBS_QUEUE_URL: str | None = None
    NOTIFICATIONS_TOPIC_ARN: str | None = None  # alarms
    RUN_SUMMARY_TOPIC_ARN: str | None = None  # run summaries (their own topic: other subscribers than the alarms')
    # The custom notification type's id (stack parameter CustomNotificationTypeId); unset: no bell notifications.
    CUSTOM_NOTIFICATION_TYPE_ID: str | None = Field(default=None, pattern=r"^(0ML[A-Za-z0-9]{12}([A-Za-z0-9]{3})?)?$")
    SYNC_LIST_LIMIT: int = Field(default=50, ge=1, le=500)
    MAX_LIST_IDS: int = Field(default=5000, ge=1, le=5000)
    # Stop a batch loop this many seconds before Lambda's timeout and hand over a checkpoint.
    SAFETY_MARGIN_SECONDS: float = Field(default=60.0, ge=1)
    # Source documents a run reads and writes per batch (the time budget is checked between batches).
    RUN_BATCH_SIZE: int = Field(default=500, ge=1, le=2000)
    # Retries toward Salesforce (by error class; see org/retry.py).
    SALESFORCE_RETRY_ATTEMPTS: int = Field(default=6, ge=1, le=20)
    SALESFORCE_RETRY_BASE_SECONDS: float = Field(default=0.2, ge=0)
    SALESFORCE_CONCURRENCY_BACKOFF_SECONDS: float = Field(default=5.0, ge=0)
    # Avalara AvaTax (connector-spec §10): its credentials' secret, and the table of commit claims.
    AVALARA_SECRET_ARN: str | None = None
    TAX_CLAIMS_TABLE: str | None = None


@cache
def environment() -> FunctionEnvironment:
    try:
        return FunctionEnvironment.model_validate(dict(os.environ))
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise ConfigurationError(f"The function's environment is incomplete: {problems}") from None
