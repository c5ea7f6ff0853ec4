"""Memory at volume: one scheduled run over many documents, with the org in its own process.

The local org is served by ``oim-connector org serve`` in a child process, so the traced peak
is the connector's alone (handler, engine, adapter, boto3 and moto), not SQLite's or the
HTTP server's. The environment's own in-process org stays idle: its secret is replaced by the
child's before the run.
"""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

from oim_connector.flows.registry import document_flow
from oim_connector.model.flows import FlowId
from oim_connector.model.settings import ConnectorSettings

from oim_local.bench.connector import outcomes
from oim_local.bench.figures import VolumeMemory
from oim_local.bench.vendor import quiet_logs
from oim_local.org.process import served_org
from oim_local.runner.aws import update_secret
from oim_local.runner.environment import LocalEnvironment
from oim_local.runner.events import schedule_event
from oim_local.runner.handlers import load_handler

MEMORY_LIMIT_MB = 256  # the bound for a 10,000-document run


def run_memory(
    db_path: Path, flow: FlowId, settings: ConnectorSettings, *, documents: int, idle_db: Path
) -> VolumeMemory:
    """One scheduled run of ``flow`` over ``db_path`` (its continuations included), traced."""
    function = flow.python_name
    load_handler(function)
    # The environment's own org (an empty scratch one) is never called: its secret is swapped.
    with (
        served_org(db_path) as org,
        LocalEnvironment(idle_db, settings=settings, quiet=True) as env,
        quiet_logs(),
    ):
        assert env.resources is not None
        update_secret(env.resources.secret_arn, org.secret())
        tracemalloc.start()
        started = time.perf_counter()
        env.invoke(function, schedule_event(flow.value))
        wall = time.perf_counter() - started
        peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    exported, refused = outcomes(db_path, document_flow(flow).source_object)
    return VolumeMemory(flow=flow.value, documents=documents, exported=exported, refused=refused,
                        peak_memory_mb=peak_mb, limit_mb=MEMORY_LIMIT_MB, wall_seconds=wall)  # fmt: skip
