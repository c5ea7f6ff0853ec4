"""One benchmark: data once, then per flow the connector run, a memory pass and the baseline."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from oim_connector.flows.registry import document_flow, implemented_flows
from oim_connector.model.flows import DOCUMENT_FLOWS, FlowId
from oim_connector.model.settings import ConnectorSettings, JournalSettings
from oim_connector.org.graph import MAX_GRAPHS_PER_REQUEST, MAX_NODES_PER_REQUEST

from oim_local.bench.baseline import run_baseline
from oim_local.bench.bounds import eligible_rows, lower_bound, lower_bound_in_batches
from oim_local.bench.coldstart import cold_starts
from oim_local.bench.competent import KeyWork, run_competent
from oim_local.bench.connector import run_connector
from oim_local.bench.dataset import DataSet, prepare
from oim_local.bench.figures import (
    BenchReport,
    BenchSettings,
    Floor,
    FlowFigures,
    LowerBound,
    RunFigures,
    VolumeMemory,
)
from oim_local.bench.memory import run_memory
from oim_local.bench.vendor import SQS_BATCH_SIZE, run_vendor_baseline, run_vendor_connector, unlinked_sites
from oim_local.org.runtime import FaultPlan
from oim_local.org.store import OrgStore

# Flows the generated data set has documents for (credit notes need posted originals first).
BENCHED_FLOWS = (FlowId.SALES_INVOICES, FlowId.PAYABLE_INVOICES, FlowId.JOURNALS, FlowId.VENDOR_ACCOUNTS)


@dataclass(frozen=True)
class BenchOptions:
    work_dir: Path
    documents: int = 1000
    lines_per_invoice: int = 5
    latency_ms_per_request: int = 100
    latency_ms_per_record: int = 2
    baseline_documents: int = 50
    flows: Sequence[FlowId] = BENCHED_FLOWS
    memory: bool = True
    cold_start_runs: int = 3
    memory_documents: int = 0  # sales invoices of the memory-at-volume run (0 skips it)
    competent: bool = True  # the competent client (collections of 200), over every document
    settings: ConnectorSettings | None = None


# ``counter(description, total)`` yields ``advance(done)``: the command line's progress bar.
Counter = Callable[[str, int], contextlib.AbstractContextManager[Callable[[int], None]]]


@contextlib.contextmanager
def _no_counter(description: str, total: int) -> Iterator[Callable[[int], None]]:
    yield lambda done: None


def run_bench(
    options: BenchOptions, progress: Callable[[str], None] = lambda _: None, counter: Counter = _no_counter
) -> BenchReport:
    # Generated journals include foreign-currency ones, whose conversion rounding needs a GLA.
    settings = options.settings or ConnectorSettings(journals=JournalSettings(rounding_gla="7900"))
    faults = FaultPlan(
        latency_ms_per_request=options.latency_ms_per_request, latency_ms_per_record=options.latency_ms_per_record
    )
    options.work_dir.mkdir(parents=True, exist_ok=True)
    progress(f"generating and loading {options.documents} documents per flow")
    # Only the benched flows' documents: `--flows sales-invoices` need not generate and load the rest.
    data = prepare(options.work_dir, documents=options.documents, lines_per_invoice=options.lines_per_invoice,
                   flows=tuple(options.flows))  # fmt: skip
    implemented = set(implemented_flows())
    flows = []
    for flow in DOCUMENT_FLOWS:
        if flow not in options.flows:
            continue
        if flow not in implemented:
            flows.append(FlowFigures(flow=flow.value, implemented=False, note="not implemented yet"))
            continue
        flows.append(_bench_flow(flow, data, settings, faults, options, progress, counter))
    if FlowId.VENDOR_ACCOUNTS in options.flows:
        flows.append(_bench_vendor_accounts(data, settings, faults, options, progress))
    volume_memory = None
    if options.memory_documents:
        progress(f"memory at volume: {options.memory_documents} sales invoices, org in its own process")
        volume_memory = _volume_memory(options, settings)
    progress("measuring handler import times")
    return BenchReport(
        settings=BenchSettings(
            documents=options.documents,
            lines_per_invoice=options.lines_per_invoice,
            latency_ms_per_request=options.latency_ms_per_request,
            latency_ms_per_record=options.latency_ms_per_record,
            baseline_documents=options.baseline_documents,
            max_parallel_requests=settings.general.max_parallel_requests,
            batch_size=None,
        ),
        flows=flows,
        cold_starts=cold_starts(options.cold_start_runs) if options.cold_start_runs else [],
        volume_memory=volume_memory,
    )


def _bench_flow(
    flow: FlowId,
    data: DataSet,
    settings: ConnectorSettings,
    faults: FaultPlan,
    options: BenchOptions,
    progress: Callable[[str], None],
    counter: Counter = _no_counter,
) -> FlowFigures:
    db = data.fresh_org(options.work_dir / f"{flow.python_name}.db")
    store = OrgStore(db)
    try:
        documents, rows = eligible_rows(store, document_flow(flow), settings)
    finally:
        store.close()
    if not documents:
        return FlowFigures(flow=flow.value, implemented=True, note="the generated data has no eligible documents")
    progress(f"{flow.value}: connector over {documents} documents")
    with counter(f"{flow.value}: connector", documents) as advance:
        connector, (graphs, nodes) = run_connector(db, flow, settings, faults, documents=documents, progress=advance)
    if options.memory:
        progress(f"{flow.value}: memory pass (no latency, traced)")
        traced, _ = run_connector(
            data.fresh_org(db), flow, settings, FaultPlan(), documents=documents, trace_memory=True
        )
        connector = connector.model_copy(update={"peak_memory_mb": traced.peak_memory_mb})
    competent = floor = None
    if options.competent:
        progress(f"{flow.value}: competent client (collections of 200) over {documents} documents")
        competent, work = run_competent(data.fresh_org(db), flow, settings, faults, today=dt.date.today())
        floor = _floor(work, lower_bound(rows, graphs, nodes), nodes, settings, options)
    baseline = None
    if options.baseline_documents:
        progress(f"{flow.value}: baseline over {min(documents, options.baseline_documents)} documents")
        baseline = _scaled(
            run_baseline(
                data.fresh_org(db), flow, settings, faults, limit=options.baseline_documents, today=dt.date.today()
            ),
            documents,
        )
    return FlowFigures(
        flow=flow.value,
        implemented=True,
        bound=lower_bound(rows, graphs, nodes),
        connector=connector,
        baseline=baseline,
        competent=competent,
        floor=floor,
    )


def _floor(
    work: list[KeyWork], bound: LowerBound, nodes: int, settings: ConnectorSettings, options: BenchOptions
) -> Floor:
    heaviest = work[0] if work else KeyWork("", 0, 0)
    return Floor(
        latency_ms_per_request=options.latency_ms_per_request,
        latency_ms_per_record=options.latency_ms_per_record,
        max_in_flight=settings.general.max_parallel_requests,
        lock_keys=len(work),
        heaviest_key_nodes=heaviest.nodes,
        heaviest_key_requests=max(-(-heaviest.nodes // MAX_NODES_PER_REQUEST),
                                  -(-heaviest.graphs // MAX_GRAPHS_PER_REQUEST)),
        bound_requests=bound.requests,
        nodes=nodes,
    )  # fmt: skip


def _volume_memory(options: BenchOptions, settings: ConnectorSettings) -> VolumeMemory:
    work_dir = options.work_dir / "volume"
    flow = FlowId.SALES_INVOICES
    data = prepare(work_dir, documents=options.memory_documents, lines_per_invoice=options.lines_per_invoice,
                   flows=(flow,))  # fmt: skip
    db = data.fresh_org(work_dir / "run.db")
    return run_memory(db, flow, settings, documents=options.memory_documents, idle_db=work_dir / "idle.db")


def _bench_vendor_accounts(
    data: DataSet,
    settings: ConnectorSettings,
    faults: FaultPlan,
    options: BenchOptions,
    progress: Callable[[str], None],
) -> FlowFigures:
    """Supplier-site changes: one CDC message per new site, through the FIFO queue's batches."""
    flow = FlowId.VENDOR_ACCOUNTS.value
    db = data.fresh_org(options.work_dir / "vendor_accounts.db")
    store = OrgStore(db)
    try:
        sites = unlinked_sites(store)
    finally:
        store.close()
    if not sites:
        return FlowFigures(flow=flow, implemented=True, note="the generated data has no supplier sites")
    progress(f"{flow}: connector over {len(sites)} site changes in batches of {SQS_BATCH_SIZE}")
    connector, (graphs, nodes) = run_vendor_connector(db, settings, faults, sites)
    baseline = None
    if options.baseline_documents:
        progress(f"{flow}: baseline over {min(len(sites), options.baseline_documents)} site changes")
        measured = run_vendor_baseline(data.fresh_org(db), settings, faults, sites[: options.baseline_documents])
        baseline = _scaled(measured, len(sites))
    batch_sizes = [min(SQS_BATCH_SIZE, len(sites) - start) for start in range(0, len(sites), SQS_BATCH_SIZE)]
    in_one_run = lower_bound(len(sites), graphs, nodes)
    bound = lower_bound_in_batches(batch_sizes, graphs, nodes)
    # One read then one write per batch, in turn: their latency alone, as the model charges it.
    floor = (bound.requests * options.latency_ms_per_request + nodes * options.latency_ms_per_record) / 1000
    note = (f"rows = sites, as CDC create events in FIFO batches of {SQS_BATCH_SIZE}; each batch is its own "
            f"invocation, so the bound is one read and one write per batch (all changes in one run: "
            f"{in_one_run.requests} requests, which a real-time consumer never sees); one consumer waits at "
            f"least {floor:.1f} s for those requests")  # fmt: skip
    return FlowFigures(flow=flow, implemented=True, note=note, bound=bound,
                       connector=connector, baseline=baseline)  # fmt: skip


def _scaled(figures: RunFigures, documents: int) -> RunFigures:
    """Per-document figures stay as measured; the wall time is scaled to the whole data set."""
    if figures.documents >= documents or not figures.documents:
        return figures
    return figures.model_copy(
        update={
            "wall_seconds": figures.wall_seconds * documents / figures.documents,
            "extrapolated_from": figures.documents,
            "api_requests": round(figures.api_requests * documents / figures.documents),
            "requests_by_kind": {k: round(v * documents / figures.documents) for k, v in
                                 figures.requests_by_kind.items()},
            "documents": documents,
        }
    )  # fmt: skip
