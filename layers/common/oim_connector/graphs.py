"""One source document -> the composite graphs that write it and its write-back together.

Every node is an upsert by external id or an update by Id, so any graph can be resent
after a timeout without creating anything twice. A document that fits one graph (500
nodes) is written atomically with its source's back-links and Export Status; a bigger one
is spread over several self-contained graphs, the source marked Exported by the last.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from oim_connector.model.documents import (
    EXPORT_ERROR_FIELD,
    EXPORT_STATUS_FIELD,
    EXTERNAL_ID_FIELD,
    Mapped,
    TargetDocument,
    TargetLine,
)
from oim_connector.org.graph import MAX_NODES_PER_GRAPH, GraphNode, ref, update_node, upsert_node


@dataclass(frozen=True)
class PlannedGraph:
    """Nodes of one graph, before it gets its id within a request."""

    nodes: tuple[GraphNode, ...]
    final: bool  # carries the source's write-back


def _header_node(document: TargetDocument, reference_id: str) -> GraphNode:
    return upsert_node(document.sobject, EXTERNAL_ID_FIELD, document.external_id, reference_id, document.fields)


def _line_nodes(line: TargetLine, header_ref: str, index: str) -> list[GraphNode]:
    body: dict[str, Any] = {**line.fields, line.parent_field: ref(header_ref)}
    line_ref = f"l{index}"
    nodes = [upsert_node(line.sobject, EXTERNAL_ID_FIELD, line.external_id, line_ref, body)]
    for number, link in enumerate(line.source_links):
        link_body = {link.field: ref(line_ref), **link.extra_fields}
        nodes.append(update_node(link.sobject, link.record_id, f"w{index}_{number}", link_body))
    return nodes


def _source_update(mapped: Mapped, first_header_ref: str) -> GraphNode:
    assert mapped.header_link is not None
    link = mapped.header_link
    body: dict[str, Any] = {
        link.field: ref(first_header_ref),
        EXPORT_STATUS_FIELD: "Exported",
        EXPORT_ERROR_FIELD: None,
        **mapped.header_updates,
    }
    return update_node(link.sobject, link.record_id, "src", body)


def plan_graphs(mapped: Mapped, max_nodes: int = MAX_NODES_PER_GRAPH) -> list[PlannedGraph]:
    documents = mapped.documents
    first = documents[0]
    whole: list[GraphNode] = []
    for d_index, document in enumerate(documents):
        header_ref = f"h{d_index}"
        whole.append(_header_node(document, header_ref))
        for l_index, line in enumerate(document.lines):
            whole.extend(_line_nodes(line, header_ref, f"{d_index}_{l_index}"))
    whole.append(_source_update(mapped, "h0"))
    if len(whole) <= max_nodes:
        return [PlannedGraph(tuple(whole), final=True)]
    return _spread(mapped, documents, first, max_nodes)


def _spread(
    mapped: Mapped, documents: Sequence[TargetDocument], first: TargetDocument, max_nodes: int
) -> list[PlannedGraph]:
    """Each graph repeats the header upserts it references, so each stands on its own."""
    graphs: list[PlannedGraph] = []
    current: list[GraphNode] = []
    headers_in_current: set[int] = set()

    def flush() -> None:
        nonlocal current, headers_in_current
        if current:
            graphs.append(PlannedGraph(tuple(current), final=False))
        current, headers_in_current = [], set()

    for d_index, document in enumerate(documents):
        for l_index, line in enumerate(document.lines):
            line_nodes = _line_nodes(line, f"h{d_index}", f"{d_index}_{l_index}")
            needed = len(line_nodes) + (0 if d_index in headers_in_current else 1)
            if len(current) + needed > max_nodes - 2:  # room for the final write-back
                flush()
            if d_index not in headers_in_current:
                current.append(_header_node(document, f"h{d_index}"))
                headers_in_current.add(d_index)
            current.extend(line_nodes)
    if 0 not in headers_in_current:
        current.append(_header_node(first, "h0"))
    current.append(_source_update(mapped, "h0"))
    graphs.append(PlannedGraph(tuple(current), final=True))
    return graphs
