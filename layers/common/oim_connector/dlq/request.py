"""What an operator asks the dlq-replay function to do (its event), validated."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ReplayRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    action: Literal["replay", "list"] = "replay"
    queue: str = Field(min_length=1, max_length=300)
    limit: int | None = Field(default=None, ge=1, le=100_000)
    dry_run: bool = Field(default=False, alias="dryRun")
    method: Literal["auto", "move-task", "copy", "reinvoke"] = "auto"
    wait_seconds: float = Field(default=60.0, ge=0, le=240, alias="waitSeconds")
