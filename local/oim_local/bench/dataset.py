"""The benchmark's data: generated once, loaded once into a template org, copied for every run.

Each run (connector, baseline, memory pass) gets its own copy, so every one of them starts
from the same untouched data.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from oim_local.datagen.volume import generate_volume
from oim_local.org.store import OrgStore
from oim_local.org.tree import load_plans

_SQLITE_SIDE_FILES = ("-wal", "-shm")


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


def prepare(work_dir: Path, *, documents: int, lines_per_invoice: int, seed: int = 0) -> DataSet:
    """``documents`` sales invoices, payable invoices, perpetual records and supplier sites."""
    data_dir = work_dir / "data"
    plan = generate_volume(
        data_dir,
        sales_invoices=documents,
        lines_per_invoice=lines_per_invoice,
        payable_invoices=documents,
        perpetual_records=documents,
        supplier_sites=documents,
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
