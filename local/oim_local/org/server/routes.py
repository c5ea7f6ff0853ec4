"""The REST resources under ``/services/data/vNN.0/``: which one a request names, what kind
of request it counts as, and the handler that answers it.

The same table serves top-level requests and composite subrequests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from oim_local.org.errors import SalesforceApiError, not_found
from oim_local.org.server import sobjects
from oim_local.org.server.collections import Collections
from oim_local.org.server.composite import CompositeExecutor
from oim_local.org.server.counters import RequestKind
from oim_local.org.server.graph import GraphExecutor
from oim_local.org.server.org_limits import limits_body
from oim_local.org.server.paths import DataPath, fields_param, parse_data_path
from oim_local.org.server.query import QueryCursors, page_size
from oim_local.org.server.query_columns import column_metadata
from oim_local.org.server.sobjects import WriteContext, method_not_allowed
from oim_local.org.server.tree import create_tree
from oim_local.org.server.usage import ApiUsage
from oim_local.org.server.wire import ApiResponse
from oim_local.org.soql.errors import SoqlError


@dataclass(frozen=True)
class RouteInput:
    method: str
    path: DataPath
    body: Any
    query_options: str | None = None  # the Sforce-Query-Options header


Handler = Callable[[WriteContext, RouteInput], ApiResponse]


@dataclass(frozen=True)
class Route:
    kind: RequestKind
    handler: Handler
    # Writes may fail with UNABLE_TO_LOCK_ROW when the fault plan asks (graphs draw per graph).
    draws_lock_fault: bool = False


class DataRoutes:
    def __init__(
        self,
        cursors: QueryCursors,
        usage: ApiUsage,
        graphs: GraphExecutor,
        *,
        identity_url: str = "",
    ) -> None:
        self._identity_url = identity_url
        self._cursors = cursors
        self._usage = usage
        self._graphs = graphs
        self._collections = Collections()
        self._composite = CompositeExecutor(self.dispatch_subrequest)

    # ------------------------------------------------------------------ routing

    def resolve(self, method: str, path: DataPath) -> Route:
        """The route for ``method`` on ``path``; 404 or 405 as Salesforce answers."""
        segments = path.segments
        head = segments[0].lower() if segments else ""
        if not segments:
            return self._only(method, "GET", Route("describe", self._resources))
        if head == "limits" and len(segments) == 1:
            return self._only(method, "GET", Route("limits", self._limits))
        if head in ("query", "queryall") and len(segments) <= 2:
            kind: RequestKind = "query" if len(segments) == 1 else "query_more"
            return self._only(method, "GET", Route(kind, self._query))
        if head == "sobjects":
            return self._sobjects_route(method, segments)
        if head == "composite":
            return self._composite_route(method, segments)
        raise not_found()

    def _sobjects_route(self, method: str, segments: list[str]) -> Route:
        if len(segments) == 1:
            return self._only(method, "GET", Route("describe", self._describe_global))
        if len(segments) == 3 and segments[2].lower() == "describe":
            return self._only(method, "GET", Route("describe", self._describe))
        if sobjects.parse_target(segments[1:]) is None:
            raise not_found()
        if method == "GET":
            return Route("sobject_read", self._sobject_row)
        return Route("sobject_write", self._sobject_row, draws_lock_fault=True)

    def _composite_route(self, method: str, segments: list[str]) -> Route:
        if len(segments) == 1:
            return self._only(method, "POST", Route("composite", self._run_composite, draws_lock_fault=True))
        if segments[1] == "graph" and len(segments) == 2:
            return self._only(method, "POST", Route("graph", self._run_graph))
        if segments[1] == "tree" and len(segments) == 3:
            return self._only(method, "POST", Route("tree", self._run_tree, draws_lock_fault=True))
        if segments[1] != "sobjects":
            raise not_found()
        if len(segments) == 2:
            if method not in ("POST", "PATCH", "DELETE"):
                raise method_not_allowed(method, "POST,PATCH,DELETE")
            return Route("collections", self._collection_write, draws_lock_fault=True)
        if len(segments) == 3:
            if method not in ("GET", "POST"):
                raise method_not_allowed(method, "GET,POST")
            return Route("collections", self._collection_retrieve)
        if len(segments) == 4:
            return self._only(method, "PATCH", Route("collections", self._collection_upsert, draws_lock_fault=True))
        raise not_found()

    @staticmethod
    def _only(method: str, allowed: str, route: Route) -> Route:
        if method != allowed:
            raise method_not_allowed(method, allowed)
        return route

    def dispatch_subrequest(self, context: WriteContext, method: str, url: str, body: Any) -> ApiResponse:
        """One composite subrequest, inside the composite's transaction."""
        path = parse_data_path(url)
        if path is None:
            raise not_found()
        route = self.resolve(method, path)
        if route.kind in ("graph", "composite", "tree"):
            raise SalesforceApiError(400, "INVALID_INPUT", f"{url} cannot be a composite subrequest.")
        request_version = context.api_version
        context.api_version = path.api_version
        try:
            return route.handler(context, RouteInput(method, path, body))
        finally:
            context.api_version = request_version

    # ------------------------------------------------------------------ handlers

    def _resources(self, context: WriteContext, route_input: RouteInput) -> ApiResponse:
        base = f"/services/data/v{context.api_version}"
        names = ("sobjects", "query", "queryAll", "limits", "composite")
        resources = {name: f"{base}/{name}" for name in names}
        if self._identity_url:
            resources["identity"] = self._identity_url  # the full URL, as Salesforce lists it
        return ApiResponse(200, resources)

    def _limits(self, context: WriteContext, route_input: RouteInput) -> ApiResponse:
        used, limit = self._usage.snapshot()
        return ApiResponse(200, limits_body(api_used=used, api_limit=limit, records=context.store.live_record_count()))

    def _describe_global(self, context: WriteContext, route_input: RouteInput) -> ApiResponse:
        return ApiResponse(200, context.store.describe_global(api_version=context.api_version))

    def _describe(self, context: WriteContext, route_input: RouteInput) -> ApiResponse:
        sobject = route_input.path.segments[1]
        return ApiResponse(200, context.store.describe(sobject, api_version=context.api_version))

    def _query(self, context: WriteContext, route_input: RouteInput) -> ApiResponse:
        segments = route_input.path.segments
        endpoint = "queryAll" if segments[0].lower() == "queryall" else "query"
        prefix = f"/services/data/v{context.api_version}/{endpoint}"
        if len(segments) == 2:
            return ApiResponse(200, self._cursors.next_page(segments[1], next_url_prefix=prefix))
        soql = route_input.path.param("q")
        if not soql:
            raise SalesforceApiError(400, "MALFORMED_QUERY", "A query string must be given in the q parameter.")
        try:
            if (route_input.path.param("columns") or "").lower() == "true":
                # The column metadata only (the Salesforce CLI asks for it to lay out its table).
                return ApiResponse(200, column_metadata(context.store, soql))
            result = context.store.query(soql, include_deleted=endpoint == "queryAll", api_version=context.api_version)
        except SoqlError as error:
            return ApiResponse(400, [{"message": error.message, "errorCode": error.error_code}])
        page = self._cursors.first_page(
            result.total_size,
            list(result.records),
            size=page_size(route_input.query_options),
            next_url_prefix=prefix,
        )
        return ApiResponse(200, page)

    def _sobject_row(self, context: WriteContext, route_input: RouteInput) -> ApiResponse:
        target = sobjects.parse_target(route_input.path.segments[1:])
        if target is None:
            raise not_found()
        fields = fields_param(route_input.path.param("fields"))
        return sobjects.execute(context, route_input.method, target, route_input.body, fields)

    def _run_graph(self, context: WriteContext, route_input: RouteInput) -> ApiResponse:
        return self._graphs.execute(context, route_input.body)

    def _run_tree(self, context: WriteContext, route_input: RouteInput) -> ApiResponse:
        return create_tree(context, route_input.path.segments[2], route_input.body)

    def _run_composite(self, context: WriteContext, route_input: RouteInput) -> ApiResponse:
        return self._composite.execute(context, route_input.body)

    def _collection_write(self, context: WriteContext, route_input: RouteInput) -> ApiResponse:
        if route_input.method == "POST":
            return self._collections.create(context, route_input.body)
        if route_input.method == "PATCH":
            return self._collections.update(context, route_input.body)
        ids = fields_param(route_input.path.param("ids")) or []
        all_or_none = (route_input.path.param("allOrNone") or "").lower() == "true"
        return self._collections.delete(context, ids, all_or_none)

    def _collection_retrieve(self, context: WriteContext, route_input: RouteInput) -> ApiResponse:
        sobject = route_input.path.segments[2]
        if route_input.method == "POST":  # ids and fields in the body, for long id lists
            body = route_input.body if isinstance(route_input.body, dict) else {}
            ids = [str(value) for value in body.get("ids") or []]
            fields = [str(value) for value in body.get("fields") or []]
        else:
            ids = fields_param(route_input.path.param("ids")) or []
            fields = fields_param(route_input.path.param("fields")) or []
        return self._collections.retrieve(context, sobject, ids, fields)

    def _collection_upsert(self, context: WriteContext, route_input: RouteInput) -> ApiResponse:
        sobject, external_field = route_input.path.segments[2], route_input.path.segments[3]
        return self._collections.upsert(context, sobject, external_field, route_input.body)
