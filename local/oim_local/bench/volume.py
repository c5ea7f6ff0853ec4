"""One scheduled run at volume (100,000 documents), through its continuations, measured and checked.

The org is served by ``oim-connector org serve`` in its own process (with the latency model, if
asked), so the traced peak memory is the connector's alone. The Lambda budget is short on
purpose (``timeout_seconds``), so the run goes through several continuations as it would in
AWS. Afterwards the org is read back: every eligible source exported or refused, one
accounting document per exported source (no duplicate, none missing), and the requests the
org counted against the lower bound.
"""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

from oim_connector.flows.registry import document_flow
from oim_connector.model.documents import EXPORT_STATUS_FIELD, EXTERNAL_ID_FIELD
from oim_connector.model.flows import FlowId
from oim_connector.model.settings import ConnectorSettings
from oim_connector.org.soql import Select

from oim_local.bench.bounds import eligible_rows, lower_bound
from oim_local.bench.dataset import prepare
from oim_local.bench.figures import LowerBound, VolumeRun
from oim_local.bench.memory import MEMORY_LIMIT_MB
from oim_local.bench.vendor import quiet_logs
from oim_local.org.process import served_org
from oim_local.org.server.faults import FaultPlan
from oim_local.org.store import OrgStore
from oim_local.runner.aws import update_secret
from oim_local.runner.environment import LocalEnvironment
from oim_local.runner.events import schedule_event
from oim_local.runner.handlers import load_handler


def run_volume(
    work_dir: Path,
    *,
    documents: int,
    flow: FlowId = FlowId.SALES_INVOICES,
    lines_per_invoice: int = 5,
    settings: ConnectorSettings | None = None,
    latency_ms: int = 0,
    latency_ms_per_record: int = 0,
    timeout_seconds: float = 300.0,
) -> VolumeRun:
    settings = settings or ConnectorSettings()
    work_dir.mkdir(parents=True, exist_ok=True)
    data = prepare(work_dir, documents=documents, lines_per_invoice=lines_per_invoice, flows=(flow,))
    db = data.fresh_org(work_dir / "run.db")
    definition = document_flow(flow)
    store = OrgStore(db)
    try:
        eligible, rows = eligible_rows(store, definition, settings)
    finally:
        store.close()
    function = flow.python_name
    load_handler(function)
    with (
        served_org(db, FaultPlan(latency_ms_per_request=latency_ms, latency_ms_per_record=latency_ms_per_record),
                   log_file=work_dir / "org.log") as org,
        LocalEnvironment(work_dir / "idle.db", settings=settings, quiet=True, warm=True,
                         timeout_seconds=timeout_seconds) as env,
        quiet_logs(),
    ):  # fmt: skip
        assert env.resources is not None
        update_secret(env.resources.secret_arn, org.secret())
        tracemalloc.start()
        started = time.perf_counter()
        env.invoke(function, schedule_event(flow.value), drain_jobs=False)
        continuations = len(env.drain_jobs(function))
        wall = time.perf_counter() - started
        peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        counters = org.counters()
    check = _check(db, flow)
    bound: LowerBound = lower_bound(rows, counters.graphs, counters.nodes)
    return VolumeRun(
        flow=flow.value, documents=eligible, continuations=continuations, wall_seconds=wall,
        peak_memory_mb=peak_mb, limit_mb=MEMORY_LIMIT_MB, api_requests=counters.total_requests,
        requests_by_kind=counters.requests_by_kind, bound=bound, latency_ms_per_request=latency_ms,
        latency_ms_per_record=latency_ms_per_record, **check,
    )  # fmt: skip


def _check(db: Path, flow: FlowId) -> dict[str, int]:
    """Read back from the org: exported and refused sources, documents and distinct external ids."""
    definition = document_flow(flow)
    store = OrgStore(db)
    try:

        def count(soql: str) -> int:
            return store.query(soql).total_size

        source = definition.source_object
        exported = count(f"SELECT COUNT() FROM {source} WHERE {EXPORT_STATUS_FIELD} = 'Exported'")  # noqa: S608
        refused = count(f"SELECT COUNT() FROM {source} WHERE {EXPORT_STATUS_FIELD} = 'Export Error'")  # noqa: S608
        unlinked = count(
            f"SELECT COUNT() FROM {source} WHERE {EXPORT_STATUS_FIELD} = 'Exported' "  # noqa: S608
            f"AND {definition.back_link_field} = null"
        )
        external_ids: set[str] = set()
        targets = 0
        for row in store.query(Select(definition.target_object, ("Id", EXTERNAL_ID_FIELD)).render()).records:
            targets += 1
            external_ids.add(str(row.get(EXTERNAL_ID_FIELD)))
    finally:
        store.close()
    return {
        "exported": exported,
        "refused": refused,
        "exported_without_document": unlinked,
        "accounting_documents": targets,
        "distinct_external_ids": len(external_ids),
    }
