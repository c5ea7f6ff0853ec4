"""Composite graph: each graph all-or-nothing, references, node rules, limits, halting."""

from __future__ import annotations

from typing import Any

import pytest
from oim_local.org.server.app import OrgApp
from oim_local.org.server.graph import HALTED_MESSAGE, ROLLED_BACK_MESSAGE
from oim_local.org.store import OrgStore

from tests.unit.local_org.server.server_helpers import (
    EXT,
    Books,
    call,
    data_url,
    graph_results,
    invoice_graph,
    live_ids,
    node_bodies,
)

GRAPH_URL = data_url("composite/graph")


def account_graph(graph_id: str, name: str, count: int = 1) -> dict[str, Any]:
    nodes = [
        {"method": "POST", "url": data_url("sobjects/Account"), "referenceId": f"a{i}", "body": {"Name": name}}
        for i in range(count)
    ]
    return {"graphId": graph_id, "compositeRequest": nodes}


def failing_graph(graph_id: str) -> dict[str, Any]:
    return {
        "graphId": graph_id,
        "compositeRequest": [
            {"method": "POST", "url": data_url("sobjects/Account"), "referenceId": "bad", "body": {"Nope__c": 1}}
        ],
    }


def test_a_failing_node_rolls_back_its_whole_graph_while_the_neighbours_commit(
    app: OrgApp, store: OrgStore, books: Books
) -> None:
    payload = {
        "graphs": [
            invoice_graph("g1", books, "A"),
            invoice_graph("g2", books, "B", bad_line=3),
            invoice_graph("g3", books, "C"),
        ]
    }

    response = call(app, "POST", GRAPH_URL, payload)

    assert response.status == 200
    graphs = graph_results(response)
    assert graphs["g1"]["isSuccessful"] and graphs["g3"]["isSuccessful"]
    assert not graphs["g2"]["isSuccessful"]
    assert live_ids(store, "c2g__codaInvoice__c", "SIN:A") and live_ids(store, "c2g__codaInvoice__c", "SIN:C")
    # The header and the two good lines of g2 ran before line 3 failed; all three are gone.
    assert live_ids(store, "c2g__codaInvoice__c", "SIN:B") == []
    assert live_ids(store, "c2g__codaInvoiceLineItem__c", "SIN:B:1") == []
    nodes = node_bodies(graphs["g2"])
    assert nodes["line3"]["httpStatusCode"] == 400
    assert nodes["line3"]["body"][0]["errorCode"] == "INVALID_FIELD"
    for reference in ("hdr", "line1", "line2"):
        assert nodes[reference]["body"] == [
            {"errorCode": "PROCESSING_HALTED", "message": ROLLED_BACK_MESSAGE, "fields": []}
        ]
    assert app.counters().records_written == 8  # two graphs of a header and three lines


def test_references_reach_ids_and_fields_of_earlier_nodes_in_bodies_and_urls(app: OrgApp, store: OrgStore) -> None:
    graph = {
        "graphId": "refs",
        "compositeRequest": [
            {"method": "POST", "url": data_url("sobjects/Account"), "referenceId": "acct", "body": {"Name": "Parent"}},
            {
                "method": "GET",
                "url": data_url("sobjects/Account/@{acct.id}?fields=Name"),
                "referenceId": "read",
            },
            {
                "method": "PATCH",
                "url": data_url("sobjects/Account/@{acct.id}"),
                "referenceId": "rename",
                "body": {"Name": "@{read.Name} Renamed", "Phone": "@{acct.id}"},
            },
        ],
    }

    response = call(app, "POST", GRAPH_URL, {"graphs": [graph]})

    nodes = node_bodies(graph_results(response)["refs"])
    account_id = nodes["acct"]["body"]["id"]
    assert nodes["acct"]["httpStatusCode"] == 201
    assert nodes["read"]["body"]["Name"] == "Parent"
    assert nodes["rename"]["httpStatusCode"] == 204
    assert store.get("Account", account_id, ["Name", "Phone"])["Name"] == "Parent Renamed"
    assert store.get("Account", account_id, ["Phone"])["Phone"] == account_id


def test_a_reference_to_an_unknown_node_fails_the_graph(app: OrgApp, store: OrgStore) -> None:
    graph = {
        "graphId": "g",
        "compositeRequest": [
            {"method": "POST", "url": data_url("sobjects/Account"), "referenceId": "a", "body": {"Name": "Kept?"}},
            {
                "method": "PATCH",
                "url": data_url("sobjects/Account/@{nobody.id}"),
                "referenceId": "b",
                "body": {"Name": "x"},
            },
        ],
    }

    response = call(app, "POST", GRAPH_URL, {"graphs": [graph]})

    result = graph_results(response)["g"]
    assert not result["isSuccessful"]
    assert "nobody.id" in node_bodies(result)["b"]["body"][0]["message"]
    assert store.find_by_external_id("Account", "Name", "Kept?") == []


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "query?q=SELECT+Id+FROM+Account"),
        ("POST", "composite/sobjects"),
        ("PATCH", "sobjects/Account"),
        ("POST", "sobjects/Account/001000000000001AAA"),
    ],
)
def test_a_node_url_salesforce_does_not_allow_fails_only_its_graph(
    app: OrgApp, store: OrgStore, method: str, url: str
) -> None:
    bad = {"graphId": "bad", "compositeRequest": [{"method": method, "url": data_url(url), "referenceId": "n"}]}

    response = call(app, "POST", GRAPH_URL, {"graphs": [account_graph("good", "Good"), bad]})

    graphs = graph_results(response)
    assert graphs["good"]["isSuccessful"]
    assert not graphs["bad"]["isSuccessful"]
    assert "not allowed in a composite graph" in node_bodies(graphs["bad"])["n"]["body"][0]["message"]


def test_upsert_nodes_create_then_update_so_a_retried_graph_writes_no_duplicate(
    app: OrgApp, store: OrgStore, books: Books
) -> None:
    first = call(app, "POST", GRAPH_URL, {"graphs": [invoice_graph("g", books, "R")]})
    again = call(app, "POST", GRAPH_URL, {"graphs": [invoice_graph("g", books, "R")]})

    first_header = node_bodies(graph_results(first)["g"])["hdr"]
    again_header = node_bodies(graph_results(again)["g"])["hdr"]
    assert (first_header["httpStatusCode"], first_header["body"]["created"]) == (201, True)
    assert (again_header["httpStatusCode"], again_header["body"]["created"]) == (200, False)
    assert again_header["body"]["id"] == first_header["body"]["id"]
    assert len(live_ids(store, "c2g__codaInvoice__c", "SIN:R")) == 1


def assert_refused_whole(app: OrgApp, store: OrgStore, payload: dict[str, Any], words: str) -> None:
    before = store.connection.execute('SELECT COUNT(*) FROM "Account"').fetchone()[0]
    response = call(app, "POST", GRAPH_URL, payload)
    assert response.status == 400
    assert words in response.body[0]["message"]
    assert store.connection.execute('SELECT COUNT(*) FROM "Account"').fetchone()[0] == before


def test_more_than_75_graphs_refuses_the_whole_request(app: OrgApp, store: OrgStore) -> None:
    payload = {"graphs": [account_graph(f"g{i}", "x") for i in range(76)]}
    assert_refused_whole(app, store, payload, "limit of 75")
    assert call(app, "POST", GRAPH_URL, {"graphs": payload["graphs"][:75]}).status == 200


def test_more_than_500_nodes_in_one_graph_refuses_the_whole_request(app: OrgApp, store: OrgStore) -> None:
    assert_refused_whole(app, store, {"graphs": [account_graph("big", "x", 501)]}, "500 nodes per graph")


def test_more_than_500_nodes_over_all_graphs_refuses_the_whole_request(app: OrgApp, store: OrgStore) -> None:
    payload = {"graphs": [account_graph("a", "x", 250), account_graph("b", "x", 251)]}
    assert_refused_whole(app, store, payload, "500 nodes per request")


def test_more_than_15_distinct_node_types_refuses_the_whole_request(app: OrgApp, store: OrgStore) -> None:
    objects = ["Account", "Product2", "c2g__codaCompany__c", "c2g__codaDimension1__c", "c2g__codaDimension2__c"]
    nodes: list[dict[str, Any]] = [
        {"method": method, "url": data_url(f"sobjects/{name}/{EXT}/v"), "referenceId": f"{method}{name}"}
        for name in objects
        for method in ("GET", "PATCH", "DELETE")
    ]
    nodes.append({"method": "POST", "url": data_url("sobjects/Account"), "referenceId": "one-more", "body": {}})
    assert_refused_whole(app, store, {"graphs": [{"graphId": "g", "compositeRequest": nodes}]}, "distinct node types")


def test_after_14_failed_graphs_the_rest_are_halted_and_not_run(app: OrgApp, store: OrgStore) -> None:
    graphs = [failing_graph(f"f{i}") for i in range(16)] + [account_graph("late", "Too Late")]

    response = call(app, "POST", GRAPH_URL, {"graphs": graphs})

    results = response.body["graphs"]
    assert [graph["isSuccessful"] for graph in results] == [False] * 17
    first_errors = [graph["graphResponse"]["compositeResponse"][0]["body"][0] for graph in results[:14]]
    assert {error["errorCode"] for error in first_errors} == {"INVALID_FIELD"}
    for graph in results[14:]:
        node = graph["graphResponse"]["compositeResponse"][0]
        assert node["body"][0] == {"errorCode": "PROCESSING_HALTED", "message": HALTED_MESSAGE, "fields": []}
    assert store.find_by_external_id("Account", "Name", "Too Late") == []
    assert app.counters().graphs == 14


def test_a_body_that_is_not_a_graph_request_is_refused_with_what_is_missing(app: OrgApp) -> None:
    response = call(app, "POST", GRAPH_URL, {"graph": []})
    assert response.status == 400
    assert response.body[0]["errorCode"] == "JSON_PARSER_ERROR"
    assert "graphs" in response.body[0]["message"]
