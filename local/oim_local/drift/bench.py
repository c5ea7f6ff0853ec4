"""The reconciliation at volume: a month exported, drift injected, then one reconciliation with the
org in its own process, so the CPU time measured is the connector's alone."""

from __future__ import annotations

import datetime as dt
import math
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

from oim_connector.flows.registry import document_flow
from oim_connector.model.settings import ConnectorSettings
from oim_connector.org.adapter import SalesforceOrg
from oim_connector.org.credentials import SalesforceCredentials
from oim_connector.reconcile.findings import ReconcileReport
from oim_connector.reconcile.ledger import SHAPES
from oim_connector.reconcile.reader import PAGE_SIZE
from oim_connector.reconcile.service import ReconcileRequest, reconcile

from oim_local.drift.dataset import DRIFT_FLOWS, PERIOD, export_month
from oim_local.drift.inject import Injector
from oim_local.drift.oracle import Verdict, judge
from oim_local.org.process import served_org
from oim_local.org.store import OrgStore

# Per flow: the reference data (at most two composite requests) and the one query for the
# period's documents outside every source range.
CONSTANT_PER_FLOW = 3
CPU_TARGET_SECONDS = 30.0
REQUEST_TARGET_RATIO = 1.2


@dataclass(frozen=True)
class DriftFigures:
    documents: int
    exported: dict[str, int]
    verdict: Verdict
    requests: int
    read_bound: int
    rows_read: dict[str, int]
    cpu_seconds: float
    wall_seconds: float
    peak_memory_mb: float
    report: ReconcileReport

    @property
    def requests_over_bound(self) -> float:
        return self.requests / self.read_bound

    @property
    def within_targets(self) -> bool:
        return (
            self.verdict.ok
            and self.requests <= REQUEST_TARGET_RATIO * self.read_bound
            and self.cpu_seconds < CPU_TARGET_SECONDS
        )

    def describe(self) -> str:
        rows = ", ".join(f"{name} {count}" for name, count in self.rows_read.items())
        return "\n".join(
            [
                f"reconciliation of {self.documents} generated documents of {PERIOD} "
                f"(exported: {', '.join(f'{k} {v}' for k, v in self.exported.items())})",
                self.verdict.describe(),
                f"requests {self.requests} against a read bound of {self.read_bound} "
                f"({self.requests_over_bound:.2f}x, target <= {REQUEST_TARGET_RATIO}x); rows per object: {rows}",
                f"connector CPU {self.cpu_seconds:.1f} s (target < {CPU_TARGET_SECONDS:.0f} s), wall "
                f"{self.wall_seconds:.1f} s, peak traced memory {self.peak_memory_mb:.1f} MB",
            ]
        )


def read_bound(db_path: Path) -> tuple[int, dict[str, int]]:
    """Sum over the objects a reconciliation reads of ceil(rows / 2,000), plus the constant per flow.

    Every record of the generated month belongs to the period, so each object's rows are all its rows.
    """
    store = OrgStore(db_path)
    try:
        rows: dict[str, int] = {}
        for flow_id in DRIFT_FLOWS:
            flow, shape = document_flow(flow_id), SHAPES[flow_id]
            objects = [
                flow.source_object,
                _child_object(store, flow.source_object, flow.lines_relationship),
                shape.header,
                *(line.sobject for line in shape.lines),
            ]
            for sobject in objects:
                rows[sobject] = len(store.query(f"SELECT Id FROM {sobject}").records)  # noqa: S608 - schema names
    finally:
        store.close()
    bound = sum(math.ceil(count / PAGE_SIZE) for count in rows.values()) + CONSTANT_PER_FLOW * len(DRIFT_FLOWS)
    return bound, rows


def _child_object(store: OrgStore, parent: str, relationship: str) -> str:
    for obj in store.schema.objects.values():
        for field in obj.fields.values():
            if field.to and field.to.lower() == parent.lower() and field.child_relationship == relationship:
                return obj.name
    raise LookupError(f"no child relationship {relationship} of {parent}")


def run_drift_bench(work_dir: Path, *, documents: int, per_kind: int, seed: int = 0) -> DriftFigures:
    month = export_month(work_dir, documents=documents, seed=seed)
    settings = ConnectorSettings()
    request = ReconcileRequest(PERIOD, flows=DRIFT_FLOWS)
    today = dt.datetime.now(dt.UTC).date()
    with served_org(month.db_path) as served:
        org = SalesforceOrg(SalesforceCredentials.model_validate(served.secret()))
        baseline = reconcile(org, settings, request, today=today)
    store = OrgStore(month.db_path)
    try:
        avoid = {f.source_id for f in baseline.findings if f.source_id}
        cases = Injector(store, seed=seed).inject(per_kind, avoid=avoid)
    finally:
        store.close()
    bound, rows = read_bound(month.db_path)
    with served_org(month.db_path) as served:
        org = SalesforceOrg(SalesforceCredentials.model_validate(served.secret()))
        cpu, wall = time.process_time(), time.perf_counter()
        report = reconcile(org, settings, request, today=today)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        # A second pass, traced: tracing slows the first pass's CPU figure by half again.
        tracemalloc.start()
        reconcile(org, settings, request, today=today)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    verdict = judge(cases, report.findings, baseline.findings)
    return DriftFigures(
        documents=documents,
        exported=month.exported,
        verdict=verdict,
        requests=report.api_requests,
        read_bound=bound,
        rows_read=rows,
        cpu_seconds=cpu,
        wall_seconds=wall,
        peak_memory_mb=peak,
        report=report,
    )
