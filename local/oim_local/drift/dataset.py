"""A month of generated OIM documents, loaded into a local org and exported by the connector."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path

from oim_connector.engine import RunContext, run_flow
from oim_connector.flows.registry import document_flow
from oim_connector.model.flows import FlowId
from oim_connector.model.requests import RunRequest, TriggerKind
from oim_connector.model.settings import ConnectorSettings
from oim_connector.org.adapter import SalesforceOrg
from oim_connector.org.credentials import SalesforceCredentials

from oim_local.datagen.volume import generate_volume
from oim_local.org.runtime import start_local_org
from oim_local.org.store import OrgStore
from oim_local.org.tree import load_plans
from oim_local.runner.environment import salesforce_secret_for

MONTH = 6
PERIOD = f"2026/{MONTH:03d}"
# The flows whose documents the generator dates in the month (credit notes follow their
# invoices' creation dates, which the loader sets to the load day).
DRIFT_FLOWS = (FlowId.SALES_INVOICES, FlowId.PAYABLE_INVOICES, FlowId.JOURNALS)


@dataclass(frozen=True)
class ExportedMonth:
    db_path: Path
    documents: int
    exported: dict[str, int]


def export_month(work_dir: Path, *, documents: int, seed: int = 0, today: dt.date | None = None) -> ExportedMonth:
    """``documents`` OIM documents dated in June 2026 (sales invoices, AP vouchers and perpetual
    records in equal shares), loaded into ``work_dir/org.db`` and exported by the connector."""
    work_dir.mkdir(parents=True, exist_ok=True)
    third = documents // 3
    plan = generate_volume(
        work_dir / "data",
        sales_invoices=third,
        payable_invoices=third,
        perpetual_records=documents - 2 * third,
        lines_per_invoice=(1, 4),
        month=MONTH,
        seed=seed,
    )
    db_path = work_dir / "org.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    store = OrgStore(db_path)
    try:
        load_plans(store, [plan])
    finally:
        store.close()
    settings = ConnectorSettings()
    exported: dict[str, int] = {}
    with start_local_org(db_path) as org:
        client = SalesforceOrg(SalesforceCredentials.model_validate(salesforce_secret_for(org)))
        for flow in DRIFT_FLOWS:
            request = RunRequest(flow=flow, trigger=TriggerKind.CLI, run_id=uuid.uuid4().hex, all_eligible=True)
            ctx = RunContext(
                org=client, settings=settings, today=today or dt.date(2026, 7, 1), fetch_document_names=False
            )
            report = run_flow(request, document_flow(flow), ctx)
            exported[flow.value] = report.counts.created
    return ExportedMonth(db_path, documents, exported)
