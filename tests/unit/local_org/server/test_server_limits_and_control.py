"""The Sforce-Limit-Info header, the daily limit, /limits, the counters and the control API."""

from __future__ import annotations

import json
from pathlib import Path

from oim_local.org.server.app import OrgApp, OrgSettings
from oim_local.org.server.faults import FaultKind
from oim_local.org.store import OrgStore

from tests.unit.local_org.server.server_helpers import TOKEN, Books, call, data_url, invoice_graph


def test_every_response_carries_the_usage_so_far(app: OrgApp) -> None:
    headers = [call(app, "GET", data_url("limits")).headers["Sforce-Limit-Info"] for _ in range(3)]
    assert headers == ["api-usage=1/5000000", "api-usage=2/5000000", "api-usage=3/5000000"]
    assert call(app, "GET", data_url("limits"), token="bad").headers["Sforce-Limit-Info"] == "api-usage=3/5000000"


def test_limits_resource_reports_daily_api_requests(app: OrgApp) -> None:
    call(app, "GET", data_url("sobjects"))
    body = call(app, "GET", data_url("limits")).body
    assert body["DailyApiRequests"] == {"Max": 5_000_000, "Remaining": 4_999_998}


def test_past_the_daily_limit_requests_are_refused_and_nothing_is_done(store: OrgStore, tmp_path: Path) -> None:
    app = OrgApp(store, OrgSettings("https://127.0.0.1:1", static_token=TOKEN, daily_limit=2))
    call(app, "GET", data_url("limits"))
    call(app, "GET", data_url("limits"))

    refused = call(app, "POST", data_url("sobjects/Account"), {"Name": "Too late"})

    assert refused.status == 403
    assert refused.body == [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}]
    assert refused.headers["Sforce-Limit-Info"] == "api-usage=2/2"
    assert store.find_by_external_id("Account", "Name", "Too late") == []


def test_counters_count_requests_by_kind_records_graphs_and_nodes(app: OrgApp, books: Books) -> None:
    call(app, "POST", data_url("composite/graph"), {"graphs": [invoice_graph("a", books, "1", lines=2)]})
    call(app, "GET", data_url("query?q=SELECT+Id+FROM+Account"))
    call(app, "POST", "/services/apexrest/SCMFFA/v1/post", {"documents": [{"sobject": "Account", "id": books.account}]})

    counters = call(app, "GET", "/__local/counters").body

    assert counters == {
        "requests_by_kind": {"graph": 1, "query": 1, "apex": 1},
        "total_requests": 3,
        "records_written": 3,
        "graphs": 1,
        "nodes": 3,
        "faults_injected": {},
    }


def test_the_control_api_resets_counters_and_sets_and_clears_faults(app: OrgApp) -> None:
    call(app, "GET", data_url("limits"))
    assert call(app, "POST", "/__local/counters/reset").status == 204
    assert app.counters().total_requests == 0
    assert call(app, "GET", data_url("limits")).headers["Sforce-Limit-Info"] == "api-usage=1/5000000"

    plan = {"seed": 7, "rate": 1.0, "kinds": ["unavailable_before_commit"]}
    put = call(app, "PUT", "/__local/faults", json.dumps(plan).encode())
    assert put.status == 200
    assert put.body["plan"]["kinds"] == [FaultKind.UNAVAILABLE_BEFORE_COMMIT.value]
    assert call(app, "GET", data_url("limits")).status == 503
    assert call(app, "DELETE", "/__local/faults").status == 204
    assert call(app, "GET", data_url("limits")).status == 200


def test_the_control_api_refuses_a_bad_plan_and_a_missing_token(app: OrgApp) -> None:
    bad = call(app, "PUT", "/__local/faults", json.dumps({"rate": 2}).encode())
    assert bad.status == 400
    assert "rate" in bad.body[0]["message"]
    assert call(app, "GET", "/__local/counters", token=None).status == 401


def test_the_posting_endpoint_answers_results_per_document(app: OrgApp, books: Books) -> None:
    response = call(
        app, "POST", "/services/apexrest/SCMFFA/v1/post", {"documents": [{"sobject": "Account", "id": books.account}]}
    )
    assert response.status == 200
    assert response.body["results"][0]["success"] is False
    assert call(app, "POST", "/services/apexrest/SCMFFA/v1/post", {"docs": []}).status == 400
