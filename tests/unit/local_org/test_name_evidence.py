"""Every OIM name of the data model says what shows it: a published data dictionary, public code, or unverified."""

from __future__ import annotations

import copy
from typing import Any

import yaml
from oim_local.org.evidence import evidence_counts, missing_evidence, unverified_names
from oim_local.org.schema import SCHEMA_FILE, load_schema, parse_schema


def test_every_scmc_and_scmffa_name_carries_its_evidence() -> None:
    assert missing_evidence(load_schema()) == []


def test_a_name_without_evidence_fails_the_check() -> None:
    with SCHEMA_FILE.open(encoding="utf-8") as handle:
        raw: dict[str, Any] = copy.deepcopy(yaml.safe_load(handle))
    raw["objects"]["SCMC__AP_Voucher__c"]["fields"]["SCMC__New_Field__c"] = {"type": "date"}

    assert missing_evidence(parse_schema(raw)) == ["SCMC__AP_Voucher__c.SCMC__New_Field__c"]


def test_the_replaced_names_are_confirmed_and_the_subquery_relationships_unverified() -> None:
    schema = load_schema()
    credit = schema.object("SCMC__AP_Voucher_Credit__c")
    assert credit is not None and credit.field("SCMC__Invoice_Number__c") is not None
    assert str(credit.fields["SCMC__Invoice_Number__c"].source).startswith("OIM DD 2023.1")
    unverified = unverified_names(schema)
    assert "SCMC__AP_Voucher_Lines__r" in unverified and "SCMC__Unit_Cost__c" in unverified
    counts = evidence_counts(schema)
    assert counts["SCMC child relationship unverified"] == 5
    assert counts["SCMC field confirmed"] > 0 and counts["SCMFFA field confirmed"] > 0
