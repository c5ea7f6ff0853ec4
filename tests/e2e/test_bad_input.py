"""Every kind of bad input a user or a misconfigured org can send: each gets a clear error
(HTTP 400, or an Export Error that names what to fix) and nothing is written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from oim_connector.errors import BadRequestError, ConfigurationError
from oim_connector.settings_store import parse_settings
from oim_local.runner import events

from tests.e2e.conftest import Sample
from tests.e2e.helpers import body, result_for

FLOW = "sales-invoices"
FN = "sales_invoices"


def _no_documents_written(sample: Sample) -> bool:
    return not sample.query("SELECT Id FROM c2g__codaInvoice__c WHERE OIM_External_Id__c != null")


def _refused(sample: Sample, event: dict[str, Any]) -> str:
    answer = sample.env.invoke(FN, event)
    assert answer["statusCode"] == 400, answer
    message: str = body(answer)["message"]
    return message


@pytest.mark.parametrize(
    ("raw_body", "expected"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        (json.dumps({"recordId": 12345}), "recordId"),
        (json.dumps({"recordId": None}), "recordId"),
        (json.dumps({"recordId": "a4A000000000001AAA", "extra": 1}), "extra: is not a field the API accepts"),
        (json.dumps({"recordId": "a4A0000000001"}), "is not a Salesforce record id"),  # wrong length
        (json.dumps({"recordId": "a4A000000000001AA'"}), "is not a Salesforce record id"),  # SOQL quote
        (json.dumps({"recordId": "a4A' OR Name != '"}), "is not a Salesforce record id"),
        (json.dumps({"recordId": "a4A000000000001\\%_"}), "is not a Salesforce record id"),
    ],
)
def test_malformed_record_actions_are_refused_with_400(sample: Sample, raw_body: str, expected: str) -> None:
    message = _refused(sample, events.api_event("POST", f"/flows/{FLOW}/record", raw_body))

    assert expected in message
    assert _no_documents_written(sample)


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"recordIds": "a4A000000000001AAA"}, "recordIds"),
        ({"recordIds": []}, "select at least one record"),
        ({"allEligible": True, "recordIds": ["a4A000000000001AAA"]}, "is not a Salesforce record id"),
        ({"allEligible": "maybe"}, "allEligible"),
        ({"recordIds": ["a4A000000000001AAA"] * 10_000}, "at most 5000 records"),
    ],
)
def test_malformed_list_actions_are_refused_with_400(sample: Sample, payload: dict[str, Any], expected: str) -> None:
    message = _refused(sample, events.api_event("POST", f"/flows/{FLOW}/list", payload))

    assert expected in message
    assert _no_documents_written(sample)


def test_a_selection_and_all_eligible_together_are_refused(sample: Sample) -> None:
    payload = {"allEligible": True, "recordIds": [sample.ids["InvOk1"]]}

    assert "not both" in _refused(sample, events.api_event("POST", f"/flows/{FLOW}/list", payload))


def test_an_oversized_body_and_an_unknown_flow_are_refused(sample: Sample) -> None:
    huge = json.dumps({"recordIds": ["a4A000000000001AAA"] * 20_000})
    assert "larger than 256 KB" in _refused(sample, events.api_event("POST", f"/flows/{FLOW}/list", huge))
    assert "Unknown flow 'teleport'" in _refused(
        sample, events.api_event("POST", "/flows/teleport/record", {"recordId": sample.ids["InvOk1"]})
    )
    assert "No such action" in _refused(sample, events.api_event("DELETE", f"/flows/{FLOW}/record", None))
    assert _no_documents_written(sample)


def test_ids_of_another_object_are_reported_not_found_and_nothing_is_written(sample: Sample) -> None:
    account = sample.ids["CustNorthwind"]

    report = body(sample.env.invoke(FN, events.record_action(FLOW, account)))

    result = result_for(report, account)
    assert result["outcome"] == "failed"
    assert f"No SCMC__Invoicing__c record has the Id {account}" in result["errors"][0]
    assert _no_documents_written(sample)


def test_a_jobs_queue_message_that_is_not_json_fails_alone(sample: Sample) -> None:
    record = {"messageId": "m-bad", "receiptHandle": "r", "body": "{{nope", "attributes": {},
              "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
              "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:jobs", "awsRegion": "eu-west-1"}  # fmt: skip

    answer = sample.env.invoke(FN, {"Records": [record]}, drain_jobs=False)

    assert answer == {"batchItemFailures": [{"itemIdentifier": "m-bad"}]}
    assert _no_documents_written(sample)


def test_events_of_the_wrong_source_or_shape_are_refused_and_of_another_flow_or_kind_ignored(sample: Sample) -> None:
    wrong_type = events.oim_event(FLOW, sample.ids["InvOk1"], "shipment-completed")
    wrong_type["detail-type"] = "AccountChangeEvent"
    with pytest.raises(BadRequestError, match="are not for this connector"):
        sample.env.invoke(FN, wrong_type)
    other_flow = events.oim_event("journals", sample.ids["InvOk1"], "perpetual-record-created")
    assert sample.env.invoke(FN, other_flow) == {"ignored": "a journals event reached the sales-invoices function"}
    other_kind = events.oim_event(FLOW, sample.ids["InvOk1"], "voucher-matched")
    assert sample.env.invoke(FN, other_kind) == {
        "ignored": "'voucher-matched' is not an event of sales-invoices "
        "(its events: criteria-checked, drop-ship-billed, shipment-completed)"
    }
    with pytest.raises(BadRequestError, match="Unrecognised event"):
        sample.env.invoke(FN, {"hello": "world"})
    assert _no_documents_written(sample)


@pytest.mark.parametrize(
    "field",
    ["Create_Sales_Invoice__c = true OR Name != null", "X__c' OR '1'='1", "Name; DELETE", "a" * 200],
)
def test_a_settings_value_with_a_soql_injection_attempt_is_refused(field: str) -> None:
    with pytest.raises(ConfigurationError, match="custom_criteria_field"):
        parse_settings({"sales_invoices": {"custom_criteria_field": field}})


def _run_one(sample: Sample, key: str) -> dict[str, Any]:
    report = body(sample.env.invoke(FN, events.record_action(FLOW, sample.ids[key])))
    return result_for(report, sample.ids[key])


def test_a_lookup_to_a_deleted_record_is_an_export_error_naming_what_to_link(sample: Sample) -> None:
    # Given a customer whose AR control GLA is deleted (the org clears lookups to deleted records)
    assert sample.env.org is not None
    store = sample.env.org.store
    old_gla = store.create(
        "c2g__codaGeneralLedgerAccount__c",
        {"Name": "AR Control (old)", "c2g__ReportingCode__c": "1299", "c2g__Type__c": "Balance Sheet"},
    )
    store.update("Account", sample.ids["CustNorthwind"], {"c2g__CODAAccountsReceivableControl__c": old_gla})
    store.delete("c2g__codaGeneralLedgerAccount__c", old_gla)

    result = _run_one(sample, "InvOk1")

    assert result["outcome"] == "failed"
    expected = "Customer account 'Northwind Traders' has no accounts receivable control GLA: set it on the account"
    assert result["errors"] == [expected]
    source = sample.get("SCMC__Invoicing__c", sample.ids["InvOk1"])
    assert (source["SCMC__Export_Status__c"], source["SCMC__Export_Error__c"]) == ("Export Error", expected)
    assert _no_documents_written(sample)


def test_a_currency_with_no_accounting_currency_is_an_export_error(sample: Sample) -> None:
    assert sample.env.org is not None
    store = sample.env.org.store
    store.update("SCMC__Invoicing__c", sample.ids["InvUK"], {"SCMFFA__Accounting_Currency__c": None})
    store.update("SCMC__Sales_Order__c", sample.ids["SoInvUK"],
                 {"SCMFFA__Accounting_Currency__c": None, "SCMC__Currency__c": sample.ids["CmJPY"]})  # fmt: skip

    result = _run_one(sample, "InvUK")

    assert "has no accounting currency JPY" in result["errors"][0]
    assert sample.get("SCMC__Invoicing__c", sample.ids["InvUK"])["SCMC__Export_Status__c"] == "Export Error"
    assert _no_documents_written(sample)


def test_a_closed_period_is_an_export_error(sample: Sample) -> None:
    assert sample.env.org is not None
    sample.env.org.store.update("SCMC__Invoicing__c", sample.ids["InvOk1"], {"SCMC__Invoice_Date__c": "2026-09-15"})

    result = _run_one(sample, "InvOk1")

    assert "Period 2026/009 of company 'Acme Industries US' is closed" in result["errors"][0]
    assert _no_documents_written(sample)


def test_a_record_with_null_required_fields_is_an_export_error_naming_the_field(sample: Sample) -> None:
    assert sample.env.org is not None
    voucher = sample.ids["ApvMixed"]
    sample.env.org.store.update("SCMC__AP_Voucher__c", voucher, {"SCMC__Invoice_Number__c": None})

    answer = sample.env.invoke("payable_invoices", events.record_action("payable-invoices", voucher))

    result = result_for(body(answer), voucher)
    assert result["outcome"] == "failed"
    assert "Supplier Invoice Number" in result["errors"][0] or "SCMC__Invoice_Number__c" in result["errors"][0]
    assert sample.get("SCMC__AP_Voucher__c", voucher)["SCMC__Export_Status__c"] == "Export Error"
    assert not sample.query("SELECT Id FROM c2g__codaPurchaseInvoice__c WHERE OIM_External_Id__c != null")
