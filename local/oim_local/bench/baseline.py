"""The baseline: the way an integration is usually written, one REST request per record.

simple-salesforce, sequential: one query lists the eligible documents, one query reads each
document (its header and lines together, so this baseline is, if anything, kinder to itself
than one request per record read), then one PATCH per record written: the header upsert,
each line upsert, each source line back-link and the source header's write-back. It maps
with the connector's own rules, so both write the same documents.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import requests
from oim_connector.flows.registry import document_flow
from oim_connector.graphs import plan_graphs
from oim_connector.model.flows import FlowId
from oim_connector.model.settings import ConnectorSettings
from oim_connector.org.adapter import SalesforceOrg
from oim_connector.org.credentials import SalesforceCredentials
from oim_connector.org.graph import GraphNode
from oim_connector.org.soql import Select, eq
from simple_salesforce.api import Salesforce

from oim_local.bench.figures import RunFigures
from oim_local.org.process import ServedOrg, served_org
from oim_local.org.runtime import FaultPlan, RunningOrg

API_VERSION = "62.0"
_REFERENCE = re.compile(r"@\{([^.}]+)\.id\}")


def run_baseline(
    db_path: Path, flow_id: FlowId, settings: ConnectorSettings, faults: FaultPlan, *, limit: int, today: Any
) -> RunFigures:
    """The first ``limit`` eligible documents of the flow, one request per record."""
    flow = document_flow(flow_id)
    with served_org(db_path, faults) as org:
        client, adapter = _clients(org)
        started = time.perf_counter()
        listing = Select(
            flow.source_object, ("Id",), where=flow.eligible_where(settings), order_by=("Id",), limit=limit
        )
        ids = [str(r["Id"]) for r in client.query_all(listing.render())["records"]]
        reference = flow.load_reference(adapter, settings)
        rules = flow.rules(settings)
        created = failed = 0
        for source_id in ids:
            records = client.query(flow.selection(settings, eq("Id", source_id)).render())["records"]
            mapped = flow.map(records[0], ref=reference, settings=settings, rules=rules, today=today)
            if mapped.errors or mapped.skip_reason:
                failed += 1
                continue
            ids_by_ref: dict[str, str] = {}
            for graph in plan_graphs(mapped):
                for node in graph.nodes:
                    _write_one(client, node, ids_by_ref)
            created += 1
        wall = time.perf_counter() - started
        counters = org.counters()
    return RunFigures(
        documents=len(ids),
        created=created,
        failed=failed,
        api_requests=counters.total_requests,
        requests_by_kind=counters.requests_by_kind,
        wall_seconds=wall,
    )


def _clients(org: ServedOrg | RunningOrg) -> tuple[Salesforce, SalesforceOrg]:
    session = requests.Session()
    session.trust_env = False
    session.verify = str(org.ca_cert)
    client = Salesforce(instance_url=org.instance_url, session_id=org.token, session=session, version=API_VERSION)
    credentials = SalesforceCredentials.model_validate(
        {
            "auth": "token",
            "instance_url": org.instance_url,
            "access_token": org.token,
            "ca_bundle": Path(org.ca_cert).read_text(encoding="utf-8"),
            "api_version": API_VERSION,
        }
    )
    return client, SalesforceOrg(credentials)


def _write_one(client: Salesforce, node: GraphNode, ids_by_ref: dict[str, str]) -> None:
    body = {key: _resolve(value, ids_by_ref) for key, value in (node.body or {}).items()}
    answer = client.restful(node.url, method=node.method, json=body)
    if isinstance(answer, dict) and isinstance(answer.get("id"), str):
        ids_by_ref[node.reference_id] = answer["id"]


def _resolve(value: Any, ids_by_ref: dict[str, str]) -> Any:
    if isinstance(value, str):
        return _REFERENCE.sub(lambda match: ids_by_ref[match.group(1)], value)
    return value
