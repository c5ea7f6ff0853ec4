"""The Salesforce CLI (@salesforce/cli, pinned in tests/clients/package.json) against the local
org: what a user previewing the connector on their own data runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from oim_local.org.identity import ORG_ID, USERNAME
from oim_local.org.runtime import RunningOrg
from oim_local.org.tree import load_plans

from tests.integration.clients.conftest import ALIAS, EXTRA_ACCOUNTS, SfCli

pytestmark = [pytest.mark.integration, pytest.mark.clients]


def test_login_with_an_access_token_then_display_shows_the_org(
    sf_login: tuple[SfCli, dict[str, Any]], clients_org: RunningOrg
) -> None:
    cli, login = sf_login
    assert login["result"]["username"] == USERNAME
    assert login["result"]["orgId"] == ORG_ID
    assert login["result"]["isSandbox"] is False
    assert login["result"]["instanceName"] == "LOCAL"
    display = cli.run("org", "display", "--target-org", ALIAS)["result"]
    assert display["connectedStatus"] == "Connected"
    assert display["id"] == ORG_ID
    assert display["username"] == USERNAME
    assert display["instanceUrl"].rstrip("/") == clients_org.instance_url


def test_query_returns_every_row_past_the_2000_row_page(sf: SfCli) -> None:
    answer = sf.run("data", "query", "--target-org", ALIAS, "--query", "SELECT Id, Name FROM Account")["result"]
    names = {record["Name"] for record in answer["records"]}
    assert answer["totalSize"] == len(answer["records"]) > 2000
    assert answer["done"] is True
    assert {f"Bulk Account {n:05d}" for n in range(EXTRA_ACCOUNTS)} <= names


def test_create_update_delete_a_record(sf: SfCli, clients_org: RunningOrg) -> None:
    created = sf.run(
        "data",
        "create",
        "record",
        "--target-org",
        ALIAS,
        "--sobject",
        "Account",
        "--values",
        "Name='CLI Account' Phone=555",
    )["result"]
    record_id = created["id"]
    assert clients_org.store.get("Account", record_id)["Name"] == "CLI Account"
    sf.run(
        "data",
        "update",
        "record",
        "--target-org",
        ALIAS,
        "--sobject",
        "Account",
        "--record-id",
        record_id,
        "--values",
        "Name='CLI Account renamed'",
    )
    assert clients_org.store.get("Account", record_id)["Name"] == "CLI Account renamed"
    sf.run("data", "delete", "record", "--target-org", ALIAS, "--sobject", "Account", "--record-id", record_id)
    found = sf.run(
        "data", "query", "--target-org", ALIAS, "--query", f"SELECT Id FROM Account WHERE Id = '{record_id}'"
    )
    assert found["result"]["totalSize"] == 0


def test_describe_lists_the_fields_of_an_object(sf: SfCli) -> None:
    described = sf.run("sobject", "describe", "--target-org", ALIAS, "--sobject", "c2g__codaInvoice__c")["result"]
    fields = {field["name"]: field for field in described["fields"]}
    assert described["name"] == "c2g__codaInvoice__c"
    assert fields["c2g__Account__c"]["referenceTo"] == ["Account"]
    assert fields["Id"]["type"] == "id"


def test_limits_show_the_standard_entries_with_real_counters(sf: SfCli) -> None:
    limits = {entry["name"]: entry for entry in sf.run("org", "list", "limits", "--target-org", ALIAS)["result"]}
    assert {"DailyApiRequests", "DataStorageMB", "FileStorageMB", "DailyBulkApiBatches", "SingleEmail"} <= set(limits)
    api = limits["DailyApiRequests"]
    assert api["remaining"] < api["max"]  # this session's requests are counted
    storage = limits["DataStorageMB"]
    assert storage["remaining"] < storage["max"]  # 2,400 records at 2 KB each


def test_export_tree_then_import_tree_round_trip(sf: SfCli, clients_org: RunningOrg, tmp_path: Path) -> None:
    out = tmp_path / "export"
    query = (
        "SELECT Id, c2g__Account__c, c2g__OwnerCompany__c, c2g__InvoiceDate__c, c2g__InvoiceCurrency__c, "
        "(SELECT Id, c2g__Product__c, c2g__Quantity__c, c2g__UnitPrice__c FROM c2g__InvoiceLineItems__r) "
        "FROM c2g__codaInvoice__c LIMIT 2"
    )
    exported = sf.run(
        "data", "export", "tree", "--target-org", ALIAS, "--query", query, "--output-dir", str(out), "--plan"
    )
    assert exported["result"]
    plan = next(out.glob("*plan.json"))
    before = _invoice_count(clients_org)
    imported = sf.run("data", "import", "tree", "--target-org", ALIAS, "--plan", str(plan))["result"]
    invoices = json.loads((out / "c2g__codaInvoice__c.json").read_text())["records"]
    lines = json.loads((out / "c2g__codaInvoiceLineItem__c.json").read_text())["records"]
    assert len(imported) == len(invoices) + len(lines)
    assert _invoice_count(clients_org) == before + len(invoices)
    new_ids = {row["refId"]: row["id"] for row in imported}
    for line in lines:
        copy = clients_org.store.get("c2g__codaInvoiceLineItem__c", new_ids[line["attributes"]["referenceId"]])
        parent_ref = line["c2g__Invoice__c"].lstrip("@")
        assert copy["c2g__Invoice__c"] == new_ids[parent_ref]
        assert copy["c2g__Quantity__c"] == line["c2g__Quantity__c"]
    # The same files load into a fresh local org with `org load` (the preview path).
    report = load_plans(clients_org.store, [plan])
    assert report.counts["c2g__codaInvoice__c"] == len(invoices)


def _invoice_count(org: RunningOrg) -> int:
    return org.store.query("SELECT COUNT() FROM c2g__codaInvoice__c").total_size
