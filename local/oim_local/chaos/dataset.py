"""The chaos data set: generated documents spread over the flows, loaded into a fresh org."""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from pathlib import Path

from oim_connector.mapping.rules import in_process_value
from oim_connector.model.documents import EXPORT_STATUS_FIELD

from oim_local.datagen.manifest import Manifest, ManifestEntry, read_manifest
from oim_local.datagen.volume import generate_volume
from oim_local.org.store import OrgStore
from oim_local.org.tables import quote
from oim_local.org.tree import load_plans

# Flow id -> the generate_volume argument that makes its documents.
_VOLUME_ARGUMENT = {
    "sales-invoices": "sales_invoices",
    "sales-credit-notes": "credit_invoices",
    "payable-invoices": "payable_invoices",
    "payable-credit-notes": "payable_credit_notes",
    "journals": "perpetual_records",
    "vendor-accounts": "supplier_sites",
}
IDS_FILE = "ids.json"  # referenceId -> record Id of the loaded data set
STALE_AGE = dt.timedelta(hours=2)  # well past the default stale_claim_minutes (30)


@dataclass(frozen=True)
class ChaosData:
    db: Path
    manifest: Manifest
    ids: dict[str, str]  # referenceId -> record Id
    stale_claims: tuple[str, ...]  # source Ids left 'Export in Process' by a "dead" process

    def entries(self, flow: str) -> list[ManifestEntry]:
        return [e for e in self.manifest.documents if e.flow == flow]


def build_data(
    work_dir: Path, *, flows: tuple[str, ...], documents: int, lines: tuple[int, int], invalid_share: float,
    seed: int, stale_claims: int, large_share: float = 0.0, large_lines: tuple[int, int] = (260, 300),
) -> ChaosData:  # fmt: skip
    counts = {_VOLUME_ARGUMENT[flow]: documents // len(flows) for flow in flows}
    first = _VOLUME_ARGUMENT[flows[0]]
    counts[first] += documents - sum(counts.values())
    plan = generate_volume(
        work_dir / "data", lines_per_invoice=lines, invalid_share=invalid_share, seed=seed,
        large_share=large_share, large_lines=large_lines, **counts,
    )  # fmt: skip
    manifest = read_manifest(plan.parent / "manifest.json")
    db = work_dir / "org.db"
    store = OrgStore(db)
    try:
        ids = dict(load_plans(store, [plan]).reference_ids)
        claimed = _plant_stale_claims(store, manifest, ids, flows, stale_claims, random.Random(seed))  # noqa: S311
    finally:
        store.close()
    # Kept beside the org, so the oracle can judge a finished work dir again (``chaos --judge``).
    (work_dir / IDS_FILE).write_text(json.dumps(ids), encoding="utf-8")
    return ChaosData(db, manifest, ids, claimed)


def _plant_stale_claims(
    store: OrgStore, manifest: Manifest, ids: dict[str, str], flows: tuple[str, ...], count: int, rng: random.Random
) -> tuple[str, ...]:
    """Leave some eligible sources 'Export in Process', untouched for hours, as a crashed process would."""
    candidates = [e for e in manifest.documents if e.flow in flows and e.outcome == "created"]
    chosen = rng.sample(candidates, min(count, len(candidates)))
    stamp = (dt.datetime.now(dt.UTC) - STALE_AGE).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    with store.transaction():
        for entry in chosen:
            store.connection.execute(
                f"UPDATE {quote(entry.sobject)} SET {quote(EXPORT_STATUS_FIELD)} = ?, "  # noqa: S608 - schema names
                f"{quote('LastModifiedDate')} = ? WHERE {quote('Id')} = ?",
                (in_process_value(entry.sobject), stamp, ids[entry.reference_id]),
            )
    return tuple(ids[e.reference_id] for e in chosen)
