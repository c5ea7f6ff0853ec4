"""An org that spells unverified OIM names its own way: with ``general.field_names`` every flow runs as it
does under the connector's names, through the real handlers, HTTPS and a local org whose data model
uses the org's names; without the override the run says which setting to set."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from oim_connector.model.settings import ConnectorSettings, GeneralSettings
from oim_local.org.respell import respell_database, respelled
from oim_local.org.schema import load_schema
from oim_local.runner import events
from oim_local.runner.environment import LocalEnvironment
from oim_local.sample import load_sample

from tests.e2e.conftest import Sample
from tests.e2e.helpers import body, result_for

pytestmark = pytest.mark.e2e

EVENTS = Path(__file__).resolve().parents[2] / "events"

# Read (eligibility, dates), written back (status, error) and written on the document (the back-link).
SALES_RENAMES = {
    "SCMC__Invoicing__c": {
        "SCMC__Export_Status__c": "SCMC__Accounting_Export_Status__c",
        "SCMC__Export_Error__c": "SCMC__Accounting_Export_Error__c",
        "SCMC__Invoice_Date__c": "SCMC__Invoiced_On__c",
    },
    "c2g__codaInvoice__c": {"SCMFFA__OIM_Invoice__c": "SCMFFA__OIM_Source_Invoice__c"},
}
SITE_RENAMES = {"SCMC__Supplier_Site__c": {"SCMC__Supplier_Name__c": "SCMC__Vendor_Name__c"}}
# Timestamps differ between two runs; everything else must not.
VOLATILE = {"CreatedDate", "LastModifiedDate", "SystemModstamp"}


def _overrides(renames: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    return {old: new for fields in renames.values() for old, new in fields.items()}


@contextmanager
def _org(tmp_path: Path, renames: Mapping[str, Mapping[str, str]], overrides: Mapping[str, str]) -> Iterator[Sample]:
    """The sample in an org that spells the names in ``renames`` its own way, the admin's overrides saved."""
    db = tmp_path / f"org{len(list(tmp_path.iterdir()))}" / "org.db"
    db.parent.mkdir()
    loaded = load_sample(db)
    respell_database(db, renames)
    settings = ConnectorSettings(general=GeneralSettings(field_names=dict(overrides)))
    with LocalEnvironment(db, settings=settings, quiet=True, schema=respelled(load_schema(), renames)) as env:
        yield Sample(env, dict(loaded.reference_ids))


def _in_connector_names(record: Mapping[str, Any], renames: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    back = {new: old for fields in renames.values() for old, new in fields.items()}
    return {back.get(k, k): v for k, v in record.items() if k not in VOLATILE}


def _sales_run(sample: Sample, renames: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """A list action over a good, a refused and another good invoice: what the user and the org see."""
    ids = [sample.ids[k] for k in ("InvOk1", "InvOpen", "InvOk2")]
    report = body(sample.env.invoke("sales_invoices", events.list_action("sales-invoices", ids)))
    results = [result_for(report, i) for i in ids]
    documents = [d["id"] for r in results for d in r["documents"]]
    lines = [r["Id"] for r in sample.query("SELECT Id FROM c2g__codaInvoiceLineItem__c ORDER BY Id")]
    records = [
        _in_connector_names(sample.get(sobject, record_id), renames)
        for sobject, record_ids in (
            ("SCMC__Invoicing__c", ids),
            ("c2g__codaInvoice__c", documents),
            ("c2g__codaInvoiceLineItem__c", lines),
        )
        for record_id in record_ids
    ]
    return {"results": [(r["outcome"], r["documents"], r["errors"]) for r in results], "records": records,
            "documents": len(documents), "lines": len(lines)}  # fmt: skip


def test_overridden_names_give_exactly_the_documents_and_write_back_of_the_default_names(tmp_path: Path) -> None:
    with _org(tmp_path, {}, {}) as default:
        expected = _sales_run(default, {})
    with _org(tmp_path, SALES_RENAMES, _overrides(SALES_RENAMES)) as own:
        got = _sales_run(own, SALES_RENAMES)
        invoice_id = own.ids["InvOk1"]
        # The org's own names hold the values; the connector's names do not exist there.
        source = own.get("SCMC__Invoicing__c", invoice_id)
        back_link = f"SCMFFA__OIM_Source_Invoice__c = '{invoice_id}'"
        (document,) = own.query(f"SELECT Id FROM c2g__codaInvoice__c WHERE {back_link}")
        assert source["SCMC__Accounting_Export_Status__c"] == "Exported" and "SCMC__Export_Status__c" not in source
        assert source["SCMFFA__Sales_Invoice__c"] == document["Id"]

    assert [r[0] for r in got["results"]] == ["created", "not_eligible", "created"]
    assert (got["documents"], got["lines"]) == (2, expected["lines"]) and got["lines"] > 2
    assert got == expected


def test_without_the_override_the_run_names_the_field_and_the_setting(tmp_path: Path) -> None:
    with _org(tmp_path, SALES_RENAMES, {}) as own:
        invoice_id = own.ids["InvOk1"]
        documents_before = own.query("SELECT Id FROM c2g__codaInvoice__c")

        answer = own.env.invoke("sales_invoices", events.record_action("sales-invoices", invoice_id))

        message = json.dumps(body(answer))
        assert "SCMC__Export_Status__c" in message
        assert "general.field_names" in message
        assert own.query("SELECT Id FROM c2g__codaInvoice__c") == documents_before
        assert own.get("SCMC__Invoicing__c", invoice_id)["SCMC__Accounting_Export_Status__c"] != "Exported"


def _canonical(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8"))
    return event


def test_vendor_sync_reads_the_orgs_own_name_for_the_supplier(tmp_path: Path) -> None:
    event = _canonical("vendor_accounts_sqs_batch_mixed")
    with _org(tmp_path, {}, {}) as default:
        expected = default.env.invoke("vendor_accounts", event)
        account_id = default.ids["VendInitech"]
        expected_account = _in_connector_names(default.get("Account", account_id), {})
    with _org(tmp_path, SITE_RENAMES, _overrides(SITE_RENAMES)) as own:
        answer = own.env.invoke("vendor_accounts", event)
        account = _in_connector_names(own.get("Account", account_id), {})

    assert answer == expected and len(answer["batchItemFailures"]) == 2
    assert account["Name"] == "Initech Supplies"
    assert account == expected_account
