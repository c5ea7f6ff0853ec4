"""The committed sample data set: valid against the schema, reproducible, loadable, consistent."""

from __future__ import annotations

import filecmp
from collections.abc import Iterator
from pathlib import Path

import pytest
from oim_local.datagen.check import check_plan
from oim_local.datagen.manifest import MANIFEST_FILE, Manifest, read_manifest
from oim_local.datagen.sample import DATA_DIR, SAMPLE_DIR, write_sample
from oim_local.org.store import OrgStore
from oim_local.org.tree import LoadReport, load_plans

from tests.unit.datagen.datagen_helpers import (
    manifest_problems,
    unbalanced_perpetual_records,
    voucher_total_mismatches,
)

PLAN = SAMPLE_DIR / "plan.json"


@pytest.fixture(scope="module")
def manifest() -> Manifest:
    return read_manifest(SAMPLE_DIR / MANIFEST_FILE)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[OrgStore, LoadReport]]:
    store = OrgStore(tmp_path_factory.mktemp("org") / "org.db")
    report = load_plans(store, [PLAN])
    yield store, report
    store.close()


def test_the_sample_passes_the_schema_check() -> None:
    assert check_plan(PLAN) == []


def test_the_committed_files_are_what_the_generator_writes(tmp_path: Path) -> None:
    # Given a fresh generation
    write_sample(tmp_path / "sample", tmp_path / "README.md")
    # Then every committed file is identical to it (regenerate with python -m oim_local.datagen.sample)
    committed = sorted(p.name for p in SAMPLE_DIR.iterdir())
    assert committed == sorted(p.name for p in (tmp_path / "sample").iterdir())
    _, mismatch, errors = filecmp.cmpfiles(SAMPLE_DIR, tmp_path / "sample", committed, shallow=False)
    assert (mismatch, errors) == ([], [])
    assert filecmp.cmp(DATA_DIR / "README.md", tmp_path / "README.md", shallow=False)


def test_the_manifest_matches_the_data(manifest: Manifest) -> None:
    assert manifest_problems(PLAN, manifest) == []
    flows = {e.flow for e in manifest.documents}
    assert flows == {
        "sales-invoices",
        "sales-credit-notes",
        "payable-invoices",
        "payable-credit-notes",
        "journals",
        "vendor-accounts",
    }
    for counts in manifest.counts.values():
        assert counts.get("created", 0) >= 1 or counts.get("updated", 0) >= 1


def test_vouchers_and_perpetual_records_add_up() -> None:
    assert voucher_total_mismatches(PLAN) == []
    assert unbalanced_perpetual_records(PLAN) == []


def test_the_local_org_loads_it_and_names_documents_as_documented(
    loaded: tuple[OrgStore, LoadReport], manifest: Manifest
) -> None:
    store, report = loaded
    for entry in manifest.documents:
        record_id = report.reference_ids[entry.reference_id]
        row = store.get(entry.sobject, record_id, ["Name"])
        if entry.expected_name is not None:
            assert row["Name"] == entry.expected_name, entry.reference_id


def test_every_locator_finds_its_document_in_the_org(loaded: tuple[OrgStore, LoadReport], manifest: Manifest) -> None:
    store, report = loaded
    for entry in manifest.documents:
        loc = entry.locator
        # The names and the value come from the data set under test; the value is escaped as a
        # SOQL string literal.
        value = loc.value.replace("\\", "\\\\").replace("'", "\\'")
        found = store.query(f"SELECT Id FROM {loc.sobject} WHERE {loc.field} = '{value}'").records
        assert len(found) == 1, entry.reference_id
        header_id = report.reference_ids[entry.reference_id]
        if loc.sobject == entry.sobject:
            assert found[0]["Id"] == header_id
        else:
            line = store.get(loc.sobject, found[0]["Id"])
            assert header_id in line.values(), entry.reference_id


def test_the_cases_the_flows_rely_on_are_there(loaded: tuple[OrgStore, LoadReport]) -> None:
    store, report = loaded
    ids = report.reference_ids
    # a customer without AR control, a closed US period, a JPY currency with 0 decimals
    assert store.get("Account", ids["CustTailspin"])["c2g__CODAAccountsReceivableControl__c"] is None
    assert store.get("c2g__codaPeriod__c", ids["PeriodUS09"])["c2g__Closed__c"] is True
    assert store.get("c2g__codaAccountingCurrency__c", ids["CurJpyUS"])["c2g__DecimalPlaces__c"] == 0
    # an exported invoice linked to its Complete sales invoice
    exported = store.get("SCMC__Invoicing__c", ids["InvExported"])
    assert exported["SCMFFA__Sales_Invoice__c"] == ids["SinInvExported"]
    assert store.get("c2g__codaInvoice__c", ids["SinInvExported"])["c2g__InvoiceStatus__c"] == "Complete"
    # no WIP mapping, but the Tax line-type mapping is present
    assert store.query("SELECT Id FROM SCMC__GL_Account__c WHERE SCMC__OIM_Account__c = 'WIP'").records == []
    assert (
        len(store.query("SELECT Id FROM SCMC__Line_Type_Product_Mapping__c WHERE SCMC__Line_Type__c = 'Tax'").records)
        == 1
    )
    # a payment terms name longer than 24 characters
    terms = store.get("SCMC__PO_Payment_Terms__c", ids["TermsLong"])
    assert len(terms["SCMC__Terms_Name__c"]) > 24
