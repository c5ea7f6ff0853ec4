"""The custom fields of the DX project agree with the data model the connector and the local org
use (local/oim_local/schema/objects.yaml): same objects, names, types, lengths, lookups, picklists."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from oim_local.org.schema import FieldDef, load_schema

from tests.unit.salesforce.salesforce_dx import DEFAULT, field_files, text, xml

SCHEMA = load_schema()
EXTERNAL_ID = "OIM_External_Id__c"
OWN_OBJECTS = {"OIM_Document_Event__e", "Supplier_Site_Event__e", "OIM_Trigger_Settings__c"}
TYPE_OF = {"string": "Text", "boolean": "Checkbox", "date": "Date", "reference": "Lookup", "picklist": "Picklist"}


def schema_field(path: Path) -> FieldDef:
    obj = SCHEMA.object(path.parent.parent.name)
    assert obj is not None, f"{path.parent.parent.name} is not in objects.yaml"
    found = obj.field(path.name.removesuffix(".field-meta.xml"))
    assert found is not None, f"{obj.name}.{path.name} is not in objects.yaml"
    return found


CONNECTOR_FIELDS = [p for p in field_files() if p.parent.parent.name not in OWN_OBJECTS]


@pytest.mark.parametrize("path", CONNECTOR_FIELDS, ids=lambda p: f"{p.parent.parent.name}.{p.name[:-15]}")
def test_field_matches_objects_yaml(path: Path) -> None:
    expected = schema_field(path)
    root = xml(path)
    assert text(root, "fullName") == expected.name
    assert text(root, "type") == TYPE_OF[expected.type]
    if expected.type == "string":
        assert int(text(root, "length") or 0) == expected.length
        assert (text(root, "externalId") == "true") == expected.external_id
        assert (text(root, "unique") == "true") == expected.unique
    if expected.type == "boolean":
        assert text(root, "defaultValue") == ("true" if expected.default else "false")
    if expected.type == "reference":
        assert text(root, "referenceTo") == expected.to
        # Salesforce derives the field's relationship (…__r) from its name; the file names the child side.
        assert expected.relationship == expected.name.removesuffix("__c") + "__r"
        assert expected.child_relationship is not None
        child = expected.child_relationship.removeprefix("SCMFFA__").removesuffix("__r")
        assert text(root, "relationshipName") == child
        assert text(root, "deleteConstraint") == "SetNull"
    if expected.type == "picklist":
        values = [text(v, "fullName") for v in root.iter("value")]
        assert values == list(expected.values)
        assert (text(root, "valueSet/restricted") == "true") == expected.restricted
    assert (text(root, "required") == "true") == expected.required


def test_every_connector_field_of_the_schema_has_a_file() -> None:
    """Every SCMFFA__ field and every un-namespaced custom field (the connector's own) on an OIM object
    or Account, and on each Accounting target object."""
    have = {(p.parent.parent.name, p.name.removesuffix(".field-meta.xml")) for p in CONNECTOR_FIELDS}
    want = set()
    for obj in SCHEMA.objects.values():
        is_target = obj.name.startswith("c2g__") and obj.field(EXTERNAL_ID) is not None
        if obj.name.startswith("SCMC__") or obj.name == "Account" or is_target:
            want |= {(obj.name, f.name) for f in obj.fields.values()
                     if f.name.startswith("SCMFFA__") or re.fullmatch(r"[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*__c", f.name)}  # fmt: skip
    assert have == want


def test_every_accounting_target_header_and_line_has_the_external_id() -> None:
    targets = {
        "c2g__codaInvoice__c", "c2g__codaInvoiceLineItem__c", "c2g__codaCreditNote__c",
        "c2g__codaCreditNoteLineItem__c", "c2g__codaPurchaseInvoice__c", "c2g__codaPurchaseInvoiceLineItem__c",
        "c2g__codaPurchaseInvoiceExpenseLineItem__c", "c2g__codaPurchaseCreditNote__c",
        "c2g__codaPurchaseCreditNoteLineItem__c", "c2g__codaPurchaseCreditNoteExpLineItem__c",
        "c2g__codaJournal__c", "c2g__codaJournalLineItem__c", "Account",
    }  # fmt: skip
    for obj in targets:
        root = xml(DEFAULT / "objects" / obj / "fields" / f"{EXTERNAL_ID}.field-meta.xml")
        assert (text(root, "type"), text(root, "length")) == ("Text", "80")
        assert text(root, "externalId") == "true" and text(root, "unique") == "true", obj


def test_child_relationship_names_are_unique_per_parent() -> None:
    """Salesforce refuses two lookups to one parent with the same child relationship name."""
    names = Counter(
        (text(xml(p), "referenceTo"), text(xml(p), "relationshipName"))
        for p in CONNECTOR_FIELDS
        if text(xml(p), "type") == "Lookup"
    )
    assert [key for key, count in names.items() if count > 1] == []


def test_document_event_is_our_own_platform_event() -> None:
    event = DEFAULT / "objects" / "OIM_Document_Event__e"
    assert text(xml(event / "OIM_Document_Event__e.object-meta.xml"), "eventType") == "HighVolume"
    fields = {p.name.removesuffix(".field-meta.xml") for p in (event / "fields").iterdir()}
    assert fields == {"Flow__c", "Event__c", "Record_Id__c"}


def test_supplier_site_event_is_our_own_platform_event() -> None:
    event = DEFAULT / "objects" / "Supplier_Site_Event__e"
    assert text(xml(event / "Supplier_Site_Event__e.object-meta.xml"), "eventType") == "HighVolume"
    fields = {p.name.removesuffix(".field-meta.xml") for p in (event / "fields").iterdir()}
    assert fields == {"Record_Id__c", "Version__c"}
