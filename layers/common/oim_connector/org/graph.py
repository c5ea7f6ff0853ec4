"""Composite graph requests: building nodes, packing graphs, reading results.

Salesforce runs each graph as one all-or-nothing transaction. A request carries at most
75 graphs and 500 nodes, and at most 15 distinct node types (method + sObject); packing
graphs tightly into requests is what keeps API usage per document low.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

MAX_NODES_PER_REQUEST = 500
MAX_GRAPHS_PER_REQUEST = 75
MAX_NODES_PER_GRAPH = 500
MAX_NODE_TYPES_PER_REQUEST = 15


@dataclass(frozen=True)
class GraphNode:
    method: str
    sobject: str
    url: str  # relative to /services/data/vNN.0/
    reference_id: str
    body: Mapping[str, Any] | None = None

    @property
    def node_type(self) -> tuple[str, str]:
        return (self.method, self.sobject)

    def to_json(self, api_version: str) -> dict[str, Any]:
        node: dict[str, Any] = {
            "method": self.method,
            "url": f"/services/data/v{api_version}/{self.url}",
            "referenceId": self.reference_id,
        }
        if self.body is not None:
            node["body"] = dict(self.body)
        return node


def upsert_node(
    sobject: str, external_id_field: str, external_id: str, reference_id: str, body: Mapping[str, Any]
) -> GraphNode:
    url = f"sobjects/{sobject}/{external_id_field}/{quote(external_id, safe='')}"
    return GraphNode("PATCH", sobject, url, reference_id, body)


def update_node(sobject: str, record_id: str, reference_id: str, body: Mapping[str, Any]) -> GraphNode:
    return GraphNode("PATCH", sobject, f"sobjects/{sobject}/{record_id}", reference_id, body)


def ref(reference_id: str, attribute: str = "id") -> str:
    return f"@{{{reference_id}.{attribute}}}"


@dataclass(frozen=True)
class Graph:
    graph_id: str
    nodes: tuple[GraphNode, ...]

    def node_types(self) -> frozenset[tuple[str, str]]:
        return frozenset(n.node_type for n in self.nodes)

    def to_json(self, api_version: str) -> dict[str, Any]:
        return {"graphId": self.graph_id, "compositeRequest": [n.to_json(api_version) for n in self.nodes]}


@dataclass
class _Request:
    graphs: list[Graph] = field(default_factory=list)
    nodes: int = 0
    types: set[tuple[str, str]] = field(default_factory=set)

    def fits(self, graph: Graph) -> bool:
        return (
            len(self.graphs) < MAX_GRAPHS_PER_REQUEST
            and self.nodes + len(graph.nodes) <= MAX_NODES_PER_REQUEST
            and len(self.types | graph.node_types()) <= MAX_NODE_TYPES_PER_REQUEST
        )

    def add(self, graph: Graph) -> None:
        self.graphs.append(graph)
        self.nodes += len(graph.nodes)
        self.types |= graph.node_types()


def pack_graphs(graphs: Sequence[Graph]) -> list[list[Graph]]:
    """First-fit packing of graphs into as few requests as the limits allow."""
    requests: list[_Request] = []
    for graph in graphs:
        if len(graph.nodes) > MAX_NODES_PER_GRAPH:
            raise ValueError(f"graph {graph.graph_id} has {len(graph.nodes)} nodes; at most 500 are allowed")
        target = next((r for r in requests if r.fits(graph)), None)
        if target is None:
            target = _Request()
            requests.append(target)
        target.add(graph)
    return [r.graphs for r in requests]


def lower_bound_requests(node_counts: Sequence[int]) -> int:
    """The fewest graph requests any packing could use for graphs of these sizes."""
    total = sum(node_counts)
    by_nodes = -(-total // MAX_NODES_PER_REQUEST)
    by_graphs = -(-len(node_counts) // MAX_GRAPHS_PER_REQUEST)
    return max(by_nodes, by_graphs)


@dataclass(frozen=True)
class NodeResult:
    reference_id: str
    status: int
    body: Any

    @property
    def record_id(self) -> str | None:
        if isinstance(self.body, dict):
            value = self.body.get("id")
            return value if isinstance(value, str) else None
        return None

    @property
    def created(self) -> bool | None:
        if isinstance(self.body, dict) and "created" in self.body:
            return bool(self.body["created"])
        return None


@dataclass(frozen=True)
class GraphResult:
    graph_id: str
    successful: bool
    nodes: dict[str, NodeResult]

    def errors(self) -> list[tuple[str, str, str]]:
        """(reference id, error code, message) of the nodes that really failed."""
        found: list[tuple[str, str, str]] = []
        for node in self.nodes.values():
            if node.status < 400 or not isinstance(node.body, list):
                continue
            for error in node.body:
                if not isinstance(error, dict):
                    continue
                code = str(error.get("errorCode", ""))
                if code == "PROCESSING_HALTED":
                    continue
                found.append((node.reference_id, code, str(error.get("message", ""))))
        return found

    def error_codes(self) -> set[str]:
        codes = set()
        for node in self.nodes.values():
            if isinstance(node.body, list):
                codes |= {str(e.get("errorCode", "")) for e in node.body if isinstance(e, dict)}
        return codes


def parse_graph_response(payload: Mapping[str, Any]) -> list[GraphResult]:
    results = []
    for graph in payload.get("graphs", []):
        nodes: dict[str, NodeResult] = {}
        composite = (graph.get("graphResponse") or {}).get("compositeResponse") or []
        for node in composite:
            reference_id = str(node.get("referenceId", ""))
            nodes[reference_id] = NodeResult(reference_id, int(node.get("httpStatusCode", 0)), node.get("body"))
        results.append(GraphResult(str(graph.get("graphId")), bool(graph.get("isSuccessful")), nodes))
    return results
