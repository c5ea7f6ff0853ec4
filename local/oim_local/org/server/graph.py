"""``POST /composite/graph``: each graph is one all-or-nothing transaction.

Nodes may only be the sObject requests Salesforce allows in a graph, and refer to earlier
nodes of the same graph with ``@{referenceId.field}``. Graph limits are checked before
anything runs; after 14 failed graphs the rest are halted, not run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from oim_local.org.errors import SalesforceApiError
from oim_local.org.server import limits, sobjects
from oim_local.org.server.counters import CounterBook
from oim_local.org.server.faults import FaultInjector
from oim_local.org.server.governor import GovernorMeter
from oim_local.org.server.paths import fields_param, parse_data_path
from oim_local.org.server.references import References
from oim_local.org.server.sobjects import SObjectTarget, WriteContext
from oim_local.org.server.wire import ApiResponse

ROLLED_BACK_MESSAGE = "The transaction was rolled back since another operation in the same transaction failed."
HALTED_MESSAGE = (
    f"Processing halted: {limits.MAX_FAILED_GRAPHS} graphs in this request failed, so this graph was not run."
)
# Which methods Salesforce allows on each shape of sObject url inside a graph.
_ALLOWED_METHODS = {
    "row": frozenset({"GET", "PATCH", "DELETE"}),
    "external": frozenset({"GET", "PATCH", "POST", "DELETE"}),
    "collection": frozenset({"POST"}),
}


class GraphNode(BaseModel):
    model_config = ConfigDict(extra="ignore")

    method: str
    url: str
    reference_id: str = Field(alias="referenceId", min_length=1)
    body: Any = None


class Graph(BaseModel):
    model_config = ConfigDict(extra="ignore")

    graph_id: str = Field(alias="graphId", min_length=1)
    composite_request: list[GraphNode] = Field(alias="compositeRequest", min_length=1)


class GraphRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    graphs: list[Graph] = Field(min_length=1)


def parse_graph_request(payload: Any) -> GraphRequest:
    try:
        return GraphRequest.model_validate(payload)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in issue['loc']) or 'body'}: {issue['msg']}" for issue in error.errors()
        )
        raise SalesforceApiError(400, "JSON_PARSER_ERROR", f"Invalid composite graph request: {problems}") from None


def check_graph_limits(request: GraphRequest) -> None:
    """The request-wide limits: a 400 for the whole request, nothing run."""
    graphs = request.graphs
    if len(graphs) > limits.MAX_GRAPHS_PER_REQUEST:
        raise _limit_error(
            f"The number of graphs in the request ({len(graphs)}) exceeds the limit of {limits.MAX_GRAPHS_PER_REQUEST}."
        )
    for graph in graphs:
        if len(graph.composite_request) > limits.MAX_NODES_PER_GRAPH:
            raise _limit_error(
                f"Graph {graph.graph_id} has {len(graph.composite_request)} nodes; the limit is "
                f"{limits.MAX_NODES_PER_GRAPH} nodes per graph."
            )
    total = sum(len(graph.composite_request) for graph in graphs)
    if total > limits.MAX_NODES_PER_REQUEST:
        raise _limit_error(
            f"The request has {total} nodes in all graphs; the limit is {limits.MAX_NODES_PER_REQUEST} "
            "nodes per request."
        )
    node_types = {_node_type(node) for graph in graphs for node in graph.composite_request}
    node_types.discard(None)
    if len(node_types) > limits.MAX_DISTINCT_NODE_TYPES:
        raise _limit_error(
            f"The request has {len(node_types)} distinct node types (API version, method and sObject); "
            f"the limit is {limits.MAX_DISTINCT_NODE_TYPES}."
        )
    graph_ids = [graph.graph_id for graph in graphs]
    if len(set(graph_ids)) != len(graph_ids):
        raise SalesforceApiError(400, "INVALID_INPUT", "Each graph in the request needs a distinct graphId.")


@dataclass
class GraphOutcome:
    result: dict[str, Any]
    successful: bool
    nodes_run: int


class GraphExecutor:
    """Runs graph requests; the context's tally ends up counting committed records only."""

    def __init__(self, faults: FaultInjector, counters: CounterBook) -> None:
        self._faults = faults
        self._counters = counters

    def execute(self, context: WriteContext, payload: Any) -> ApiResponse:
        request = parse_graph_request(payload)
        check_graph_limits(request)
        results: list[dict[str, Any]] = []
        committed: list[list[dict[str, Any]]] = []
        failed = graphs_run = nodes_run = 0
        for graph in request.graphs:
            if failed >= limits.MAX_FAILED_GRAPHS:
                results.append(_halted_graph(graph))
                continue
            outcome = self._run_graph(context, graph)
            graphs_run += 1
            nodes_run += outcome.nodes_run
            failed += 0 if outcome.successful else 1
            results.append(outcome.result)
            if outcome.successful:
                committed.append([node.body for node in graph.composite_request if isinstance(node.body, dict)])
        self._counters.add_graphs(graphs_run, nodes_run)
        self._faults.strike.after_graphs(committed)
        return ApiResponse(200, {"graphs": results})

    def _run_graph(self, context: WriteContext, graph: Graph) -> GraphOutcome:
        request_version = context.api_version
        written_at_start = context.tally.count
        context.fail_next_write_with_lock = self._faults.draw_lock_failure()
        references = References()
        meter = GovernorMeter(self._faults.trigger_cost())
        responses: list[dict[str, Any]] = []
        seen: set[str] = set()
        try:
            with context.store.transaction():
                for index, node in enumerate(graph.composite_request):
                    try:
                        if node.reference_id in seen:
                            raise SalesforceApiError(
                                400, "INVALID_INPUT", f"Duplicate referenceId {node.reference_id} in graph."
                            )
                        seen.add(node.reference_id)
                        response = run_node(context, references, node)
                        if node.method.upper() != "GET":
                            meter.charge(_node_sobject(node.url))
                    except SalesforceApiError as error:
                        raise _NodeFailed(index, error) from None
                    responses.append(node_result(node.reference_id, response))
                    references.remember(node.reference_id, response.body)
        except _NodeFailed as failure:
            context.tally.count = written_at_start
            return GraphOutcome(_failed_graph(graph, failure), successful=False, nodes_run=failure.index + 1)
        finally:
            context.api_version = request_version
            context.fail_next_write_with_lock = False
        return GraphOutcome(
            {"graphId": graph.graph_id, "isSuccessful": True, "graphResponse": {"compositeResponse": responses}},
            successful=True,
            nodes_run=len(graph.composite_request),
        )


def run_node(context: WriteContext, references: References, node: GraphNode) -> ApiResponse:
    method = node.method.upper()
    url = references.resolve_url(node.url)
    target, fields, api_version = _graph_target(method, url)
    body = references.resolve_body(node.body) if method in ("POST", "PATCH") else None
    context.api_version = api_version  # a node may name another API version than the request
    response = sobjects.execute(context, method, target, body, fields)
    if response.status >= 300:
        # Several records match the external id: the node fails like any error does.
        raise SalesforceApiError(
            300, "MULTIPLE_CHOICES", f"More than one record matches {url}: {', '.join(map(str, response.body))}"
        )
    return response


def node_result(reference_id: str, response: ApiResponse) -> dict[str, Any]:
    return {
        "body": response.body,
        "httpHeaders": dict(response.headers),
        "httpStatusCode": response.status,
        "referenceId": reference_id,
    }


def _graph_target(method: str, url: str) -> tuple[SObjectTarget, list[str] | None, str]:
    path = parse_data_path(url)
    if path is None or len(path.segments) < 2 or path.segments[0] != "sobjects":
        raise _invalid_node_url(method, url)
    target = sobjects.parse_target(path.segments[1:])
    if target is None:
        raise _invalid_node_url(method, url)
    shape = "external" if target.external_field else "row" if target.record_id else "collection"
    if method not in _ALLOWED_METHODS[shape]:
        raise _invalid_node_url(method, url)
    return target, fields_param(path.param("fields")), path.api_version


def _node_type(node: GraphNode) -> tuple[str, str, str] | None:
    path = parse_data_path(node.url)
    if path is None or len(path.segments) < 2 or path.segments[0] != "sobjects":
        return None
    return (path.api_version, node.method.upper(), path.segments[1].lower())


def _node_sobject(url: str) -> str:
    """``/services/data/vNN.0/sobjects/<type>/...`` -> ``<type>``."""
    parts = url.split("/sobjects/", 1)
    return parts[1].split("/", 1)[0].split("?", 1)[0] if len(parts) == 2 else ""


def _invalid_node_url(method: str, url: str) -> SalesforceApiError:
    return SalesforceApiError(
        400,
        "INVALID_INPUT",
        f"{method} {url} is not allowed in a composite graph: use POST sobjects/<type>, "
        "GET/PATCH/DELETE sobjects/<type>/<id>, or GET/PATCH/POST/DELETE sobjects/<type>/<field>/<value>.",
    )


def _limit_error(message: str) -> SalesforceApiError:
    return SalesforceApiError(400, "LIMIT_EXCEEDED", message)


class _NodeFailed(Exception):
    def __init__(self, index: int, error: SalesforceApiError) -> None:
        super().__init__(error.message)
        self.index = index
        self.error = error


def _error_node(reference_id: str, status: int, body: Any) -> dict[str, Any]:
    return {"body": body, "httpHeaders": {}, "httpStatusCode": status, "referenceId": reference_id}


def _failed_graph(graph: Graph, failure: _NodeFailed) -> dict[str, Any]:
    responses = []
    for index, node in enumerate(graph.composite_request):
        if index == failure.index:
            responses.append(_error_node(node.reference_id, failure.error.status, failure.error.to_json()))
        else:
            rolled_back = [{"errorCode": "PROCESSING_HALTED", "message": ROLLED_BACK_MESSAGE, "fields": []}]
            responses.append(_error_node(node.reference_id, 400, rolled_back))
    return {"graphId": graph.graph_id, "isSuccessful": False, "graphResponse": {"compositeResponse": responses}}


def _halted_graph(graph: Graph) -> dict[str, Any]:
    halted = [{"errorCode": "PROCESSING_HALTED", "message": HALTED_MESSAGE, "fields": []}]
    responses = [_error_node(node.reference_id, 400, halted) for node in graph.composite_request]
    return {"graphId": graph.graph_id, "isSuccessful": False, "graphResponse": {"compositeResponse": responses}}
