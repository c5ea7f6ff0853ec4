"""One source document -> the composite graphs that write it and its write-back together.

Every node is an upsert by external id or an update by Id, so any graph can be resent
after a timeout without creating anything twice. A document that fits one graph is written
atomically with its source's back-links and Export Status. A bigger one follows the
large-document protocol (docs/architecture.md): its headers are written marked incomplete
(``OIM_Export_Incomplete__c``, which the posting endpoint refuses) and the source noted as
partly written by the first graph; lines follow in self-contained graphs; the last graph
clears the marker on every header and links the source, so it never looks whole before it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from oim_connector.model.documents import (
    EXPORT_ERROR_FIELD,
    EXPORT_STATUS_FIELD,
    EXTERNAL_ID_FIELD,
    INCOMPLETE_FIELD,
    PARTLY_WRITTEN_MESSAGE,
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


def _header_node(document: TargetDocument, reference_id: str, *, incomplete: bool = False) -> GraphNode:
    body = {**document.fields, INCOMPLETE_FIELD: incomplete}
    return upsert_node(document.sobject, EXTERNAL_ID_FIELD, document.external_id, reference_id, body)


def _partly_written(mapped: Mapped) -> GraphNode:
    assert mapped.header_link is not None
    link = mapped.header_link
    return update_node(link.sobject, link.record_id, "srcpart", {EXPORT_ERROR_FIELD: PARTLY_WRITTEN_MESSAGE})


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
    whole: list[GraphNode] = []
    for d_index, document in enumerate(documents):
        header_ref = f"h{d_index}"
        whole.append(_header_node(document, header_ref))
        for l_index, line in enumerate(document.lines):
            whole.extend(_line_nodes(line, header_ref, f"{d_index}_{l_index}"))
    whole.append(_source_update(mapped, "h0"))
    if len(whole) <= max_nodes:
        return [PlannedGraph(tuple(whole), final=True)]
    return _spread(mapped, documents, max_nodes)


def planned_line_ids(mapped: Mapped) -> set[str]:
    """External ids of every target line the mapping wants, for converging an existing document."""
    return {line.external_id for document in mapped.documents for line in document.lines}


def _spread(mapped: Mapped, documents: Sequence[TargetDocument], max_nodes: int) -> list[PlannedGraph]:
    """Each graph repeats (marked incomplete) the header upserts it references, so each stands
    on its own; the last clears the marker on every header and links the source."""
    graphs: list[PlannedGraph] = []
    current: list[GraphNode] = [_partly_written(mapped)]
    headers_in_current: set[int] = set()
    # The last graph carries every header (to clear its marker) and the source's write-back.
    room = max_nodes - len(documents) - 1
    if room < 3:
        raise ValueError(f"{max_nodes} nodes per graph cannot hold {len(documents)} headers and a line")

    def flush() -> None:
        nonlocal current, headers_in_current
        if current:
            graphs.append(PlannedGraph(tuple(current), final=False))
        current, headers_in_current = [], set()

    for d_index, document in enumerate(documents):
        for l_index, line in enumerate(document.lines):
            line_nodes = _line_nodes(line, f"h{d_index}", f"{d_index}_{l_index}")
            needed = len(line_nodes) + (0 if d_index in headers_in_current else 1)
            if len(current) + needed > room:
                flush()
            if d_index not in headers_in_current:
                current.append(_header_node(document, f"h{d_index}", incomplete=True))
                headers_in_current.add(d_index)
            current.extend(line_nodes)
    flush()
    final: list[GraphNode] = [_header_node(d, f"h{i}") for i, d in enumerate(documents)]
    final.append(_source_update(mapped, "h0"))
    graphs.append(PlannedGraph(tuple(final), final=True))
    return graphs
