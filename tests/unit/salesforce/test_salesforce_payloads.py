"""The JSON the Apex client sends is exactly what the API accepts, and the answers it parses are
what the API returns. The examples are the static resources the Apex tests use as fixtures; they are
compared with the API's own models, with events/ (canonical API Gateway events) and with the routes
API Gateway serves."""

from __future__ import annotations

import re
from typing import Any

import pytest
from oim_connector.jobs import Job
from oim_connector.model.api import ListActionBody, RecordActionBody
from oim_connector.model.report import RunReport

from tests.unit.salesforce.salesforce_dx import apex, architecture_flows, event, event_body, example

DOCUMENT_FLOWS = [f for f in architecture_flows().values() if f.flow_id != "vendor-accounts"]


def shape(value: Any) -> Any:
    """Keys and value types, not values: ids differ between examples."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def test_request_examples_are_accepted_by_the_api_models() -> None:
    RecordActionBody.model_validate(example("OimExampleRecordRequest"))
    ListActionBody.model_validate(example("OimExampleListRequest"))
    assert ListActionBody.model_validate(example("OimExampleAllEligibleRequest")).allEligible is True


def test_request_examples_are_the_shapes_of_docs_architecture() -> None:
    assert shape(example("OimExampleRecordRequest")) == {"recordId": "str"}
    assert shape(example("OimExampleListRequest")) == {"recordIds": ["str"], "requestedBy": "str"}
    assert example("OimExampleAllEligibleRequest") == {"allEligible": True, "requestedBy": "005000000000001AAA"}


@pytest.mark.parametrize("flow", DOCUMENT_FLOWS, ids=lambda f: f.flow_id)
@pytest.mark.parametrize(
    ("case", "name"),
    [
        ("record", "OimExampleRecordRequest"),
        ("list", "OimExampleListRequest"),
        ("list_all", "OimExampleAllEligibleRequest"),
    ],
)
def test_request_examples_match_the_canonical_events(flow: Any, case: str, name: str) -> None:
    body = event_body(flow.python_name, case)
    if body is None:
        pytest.skip(f"events/{flow.python_name}_{case}.json is not written yet")
    assert shape(body) == shape(example(name))
    route = "record" if case == "record" else "list"
    assert event(flow.python_name, case)["path"] == f"/flows/{flow.flow_id}/{route}"  # type: ignore[index]


def test_job_status_route_is_the_one_the_events_call() -> None:
    found = event("sales_invoices", "job_status")
    if found is None:
        pytest.skip("events/sales_invoices_job_status.json is not written yet")
    job_id = found["pathParameters"]["jobId"]
    assert found["path"] == f"/flows/sales-invoices/jobs/{job_id}"
    client = apex("OimConnectorClient")
    assert "flowPath(flowId, 'jobs') + '/' +" in client
    assert "'/flows/' + flowId + '/' + route" in client


def test_apex_client_builds_the_documented_bodies_and_routes() -> None:
    client = apex("OimConnectorClient")
    assert "'recordId' => recordId" in client
    assert "'recordIds' => recordIds" in client
    assert "'allEligible' => true" in client
    assert "flowPath(flowId, 'record')" in client
    assert client.count("flowPath(flowId, 'list')") == 2
    assert "callout:OIM_Connector_API" in client
    assert "setHeader('Idempotency-Key'" in client
    assert not re.search(r"https?://", client), "the endpoint comes from the named credential only"


def test_answer_examples_are_what_the_api_returns() -> None:
    for name in ("OimExampleRunReport", "OimExampleRunReportFailed"):
        report = RunReport.model_validate(example(name))
        assert report.to_json_dict()["results"][0]["sourceId"] == example(name)["results"][0]["sourceId"]
    accepted = example("OimExampleJobAccepted")
    assert set(accepted) == {"jobId", "status", "statusUrl"}
    assert accepted["status"] == "ACCEPTED"
    assert accepted["statusUrl"] == f"/flows/sales-invoices/jobs/{accepted['jobId']}"
    Job.model_validate(example("OimExampleJobStatus"))
    assert set(example("OimExampleBadRequest")) == {"error", "message"}


def test_apex_reads_the_keys_the_api_writes() -> None:
    parser = apex("OimConnectorResult")
    for key in ("results", "documents", "errors", "sourceName", "outcome", "reason", "id", "name",
                "externalId", "sobject", "jobId", "status", "report", "message"):  # fmt: skip
        assert f"'{key}'" in parser, key


def test_posting_examples_are_the_documented_contract() -> None:
    request = example("OimExamplePostingRequest")
    response = example("OimExamplePostingResponse")
    assert all(set(doc) == {"sobject", "id"} for doc in request["documents"])
    assert all(set(res) == {"id", "success", "status", "error"} for res in response["results"])
    assert [d["id"] for d in request["documents"]] == [r["id"] for r in response["results"]]
    service = apex("OimPostingService")
    assert "@RestResource(urlMapping='/SCMFFA/v1/post')" in service
    for key in (
        "'documents'",
        "'sobject'",
        "'results'",
        "'id' => documentId",
        "'success' =>",
        "'status' =>",
        "'error' =>",
    ):
        assert key in service, key
