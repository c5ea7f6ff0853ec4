"""Helpers for the server tests: call ``OrgApp`` the way the HTTPS layer does, build graphs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from oim_local.org.server.app import OrgApp
from oim_local.org.server.wire import ApiRequest, ApiResponse
from oim_local.org.store import OrgStore

TOKEN = "00D-test-token"
VERSION = "v60.0"
EXT = "OIM_External_Id__c"


def data_url(rest: str) -> str:
    return f"/services/data/{VERSION}/{rest}"


def call(
    app: OrgApp,
    method: str,
    target: str,
    body: Any = None,
    *,
    token: str | None = TOKEN,
    headers: dict[str, str] | None = None,
) -> ApiResponse:
    all_headers = dict(headers or {})
    if token is not None:
        all_headers["Authorization"] = f"Bearer {token}"
    payload = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    return app.handle(ApiRequest.build(method, target, all_headers, payload))


@dataclass(frozen=True)
class Books:
    company: str
    account: str
    product: str


def make_books(store: OrgStore) -> Books:
    company = store.create("c2g__codaCompany__c", {"Name": "Acme UK"})
    account = store.create("Account", {"Name": "Customer Ltd"})
    product = store.create("Product2", {"Name": "Widget"})
    return Books(company, account, product)


def invoice_graph(
    graph_id: str, books: Books, key: str, *, lines: int = 3, bad_line: int | None = None
) -> dict[str, Any]:
    """Upsert a sales invoice and its lines by external id; ``bad_line`` names an unknown field."""
    nodes: list[dict[str, Any]] = [
        {
            "method": "PATCH",
            "url": data_url(f"sobjects/c2g__codaInvoice__c/{EXT}/SIN:{key}"),
            "referenceId": "hdr",
            "body": {"c2g__Account__c": books.account, "c2g__OwnerCompany__c": books.company},
        }
    ]
    for number in range(1, lines + 1):
        body: dict[str, Any] = {"c2g__Invoice__c": "@{hdr.id}", "c2g__Product__c": books.product}
        if number == bad_line:
            body["No_Such_Field__c"] = 1
        nodes.append(
            {
                "method": "PATCH",
                "url": data_url(f"sobjects/c2g__codaInvoiceLineItem__c/{EXT}/SIN:{key}:{number}"),
                "referenceId": f"line{number}",
                "body": body,
            }
        )
    return {"graphId": graph_id, "compositeRequest": nodes}


def live_ids(store: OrgStore, sobject: str, external_id: str) -> list[str]:
    return store.find_by_external_id(sobject, EXT, external_id)


def graph_results(response: ApiResponse) -> dict[str, dict[str, Any]]:
    return {graph["graphId"]: graph for graph in response.body["graphs"]}


def node_bodies(graph: dict[str, Any]) -> dict[str, Any]:
    return {node["referenceId"]: node for node in graph["graphResponse"]["compositeResponse"]}
