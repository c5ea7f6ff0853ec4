"""The engine: select -> load -> map -> write -> write back, with a run report.

Handlers and the command line call ``run_flow``; everything here is I/O through the org
port, with the accounting rules in ``mapping`` and the write plan in ``graphs``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, cast

from oim_connector.convergence import Held, held_documents, posted_refusal
from oim_connector.errors import ConfigurationError, DailyLimitReachedError, OrgError, TransientOrgError
from oim_connector.flows.base import DocumentFlow
from oim_connector.graphs import plan_graphs
from oim_connector.hooks import Hook, HookContext, apply_hook, load_hook
from oim_connector.lock_lanes import LockLanes, Ticket
from oim_connector.mapping.avalara import needs_calculation, tax_refusal
from oim_connector.mapping.reference import ReferenceData
from oim_connector.mapping.rules import release_stale_claim
from oim_connector.model.documents import EXPORT_ERROR_FIELD, EXPORT_STATUS_FIELD, Mapped
from oim_connector.model.report import DocumentRef, Outcome, RunReport, SourceResult
from oim_connector.model.requests import RunRequest, TriggerKind
from oim_connector.model.settings import AvalaraFlowSettings, ConnectorSettings, FieldRule, FlowSettings
from oim_connector.org.graph import Graph, GraphResult
from oim_connector.org.port import OrgPort
from oim_connector.org.soql import Condition, Select, all_of, eq, gt, is_in
from oim_connector.tax.calculate import TAX_SOURCES, calculate_tax
from oim_connector.tax.port import TaxPort

log = logging.getLogger(__name__)

IDS_PER_QUERY = 300  # keeps a GET query well inside the 16 KB URI limit
# An OIM Export Error holds 255 characters: Text(255) on Credit Invoice (OIM DD 2023.3), a TextArea on perpetual
# records (OIM DD 2024.1), unpublished elsewhere. The whole message stays in the run's results.
MAX_ERROR_LENGTH = 255


@dataclass
class RunContext:
    org: OrgPort
    settings: ConnectorSettings
    today: dt.date
    batch_size: int = 500
    # Seconds left before the invocation must stop; None means no limit.
    remaining_seconds: Callable[[], float] | None = None
    min_seconds_per_batch: float = 60.0
    fetch_document_names: bool = True
    # Called after each batch with the report so far (the command line's progress bar).
    progress: Callable[[RunReport], None] | None = None
    # The clock for stale claims; None means the wall clock when the run starts.
    now: dt.datetime | None = None
    # Avalara AvaTax for runs that calculate tax before export, made on first use (reading its secret);
    # None, or a factory answering None, when no connection is configured.
    tax_factory: Callable[[], TaxPort | None] | None = None
    # The flow's reference data: given when a continuation carries it, else loaded by the run's first batch
    # (and left here for the caller to carry on).
    reference: ReferenceData | None = None
    _tax: list[TaxPort | None] = field(default_factory=list, repr=False)

    def tax(self) -> TaxPort | None:
        if not self._tax:
            self._tax.append(self.tax_factory() if self.tax_factory is not None else None)
        return self._tax[0]

    def stale_before(self) -> dt.datetime:
        """'Export in Process' older than this was left by a process that died: process it again."""
        now = self.now or dt.datetime.now(dt.UTC)
        return now - dt.timedelta(minutes=self.settings.general.stale_claim_minutes)


@dataclass
class _WriteOutcome:
    mapped: Mapped
    graph_results: list[GraphResult] = field(default_factory=list)
    unknown: str | None = None  # the outcome is unknown (transport failure after retries)
    refused: str | None = None  # refused before or after writing (a posted document, a write that did not converge)

    def take(self, other: _WriteOutcome) -> None:
        """What a second attempt (converging, smaller graphs) answered replaces the first's."""
        self.graph_results, self.unknown, self.refused = other.graph_results, other.unknown, other.refused


def run_flow(request: RunRequest, flow: DocumentFlow, ctx: RunContext) -> RunReport:
    report = RunReport(flow=request.flow.value, trigger=request.trigger.value, run_id=request.run_id,
                       dry_run=request.dry_run)  # fmt: skip
    flow_settings = flow.settings_of(ctx.settings)
    extra: list[Condition] = []
    if request.trigger == TriggerKind.EVENT:
        if not flow_settings.create_when and not flow_settings.custom_criteria_field:
            report.stopped_reason = (
                f"Automatic creation is off for {request.flow.value}: the event was acknowledged and ignored"
            )
            return report
        if not flow_settings.create_when and flow_settings.custom_criteria_field:
            extra.append(eq(flow_settings.custom_criteria_field, True))
    rules = flow.rules(ctx.settings)
    # Loaded before anything is read, so a hook that cannot be imported fails the run at once.
    hook = (flow_settings.hook, load_hook(flow_settings.hook)) if flow_settings.hook else None
    requests_before = ctx.org.usage().requests_made
    writer = _Writer(ctx, flow)

    def out_of_time() -> bool:
        return request.all_eligible and _out_of_time(ctx)

    try:
        with writer.lanes, _ReadAhead(_batches(request, flow, ctx, extra)) as reader:
            submitted: deque[_Submitted] = deque()
            stopped_early = False
            taken = 0
            while True:
                # One batch always goes; then each further one only while time is left for it.
                if submitted and out_of_time():
                    stopped_early = True
                    break
                item = reader.take()
                if item is None:
                    break
                taken += 1
                batch, missing, last = item
                if not last and not out_of_time():
                    reader.prefetch()  # the next batch is read while this one is mapped and written
                _report_missing(report, request, flow, ctx, missing, extra, flow_settings)
                if batch:
                    if ctx.reference is None:
                        ctx.reference = flow.load_reference(ctx.org, ctx.settings)
                    mapped = _map_batch(request, flow, ctx, report, batch, rules)
                    # Sources some run has tried before may have a partly written document to converge.
                    attempted = {str(r["Id"]) for r in batch if _attempted(r)}
                    submitted.append(writer.submit(mapped, report, request, hook, attempted, str(batch[-1]["Id"])))
                if last:
                    break
                # The oldest batch is done while the newest is queued behind it; the small first batch stays
                # queued beside the second, so finishing it (auto-posting it) never holds up mapping the third.
                while len(submitted) > (2 if taken == 2 and ctx.batch_size > FIRST_BATCH_DOCUMENTS else 1):
                    writer.finish(submitted.popleft(), report)
            writer.lanes.finish()
            checkpoint = None
            while submitted:
                checkpoint = writer.finish(submitted.popleft(), report)
            writer.mark_pending_errors()
            if stopped_early and checkpoint is not None:
                report.checkpoint = checkpoint
                report.stopped_reason = "time budget reached: a continuation carries on from the checkpoint"
    except DailyLimitReachedError as error:
        report.stopped_reason = error.message
    report.api_requests = ctx.org.usage().requests_made - requests_before
    return report


def _report_missing(
    report: RunReport, request: RunRequest, flow: DocumentFlow, ctx: RunContext, missing: list[str],
    extra: list[Condition], flow_settings: FlowSettings,
) -> None:  # fmt: skip
    explained = flow.explain_missing(ctx.org, missing) if missing else {}
    if request.trigger == TriggerKind.EVENT and extra:
        # An OIM event for a record that does not meet the custom criteria is acknowledged, not an error.
        for record_id in [i for i in missing if i not in explained]:
            reason = f"not created automatically: its {flow_settings.custom_criteria_field} is not checked"
            report.add(SourceResult(source_id=record_id, outcome=Outcome.SKIPPED, reason=reason))
        missing = [i for i in missing if i in explained]
    for record_id in missing:
        report.add(SourceResult(
            source_id=record_id, outcome=Outcome.FAILED,
            errors=[explained.get(record_id) or f"No {flow.source_object} record has the Id {record_id}" +
                    (" that meets the automatic-creation criteria" if extra else "")],
        ))  # fmt: skip


def _map_batch(
    request: RunRequest, flow: DocumentFlow, ctx: RunContext, report: RunReport, batch: list[dict[str, object]],
    rules: list[FieldRule],
) -> list[Mapped]:  # fmt: skip
    assert ctx.reference is not None
    stale_before = ctx.stale_before()
    avalara = flow.avalara(ctx.settings)
    tax_errors: dict[str, str] = {}
    if avalara is not None and _calculates_tax(request, avalara) and not request.dry_run:
        batch, tax_errors = _calculate_tax(flow, batch, avalara, ctx, report)
    return [
        _tax_gate(flow.map(release_stale_claim(r, stale_before), ref=ctx.reference, settings=ctx.settings,
                           rules=rules, today=ctx.today), r, avalara, flow, tax_errors)
        for r in batch
    ]  # fmt: skip


class _ReadAhead[T]:
    """Batches read one ahead in a background thread, only when asked (``prefetch``)."""

    def __init__(self, items: Iterator[T]) -> None:
        self._items = items
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-ahead")
        self._next: Future[T | None] | None = None

    def prefetch(self) -> None:
        if self._next is None:
            self._next = self._pool.submit(next, self._items, None)

    def take(self) -> T | None:
        self.prefetch()
        assert self._next is not None
        future, self._next = self._next, None
        return future.result()

    def __enter__(self) -> _ReadAhead[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True)
        close = getattr(self._items, "close", None)
        if close is not None:
            close()


def _calculates_tax(request: RunRequest, avalara: AvalaraFlowSettings) -> bool:
    if request.calculate_tax is not None:
        return request.calculate_tax
    if request.trigger in (TriggerKind.LIST, TriggerKind.JOB):
        return avalara.calculate_on_list
    if request.trigger == TriggerKind.SCHEDULE:
        return avalara.calculate_on_schedule
    return False


def _calculate_tax(
    flow: DocumentFlow, batch: list[dict[str, object]], avalara: AvalaraFlowSettings, ctx: RunContext,
    report: RunReport,
) -> tuple[list[dict[str, object]], dict[str, str]]:  # fmt: skip
    """Calculate the batch's untaxed sources in Avalara, then read the batch again with its new tax."""
    todo = [str(r["Id"]) for r in needs_calculation(batch, avalara, flow.back_link_field)]
    if not todo:
        return batch, {}
    try:
        tax = ctx.tax()
    except ConfigurationError as error:
        return batch, dict.fromkeys(todo, f"Calculate Tax is not possible: {error.message}")
    outcome = calculate_tax(flow.flow, todo, org=ctx.org, tax=tax, avalara=avalara,
                            shared=ctx.settings.avalara, now=ctx.now or dt.datetime.now(dt.UTC))  # fmt: skip
    report.tax_requests += outcome.requests
    if not outcome.calculated:
        return batch, outcome.failed
    ids = [str(r["Id"]) for r in batch]
    fresh = {str(r["Id"]): r for r in ctx.org.query(flow.selection(ctx.settings, is_in("Id", ids)))}
    return [fresh.get(i, r) for i, r in zip(ids, batch, strict=True)], outcome.failed


def _tax_gate(
    mapped: Mapped, record: dict[str, object], avalara: AvalaraFlowSettings | None, flow: DocumentFlow,
    tax_errors: dict[str, str],
) -> Mapped:  # fmt: skip
    """A source whose tax is not calculated is refused, whatever its mapping made of it (§10)."""
    if avalara is None or mapped.skip_reason:
        return mapped
    source = TAX_SOURCES.get(flow.flow)
    label = source.label if source is not None else flow.document_label
    why = tax_errors.get(mapped.source_id) or tax_refusal(record, avalara, label)
    if why is None:
        return mapped
    return Mapped(source_id=mapped.source_id, source_name=mapped.source_name, errors=(why,))


def _attempted(record: dict[str, object]) -> bool:
    """A run has tried this source before: it may hold a partly written document ("New" is untried)."""
    return record.get(EXPORT_STATUS_FIELD) not in (None, "", "New") or bool(record.get(EXPORT_ERROR_FIELD))


def _out_of_time(ctx: RunContext) -> bool:
    return ctx.remaining_seconds is not None and ctx.remaining_seconds() < ctx.min_seconds_per_batch


# Salesforce runs at most 5 queries in one composite call (25 subrequests, at most 5 of them queries).
_QUERIES_PER_COMPOSITE = 5


class _RidingQuery:
    """The org, with one more query riding in its next composite of queries when that has room for it."""

    def __init__(self, org: OrgPort, select: Select) -> None:
        self._org = org
        self._select = select
        self.rows: list[dict[str, object]] | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._org, name)

    def query_batch(self, selects: Sequence[Select]) -> list[list[dict[str, Any]]]:
        if self.rows is not None or not len(selects) % _QUERIES_PER_COMPOSITE:
            return self._org.query_batch(selects)
        *answers, rows = self._org.query_batch([*selects, self._select])
        self.rows = list(rows)
        return answers


# A part's first batch is smaller: its first writes wait for less reading and mapping (they are the start of
# the heaviest lock key's chain of requests, which sets the run's wall time).
FIRST_BATCH_DOCUMENTS = 200


def _batches(
    request: RunRequest, flow: DocumentFlow, ctx: RunContext, extra: list[Condition]
) -> Iterator[tuple[list[dict[str, object]], list[str], bool]]:
    """(records, requested ids not found, whether it is the last batch)."""
    extra_conditions = list(extra)
    if request.record_ids is not None:
        ids = list(dict.fromkeys(request.record_ids))
        for start in range(0, len(ids), IDS_PER_QUERY):
            chunk = ids[start : start + IDS_PER_QUERY]
            where = all_of([is_in("Id", chunk), *extra_conditions])
            records = list(ctx.org.query(flow.selection(ctx.settings, where)))
            found = {str(r["Id"]) for r in records}
            yield records, [i for i in chunk if i not in found], start + IDS_PER_QUERY >= len(ids)
        return
    after = request.after_id
    # One record more than a batch is read: it says whether another batch follows (so no empty query ends a
    # run whose total is a multiple of the batch size), and it opens that batch.
    carried: list[dict[str, object]] = []
    size = min(ctx.batch_size, FIRST_BATCH_DOCUMENTS)
    while True:
        conditions = [*extra_conditions]
        if after:
            conditions.append(gt("Id", after))
        where = flow.eligible_where(ctx.settings, conditions, stale_before=ctx.stale_before())
        select = flow.selection(ctx.settings, where, limit=size + 1 - len(carried))
        if ctx.reference is None:
            # The first batch's query rides in the composite call that loads the reference data.
            riding = _RidingQuery(ctx.org, select)
            ctx.reference = flow.load_reference(cast(OrgPort, riding), ctx.settings)
            fetched = riding.rows if riding.rows is not None else list(ctx.org.query(select))
        else:
            fetched = list(ctx.org.query(select))
        records = carried + fetched
        if len(records) <= size:
            yield records, [], True
            return
        batch, carried = records[:size], records[size:]
        after = str(carried[-1]["Id"])
        size = ctx.batch_size
        yield batch, [], False


@dataclass
class _Submitted:
    """A batch handed to the writer: what it reports once its ticket is answered."""

    early: list[SourceResult]  # not written: skipped, not eligible, refused by the mapping, or a dry run
    outcomes: list[_WriteOutcome]
    ticket: Ticket | None
    last_id: str


class _Writer:
    """Writes batches through lock lanes, reports each batch once its writes are answered, and marks
    Export Error on refused sources a few hundred at a time, beside the writes."""

    def __init__(self, ctx: RunContext, flow: DocumentFlow) -> None:
        self.ctx = ctx
        self.flow = flow
        self.nodes = ctx.settings.general.nodes_per_graph
        self.lanes = LockLanes(self._send, ctx.settings.general.max_parallel_requests)
        self._owner: dict[str, _WriteOutcome] = {}
        self._graphs = 0
        self._failures: list[tuple[str, str]] = []
        self._marks: list[Ticket] = []

    def submit(
        self, mapped: list[Mapped], report: RunReport, request: RunRequest, hook: tuple[str, Hook] | None,
        attempted: set[str], last_id: str,
    ) -> _Submitted:  # fmt: skip
        early: list[SourceResult] = []
        ready: list[Mapped] = []
        writable = [item for item in mapped if not item.skip_reason and not item.not_eligible and not item.errors]
        if hook is not None:
            context = HookContext(request.flow.value, request.trigger.value, request.run_id, request.dry_run)
            hooked = apply_hook(hook[0], hook[1], writable, context)
            for item in hooked.dropped:
                early.append(SourceResult(source_id=item.source_id, source_name=item.source_name,
                                          outcome=Outcome.SKIPPED, reason=f"dropped by hook {hook[0]}"))  # fmt: skip
            changed = {item.source_id: item for item in hooked.kept}
            mapped = [changed.get(m.source_id, m) for m in mapped
                      if m.skip_reason or m.not_eligible or m.errors or m.source_id in changed]  # fmt: skip
        failures: list[tuple[str, str]] = []
        for item in mapped:
            if item.skip_reason:
                early.append(SourceResult(source_id=item.source_id, source_name=item.source_name,
                                          outcome=Outcome.SKIPPED, reason=item.skip_reason))  # fmt: skip
            elif item.not_eligible:
                # Not an error: nothing is marked on the record, so list views of Export Error stay actionable.
                early.append(SourceResult(source_id=item.source_id, source_name=item.source_name,
                                          outcome=Outcome.NOT_ELIGIBLE,
                                          reason="not eligible: " + "; ".join(item.not_eligible)))  # fmt: skip
            elif item.errors:
                early.append(SourceResult(source_id=item.source_id, source_name=item.source_name,
                                          outcome=Outcome.FAILED, errors=list(item.errors)))  # fmt: skip
                failures.append((item.source_id, "; ".join(item.errors)))
            elif request.dry_run:
                refs = _document_refs(item, {})
                early.append(SourceResult(source_id=item.source_id, source_name=item.source_name,
                                          outcome=Outcome.WOULD_CREATE, documents=refs))  # fmt: skip
            else:
                ready.append(item)
        if request.dry_run:
            return _Submitted(early, [], None, last_id)
        outcomes, ticket = self._queue(ready, attempted)
        self._failures += failures
        if len(self._failures) >= MARKS_PER_CALL:
            self._mark_pending()
        return _Submitted(early, outcomes, ticket, last_id)

    def _queue(self, ready: Sequence[Mapped], attempted: set[str]) -> tuple[list[_WriteOutcome], Ticket]:
        """Documents that fit one graph and were never tried go as graphs, packed by lock key; the rest
        (bigger than a graph, or maybe partly written by an earlier run) converge one by one, as tasks."""
        graphs: list[tuple[str, Graph]] = []
        tasks: list[tuple[str, Callable[[], None]]] = []
        outcomes = []
        for item in ready:
            outcome = _WriteOutcome(item)
            outcomes.append(outcome)
            plans = plan_graphs(item, self.nodes)
            held = held_documents(self.ctx.org, item) if len(plans) == 1 and item.source_id in attempted else None
            if len(plans) > 1 or (held is not None and held.headers):
                tasks.append((_lock_key(item), partial(self._converge, outcome, held)))
                continue
            self._graphs += 1
            graph = Graph(f"g{self._graphs}", plans[0].nodes)
            self._owner[graph.graph_id] = outcome
            graphs.append((_lock_key(item), graph))
        return outcomes, self.lanes.add(graphs, tasks)

    def _converge(self, outcome: _WriteOutcome, held: Held | None) -> None:
        outcome.take(_write_converging(outcome.mapped, self.ctx, self.nodes, self.flow.document_label, held))

    def _send(self, graphs: list[Graph]) -> None:
        """One request (in a lane's thread); a graph over a governor limit is written again in smaller graphs."""
        owners = [self._owner.pop(g.graph_id) for g in graphs]
        try:
            results = self.ctx.org.run_graphs(graphs)
        except DailyLimitReachedError:
            raise
        except (TransientOrgError, OrgError) as error:
            for outcome in owners:
                outcome.unknown = f"Salesforce could not be reached reliably: {error.message}"
            return
        by_id = {g.graph_id: o for g, o in zip(graphs, owners, strict=True)}
        for result in results:
            by_id[result.graph_id].graph_results.append(result)
        for outcome in owners:
            if any(_hit_governor_limit(r) for r in outcome.graph_results):
                # Accounting's triggers ran out of a governor limit: write it again in smaller graphs.
                label = self.flow.document_label
                outcome.take(_write_converging(outcome.mapped, self.ctx, self.nodes // 2, label))

    def finish(self, submitted: _Submitted, report: RunReport) -> str:
        """Wait for the batch's writes and report them; returns the batch's last source Id."""
        if submitted.ticket is not None:
            submitted.ticket.wait()
        for result in submitted.early:
            report.add(result)
        outcomes = submitted.outcomes
        flow, ctx = self.flow, self.ctx
        created_ids: dict[str, str] = {}
        for outcome in outcomes:
            for graph_result in outcome.graph_results:
                for node in graph_result.nodes.values():
                    if node.reference_id.startswith("h") and node.record_id:
                        created_ids[f"{outcome.mapped.source_id}:{node.reference_id}"] = node.record_id
        names = _document_names(ctx, flow, created_ids) if ctx.fetch_document_names else {}
        written: list[SourceResult] = []
        for outcome in outcomes:
            item = outcome.mapped
            if outcome.unknown is not None:
                report.add(SourceResult(source_id=item.source_id, source_name=item.source_name,
                                        outcome=Outcome.FAILED, errors=[outcome.unknown],
                                        reason="not marked: the next run finishes or repeats it safely"))  # fmt: skip
                continue
            errors = [m for r in outcome.graph_results if not r.successful for m in _graph_errors(r)]
            if errors and not outcome.refused and _only_locks(outcome.graph_results):
                # Rows still locked by another transaction after the retries: nothing is wrong with the document.
                report.add(SourceResult(source_id=item.source_id, source_name=item.source_name,
                                        outcome=Outcome.FAILED, errors=["; ".join(errors)],
                                        reason="not marked: the next run finishes or repeats it safely"))  # fmt: skip
                continue
            if outcome.refused or errors or not outcome.graph_results:
                message = outcome.refused or (
                    f"Accounting refused the {flow.document_label}: " + "; ".join(errors or ["no answer"])
                )
                report.add(SourceResult(source_id=item.source_id, source_name=item.source_name,
                                        outcome=Outcome.FAILED, errors=[message]))  # fmt: skip
                self._failures.append((item.source_id, message))
                continue
            refs = _document_refs(item, {k.split(":", 1)[1]: v for k, v in created_ids.items()
                                         if k.startswith(item.source_id + ":")}, names)  # fmt: skip
            created = any(
                node.created for r in outcome.graph_results for node in r.nodes.values() if node.reference_id == "h0"
            )
            result = SourceResult(source_id=item.source_id, source_name=item.source_name,
                                  outcome=Outcome.CREATED if created else Outcome.UPDATED, documents=refs)  # fmt: skip
            report.add(result)
            written.append(result)
        _auto_post(flow, ctx, written)
        if ctx.progress is not None:
            ctx.progress(report)
        return submitted.last_id

    def _mark_pending(self) -> None:
        """Export Error on the refused sources so far, in a lane of its own beside the writes."""
        failures, self._failures = self._failures, []
        task = partial(_mark_errors, self.ctx.org, self.flow, failures)
        self._marks.append(self.lanes.add([], [(_MARKS_LANE, task)]))

    def mark_pending_errors(self) -> None:
        if self._failures:
            self._mark_pending()
        for ticket in self._marks:
            ticket.wait()


# Export Error marks of a run go one call after another (each reads, writes and reads again).
_MARKS_LANE = "\x00export-error-marks"
MARKS_PER_CALL = 200


def _graph_errors(result: GraphResult) -> list[str]:
    errors = [f"{code}: {message}" for _, code, message in result.errors()]
    if errors:
        return errors
    if result.error_codes() == {"PROCESSING_HALTED"}:
        # Every node halted: the graph never ran. "If the number of graph failures exceeds the maximum limit of
        # 14, processing is halted for the remaining graphs in the request ... the status for the remaining graphs
        # is shown as PROCESSING_HALTED" (REST API Developer Guide, Composite Graph Limits).
        return [NOT_RUN_MESSAGE]
    return ["the transaction was rolled back"]


NOT_RUN_MESSAGE = "not run: Salesforce stopped the request's remaining graphs after 14 of them failed"


def _document_refs(item: Mapped, ids: dict[str, str], names: dict[str, str] | None = None) -> list[DocumentRef]:
    refs = []
    for index, document in enumerate(item.documents):
        record_id = ids.get(f"h{index}")
        refs.append(DocumentRef(
            sobject=document.sobject, external_id=document.external_id, id=record_id,
            name=(names or {}).get(record_id or ""), lines=len(document.lines), total=str(document.total),
        ))  # fmt: skip
    return refs


def _lock_key(item: Mapped) -> str:
    return item.lock_key or item.source_id


MIN_NODES_PER_GRAPH = 10


def _hit_governor_limit(result: GraphResult) -> bool:
    return not result.successful and any("System.LimitException" in message for _, _, message in result.errors())


def _write_converging(item: Mapped, ctx: RunContext, nodes: int, label: str, held: Held | None = None) -> _WriteOutcome:
    """The large-document protocol: refuse a posted document, write the graphs in order (stopping
    at the first failure, so the marker stays set), delete lines the source no longer has before
    the last graph, then check that Accounting holds exactly what the source says."""
    nodes = max(nodes, MIN_NODES_PER_GRAPH)
    outcome = _WriteOutcome(item)
    try:
        held = held or held_documents(ctx.org, item)
        if held.posted():
            outcome.refused = posted_refusal(label, held.posted())
            return outcome
        plans = plan_graphs(item, nodes)
        for index, plan in enumerate(plans):
            if plan.final:
                stale = held.stale_line_ids(item)
                failed_deletes = [r for r in ctx.org.delete_records(stale) if not r.success] if stale else []
                if failed_deletes:
                    outcome.refused = "Accounting refused to delete lines the source no longer has: " + "; ".join(
                        e for r in failed_deletes for e in r.errors
                    )
                    return outcome
            results = ctx.org.run_graphs([Graph(f"g{index}", plan.nodes)])
            if any(_hit_governor_limit(r) for r in results) and nodes > MIN_NODES_PER_GRAPH:
                return _write_converging(item, ctx, nodes // 2, label, held)
            outcome.graph_results.extend(results)
            if not results or not all(r.successful for r in results):
                return outcome  # the marker stays set: nothing looks whole, the next run goes on
        if len(plans) > 1:  # one graph is all or nothing; several are checked
            # Not a refusal: the source is still unlinked and the marker set, so the next run converges it
            # (an Export Error would tell the user the document is wrong when it is only unfinished).
            outcome.unknown = _not_converged(ctx.org, item, label)
    except DailyLimitReachedError:
        raise
    except (TransientOrgError, OrgError) as error:
        outcome.unknown = f"Salesforce could not be reached reliably: {error.message}"
    return outcome


_LOCK_CODES = frozenset({"UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE", "PROCESSING_HALTED"})


def _only_locks(results: Sequence[GraphResult]) -> bool:
    """Whether every failed graph failed only for a lock, halted because another node did, or never
    ran (every node PROCESSING_HALTED): nothing in the document is wrong."""
    codes = {code for r in results if not r.successful for _, code, _ in r.errors()}
    codes |= {code for r in results if not r.successful for code in r.error_codes()}
    return bool(codes) and codes <= _LOCK_CODES


def _not_converged(org: OrgPort, item: Mapped, label: str) -> str | None:
    """What Accounting holds after the write, against the source: the report states only what is there."""
    held = held_documents(org, item)
    wanted = {line.external_id for document in item.documents for line in document.lines}
    extra, missing = set(held.lines) - wanted, wanted - set(held.lines)
    incomplete = [h.name for h in held.headers if h.incomplete]
    if not extra and not missing and not incomplete:
        return None
    return (
        f"The {label} in Accounting does not match the source after writing: {len(extra)} lines too many, "
        f"{len(missing)} missing, incomplete: {', '.join(incomplete) or 'none'}; the next run converges it"
    )


def _mark_errors(org: OrgPort, flow: DocumentFlow, failures: Sequence[tuple[str, str]]) -> None:
    """Export Error only on records no other run has exported meanwhile: a loser never overwrites a winner.

    Salesforce has no compare-and-set over REST, so: read, write only the still-open records,
    read again and give back to any winner that committed between the read and the write
    its "Exported" (its graph linked the source and set the status atomically).
    """
    try:
        still_open = _unexported(org, flow, [source_id for source_id, _ in failures])
        records = [
            {"Id": source_id, EXPORT_STATUS_FIELD: "Export Error", EXPORT_ERROR_FIELD: message[:MAX_ERROR_LENGTH]}
            for source_id, message in failures
            if source_id in still_open
        ]
        if not records:
            return
        for result in org.update_records(flow.source_object, records):
            if not result.success:
                log.warning("could not mark %s as Export Error: %s", result.record_id, "; ".join(result.errors))
        _give_back_to_winners(org, flow, [str(r["Id"]) for r in records])
    except DailyLimitReachedError:
        raise  # the run stops and says so; the unmarked records are marked by the next run
    except (TransientOrgError, OrgError) as error:
        log.warning("could not mark %d records as Export Error: %s", len(failures), error.message)


_EXPORTED_STATUSES = ("Exported", "Exported as Billing Document")


def _link_and_status(org: OrgPort, flow: DocumentFlow, ids: Sequence[str]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for start in range(0, len(ids), IDS_PER_QUERY):
        select = Select(flow.source_object, ("Id", flow.back_link_field, EXPORT_STATUS_FIELD),
                        where=is_in("Id", list(ids[start : start + IDS_PER_QUERY])))  # fmt: skip
        rows.extend(org.query(select))
    return rows


def _unexported(org: OrgPort, flow: DocumentFlow, ids: Sequence[str]) -> set[str]:
    return {
        str(row["Id"])
        for row in _link_and_status(org, flow, ids)
        if not row.get(flow.back_link_field) and row.get(EXPORT_STATUS_FIELD) not in _EXPORTED_STATUSES
    }


def _give_back_to_winners(org: OrgPort, flow: DocumentFlow, ids: Sequence[str]) -> None:
    winners = [
        {"Id": row["Id"], EXPORT_STATUS_FIELD: "Exported", EXPORT_ERROR_FIELD: None}
        for row in _link_and_status(org, flow, ids)
        if row.get(flow.back_link_field) and row.get(EXPORT_STATUS_FIELD) == "Export Error"
    ]
    if winners:
        log.info("%d records were exported by another run while this one failed them: kept Exported", len(winners))
        org.update_records(flow.source_object, winners)


def _document_names(ctx: RunContext, flow: DocumentFlow, ids: dict[str, str]) -> dict[str, str]:
    """Autonumber names (SIN000123) for the report: one small query per batch, sync runs only."""
    if not ids:
        return {}
    names = {}
    values = list(dict.fromkeys(ids.values()))
    try:
        for start in range(0, len(values), IDS_PER_QUERY):
            select = Select(
                flow.target_object, ("Id", "Name"), where=is_in("Id", values[start : start + IDS_PER_QUERY])
            )
            for record in ctx.org.query(select):
                names[str(record["Id"])] = str(record["Name"])
    except (TransientOrgError, OrgError):
        return {}
    return names


def _auto_post(flow: DocumentFlow, ctx: RunContext, written: Sequence[SourceResult]) -> None:
    """Posts the documents just written (this batch's: earlier batches posted theirs)."""
    if not flow.settings_of(ctx.settings).auto_post:
        return
    to_post = [(r, d) for r in written if r.outcome in (Outcome.CREATED, Outcome.UPDATED)
               for d in r.documents if d.id]  # fmt: skip
    if not to_post:
        return
    try:
        results = ctx.org.post_documents([(d.sobject, d.id or "") for _, d in to_post])
    except (TransientOrgError, OrgError) as error:
        results = []
        log.warning("posting failed: %s", error.message)
    by_id = {p.record_id: p for p in results}
    failed: list[tuple[str, str]] = []
    posted_sources: list[str] = []
    for result, document in to_post:
        posted = by_id.get(document.id or "")
        if posted is None or not posted.success:
            why = posted.error if posted else "the posting endpoint did not answer"
            message = f"{document.name or document.id} was created but not posted: {why}. Post it in Accounting."
            result.errors.append(message)
            failed.append((result.source_id, message))
        else:
            posted_sources.append(result.source_id)
    # A source some of whose documents failed to post keeps only its error.
    failed_sources = {source_id for source_id, _ in failed}
    fully_posted = list(dict.fromkeys(s for s in posted_sources if s not in failed_sources))
    records = [{"Id": source_id, EXPORT_ERROR_FIELD: message} for source_id, message in failed]
    records += flow.posted_source_updates(fully_posted, ctx.settings, ctx.today)
    if records:
        try:
            for record in ctx.org.update_records(flow.source_object, records):
                if not record.success:
                    log.warning("could not write back on a posted document's source: %s", "; ".join(record.errors))
        except (TransientOrgError, OrgError) as error:
            log.warning("could not record the posting on the sources: %s", error.message)
