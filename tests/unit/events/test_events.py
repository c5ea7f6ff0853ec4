"""The canonical payloads in events/ are what AWS delivers to this stack, and agree with template.yaml.

API bodies are checked against the API's own request models (the JSON schemas in template.yaml that
API Gateway validates with), OIM events against the EventBridge rule patterns, SQS bodies as
EventBridge envelopes of Change Data Capture events.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml
from oim_local.cfn_expand import expand
from oim_local.cfn_expand import load as load_template
from oim_local.org.ids import is_valid_id, new_id

ROOT = Path(__file__).resolve().parents[3]
EVENTS = ROOT / "events"
DOCUMENT_FLOWS = {
    "sales_invoices": ("sales-invoices", "SCMC__Invoicing__c"),
    "sales_credit_notes": ("sales-credit-notes", "SCMC__Credit_Invoice__c"),
    "payable_invoices": ("payable-invoices", "SCMC__AP_Voucher__c"),
    "payable_credit_notes": ("payable-credit-notes", "SCMC__AP_Voucher_Credit__c"),
    "journals": ("journals", "SCMC__Inventory_Transaction_Perpetual_Record__c"),
}
CASES = ("record", "list", "list_all", "schedule", "event")
CDC_HEADER_KEYS = {"entityName", "recordIds", "changeType", "commitTimestamp", "commitNumber", "changedFields"}
SYSTEM_FIELDS = {"ChangeEventHeader", "LastModifiedDate", "LastModifiedById", "CreatedDate", "CreatedById"}


@cache
def template() -> dict[str, Any]:
    """template.yaml as SAM reads it: the five document flows' Fn::ForEach expanded."""
    return expand(load_template((ROOT / "template.yaml").read_text()))


@cache
def key_prefixes() -> dict[str, str]:
    schema = yaml.safe_load((ROOT / "local/oim_local/schema/objects.yaml").read_text())
    return {name: obj["key_prefix"] for name, obj in schema["objects"].items()}


def load(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    return event


def model(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = template()["Resources"]["Api"]["Properties"]["Models"][name]
    return schema


def model_errors(body: Any, name: str) -> list[str]:
    validator = jsonschema.Draft4Validator(model(name))  # API Gateway validates with JSON Schema draft 4
    return [error.message for error in validator.iter_errors(body)]


def function_events(flow_python_name: str) -> dict[str, Any]:
    name = "".join(part.title() for part in flow_python_name.split("_")) + "Function"
    found: dict[str, Any] = template()["Resources"][name]["Properties"]["Events"]
    return found


def matches(pattern: Any, event: Any) -> bool:
    """EventBridge pattern matching as moto implements it (exact values, prefix, nesting, ``$or``)."""
    from moto.events.models import EventPattern

    return bool(EventPattern.load(json.dumps(pattern)).matches_event(event))


def api_routes() -> set[tuple[str, str]]:
    routes = set()
    for resource in template()["Resources"].values():
        for event in resource.get("Properties", {}).get("Events", {}).values():
            if event["Type"] == "Api":
                routes.add((event["Properties"]["Method"].upper(), event["Properties"]["Path"]))
    return routes


def all_event_names() -> list[str]:
    return sorted(path.stem for path in EVENTS.glob("*.json"))


# ---------------------------------------------------------------------------- every file


@pytest.mark.parametrize("name", all_event_names())
def test_every_event_file_is_a_json_object(name: str) -> None:
    assert isinstance(load(name), dict)


def test_every_documented_case_has_a_file() -> None:
    expected = {f"{flow}_{case}" for flow in DOCUMENT_FLOWS for case in CASES}
    expected |= {"sales_invoices_job_status", "api_bad_json", "api_no_body", "api_bad_id", "api_unknown_flow",
                 "api_too_many_ids", "vendor_accounts_sqs_created", "vendor_accounts_sqs_updated",
                 "vendor_accounts_sqs_batch_mixed", "vendor_accounts_event"}  # fmt: skip
    assert expected <= set(all_event_names())


def test_files_are_what_the_generator_writes() -> None:
    # Given the generator (events/generate.py), When it builds the events, Then the files hold exactly that
    spec = importlib.util.spec_from_file_location("oim_events_generate", EVENTS / "generate.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    built = generator.build()
    assert sorted(built) == all_event_names()
    for name, event in built.items():
        assert event == load(name), f"events/{name}.json differs from events/generate.py: rerun it"


# ---------------------------------------------------------------------------- API Gateway


def api_event_names() -> list[str]:
    return [n for n in all_event_names() if "httpMethod" in load(n)]


@pytest.mark.parametrize("name", api_event_names())
def test_api_events_are_signed_rest_proxy_calls_of_an_iam_caller(name: str) -> None:
    event = load(name)
    context = event["requestContext"]
    assert event["isBase64Encoded"] is False
    assert context["httpMethod"] == event["httpMethod"]
    assert context["path"] == f"/{context['stage']}{event['path']}"
    assert context["resourcePath"] == event["resource"]
    assert re.fullmatch(r"arn:aws:iam::\d{12}:user/.+", context["identity"]["userArn"])
    assert context["identity"]["accessKey"] and context["identity"]["caller"]
    assert event["headers"]["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=")
    assert "/execute-api/aws4_request" in event["headers"]["Authorization"]
    assert event["multiValueHeaders"] == {k: [v] for k, v in event["headers"].items()}
    body = event["body"]
    assert body is None or hashlib.sha256(body.encode()).hexdigest() == event["headers"]["X-Amz-Content-Sha256"]


@pytest.mark.parametrize("flow", DOCUMENT_FLOWS)
def test_good_api_events_match_the_routes_and_request_models(flow: str) -> None:
    flow_id, source_object = DOCUMENT_FLOWS[flow]
    prefix = key_prefixes()[source_object]
    routes = {(e["Properties"]["Method"], e["Properties"]["Path"]): e for e in function_events(flow).values()
              if e["Type"] == "Api"}  # fmt: skip

    record = load(f"{flow}_record")
    assert (record["httpMethod"], record["resource"]) == ("POST", f"/flows/{flow_id}/record")
    assert (record["httpMethod"], record["resource"]) in routes
    body = json.loads(record["body"])
    assert model_errors(body, "RecordRequest") == []
    assert is_valid_id(body["recordId"]) and body["recordId"].startswith(prefix)

    selected = load(f"{flow}_list")
    assert (selected["httpMethod"], selected["resource"]) in routes
    body = json.loads(selected["body"])
    assert model_errors(body, "ListRequest") == []
    assert len(body["recordIds"]) > 1
    assert all(is_valid_id(i) and i.startswith(prefix) for i in body["recordIds"])

    everything = load(f"{flow}_list_all")
    assert everything["resource"] == f"/flows/{flow_id}/list"
    everything_body = json.loads(everything["body"])
    assert everything_body == {"allEligible": True, "requestedBy": body["requestedBy"]}  # who pressed the button
    assert model_errors(everything_body, "ListRequest") == []
    assert model_errors({"allEligible": True}, "ListRequest") == []
    assert model_errors({"allEligible": True, "requestedBy": "a4A000000000001AAA"}, "ListRequest") != []


def test_job_status_event() -> None:
    event = load("sales_invoices_job_status")
    assert (event["httpMethod"], event["resource"]) in api_routes()
    assert event["resource"] == "/flows/sales-invoices/jobs/{jobId}"
    assert event["path"] == f"/flows/sales-invoices/jobs/{event['pathParameters']['jobId']}"
    assert event["body"] is None


def test_bad_api_events_are_bad_in_the_way_their_name_says() -> None:
    bad_json = load("api_bad_json")["body"]
    with pytest.raises(json.JSONDecodeError):
        json.loads(bad_json)
    assert load("api_no_body")["body"] is None

    bad_id = json.loads(load("api_bad_id")["body"])
    assert not is_valid_id(bad_id["recordId"])
    assert model_errors(bad_id, "RecordRequest")  # API Gateway refuses it too

    unknown = load("api_unknown_flow")
    assert (unknown["httpMethod"], unknown["resource"]) not in api_routes()
    assert model_errors(json.loads(unknown["body"]), "RecordRequest") == []  # only the flow is wrong

    too_many = json.loads(load("api_too_many_ids")["body"])["recordIds"]
    assert len(too_many) == 10_001 and len(set(too_many)) == 10_001
    assert all(is_valid_id(i) for i in too_many)
    assert any("is too long" in e for e in model_errors({"recordIds": too_many}, "ListRequest"))


def test_request_models_refuse_what_the_handler_would_refuse() -> None:
    good = "a4A5L0000000001UAA"
    assert model_errors({"recordId": good, "extra": 1}, "RecordRequest")
    assert model_errors({}, "ListRequest")
    assert model_errors({"recordIds": []}, "ListRequest")
    assert model_errors({"recordIds": [good], "x": True}, "ListRequest")
    assert model_errors({"recordIds": [good[:14]]}, "ListRequest")
    assert model_errors({"recordId": "a4A5L0000000001UAA'"}, "RecordRequest")


# ---------------------------------------------------------------------------- schedules and OIM events


@pytest.mark.parametrize("flow", DOCUMENT_FLOWS)
def test_schedule_events_are_the_scheduler_target_input(flow: str) -> None:
    flow_id, _ = DOCUMENT_FLOWS[flow]
    event = load(f"{flow}_schedule")
    from oim_connector.admin.schedules import target_input
    from oim_connector.model.flows import FlowId

    # The admin page creates the one schedule per flow, with this target input (the stack creates none).
    configured = json.loads(target_input(FlowId(flow_id)))
    assert event == {**configured, "scheduledTime": event["scheduledTime"]}
    assert event["scheduleName"] == f"oim-{flow_id}"
    assert event["flow"] == flow_id and event["trigger"] == "schedule"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", event["scheduledTime"])


@pytest.mark.parametrize("flow", DOCUMENT_FLOWS)
def test_oim_events_reach_their_flow_and_no_other(flow: str) -> None:
    flow_id, source_object = DOCUMENT_FLOWS[flow]
    event = load(f"{flow}_event")
    assert re.fullmatch(r"aws\.partner/salesforce\.com/00D\w{15}/0YL\w{15}", event["source"])
    assert set(event["detail"]) == {"payload", "schemaId", "id"}
    payload = event["detail"]["payload"]
    assert payload["SCMFFA__Flow__c"] == flow_id
    assert is_valid_id(payload["SCMFFA__Record_Id__c"])
    assert payload["SCMFFA__Record_Id__c"].startswith(key_prefixes()[source_object])
    for other in DOCUMENT_FLOWS:
        pattern = function_events(other)["OimEvent"]["Properties"]["Pattern"]
        assert matches(pattern, event) is (other == flow), other
    supplier_pattern = function_events("vendor_accounts")["SupplierSiteChange"]["Properties"]["Pattern"]
    assert not matches(supplier_pattern, event)


# ---------------------------------------------------------------------------- supplier site changes


def cdc(envelope: dict[str, Any]) -> dict[str, Any]:
    assert envelope["detail-type"] == "SCMC__Supplier_Site__ChangeEvent"
    assert envelope["source"].startswith("aws.partner/salesforce.com/")
    header: dict[str, Any] = envelope["detail"]["payload"]["ChangeEventHeader"]
    assert set(header) >= CDC_HEADER_KEYS
    assert header["entityName"] == "SCMC__Supplier_Site__c"
    assert all(is_valid_id(i) and i.startswith(key_prefixes()["SCMC__Supplier_Site__c"]) for i in header["recordIds"])
    return header


def test_the_supplier_site_event_reaches_the_vendor_function_only() -> None:
    event = load("vendor_accounts_event")
    assert cdc(event)["changeType"] == "CREATE"
    assert matches(function_events("vendor_accounts")["SupplierSiteChange"]["Properties"]["Pattern"], event)
    for flow in DOCUMENT_FLOWS:
        assert not matches(function_events(flow)["OimEvent"]["Properties"]["Pattern"], event)


@pytest.mark.parametrize("name", ["vendor_accounts_sqs_created", "vendor_accounts_sqs_updated",
                                  "vendor_accounts_sqs_batch_mixed"])  # fmt: skip
def test_sqs_events_are_fifo_records_of_the_supplier_site_queue(name: str) -> None:
    for record in load(name)["Records"]:
        assert record["eventSource"] == "aws:sqs"
        assert record["eventSourceARN"].endswith(":supplier-site-changes.fifo")
        assert hashlib.md5(record["body"].encode(), usedforsecurity=False).hexdigest() == record["md5OfBody"]
        assert {"MessageGroupId", "MessageDeduplicationId", "SequenceNumber"} <= set(record["attributes"])


def test_created_and_updated_bodies_are_cdc_envelopes() -> None:
    (created,) = load("vendor_accounts_sqs_created")["Records"]
    envelope = json.loads(created["body"])
    header = cdc(envelope)
    assert header["changeType"] == "CREATE" and header["changedFields"] == []
    assert envelope["detail"]["payload"]["Name"]
    # the producer's FIFO ids: the group is the site, the dedup id the site and the commit
    assert created["attributes"]["MessageGroupId"] == header["recordIds"][0]
    assert created["attributes"]["MessageDeduplicationId"] == f"{header['recordIds'][0]}:{header['commitNumber']}"

    (updated,) = load("vendor_accounts_sqs_updated")["Records"]
    envelope = json.loads(updated["body"])
    header = cdc(envelope)
    assert header["changeType"] == "UPDATE"
    payload = envelope["detail"]["payload"]
    assert set(header["changedFields"]) == set(payload) - {"ChangeEventHeader"}
    assert set(header["changedFields"]) - SYSTEM_FIELDS  # a business field changed


def test_the_mixed_batch_has_a_good_a_malformed_and_a_failing_record() -> None:
    good, malformed, failing = load("vendor_accounts_sqs_batch_mixed")["Records"]
    assert cdc(json.loads(good["body"]))["changeType"] == "UPDATE"
    with pytest.raises(json.JSONDecodeError):
        json.loads(malformed["body"])
    header = cdc(json.loads(failing["body"]))  # well formed, but the site is not in the sample data
    assert header["recordIds"] == [new_id("a3J", 999_999)]
    assert len({r["messageId"] for r in (good, malformed, failing)}) == 3
