"""The c2g part of the local org's data model is Certinia Accounting's published one, and the check bites."""

from __future__ import annotations

import copy
import json
from typing import Any

import yaml
from oim_local.org.published import PUBLISHED_FILE, differences, load_published
from oim_local.org.schema import SCHEMA_FILE, load_schema, parse_schema


def _raw_schema() -> dict[str, Any]:
    with SCHEMA_FILE.open(encoding="utf-8") as handle:
        raw: dict[str, Any] = yaml.safe_load(handle)
    return raw


def test_every_c2g_object_and_field_matches_the_published_definitions() -> None:
    assert differences(load_schema(), load_published()) == []


def test_the_vendored_copy_says_where_it_came_from() -> None:
    data = json.loads(PUBLISHED_FILE.read_text(encoding="utf-8"))
    assert "Metadata API" in data["about"]
    assert data["sources"]["c2g__codaInvoice__c"]


def test_a_changed_name_in_a_copy_of_the_schema_fails_the_check() -> None:
    raw = copy.deepcopy(_raw_schema())
    fields = raw["objects"]["c2g__codaCreditNoteLineItem__c"]["fields"]
    fields["c2g__DeriveTaxRate1FromCode__c"] = fields.pop("c2g__DeriveTaxRateFromCode__c")

    assert differences(parse_schema(raw), load_published()) == [
        "c2g__codaCreditNoteLineItem__c.c2g__DeriveTaxRate1FromCode__c: no such field in Certinia Accounting"
    ]


def test_a_wrong_length_type_picklist_value_or_lookup_target_fails_the_check() -> None:
    raw = copy.deepcopy(_raw_schema())
    invoice = raw["objects"]["c2g__codaInvoice__c"]["fields"]
    invoice["c2g__CustomerReference__c"]["length"] = 80
    invoice["c2g__InvoiceDescription__c"] = {"type": "string", "length": 255}
    invoice["c2g__InvoiceStatus__c"]["values"] = ["In Progress", "Ready to Post", "Complete", "Discarded", "Posted"]
    invoice["c2g__Period__c"]["to"] = "c2g__codaYear__c"
    raw["objects"]["c2g__codaJournalLineItem__c"]["fields"]["c2g__Value__c"]["scale"] = 4

    assert differences(parse_schema(raw), load_published()) == [
        "c2g__codaInvoice__c.c2g__CustomerReference__c: length 80, published 24",
        "c2g__codaInvoice__c.c2g__InvoiceDescription__c: type string, published TextArea (textarea)",
        "c2g__codaInvoice__c.c2g__InvoiceStatus__c: picklist values not published: Posted",
        "c2g__codaInvoice__c.c2g__Period__c: looks up to c2g__codaYear__c, published c2g__codaPeriod__c",
        "c2g__codaJournalLineItem__c.c2g__Value__c: precision/scale 18,4, published 18,2",
    ]


def test_names_compare_case_insensitively_and_other_namespaces_are_not_checked() -> None:
    raw = copy.deepcopy(_raw_schema())
    line = raw["objects"]["c2g__codaPurchaseInvoiceLineItem__c"]["fields"]
    # published as c2g__CalculateTaxValuefromRate__c: the same field to Salesforce
    line["c2g__CALCULATETAXVALUEFROMRATE__C"] = line.pop("c2g__CalculateTaxValueFromRate__c")
    line["SCMFFA__Not_Accounting__c"] = {"type": "string", "length": 10}

    assert differences(parse_schema(raw), load_published()) == []
