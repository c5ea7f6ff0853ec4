"""The benchmark's data: generated once, loaded once into a template org, copied for every run.

Each run (connector, baseline, memory pass) gets its own copy, so every one of them starts
from the same untouched data.
"""

from __future__ import annotations

import shutil
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from oim_connector.model.flows import FlowId

from oim_local.datagen.volume import generate_volume
from oim_local.org.store import OrgStore
from oim_local.org.tree import load_plans

_SQLITE_SIDE_FILES = ("-wal", "-shm")
BENCH_DATA_FLOWS = (FlowId.SALES_INVOICES, FlowId.PAYABLE_INVOICES, FlowId.JOURNALS, FlowId.VENDOR_ACCOUNTS)


@dataclass(frozen=True)
class DataSet:
    template_db: Path
    records: int

    def fresh_org(self, db_path: Path) -> Path:
        """A copy of the template org at ``db_path`` (replacing what was there)."""
        for suffix in ("", *_SQLITE_SIDE_FILES):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.template_db, db_path)
        return db_path


def prepare(
    work_dir: Path,
    *,
    documents: int,
    lines_per_invoice: int,
    flows: Collection[FlowId] = BENCH_DATA_FLOWS,
    seed: int = 0,
) -> DataSet:
    """``documents`` source documents for each of ``flows``: sales invoices, AP vouchers, perpetual
    records, supplier sites."""

    def count(flow: FlowId) -> int:
        return documents if flow in flows else 0

    plan = generate_volume(
        work_dir / "data",
        sales_invoices=count(FlowId.SALES_INVOICES),
        lines_per_invoice=lines_per_invoice,
        payable_invoices=count(FlowId.PAYABLE_INVOICES),
        perpetual_records=count(FlowId.JOURNALS),
        supplier_sites=count(FlowId.VENDOR_ACCOUNTS),
        seed=seed,
    )
    template = work_dir / "template.db"
    for suffix in ("", *_SQLITE_SIDE_FILES):
        Path(f"{template}{suffix}").unlink(missing_ok=True)
    store = OrgStore(template)
    try:
        loaded = load_plans(store, [plan])
    finally:
        store.close()  # checkpoints the WAL, so the file alone is the whole org
    return DataSet(template, loaded.total)
