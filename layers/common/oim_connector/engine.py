"""The engine: select -> load -> map -> write -> write back, with a run report.

Handlers and the command line call ``run_flow``; everything here is I/O through the org
port, with the accounting rules in ``mapping`` and the write plan in ``graphs``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from oim_connector.convergence import Held, held_documents, posted_refusal
from oim_connector.errors import ConfigurationError, DailyLimitReachedError, OrgError, TransientOrgError
from oim_connector.flows.base import DocumentFlow
from oim_connector.graphs import plan_graphs
from oim_connector.hooks import Hook, HookContext, apply_hook, load_hook
from oim_connector.lock_lanes import run_without_shared_locks
from oim_connector.mapping.avalara import needs_calculation, tax_refusal
from oim_connector.mapping.rules import release_stale_claim
from oim_connector.model.documents import EXPORT_ERROR_FIELD, EXPORT_STATUS_FIELD, Mapped
from oim_connector.model.report import DocumentRef, Outcome, RunReport, SourceResult
from oim_connector.model.requests import RunRequest, TriggerKind
from oim_connector.model.settings import AvalaraFlowSettings, ConnectorSettings
from oim_connector.org.graph import Graph, GraphResult, pack_graphs
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
    reference = None
    try:
        for batch, missing in _batches(request, flow, ctx, extra):
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
            if not batch:
                continue
            if reference is None:
                reference = flow.load_reference(ctx.org, ctx.settings)
            stale_before = ctx.stale_before()
            avalara = flow.avalara(ctx.settings)
            tax_errors: dict[str, str] = {}
            if avalara is not None and _calculates_tax(request, avalara) and not request.dry_run:
                batch, tax_errors = _calculate_tax(flow, batch, avalara, ctx, report)
            mapped = [
                _tax_gate(flow.map(release_stale_claim(r, stale_before), ref=reference, settings=ctx.settings,
                                   rules=rules, today=ctx.today), r, avalara, flow, tax_errors)
                for r in batch
            ]  # fmt: skip
            # Sources some run has tried before may have a partly written document to converge.
            attempted = {str(r["Id"]) for r in batch if _attempted(r)}
            _process(mapped, flow, ctx, report, request, hook, attempted)
            if ctx.progress is not None:
                ctx.progress(report)
            if request.all_eligible and _out_of_time(ctx):
                report.checkpoint = str(batch[-1]["Id"])
                report.stopped_reason = "time budget reached: a continuation carries on from the checkpoint"
                break
    except DailyLimitReachedError as error:
        report.stopped_reason = error.message
    report.api_requests = ctx.org.usage().requests_made - requests_before
    return report


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


def _batches(
    request: RunRequest, flow: DocumentFlow, ctx: RunContext, extra: list[Condition]
) -> Iterator[tuple[list[dict[str, object]], list[str]]]:
    extra_conditions = list(extra)
    if request.record_ids is not None:
        ids = list(dict.fromkeys(request.record_ids))
        for start in range(0, len(ids), IDS_PER_QUERY):
            chunk = ids[start : start + IDS_PER_QUERY]
            where = all_of([is_in("Id", chunk), *extra_conditions])
            records = list(ctx.org.query(flow.selection(ctx.settings, where)))
            found = {str(r["Id"]) for r in records}
            yield records, [i for i in chunk if i not in found]
        return
    after = request.after_id
    while True:
        conditions = [*extra_conditions]
        if after:
            conditions.append(gt("Id", after))
        where = flow.eligible_where(ctx.settings, conditions, stale_before=ctx.stale_before())
        records = list(ctx.org.query(flow.selection(ctx.settings, where, limit=ctx.batch_size)))
        yield records, []
        if len(records) < ctx.batch_size:
            return
        after = str(records[-1]["Id"])


def _process(
    mapped: list[Mapped],
    flow: DocumentFlow,
    ctx: RunContext,
    report: RunReport,
    request: RunRequest,
    hook: tuple[str, Hook] | None = None,
    attempted: frozenset[str] | set[str] = frozenset(),
) -> None:
    ready = []
    failures: list[tuple[str, str]] = []
    writable = [item for item in mapped if not item.skip_reason and not item.not_eligible and not item.errors]
    if hook is not None:
        context = HookContext(request.flow.value, request.trigger.value, request.run_id, request.dry_run)
        hooked = apply_hook(hook[0], hook[1], writable, context)
        for item in hooked.dropped:
            report.add(SourceResult(source_id=item.source_id, source_name=item.source_name,
                                    outcome=Outcome.SKIPPED, reason=f"dropped by hook {hook[0]}"))  # fmt: skip
        changed = {item.source_id: item for item in hooked.kept}
        mapped = [changed.get(m.source_id, m) for m in mapped
                  if m.skip_reason or m.not_eligible or m.errors or m.source_id in changed]  # fmt: skip
    for item in mapped:
        if item.skip_reason:
            report.add(SourceResult(source_id=item.source_id, source_name=item.source_name,
                                    outcome=Outcome.SKIPPED, reason=item.skip_reason))  # fmt: skip
        elif item.not_eligible:
            # Not an error: nothing is marked on the record, so list views of Export Error stay actionable.
            report.add(SourceResult(source_id=item.source_id, source_name=item.source_name,
                                    outcome=Outcome.NOT_ELIGIBLE,
                                    reason="not eligible: " + "; ".join(item.not_eligible)))  # fmt: skip
        elif item.errors:
            report.add(SourceResult(source_id=item.source_id, source_name=item.source_name,
                                    outcome=Outcome.FAILED, errors=list(item.errors)))  # fmt: skip
            failures.append((item.source_id, "; ".join(item.errors)))
        elif request.dry_run:
            report.add(SourceResult(source_id=item.source_id, source_name=item.source_name,
                                    outcome=Outcome.WOULD_CREATE, documents=_document_refs(item, {})))  # fmt: skip
        else:
            ready.append(item)
    if request.dry_run:
        return
    try:
        outcomes = _write(ready, ctx, attempted, flow.document_label)
    finally:
        if failures:
            _mark_errors(ctx.org, flow, failures)
    created_ids: dict[str, str] = {}
    for outcome in outcomes:
        for result in outcome.graph_results:
            for node in result.nodes.values():
                if node.reference_id.startswith("h") and node.record_id:
                    created_ids[f"{outcome.mapped.source_id}:{node.reference_id}"] = node.record_id
    names = _document_names(ctx, flow, created_ids) if ctx.fetch_document_names else {}
    graph_failures: list[tuple[str, str]] = []
    for outcome in outcomes:
        item = outcome.mapped
        if outcome.unknown is not None:
            report.add(SourceResult(source_id=item.source_id, source_name=item.source_name, outcome=Outcome.FAILED,
                                    errors=[outcome.unknown],
                                    reason="not marked: the next run finishes or repeats it safely"))  # fmt: skip
            continue
        errors = [msg for result in outcome.graph_results if not result.successful for msg in _graph_errors(result)]
        if errors and not outcome.refused and _only_locks(outcome.graph_results):
            # Rows still locked by another transaction after the retries: nothing is wrong with the document.
            report.add(SourceResult(source_id=item.source_id, source_name=item.source_name, outcome=Outcome.FAILED,
                                    errors=["; ".join(errors)],
                                    reason="not marked: the next run finishes or repeats it safely"))  # fmt: skip
            continue
        if outcome.refused or errors or not outcome.graph_results:
            message = outcome.refused or (
                f"Accounting refused the {flow.document_label}: " + "; ".join(errors or ["no answer"])
            )
            report.add(SourceResult(source_id=item.source_id, source_name=item.source_name,
                                    outcome=Outcome.FAILED, errors=[message]))  # fmt: skip
            graph_failures.append((item.source_id, message))
            continue
        refs = _document_refs(item, {k.split(":", 1)[1]: v for k, v in created_ids.items()
                                     if k.startswith(item.source_id + ":")}, names)  # fmt: skip
        created = any(
            node.created for r in outcome.graph_results for node in r.nodes.values() if node.reference_id == "h0"
        )
        report.add(SourceResult(source_id=item.source_id, source_name=item.source_name,
                                outcome=Outcome.CREATED if created else Outcome.UPDATED, documents=refs))  # fmt: skip
    if graph_failures:
        _mark_errors(ctx.org, flow, graph_failures)
    _auto_post(flow, ctx, report)


def _graph_errors(result: GraphResult) -> list[str]:
    return [f"{code}: {message}" for _, code, message in result.errors()] or ["the transaction was rolled back"]


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


def _write(
    ready: Sequence[Mapped], ctx: RunContext, attempted: frozenset[str] | set[str], label: str
) -> list[_WriteOutcome]:
    """Documents that fit one graph and were never tried go packed and in parallel; the rest
    (bigger than a graph, or maybe partly written by an earlier run) converge one by one."""
    nodes = ctx.settings.general.nodes_per_graph
    plain: list[Mapped] = []
    careful: list[tuple[Mapped, Held | None]] = []
    for item in ready:
        if len(plan_graphs(item, nodes)) > 1:
            careful.append((item, None))
        elif item.source_id in attempted:
            held = held_documents(ctx.org, item)
            if held.headers:
                careful.append((item, held))
            else:
                plain.append(item)
        else:
            plain.append(item)
    outcomes = _write_packed(plain, ctx, nodes)
    for index, outcome in enumerate(outcomes):
        if outcome.unknown is None and any(_hit_governor_limit(r) for r in outcome.graph_results):
            # Accounting's triggers ran out of a governor limit: write it again in smaller graphs.
            outcomes[index] = _write_converging(outcome.mapped, ctx, nodes // 2, label)
    outcomes += [_write_converging(item, ctx, nodes, label, held) for item, held in careful]
    return outcomes


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
    """Whether every failed graph failed only for a lock (or halted because another node did)."""
    codes = {code for r in results if not r.successful for _, code, _ in r.errors()}
    codes |= {code for r in results if not r.successful for code in r.error_codes()}
    return bool(codes) and codes <= _LOCK_CODES and any(c != "PROCESSING_HALTED" for c in codes)


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


def _write_packed(ready: Sequence[Mapped], ctx: RunContext, nodes: int) -> list[_WriteOutcome]:
    """Graphs packed into as few requests as allowed, sent in parallel; none in flight share a parent."""
    if not ready:
        return []
    graphs: list[Graph] = []
    owner: dict[str, _WriteOutcome] = {}
    lock_keys: dict[str, str] = {}
    outcomes = []
    for item in sorted(ready, key=_lock_key):  # one parent's documents end up in the same requests
        outcome = _WriteOutcome(item)
        outcomes.append(outcome)
        (plan,) = plan_graphs(item, nodes)
        graph_id = f"g{len(graphs)}"
        graphs.append(Graph(graph_id, plan.nodes))
        owner[graph_id] = outcome
        lock_keys[graph_id] = _lock_key(item)

    def keys_of(request_graphs: list[Graph]) -> frozenset[str]:
        return frozenset(lock_keys[g.graph_id] for g in request_graphs)

    def send(request_graphs: list[Graph]) -> None:
        _send_graphs(request_graphs, owner, ctx.org)

    parallel = ctx.settings.general.max_parallel_requests
    run_without_shared_locks(pack_graphs(graphs), keys_of, parallel, send)
    return outcomes


def _send_graphs(request_graphs: list[Graph], owner: dict[str, _WriteOutcome], org: OrgPort) -> None:
    try:
        results = org.run_graphs(request_graphs)
    except DailyLimitReachedError:
        raise
    except (TransientOrgError, OrgError) as error:
        for graph in request_graphs:
            owner[graph.graph_id].unknown = f"Salesforce could not be reached reliably: {error.message}"
        return
    for result in results:
        owner[result.graph_id].graph_results.append(result)


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


def _auto_post(flow: DocumentFlow, ctx: RunContext, report: RunReport) -> None:
    if not flow.settings_of(ctx.settings).auto_post:
        return
    to_post = [(r, d) for r in report.results if r.outcome in (Outcome.CREATED, Outcome.UPDATED)
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
