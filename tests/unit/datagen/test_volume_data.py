"""Generated volume data sets: valid, consistent with their manifest, reproducible, fast."""

from __future__ import annotations

import filecmp
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from oim_local.datagen.check import check_plan
from oim_local.datagen.manifest import MANIFEST_FILE, Manifest, read_manifest
from oim_local.datagen.volume import generate_volume
from oim_local.datagen.volume import main as volume_main
from oim_local.org.store import OrgStore
from oim_local.org.tree import load_plans

from tests.unit.datagen.datagen_helpers import (
    by_object,
    manifest_problems,
    ref_id,
    unbalanced_perpetual_records,
    voucher_total_mismatches,
)

SMALL = {
    "sales_invoices": 9,
    "lines_per_invoice": (1, 20),
    "credit_invoices": 4,
    "payable_invoices": 9,
    "payable_credit_notes": 6,
    "perpetual_records": 9,
    "supplier_sites": 6,
    "invalid_share": 0.34,
}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest]:
    plan = generate_volume(tmp_path_factory.mktemp("volume"), seed=3, **SMALL)  # type: ignore[arg-type]
    return plan, read_manifest(plan.parent / MANIFEST_FILE)


def test_a_small_set_passes_the_schema_check_and_adds_up(small: tuple[Path, Manifest]) -> None:
    plan, _ = small
    assert check_plan(plan) == []
    assert voucher_total_mismatches(plan) == []
    assert unbalanced_perpetual_records(plan) == []


def test_the_manifest_lists_every_document_with_its_outcome(small: tuple[Path, Manifest]) -> None:
    plan, manifest = small
    assert manifest_problems(plan, manifest) == []
    # each flow: the requested number of documents, floor(n x 0.34) of them invalid
    assert manifest.counts == {
        "sales-invoices": {"created": 6, "failed": 3, "skipped": 4},  # + 4 exported invoices that credits credit
        "sales-credit-notes": {"created": 3, "failed": 1},
        "payable-invoices": {"created": 6, "failed": 3, "skipped": 6},  # + 6 exported vouchers
        "payable-credit-notes": {"created": 4, "failed": 2},
        "journals": {"created": 6, "failed": 3},
        "vendor-accounts": {"created": 4, "failed": 2},
    }
    failed = [e for e in manifest.documents if e.outcome == "failed"]
    assert all(e.case.startswith("invalid: ") and e.reason for e in failed)
    assert not any(e.expect_success for e in failed)


def test_invalid_documents_carry_the_fault_their_manifest_entry_names(small: tuple[Path, Manifest]) -> None:
    plan, manifest = small
    data = by_object(plan)
    invoices = {ref_id(r): r for r in data["SCMC__Invoicing__c"]}
    lines_by_invoice: dict[str, list[dict[str, object]]] = defaultdict(list)
    for line in data["SCMC__Invoice_Line_Item__c"]:
        lines_by_invoice[str(line["SCMC__Invoicing__c"])].append(line)
    for entry in manifest.documents:
        if entry.flow != "sales-invoices" or entry.outcome != "failed":
            continue
        invoice_lines = lines_by_invoice["@" + entry.reference_id]
        if entry.case == "invalid: no AR control GLA":
            assert invoices[entry.reference_id]["SCMC__Customer__c"] == "@CustTailspin"
        else:
            assert invoice_lines[0]["SCMC__Item__c"] == "@ItemSpare"
            assert "SCMFFA__Product__c" not in invoice_lines[0]
    wip = [r for r in data["SCMC__Inventory_Transaction_Financial_Records__c"] if r["SCMC__GL_Account__c"] == "WIP"]
    assert len({r["SCMC__Inventory_Transaction__c"] for r in wip}) == manifest.counts["journals"]["failed"]
    assert all("SCMFFA__General_Ledger_Account__c" not in r for r in wip)


def test_line_and_record_counts_stay_in_their_ranges(small: tuple[Path, Manifest]) -> None:
    plan, _ = small
    data = by_object(plan)
    per_invoice = Counter(str(r["SCMC__Invoicing__c"]) for r in data["SCMC__Invoice_Line_Item__c"])
    new_invoices = [ref_id(r) for r in data["SCMC__Invoicing__c"] if r["SCMC__Export_Status__c"] == "New"]
    assert all(1 <= per_invoice["@" + rid] <= 20 for rid in new_invoices)
    per_record = Counter(
        str(r["SCMC__Inventory_Transaction__c"]) for r in data["SCMC__Inventory_Transaction_Financial_Records__c"]
    )
    assert all(2 <= n <= 6 for n in per_record.values())
    voucher_lines = data["SCMC__AP_Voucher_Line__c"]
    assert {line["SCMFFA__Product_Line__c"] for line in voucher_lines} == {True, False}


def test_the_same_seed_gives_the_same_files_and_another_seed_does_not(tmp_path: Path) -> None:
    args = {"sales_invoices": 5, "payable_invoices": 5, "perpetual_records": 5, "invalid_share": 0.5}
    first = generate_volume(tmp_path / "a", seed=11, **args).parent  # type: ignore[arg-type]
    again = generate_volume(tmp_path / "b", seed=11, **args).parent  # type: ignore[arg-type]
    other = generate_volume(tmp_path / "c", seed=12, **args).parent  # type: ignore[arg-type]

    names = sorted(p.name for p in first.iterdir())
    assert filecmp.cmpfiles(first, again, names, shallow=False)[1:] == ([], [])
    assert filecmp.cmpfiles(first, other, names, shallow=False)[1] != []


def test_the_local_org_loads_a_generated_set_and_names_documents_as_listed(
    small: tuple[Path, Manifest], tmp_path: Path
) -> None:
    plan, manifest = small
    store = OrgStore(tmp_path / "org.db")
    try:
        report = load_plans(store, [plan])
        for entry in manifest.documents:
            row = store.get(entry.sobject, report.reference_ids[entry.reference_id], ["Name"])
            assert row["Name"] == (entry.expected_name or entry.locator.value), entry.reference_id
    finally:
        store.close()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"sales_invoices": -1}, "sales_invoices must be 0 or more"),
        ({"lines_per_invoice": 0}, "lines_per_invoice must be at least 1"),
        ({"lines_per_invoice": (5, 2)}, "lines_per_invoice must be at least 1"),
        ({"invalid_share": 1.5}, "invalid_share must be between 0 and 1"),
    ],
)
def test_it_refuses_arguments_that_make_no_data_set(tmp_path: Path, arguments: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        generate_volume(tmp_path, **arguments)  # type: ignore[arg-type]


@pytest.mark.slow
def test_ten_thousand_documents_take_a_few_seconds(tmp_path: Path) -> None:
    started = time.perf_counter()
    plan = generate_volume(tmp_path, sales_invoices=6_000, payable_invoices=2_000, perpetual_records=2_000, seed=1)
    elapsed = time.perf_counter() - started

    assert sum(read_manifest(plan.parent / MANIFEST_FILE).counts["sales-invoices"].values()) == 6_000
    assert elapsed < 10, f"{elapsed:.1f} s"


def test_the_command_line_writes_the_same_set_as_the_function(tmp_path: Path) -> None:
    assert volume_main([str(tmp_path / "cli"), "--sales-invoices", "3", "--lines", "1", "4", "--seed", "5"]) == 0
    generate_volume(tmp_path / "api", sales_invoices=3, lines_per_invoice=(1, 4), seed=5)

    names = sorted(p.name for p in (tmp_path / "api").iterdir())
    assert filecmp.cmpfiles(tmp_path / "cli", tmp_path / "api", names, shallow=False)[1:] == ([], [])
