"""The connector's run in the benchmark: a schedule event through the real handler, then its continuations."""

from __future__ import annotations

import contextlib
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

from oim_connector.flows.registry import document_flow
from oim_connector.model.documents import EXPORT_STATUS_FIELD
from oim_connector.model.flows import FlowId
from oim_connector.model.settings import ConnectorSettings

from oim_local.bench.figures import RunFigures
from oim_local.bench.vendor import quiet_logs
from oim_local.org.process import served_org
from oim_local.org.runtime import FaultPlan
from oim_local.org.store import OrgStore
from oim_local.runner.aws import update_secret
from oim_local.runner.environment import LocalEnvironment
from oim_local.runner.events import schedule_event
from oim_local.runner.handlers import load_handler


def run_connector(
    db_path: Path,
    flow: FlowId,
    settings: ConnectorSettings,
    faults: FaultPlan,
    *,
    documents: int,
    trace_memory: bool = False,
    progress: Callable[[int], None] | None = None,
) -> tuple[RunFigures, tuple[int, int]]:
    """Figures of one scheduled run over the ``documents`` eligible ones, and the org's (graphs, nodes) written.

    The org serves from its own process, as Salesforce serves from its own servers: its CPU is not
    the connector's. The environment's own org (an empty scratch one) is never called: its secret
    is swapped for the served one. ``progress`` gets the number of source documents done so far
    (exported or refused), read from the org's file by a watcher thread while the handler runs.
    """
    function = flow.python_name
    load_handler(function)  # the import is the cold start, measured on its own
    with (
        served_org(db_path, faults) as org,
        LocalEnvironment(db_path.with_name(db_path.stem + "-idle.db"), settings=settings, quiet=True) as env,
        quiet_logs(),
    ):
        assert env.resources is not None
        update_secret(env.resources.secret_arn, org.secret())
        org.reset_counters()
        if trace_memory:
            tracemalloc.start()
        started = time.perf_counter()
        with _watch(db_path, document_flow(flow).source_object, progress):
            env.invoke(function, schedule_event(flow.value))
        wall = time.perf_counter() - started
        peak_mb = None
        if trace_memory:
            peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        counters = org.counters()
    created, failed = outcomes(db_path, document_flow(flow).source_object)
    figures = RunFigures(
        documents=documents,
        created=created,
        failed=failed,
        api_requests=counters.total_requests,
        requests_by_kind=counters.requests_by_kind,
        wall_seconds=wall,
        peak_memory_mb=peak_mb,
    )
    return figures, (counters.graphs, counters.nodes)


@contextlib.contextmanager
def _watch(db_path: Path, flow_object: str, progress: Callable[[int], None] | None) -> Iterator[None]:
    if progress is None:
        yield
        return
    stop = threading.Event()
    done_query = (f"SELECT COUNT() FROM {flow_object} "  # noqa: S608 (names, no input)
                  f"WHERE {EXPORT_STATUS_FIELD} IN ('Exported', 'Export Error')")  # fmt: skip

    def watch() -> None:
        store = OrgStore(db_path)
        try:
            while not stop.wait(0.5):
                with contextlib.suppress(Exception):  # a read that meets a write lock waits for the next tick
                    progress(store.query(done_query).total_size)
            with contextlib.suppress(Exception):
                progress(store.query(done_query).total_size)
        finally:
            store.close()

    watcher = threading.Thread(target=watch, name="bench-progress", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join(timeout=10)


def outcomes(db_path: Path, flow_object: str) -> tuple[int, int]:
    """(exported, refused) source documents, read from the org's file: continuations report separately."""
    store = OrgStore(db_path)
    try:
        counts = [
            store.query(f"SELECT COUNT() FROM {flow_object} WHERE {EXPORT_STATUS_FIELD} = '{status}'").total_size  # noqa: S608
            for status in ("Exported", "Export Error")
        ]
    finally:
        store.close()
    return counts[0], counts[1]
