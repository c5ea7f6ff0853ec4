"""The lower bound on Salesforce API requests for a flow's data: what the composite APIs allow at best."""

from __future__ import annotations

from collections.abc import Sequence

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
    return LowerBound(rows=rows, graphs=graphs, nodes=nodes, reads=reads, writes=_writes(graphs, nodes))


def _writes(graphs: int, nodes: int) -> int:
    return max(_ceil_div(nodes, MAX_NODES_PER_REQUEST), _ceil_div(graphs, MAX_GRAPHS_PER_REQUEST))


def lower_bound_in_batches(batch_sizes: Sequence[int], graphs: int, nodes: int) -> LowerBound:
    """The bound when the data arrives in separate invocations (SQS batches): each batch needs its own
    read and its own writes, whatever a single run over all of it could share."""
    nodes_per_graph = nodes / graphs if graphs else 0.0
    graphs_per_row = graphs / sum(batch_sizes) if batch_sizes and sum(batch_sizes) else 0.0
    writes = 0
    for size in batch_sizes:
        batch_graphs = round(size * graphs_per_row)
        if batch_graphs:
            batch_nodes = round(batch_graphs * nodes_per_graph)
            writes += max(
                _ceil_div(batch_nodes, MAX_NODES_PER_REQUEST), _ceil_div(batch_graphs, MAX_GRAPHS_PER_REQUEST)
            )
    return LowerBound(rows=sum(batch_sizes), graphs=graphs, nodes=nodes, reads=len(batch_sizes), writes=writes)
