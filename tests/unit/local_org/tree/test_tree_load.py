"""Loading tree-format plans: references, nested children, and refusals that load nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from oim_local.org.store import OrgStore
from oim_local.org.tree import TreeLoadError, load_plans

from tests.unit.local_org.store.org_helpers import row_count

WriteJson = Callable[[str, Any], Path]


def record(sobject: str, ref: str, **fields: Any) -> dict[str, Any]:
    return {"attributes": {"type": sobject, "referenceId": ref}, **fields}


def plan(*entries: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"sobject": s, "saveRefs": True, "resolveRefs": True, "files": [f]} for s, f in entries]


def books_plan(write_json: WriteJson, invoice_fields: dict[str, Any] | None = None) -> Path:
    """Company, currency and a customer; a sales invoice with nested lines; a product."""
    write_json("Company.json", {"records": [record("c2g__codaCompany__c", "Co1", Name="Acme UK")]})
    write_json(
        "Reference.json",
        {
            "records": [
                record("Account", "Cust1", Name="Customer Ltd"),
                record("Account", "Cust2", Name="Other", SCMC__Active__c=False),
            ]
        },
    )
    write_json("Product.json", {"records": [record("Product2", "Prod1", Name="Widget")]})
    invoice = record(
        "c2g__codaInvoice__c",
        "Inv1",
        c2g__Account__c="@Cust1",
        c2g__OwnerCompany__c="@Co1",
        c2g__InvoiceDate__c="2026-03-02",
        c2g__InvoiceLineItems__r={
            "records": [
                record("c2g__codaInvoiceLineItem__c", "Line1", c2g__Product__c="@Prod1", c2g__UnitPrice__c=10),
                record("c2g__codaInvoiceLineItem__c", "Line2", c2g__Product__c="@Prod1", c2g__UnitPrice__c=2.5),
            ]
        },
    )
    invoice.update(invoice_fields or {})
    write_json("Invoice.json", {"records": [invoice]})
    return write_json(
        "plan.json",
        plan(
            ("c2g__codaCompany__c", "Company.json"),
            ("Account", "Reference.json"),
            ("Product2", "Product.json"),
            ("c2g__codaInvoice__c", "Invoice.json"),
        ),
    )


def nothing_loaded(store: OrgStore) -> bool:
    # The setup objects (User, Organization) hold the org's own records from the start.
    return all(row_count(store, o.name) == 0 for o in store.schema.objects.values() if not o.read_only)


def test_a_plan_loads_references_and_nested_children(store: OrgStore, write_json: WriteJson) -> None:
    report = load_plans(store, [books_plan(write_json)])
    assert report.counts == {
        "c2g__codaCompany__c": 1,
        "Account": 2,
        "Product2": 1,
        "c2g__codaInvoice__c": 1,
        "c2g__codaInvoiceLineItem__c": 2,
    }
    invoice = store.get("c2g__codaInvoice__c", report.reference_ids["Inv1"])
    assert invoice["c2g__Account__c"] == report.reference_ids["Cust1"]
    assert invoice["c2g__OwnerCompany__c"] == report.reference_ids["Co1"]
    line = store.get("c2g__codaInvoiceLineItem__c", report.reference_ids["Line2"])
    assert line["c2g__Invoice__c"] == invoice["Id"]
    assert line["c2g__Product__c"] == report.reference_ids["Prod1"]
    assert line["c2g__UnitPrice__c"] == 2.5


def test_a_data_file_loads_on_its_own(store: OrgStore, write_json: WriteJson) -> None:
    path = write_json(
        "Account.json",
        {
            "records": [
                record("Account", "A1", Name="Parent"),
                record("Account", "A2", Name="Child", Supplier_Site__c="@S1"),
                record("SCMC__Supplier_Site__c", "S1", Name="Site", SCMC__Account__c="@A1"),
            ]
        },
    )
    report = load_plans(store, [path])
    # A2 names a site that loads after it: the optional lookup is set in a second pass.
    child = store.get("Account", report.reference_ids["A2"])
    assert child["Supplier_Site__c"] == report.reference_ids["S1"]


def test_loader_may_set_created_date(store: OrgStore, write_json: WriteJson) -> None:
    path = write_json(
        "Account.json", {"records": [record("Account", "A1", Name="Old", CreatedDate="2020-01-02T03:04:05.000+0000")]}
    )
    report = load_plans(store, [path])
    assert store.get("Account", report.reference_ids["A1"])["CreatedDate"] == "2020-01-02T03:04:05.000+0000"


@pytest.mark.parametrize(
    ("invoice_fields", "expected"),
    [
        ({"c2g__Colour__c": "red"}, ["Invoice.json", "record Inv1", "c2g__Colour__c", "no field"]),
        ({"c2g__Period__c": "@Nowhere"}, ["Invoice.json", "record Inv1", "c2g__Period__c", "@Nowhere"]),
        ({"c2g__Account__c": None}, ["Invoice.json", "record Inv1", "c2g__Account__c", "REQUIRED_FIELD_MISSING"]),
        ({"c2g__InvoiceStatus__c": "Paid"}, ["Invoice.json", "Inv1", "c2g__InvoiceStatus__c", "restricted picklist"]),
        ({"c2g__InvoiceDate__c": "02/03/2026"}, ["Invoice.json", "Inv1", "c2g__InvoiceDate__c", "JSON_PARSER_ERROR"]),
    ],
)
def test_a_bad_record_loads_nothing_and_names_file_record_and_field(
    store: OrgStore, write_json: WriteJson, invoice_fields: dict[str, Any], expected: list[str]
) -> None:
    with pytest.raises(TreeLoadError) as caught:
        load_plans(store, [books_plan(write_json, invoice_fields)])
    for part in expected:
        assert part in str(caught.value)
    assert nothing_loaded(store)


def test_a_bad_nested_child_names_its_own_reference(store: OrgStore, write_json: WriteJson) -> None:
    path = books_plan(write_json)
    invoice_file = path.parent / "Invoice.json"
    invoice_file.write_text(
        invoice_file.read_text().replace('"@Prod1", "c2g__UnitPrice__c": 2.5', '"@Prod1", "c2g__UnitPrice__c": "lots"')
    )
    with pytest.raises(
        TreeLoadError, match=r"Invoice\.json: c2g__codaInvoiceLineItem__c record Line2, field c2g__UnitPrice__c"
    ):
        load_plans(store, [path])
    assert nothing_loaded(store)


def test_a_duplicate_reference_id_is_refused(store: OrgStore, write_json: WriteJson) -> None:
    path = write_json(
        "Account.json", {"records": [record("Account", "A1", Name="One"), record("Account", "A1", Name="Two")]}
    )
    with pytest.raises(TreeLoadError, match="referenceId A1 is already used"):
        load_plans(store, [path])
    assert nothing_loaded(store)


def test_an_unknown_object_in_a_plan_is_refused(store: OrgStore, write_json: WriteJson) -> None:
    write_json("Widget.json", {"records": []})
    path = write_json("plan.json", plan(("Widget__c", "Widget.json")))
    with pytest.raises(TreeLoadError, match="unknown object 'Widget__c'"):
        load_plans(store, [path])


def test_an_unknown_record_type_is_refused(store: OrgStore, write_json: WriteJson) -> None:
    path = write_json("Things.json", {"records": [record("Thing__c", "T1", Name="x")]})
    with pytest.raises(TreeLoadError, match=re.escape("Things.json: record T1 has unknown type 'Thing__c'")):
        load_plans(store, [path])


def test_a_record_of_another_object_than_its_plan_entry_is_refused(store: OrgStore, write_json: WriteJson) -> None:
    write_json("Account.json", {"records": [record("Product2", "P1", Name="x")]})
    path = write_json("plan.json", plan(("Account", "Account.json")))
    with pytest.raises(TreeLoadError, match="is a Product2 but this file is loaded as Account"):
        load_plans(store, [path])


def test_a_malformed_plan_entry_or_missing_file_is_refused(store: OrgStore, write_json: WriteJson) -> None:
    bad_plan = write_json("plan.json", [{"sobject": "Account"}])
    with pytest.raises(TreeLoadError, match=r"plan entry 1 is malformed.*files"):
        load_plans(store, [bad_plan])
    missing = write_json("plan2.json", plan(("Account", "Nope.json")))
    with pytest.raises(TreeLoadError, match=re.escape("Nope.json: file not found")):
        load_plans(store, [missing])


def test_a_second_plan_resolves_references_of_the_first(store: OrgStore, write_json: WriteJson) -> None:
    write_json("Account.json", {"records": [record("Account", "A1", Name="Acme")]})
    write_json("Site.json", {"records": [record("SCMC__Supplier_Site__c", "S1", Name="Site", SCMC__Account__c="@A1")]})
    first = write_json("plan1.json", plan(("Account", "Account.json")))
    second = write_json("plan2.json", plan(("SCMC__Supplier_Site__c", "Site.json")))
    report = load_plans(store, [first, second])
    site = store.get("SCMC__Supplier_Site__c", report.reference_ids["S1"])
    assert site["SCMC__Account__c"] == report.reference_ids["A1"]
