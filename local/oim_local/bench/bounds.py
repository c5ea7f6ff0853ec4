"""The lower bound on Salesforce API requests for a flow's data: what the composite APIs allow at best."""

from __future__ import annotations

from oim_connector.flows.base import DocumentFlow
from oim_connector.model.settings import ConnectorSettings
from oim_connector.org.graph import MAX_GRAPHS_PER_REQUEST, MAX_NODES_PER_REQUEST

from oim_local.bench.figures import LowerBound
from oim_local.org.store import OrgStore

ROWS_PER_QUERY_PAGE = 2000


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def eligible_rows(store: OrgStore, flow: DocumentFlow, settings: ConnectorSettings) -> tuple[int, int]:
    """(documents, rows): the eligible source headers and headers + lines, read straight from the store."""
    select = flow.selection(settings, flow.eligible_where(settings))
    records = store.query(select.render()).records
    lines = 0
    for record in records:
        children = record.get(flow.lines_relationship)
        if isinstance(children, dict):
            lines += int(children.get("totalSize") or len(children.get("records") or []))
    return len(records), len(records) + lines


def lower_bound(rows: int, graphs: int, nodes: int) -> LowerBound:
    reads = max(1, _ceil_div(rows, ROWS_PER_QUERY_PAGE))
    writes = max(_ceil_div(nodes, MAX_NODES_PER_REQUEST), _ceil_div(graphs, MAX_GRAPHS_PER_REQUEST))
    return LowerBound(rows=rows, graphs=graphs, nodes=nodes, reads=reads, writes=writes)
