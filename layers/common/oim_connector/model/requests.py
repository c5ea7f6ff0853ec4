"""What a trigger asks the engine to do, once validated."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from oim_connector.ids import RecordId
from oim_connector.model.flows import FlowId

MAX_IDS_PER_RUN = 5000


class TriggerKind(StrEnum):
    RECORD = "record"
    LIST = "list"
    SCHEDULE = "schedule"
    EVENT = "event"
    JOB = "job"
    CLI = "cli"


class RunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    flow: FlowId
    trigger: TriggerKind
    run_id: str = Field(min_length=1, max_length=100)
    record_ids: tuple[RecordId, ...] | None = Field(default=None, max_length=MAX_IDS_PER_RUN)
    all_eligible: bool = False
    dry_run: bool = False
    # Keyset paging position for "all eligible" runs handed from one invocation to the next.
    after_id: RecordId | None = None
    # The OIM event that triggered an automatic run (create-when settings decide).
    event: str | None = Field(default=None, max_length=80)
    # "Calculate Tax" in Avalara before export (connector-spec §10); None: the flow's setting decides.
    calculate_tax: bool | None = None

    @model_validator(mode="after")
    def _one_selection(self) -> RunRequest:
        if (self.record_ids is None) == (not self.all_eligible):
            raise ValueError("give either record ids or all_eligible, not both and not neither")
        if self.record_ids is not None and not self.record_ids:
            raise ValueError("the list of record ids is empty: select at least one record")
        return self
