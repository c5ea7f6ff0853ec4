"""How many full composite graph requests the local org serves per second.

Each request carries 71 graphs of 7 nodes (497 nodes): upsert a sales invoice, upsert its 5
lines, write back to the OIM invoicing; the shape the connector sends. Run it with
``python -m oim_local.org.server.bench [--requests N] [--lines L]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from oim_local.org.runtime import RunningOrg, start_local_org
from oim_local.org.server.limits import MAX_GRAPHS_PER_REQUEST, MAX_NODES_PER_REQUEST

EXT = "OIM_External_Id__c"
VERSION = "v60.0"


def _url(rest: str) -> str:
    return f"/services/data/{VERSION}/{rest}"


def invoice_graph(source_id: str, account: str, company: str, product: str, lines: int) -> dict[str, Any]:
    nodes: list[dict[str, Any]] = [
        {
            "method": "PATCH",
            "url": _url(f"sobjects/c2g__codaInvoice__c/{EXT}/SIN:{source_id}"),
            "referenceId": "hdr",
            "body": {"c2g__Account__c": account, "c2g__OwnerCompany__c": company, "SCMFFA__OIM_Invoice__c": source_id},
        }
    ]
    nodes += [
        {
            "method": "PATCH",
            "url": _url(f"sobjects/c2g__codaInvoiceLineItem__c/{EXT}/SIN:{source_id}:{line}"),
            "referenceId": f"line{line}",
            "body": {"c2g__Invoice__c": "@{hdr.id}", "c2g__Product__c": product, "c2g__UnitPrice__c": 10.5},
        }
        for line in range(1, lines + 1)
    ]
    nodes.append(
        {
            "method": "PATCH",
            "url": _url(f"sobjects/SCMC__Invoicing__c/{source_id}"),
            "referenceId": "writeBack",
            "body": {"SCMFFA__Sales_Invoice__c": "@{hdr.id}", "SCMC__Export_Status__c": "Exported"},
        }
    )
    return {"graphId": f"g-{source_id}", "compositeRequest": nodes}


def _seed(org: RunningOrg, documents: int) -> tuple[str, str, str, list[str]]:
    store = org.store
    with store.transaction():
        company = store.create("c2g__codaCompany__c", {"Name": "Bench Co"})
        account = store.create("Account", {"Name": "Bench Customer"})
        product = store.create("Product2", {"Name": "Bench Widget"})
        sources = [store.create("SCMC__Invoicing__c", {"SCMC__Customer__c": account}) for _ in range(documents)]
    return company, account, product, sources


def run(requests_to_send: int, lines: int) -> dict[str, Any]:
    nodes_per_graph = lines + 2
    graphs_per_request = min(MAX_GRAPHS_PER_REQUEST, MAX_NODES_PER_REQUEST // nodes_per_graph)
    with tempfile.TemporaryDirectory() as directory, start_local_org(Path(directory) / "bench.db") as org:
        company, account, product, sources = _seed(org, graphs_per_request * requests_to_send)
        payloads = [
            {
                "graphs": [
                    invoice_graph(source, account, company, product, lines)
                    for source in sources[index * graphs_per_request : (index + 1) * graphs_per_request]
                ]
            }
            for index in range(requests_to_send)
        ]
        with requests.Session() as session:
            session.trust_env = False
            session.verify = str(org.ca_cert)
            session.headers["Authorization"] = f"Bearer {org.token}"
            target = org.instance_url + _url("composite/graph")
            session.get(org.instance_url + _url("limits"), timeout=30)  # the TLS handshake, outside the timing
            durations = []
            for payload in payloads:
                started = time.perf_counter()
                response = session.post(target, json=payload, timeout=300)
                durations.append(time.perf_counter() - started)
                response.raise_for_status()
                if not all(graph["isSuccessful"] for graph in response.json()["graphs"]):
                    raise RuntimeError("a graph failed during the benchmark")
        counters = org.counters()
    total = sum(durations)
    return {
        "requests": requests_to_send,
        "graphs_per_request": graphs_per_request,
        "nodes_per_request": graphs_per_request * nodes_per_graph,
        "records_written": counters.records_written,
        "graph_requests_per_second": round(requests_to_send / total, 2),
        "nodes_per_second": round(counters.nodes / total, 1),
        "median_request_ms": round(statistics.median(durations) * 1000, 1),
        "max_request_ms": round(max(durations) * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=10, help="graph requests to send (default 10)")
    parser.add_argument("--lines", type=int, default=5, help="lines per invoice (default 5: 7 nodes a graph)")
    args = parser.parse_args()
    print(json.dumps(run(args.requests, args.lines), indent=2))


if __name__ == "__main__":
    main()
