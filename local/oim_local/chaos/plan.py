"""What a chaos run does: how much data, which faults, how many crashes."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class ChaosPlan(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    work_dir: Path
    documents: int = Field(default=1000, ge=1, description="source documents, spread over the implemented flows")
    lines: tuple[int, int] = (1, 20)
    # Large documents: this share of the sales invoices gets a line count from large_lines, enough to
    # need several graphs of nodes_per_graph (each line is 2 nodes: the line and its source's link).
    large_share: float = Field(default=0.05, ge=0.0, le=1.0)
    large_lines: tuple[int, int] = (260, 300)
    nodes_per_graph: int = Field(default=500, ge=10, le=500)
    invalid_share: float = Field(default=0.1, ge=0.0, le=1.0)
    fault_rate: float = Field(default=0.1, ge=0.0, le=1.0)
    latency_ms: int = Field(default=2, ge=0, description="added to every API request")
    seed: int = 0
    crashes: int = Field(default=5, ge=0, description="connector runs killed with SIGKILL")
    concurrent_runs: int = Field(default=2, ge=1, description="scheduled runs of one flow started together")
    daily_limit_after: int | None = Field(default=6, ge=1, description="requests before the daily limit (phase 1)")
    edits: int = Field(
        default=3, ge=0, description="pending sales invoices edited, and exported ones posted then edited"
    )
    handler_documents: int = Field(
        default=0,
        ge=0,
        description="documents (and supplier sites) run through the "
        "Lambda handlers in process, on a data set of their own (0: none)",
    )
    handler_time_budget_seconds: float = Field(default=1.02, gt=1.0, description="the handlers' Lambda time budget")
    stale_claims: int = Field(default=3, ge=0, description="sources left 'Export in Process' by a dead process")
    settle_rounds: int = Field(default=4, ge=1, description="runs per flow, faults still on, after the crashes")
    flows: tuple[str, ...] | None = Field(default=None, description="default: every implemented document flow")
    run_timeout_seconds: float = Field(default=900.0, gt=0)
