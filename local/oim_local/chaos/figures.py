"""The figures a chaos run prints, and whether they keep the promise."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class FlowVerdict(BaseModel):
    """What the checks found for one flow once the dust settled."""

    model_config = ConfigDict(extra="forbid")

    flow: str
    documents: int = 0
    expected_created: int = 0
    expected_failed: int = 0
    created: int = 0
    target_lines: int = 0
    duplicates: int = 0
    lost: int = 0
    stuck: int = 0
    unmarked_failures: int = 0
    wrong_totals: int = 0
    orphans: int = 0
    # Documents the data set expected but the flow refuses (and marks): a data-set question, not a loss.
    manifest_disagreements: int = 0
    problems: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class OracleVerdict(BaseModel):
    """The independent oracle's verdict on one flow: every field of every source's outcome."""

    model_config = ConfigDict(extra="forbid")

    flow: str
    judged: int = 0
    documents: int = 0  # sources the oracle intends a document for
    refusals: int = 0  # sources the oracle intends refused
    right: int = 0
    wrong: int = 0  # sources whose outcome differs in at least one field
    wrong_fields: int = 0
    missing: int = 0  # intended documents Accounting does not hold
    false_export_errors: int = 0  # sources marked Export Error that the oracle intends exported
    lines: int = 0
    problems: list[str] = Field(default_factory=list)


class HandlerFigures(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: int = 0
    supplier_sites: int = 0
    invocations: int = 0
    job_batches_delivered_twice: int = 0
    continuations: int = 0  # job messages that carry a run on from an earlier invocation
    invocations_parked: int = 0  # scheduled invocations that failed and went to the failed-invocations DLQ
    invocations_replayed: int = 0
    supplier_batches_delivered_twice: int = 0
    supplier_updates_before_create: int = 0
    supplier_letters_put_back: int = 0
    vendor_accounts_expected: int = 0
    vendor_accounts_right: int = 0
    vendor_refusals_right: int = 0
    vendor_problems: list[str] = Field(default_factory=list)
    oracle: list[OracleVerdict] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        bad = sum(v.wrong + v.missing + v.false_export_errors for v in self.oracle)
        return bad == 0 and not self.vendor_problems

    def render(self) -> str:
        judged = sum(v.judged for v in self.oracle)
        right = sum(v.right for v in self.oracle)
        wrong = sum(v.wrong for v in self.oracle)
        missing = sum(v.missing for v in self.oracle)
        false_errors = sum(v.false_export_errors for v in self.oracle)
        lines = [
            f"handler runs:     {self.documents} documents, {self.supplier_sites} supplier sites, "
            f"{self.invocations} invocations",
            f"  jobs:           {self.job_batches_delivered_twice} batches delivered twice, "
            f"{self.continuations} continuations, {self.invocations_parked} failed invocations parked, "
            f"{self.invocations_replayed} replayed from the DLQ",
            f"  supplier sites: {self.supplier_batches_delivered_twice} batches delivered twice, "
            f"{self.supplier_updates_before_create} updates ahead of their create, "
            f"{self.supplier_letters_put_back} DLQ letters put back",
            f"  vendor accounts: {self.vendor_accounts_right} of {self.vendor_accounts_expected} right, "
            f"{self.vendor_refusals_right} refused as intended, {len(self.vendor_problems)} problems",
            f"  oracle:         {judged} judged, {right} right, {wrong} wrong, {missing} missing, "
            f"{false_errors} false Export Errors",
        ]
        lines.extend(f"    {p}" for p in self.vendor_problems[:10])
        for verdict in self.oracle:
            lines.extend(f"    {verdict.flow}: {p}" for p in verdict.problems[:10])
        return "\n".join(lines)


class ChaosFigures(BaseModel):
    model_config = ConfigDict(extra="forbid")

    flows: list[str]
    documents: int
    faults_injected: dict[str, int] = Field(default_factory=dict)
    api_requests: int = 0
    crashes: int = 0
    kills_by_place: dict[str, int] = Field(default_factory=dict)
    runs: int = 0
    concurrent_runs: int = 0
    stale_claims_planted: int = 0
    edits: dict[str, int] = Field(default_factory=dict)
    daily_limit_stopped: bool | None = None
    daily_limit_untouched_new: int = 0
    daily_limit_problem: str | None = None
    verdicts: list[FlowVerdict] = Field(default_factory=list)
    oracle: list[OracleVerdict] = Field(default_factory=list)
    handlers: HandlerFigures | None = None
    wall_seconds: float = 0.0

    def total(self, name: str) -> int:
        return sum(int(getattr(v, name)) for v in self.verdicts)

    @property
    def ok(self) -> bool:
        bad = ("duplicates", "lost", "stuck", "unmarked_failures", "wrong_totals", "orphans")
        oracle_bad = ("wrong", "missing", "false_export_errors")
        return (
            all(self.total(name) == 0 for name in bad)
            and all(self.oracle_total(name) == 0 for name in oracle_bad)
            and self.daily_limit_problem is None
            and (self.handlers is None or self.handlers.ok)
        )

    def oracle_total(self, name: str) -> int:
        return sum(int(getattr(v, name)) for v in self.oracle)

    def render(self) -> str:
        faults = sum(self.faults_injected.values())
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.faults_injected.items())) or "none"
        limit = {None: "not tried", True: "run stopped and said so", False: "NOT REPORTED"}[self.daily_limit_stopped]
        lines = [
            f"flows:            {', '.join(self.flows)}",
            f"documents:        {self.documents}",
            f"faults injected:  {faults} ({kinds})",
            f"api requests:     {self.api_requests}",
            f"crashes:          {self.crashes} (SIGKILL at writes: "
            + (", ".join(f"{place} {n}" for place, n in sorted(self.kills_by_place.items())) or "none")
            + ")",
            f"connector runs:   {self.runs} ({self.concurrent_runs} started concurrently)",
            f"stale claims:     {self.stale_claims_planted} planted",
            "source edits:     " + (", ".join(f"{k} {n}" for k, n in self.edits.items()) or "none"),
            f"daily limit:      {limit}; {self.daily_limit_untouched_new} untouched records still New",
            f"created:          {self.total('created')} documents, {self.total('target_lines')} lines "
            f"(expected {self.total('expected_created')}; {self.total('expected_failed')} refused on purpose)",
            f"duplicates:       {self.total('duplicates')}",
            f"lost:             {self.total('lost')}",
            f"stuck:            {self.total('stuck')}",
            f"unmarked failures:{self.total('unmarked_failures'):>2}",
            f"wrong totals:     {self.total('wrong_totals')}",
            f"orphans:          {self.total('orphans')}",
            f"refused, not in the data set's plan: {self.total('manifest_disagreements')} (marked Export Error)",
            f"oracle:           {self.oracle_total('judged')} sources judged field by field "
            f"({self.oracle_total('documents')} documents, {self.oracle_total('lines')} lines, "
            f"{self.oracle_total('refusals')} refusals): {self.oracle_total('right')} right, "
            f"{self.oracle_total('wrong')} wrong ({self.oracle_total('wrong_fields')} fields), "
            f"{self.oracle_total('missing')} missing",
            f"false Export Errors: {self.oracle_total('false_export_errors')}",
            f"wall time:        {self.wall_seconds:.1f} s",
            f"verdict:          {'OK' if self.ok else 'FAILED'}",
        ]
        if self.handlers is not None:
            lines.insert(-2, self.handlers.render())
        if self.daily_limit_problem:
            lines.append(f"  daily limit: {self.daily_limit_problem}")
        for verdict in self.verdicts:
            lines.extend(f"  {verdict.flow}: {problem}" for problem in verdict.problems[:10])
            lines.extend(f"  {verdict.flow}: note: {note}" for note in verdict.notes[:5])
        for judged in self.oracle:
            lines.extend(f"  {judged.flow}: oracle: {problem}" for problem in judged.problems[:10])
        return "\n".join(lines)
