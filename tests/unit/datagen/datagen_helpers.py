"""Checks shared by the sample and volume data set tests: the data's own bookkeeping."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from oim_local.datagen.manifest import Manifest

Rec = dict[str, object]


def records(plan: Path) -> Iterator[tuple[str, Rec]]:
    for entry in json.loads(plan.read_text(encoding="utf-8")):
        for name in entry["files"]:
            data = json.loads((plan.parent / name).read_text(encoding="utf-8"))
            for rec in data["records"]:
                yield entry["sobject"], rec


def ref_id(rec: Rec) -> str:
    attributes = rec["attributes"]
    assert isinstance(attributes, dict)
    return str(attributes["referenceId"])


def by_object(plan: Path) -> dict[str, list[Rec]]:
    out: dict[str, list[Rec]] = defaultdict(list)
    for sobject, rec in records(plan):
        out[sobject].append(rec)
    return out


def _num(value: object) -> float:
    assert isinstance(value, int | float)
    return float(value)


def unbalanced_perpetual_records(plan: Path) -> list[str]:
    """Perpetual records whose financial records do not sum to zero."""
    sums: dict[str, float] = defaultdict(float)
    for rec in by_object(plan)["SCMC__Inventory_Transaction_Financial_Records__c"]:
        sums[str(rec["SCMC__Inventory_Transaction__c"])] += _num(rec["SCMC__ICP_Value_Amount__c"])
    return [parent for parent, total in sums.items() if abs(total) > 1e-9]


def voucher_total_mismatches(plan: Path) -> list[str]:
    """Vouchers whose total is not the sum of their lines' amounts (tax lines included)."""
    data = by_object(plan)
    line_sums: dict[str, float] = defaultdict(float)
    for line in data["SCMC__AP_Voucher_Line__c"]:
        line_sums[str(line["SCMC__AP_Voucher__c"]).removeprefix("@")] += _num(line["SCMC__Amount__c"])
    return [
        ref_id(v)
        for v in data["SCMC__AP_Voucher__c"]
        if abs(_num(v["SCMC__Invoice_Total__c"]) - line_sums[ref_id(v)]) > 0.005
    ]


def manifest_problems(plan: Path, manifest: Manifest) -> list[str]:
    """Entries that do not match the data: unknown or repeated documents, locators that miss."""
    data = by_object(plan)
    problems: list[str] = []
    seen: set[str] = set()
    for entry in manifest.documents:
        if entry.reference_id in seen:
            problems.append(f"{entry.reference_id}: listed twice")
        seen.add(entry.reference_id)
        headers = [r for r in data.get(entry.sobject, []) if ref_id(r) == entry.reference_id]
        if len(headers) != 1:
            problems.append(f"{entry.reference_id}: no {entry.sobject} with this referenceId")
            continue
        matches = [r for r in data.get(entry.locator.sobject, []) if r.get(entry.locator.field) == entry.locator.value]
        if len(matches) != 1:
            problems.append(f"{entry.reference_id}: the locator matches {len(matches)} records")
        elif entry.locator.sobject != entry.sobject and f"@{entry.reference_id}" not in matches[0].values():
            problems.append(f"{entry.reference_id}: the locator's record is not one of its lines")
    return problems
