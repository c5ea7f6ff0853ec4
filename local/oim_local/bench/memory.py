"""Memory at volume: one scheduled run over many documents, with the org in its own process.

The local org is served by ``oim-connector org serve`` in a child process, so the traced peak
is the connector's alone (handler, engine, adapter, boto3 and moto), not SQLite's or the
HTTP server's. The environment's own in-process org stays idle: its secret is replaced by the
child's before the run.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from oim_connector.flows.registry import document_flow
from oim_connector.model.documents import EXPORT_STATUS_FIELD
from oim_connector.model.flows import FlowId
from oim_connector.model.settings import ConnectorSettings

from oim_local.bench.figures import VolumeMemory
from oim_local.bench.vendor import quiet_logs
from oim_local.org.store import OrgStore
from oim_local.runner.aws import update_secret
from oim_local.runner.environment import LocalEnvironment
from oim_local.runner.events import schedule_event
from oim_local.runner.handlers import load_handler

MEMORY_LIMIT_MB = 256  # the bound for a 10,000-document run
_READY_LINES = ("instance_url", "token", "ca_cert")


@contextlib.contextmanager
def org_in_child_process(
    db_path: Path, latency_ms: int = 0, latency_ms_per_record: int = 0
) -> Iterator[dict[str, Any]]:
    """``oim-connector org serve`` on ``db_path`` in a child process; yields the Salesforce secret reaching it."""
    command = [sys.executable, "-c", "from oim_local.cli import main; raise SystemExit(main())", "org", "serve",
               "--db", str(db_path), "--latency-ms", str(latency_ms),
               "--latency-ms-per-record", str(latency_ms_per_record)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        served = dict(process.stdout.readline().strip().split(": ", 1) for _ in _READY_LINES)
        yield {
            "auth": "token",
            "instance_url": served["instance_url"],
            "access_token": served["token"],
            "ca_bundle": Path(served["ca_cert"]).read_text(encoding="utf-8"),
            "api_version": "62.0",
        }
    finally:
        process.terminate()
        process.wait(timeout=60)


def run_memory(
    db_path: Path, flow: FlowId, settings: ConnectorSettings, *, documents: int, idle_db: Path
) -> VolumeMemory:
    """One scheduled run of ``flow`` over ``db_path`` (its continuations included), traced."""
    function = flow.python_name
    load_handler(function)
    # The environment's own org (an empty scratch one) is never called: its secret is swapped.
    with (
        org_in_child_process(db_path) as secret,
        LocalEnvironment(idle_db, settings=settings, quiet=True) as env,
        quiet_logs(),
    ):
        assert env.resources is not None
        update_secret(env.resources.secret_arn, secret)
        tracemalloc.start()
        started = time.perf_counter()
        env.invoke(function, schedule_event(flow.value))
        wall = time.perf_counter() - started
        peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    exported, refused = _outcomes(db_path, flow)
    return VolumeMemory(flow=flow.value, documents=documents, exported=exported, refused=refused,
                        peak_memory_mb=peak_mb, limit_mb=MEMORY_LIMIT_MB, wall_seconds=wall)  # fmt: skip


def _outcomes(db_path: Path, flow: FlowId) -> tuple[int, int]:
    """(exported, refused) source documents, read from the org's file once its process has stopped."""
    source = document_flow(flow).source_object
    store = OrgStore(db_path)
    try:
        counts = [
            store.query(f"SELECT COUNT() FROM {source} WHERE {EXPORT_STATUS_FIELD} = '{status}'").total_size  # noqa: S608
            for status in ("Exported", "Export Error")
        ]
        return counts[0], counts[1]
    finally:
        store.close()
