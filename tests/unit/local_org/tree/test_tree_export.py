"""Exporting in tree format, and loading an export again into a fresh org."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from oim_local.cli import main
from oim_local.org.store import OrgStore
from oim_local.org.tree import export_tree, load_plans

from tests.unit.local_org.store.org_helpers import SteppingClock, make_books


def read_files(directory: Path) -> dict[str, Any]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.json"))}


def filled_store(path: Path) -> OrgStore:
    """Books, a posted-style document with lines, a deleted record and a source<->target cycle."""
    store = OrgStore(path, clock=SteppingClock())
    books = make_books(store)
    source = store.create("SCMC__Invoicing__c", {"SCMC__Customer__c": books.account, "SCMC__Total_Tax__c": 1.5})
    invoice = store.create(
        "c2g__codaInvoice__c",
        {
            "c2g__Account__c": books.account,
            "c2g__OwnerCompany__c": books.company,
            "c2g__InvoiceDate__c": "2026-03-02",
            "SCMFFA__OIM_Invoice__c": source,
            "OIM_External_Id__c": f"SIN:{source}",
        },
    )
    store.create(
        "c2g__codaInvoiceLineItem__c",
        {"c2g__Invoice__c": invoice, "c2g__Product__c": books.product, "c2g__UnitPrice__c": 12.5},
    )
    # The back-link from the source to its target closes a cycle between the two objects.
    store.update("SCMC__Invoicing__c", source, {"SCMFFA__Sales_Invoice__c": invoice})
    store.delete("Account", store.create("Account", {"Name": "Deleted"}))
    return store


def test_plain_export_keeps_ids_and_lookup_ids(tmp_path: Path) -> None:
    store = filled_store(tmp_path / "org.db")
    paths = export_tree(store, tmp_path / "out")
    assert sorted(p.name for p in paths) == sorted(read_files(tmp_path / "out"))
    accounts = read_files(tmp_path / "out")["Account.json"]["records"]
    assert [a["Name"] for a in accounts] == ["Customer Ltd"]  # deleted records are not exported
    invoices = read_files(tmp_path / "out")["c2g__codaInvoice__c.json"]["records"]
    assert invoices[0]["Id"] == store.find_by_external_id("c2g__codaInvoice__c", "Name", "SIN000001")[0]
    assert invoices[0]["c2g__Account__c"] == accounts[0]["Id"]
    assert invoices[0]["attributes"] == {"type": "c2g__codaInvoice__c", "referenceId": "c2g__codaInvoice__cRef1"}
    assert "plan.json" not in read_files(tmp_path / "out")


def test_plan_export_loads_into_a_fresh_org_and_exports_the_same(tmp_path: Path) -> None:
    first = filled_store(tmp_path / "first.db")
    export_tree(first, tmp_path / "one", as_plan=True)
    exported = read_files(tmp_path / "one")
    plan_order = [entry["sobject"] for entry in exported["plan.json"]]
    assert plan_order.index("c2g__codaCompany__c") < plan_order.index("c2g__codaInvoice__c")
    assert plan_order.index("c2g__codaInvoice__c") < plan_order.index("c2g__codaInvoiceLineItem__c")
    line = exported["c2g__codaInvoiceLineItem__c.json"]["records"][0]
    assert line["c2g__Invoice__c"] == "@c2g__codaInvoice__cRef1"
    assert "Id" not in line and "Name" not in line

    second = OrgStore(tmp_path / "second.db", clock=SteppingClock())
    report = load_plans(second, [tmp_path / "one" / "plan.json"])
    assert report.total == sum(len(v["records"]) for k, v in exported.items() if k != "plan.json")
    export_tree(second, tmp_path / "two", as_plan=True)
    assert read_files(tmp_path / "two") == exported
    source = second.find_by_external_id("SCMC__Invoicing__c", "Name", "INV-000001")[0]
    assert (
        second.get("SCMC__Invoicing__c", source)["SCMFFA__Sales_Invoice__c"]
        == report.reference_ids["c2g__codaInvoice__cRef1"]
    )


def test_a_plain_export_loads_too_with_its_ids_translated(tmp_path: Path) -> None:
    first = filled_store(tmp_path / "first.db")
    raw_files = export_tree(first, tmp_path / "raw")  # parents first, as they must load
    second = OrgStore(tmp_path / "second.db", clock=SteppingClock())
    # Autonumber names are system-generated: drop them, as a user would, before loading.
    for path in raw_files:
        content = json.loads(path.read_text())
        for rec in content["records"]:
            if second.object_def(rec["attributes"]["type"]).fields["Name"].type == "autonumber":
                rec.pop("Name")
        path.write_text(json.dumps(content))
    report = load_plans(second, raw_files)
    assert report.total == 10
    export_tree(first, tmp_path / "a", as_plan=True)
    export_tree(second, tmp_path / "b", as_plan=True)
    assert read_files(tmp_path / "a") == read_files(tmp_path / "b")


def test_cli_loads_and_exports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = filled_store(tmp_path / "first.db")
    first.close()
    assert main(["org", "export", "--db", str(tmp_path / "first.db"), "--out", str(tmp_path / "out"), "--plan"]) == 0
    capsys.readouterr()
    assert main(["org", "load", str(tmp_path / "out" / "plan.json"), "--db", str(tmp_path / "copy.db")]) == 0
    printed = capsys.readouterr().out
    assert "c2g__codaInvoiceLineItem__c: 1" in printed
    assert "loaded 10 records" in printed


def test_cli_load_failure_exits_1_with_the_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "Account.json"
    bad.write_text(json.dumps({"records": [{"attributes": {"type": "Account", "referenceId": "A1"}, "Nam": "x"}]}))
    assert main(["org", "load", str(bad), "--db", str(tmp_path / "org.db")]) == 1
    error = capsys.readouterr().err
    assert "Account.json: Account record A1, field Nam" in error
    # a database that does not exist is a mistake in the command: exit 2 (tests/unit/cli/test_mistakes.py)
    assert main(["org", "export", "--db", str(tmp_path / "missing.db"), "--out", str(tmp_path / "o")]) == 2
