"""The Calculate Tax option of the record and list actions: accepted alike by API Gateway's request
models (template.yaml) and by the function's own body models."""

from __future__ import annotations

import json

import pytest
from oim_connector.errors import BadRequestError
from oim_connector.model.api import ListActionBody, RecordActionBody, parse_body

from tests.unit.events.test_events import model_errors

ID = "a4A5L0000000001UAA"


def test_calculate_tax_is_accepted_by_the_gateway_and_the_function() -> None:
    record = {"recordId": ID, "calculateTax": True}
    listed = {"recordIds": [ID], "calculateTax": False}
    assert model_errors(record, "RecordRequest") == [] and model_errors(listed, "ListRequest") == []
    assert parse_body(json.dumps(record), RecordActionBody).calculateTax is True
    assert parse_body(json.dumps({"recordIds": [ID]}), ListActionBody).calculateTax is None  # the setting decides
    assert parse_body(json.dumps({"recordId": ID}), RecordActionBody).calculateTax is False


def test_a_calculate_tax_that_is_not_a_boolean_is_refused_by_both() -> None:
    assert model_errors({"recordId": ID, "calculateTax": "yes"}, "RecordRequest")
    with pytest.raises(BadRequestError, match="calculateTax"):
        parse_body(json.dumps({"recordId": ID, "calculateTax": "yes"}), RecordActionBody)
