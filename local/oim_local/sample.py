"""The sample data set shipped with the project, loaded into a local org database."""

from __future__ import annotations

from pathlib import Path

from oim_local.org.store import OrgStore
from oim_local.org.tree import LoadReport, load_plans

SAMPLE_PLAN = Path(__file__).resolve().parent / "data" / "sample" / "plan.json"


def load_sample(db_path: Path, plan: Path = SAMPLE_PLAN) -> LoadReport:
    store = OrgStore(db_path)
    try:
        return load_plans(store, [plan])
    finally:
        store.close()
