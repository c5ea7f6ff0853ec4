"""`org load` of what `sf data export tree` writes from a real org: system fields the org sets
itself are dropped and listed; fields the data model lacks are refused, every one named, or
dropped with --ignore-unknown-fields."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from oim_local.cli import main
from oim_local.org.store import OrgStore
from oim_local.org.tree import TreeLoadError, load_plans

from tests.unit.local_org.store.org_helpers import row_count

OWNER = "0055g00000A1b2cAAB"


def exported_accounts(tmp_path: Path) -> Path:
    """Accounts as a real org exports them: audit and owner fields, and two custom fields of its own."""
    records: list[dict[str, Any]] = [
        {
            "attributes": {"type": "Account", "referenceId": f"AccountRef{n}"},
            "Name": f"Customer {n}",
            "OwnerId": OWNER,
            "CreatedById": OWNER,
            "LastModifiedById": OWNER,
            "RecordTypeId": "0125g000000AbCdAAK",
            "SystemModstamp": "2025-01-02T03:04:05.000+0000",
            "Region__c": "EMEA",
            "Tier__c": n,
        }
        for n in (1, 2)
    ]
    path = tmp_path / "Account.json"
    path.write_text(json.dumps({"records": records}))
    return path


def test_unknown_fields_are_refused_with_every_one_named(store: OrgStore, tmp_path: Path) -> None:
    with pytest.raises(TreeLoadError) as caught:
        load_plans(store, [exported_accounts(tmp_path)])
    message = str(caught.value)
    assert "Account.Region__c (2 record(s)" in message
    assert "Account.Tier__c (2 record(s)" in message
    assert "--ignore-unknown-fields" in message
    assert "OwnerId" not in message  # system fields are not the user's problem
    assert row_count(store, "Account") == 0


def test_ignore_unknown_fields_loads_the_rest_and_lists_what_was_dropped(store: OrgStore, tmp_path: Path) -> None:
    report = load_plans(store, [exported_accounts(tmp_path)], ignore_unknown_fields=True)

    assert report.counts == {"Account": 2}
    assert report.unknown_fields_dropped == {"Account.Region__c": 2, "Account.Tier__c": 2}
    assert set(report.system_fields_dropped) == {
        "Account.OwnerId",
        "Account.CreatedById",
        "Account.LastModifiedById",
        "Account.RecordTypeId",
        "Account.SystemModstamp",
    }
    names = {row["Name"] for row in store.query("SELECT Name FROM Account").records}
    assert names == {"Customer 1", "Customer 2"}


def test_the_cli_prints_the_dropped_fields(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = exported_accounts(tmp_path)
    db = tmp_path / "org.db"
    assert main(["org", "load", str(path), "--db", str(db)]) == 1
    assert "Account.Region__c" in capsys.readouterr().err

    assert main(["org", "load", str(path), "--db", str(db), "--ignore-unknown-fields"]) == 0
    printed = capsys.readouterr().out
    assert "Account: 2" in printed
    assert "unknown fields dropped (--ignore-unknown-fields): Account.Region__c (2), Account.Tier__c (2)" in printed
    assert "system fields set by the org, not loaded: Account.OwnerId" in printed
