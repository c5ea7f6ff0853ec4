"""Avalara credentials as stored in Secrets Manager (never logged: SecretStr)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class AvalaraCredentials(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account_id: str = Field(min_length=1, max_length=40)
    license_key: SecretStr
    # "sandbox", "production", or a base URL (https://...) such as the local AvaTax stand-in.
    environment: str = Field(default="sandbox", pattern=r"^(sandbox|production|https://\S+)$")
    # PEM of a CA to trust (the local stand-in's self-signed certificate); never set for Avalara itself.
    ca_bundle: str | None = None
    timeout_seconds: float = Field(default=20.0, gt=0, le=120)
