"""Which OIM names an admin may map to the org's own, and what the admin is told otherwise."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from oim_connector.errors import OrgError
from oim_connector.model.field_names import OVERRIDABLE_NAMES, field_name_problems, missing_name_hint
from oim_connector.model.settings import ConnectorSettings
from oim_connector.org.adapter import classify
from oim_local.org.evidence import unverified_names
from oim_local.org.schema import load_schema
from pydantic import ValidationError
from simple_salesforce.exceptions import SalesforceMalformedRequest

CONNECTOR = Path(__file__).resolve().parents[3] / "layers" / "common" / "oim_connector"
_NAME = re.compile(r"\b[A-Za-z][A-Za-z0-9_]*__[cCrR]\b")


def test_the_overridable_names_are_exactly_the_unverified_names_the_connector_uses() -> None:
    sources = [p for p in [*CONNECTOR.rglob("*.py"), *CONNECTOR.rglob("*.json")] if p.name != "field_names.py"]
    used = {name for path in sources for name in _NAME.findall(path.read_text(encoding="utf-8"))}
    assert set(unverified_names(load_schema())) & used == OVERRIDABLE_NAMES


@pytest.mark.parametrize(
    ("names", "problem"),
    [
        ({"Name": "Account_Name__c"}, "'Name': not a name the connector uses that can be overridden"),
        ({"SCMC__Export_Statuss__c": "X__c"}, "(did you mean 'SCMC__Export_Status__c'?)"),
        ({"SCMC__Export_Status__c": "SCMC__Export__Status__c"}, "is not a valid API name"),
        ({"SCMC__Export_Status__c": "Export_Status_"}, "is not a valid API name"),
        ({"SCMC__Export_Status__c": "SCMC__Export_Status__r"}, "must end in __c like the name it replaces"),
    ],
)
def test_each_bad_entry_says_what_to_change(names: dict[str, str], problem: str) -> None:
    (found,) = field_name_problems(names)
    assert problem in found
    with pytest.raises(ValidationError) as refused:
        ConnectorSettings.model_validate({"general": {"field_names": names}})
    assert problem in str(refused.value) and "Value error" not in str(refused.value)


def test_relationship_names_and_any_case_are_accepted() -> None:
    names = {"scmc__item__r": "SCMC__Item_Master__r", "SCMFFA__OIM_Invoice__c": "OIM_Invoice__c"}
    assert field_name_problems(names) == []


def test_a_missing_unverified_name_tells_which_setting_to_set() -> None:
    soql = "No such column 'SCMC__Export_Status__c' on entity 'SCMC__Invoicing__c'. If you are attempting ..."
    error = classify(SalesforceMalformedRequest("url", 400, "query", [{"errorCode": "INVALID_FIELD", "message": soql}]))

    assert isinstance(error, OrgError)
    assert error.message.startswith(
        "This org has no 'SCMC__Export_Status__c'. If it names it differently, map it in the settings: "
        'general.field_names {"SCMC__Export_Status__c": "<the org\'s API name>"}.'
    )
    assert "Salesforce answered 400 INVALID_FIELD: No such column" in error.message
    assert "general.field_names" in missing_name_hint("Didn't understand relationship 'SCMC__Item__r' in field path")
    # A name the connector has published evidence for is not the admin's to map: no misleading hint.
    assert missing_name_hint("No such column 'c2g__InvoiceDate__c' on entity 'c2g__codaInvoice__c'") == ""
