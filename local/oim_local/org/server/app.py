"""One request in, one response out: authentication, the daily limit, counters, faults and
latency around the route handlers. No sockets here, so it runs the same in tests and behind
the HTTPS server."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from oim_local.org import identity
from oim_local.org.errors import SalesforceApiError, not_found
from oim_local.org.identity import ORG_ID, USER_ID
from oim_local.org.server import apex
from oim_local.org.server.auth import SESSION_INVALID_MESSAGE, TokenRegistry
from oim_local.org.server.control import CONTROL_PREFIX, ControlApi
from oim_local.org.server.counters import CounterBook, Counters, RequestKind
from oim_local.org.server.faults import (
    FaultInjector,
    FaultKind,
    FaultPlan,
    concurrent_limit_exceeded,
    daily_limit_exceeded,
    server_unavailable,
)
from oim_local.org.server.graph import GraphExecutor
from oim_local.org.server.limits import ADVERTISED_VERSIONS, DEFAULT_DAILY_LIMIT, DEFAULT_TOKEN_TTL_SECONDS
from oim_local.org.server.oauth import OAuthConfig, TokenEndpoint
from oim_local.org.server.paths import DATA_PREFIX, DataPath, parse_data_path
from oim_local.org.server.query import QueryCursors
from oim_local.org.server.routes import DataRoutes, Handler, Route, RouteInput
from oim_local.org.server.sobjects import WriteContext, method_not_allowed
from oim_local.org.server.usage import ApiUsage
from oim_local.org.server.wire import ApiRequest, ApiResponse, error_response, request_error_response
from oim_local.org.store import OrgStore

logger = logging.getLogger(__name__)

TOKEN_PATH = "/services/oauth2/token"  # noqa: S105 (a path, not a secret)
USERINFO_PATH = "/services/oauth2/userinfo"
IDENTITY_PREFIX = "/id/"
APEX_PREFIX = "/services/apexrest/"
LIMIT_HEADER = "Sforce-Limit-Info"
_BODY_METHODS = frozenset({"POST", "PATCH", "PUT"})


@dataclass(frozen=True)
class OrgSettings:
    instance_url: str
    static_token: str
    daily_limit: int = DEFAULT_DAILY_LIMIT
    token_ttl_seconds: int = DEFAULT_TOKEN_TTL_SECONDS
    oauth: OAuthConfig | None = None


class OrgApp:
    def __init__(
        self,
        store: OrgStore,
        settings: OrgSettings,
        *,
        faults: FaultPlan | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        timer: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.store = store
        self._sleep = sleep
        self._timer = timer
        self._counters = CounterBook()
        self._usage = ApiUsage(settings.daily_limit)
        self._tokens = TokenRegistry(settings.static_token, ttl_seconds=settings.token_ttl_seconds, clock=clock)
        oauth = settings.oauth or OAuthConfig(instance_url=settings.instance_url)
        self._token_endpoint = TokenEndpoint(oauth, self._tokens, clock)
        self._faults = FaultInjector()
        self._instance_url = oauth.instance_url
        self._cursors = QueryCursors()
        self._routes = DataRoutes(
            self._cursors,
            self._usage,
            GraphExecutor(self._faults, self._counters),
            identity_url=f"{oauth.instance_url}/id/{ORG_ID}/{USER_ID}",
        )
        self._control = ControlApi(
            counters=self.counters,
            reset_counters=self.reset_counters,
            faults=lambda: self._faults.plan,
            set_faults=self.set_faults,
            strike=self._faults.strike,
        )
        self.set_faults(faults)

    def close(self) -> None:
        """Removes the spooled query results."""
        self._cursors.close()

    # ------------------------------------------------------------------ test hooks

    @property
    def tokens(self) -> TokenRegistry:
        return self._tokens

    def counters(self) -> Counters:
        return self._counters.snapshot().model_copy(update={"faults_injected": self._faults.injected()})

    def reset_counters(self) -> None:
        self._counters.reset()
        self._usage.reset()
        self._faults.reset_injected()

    def set_faults(self, plan: FaultPlan | None) -> None:
        self._faults.set_plan(plan)
        self._usage.exhaust_after(plan.daily_limit_after if plan else None)

    # ------------------------------------------------------------------ requests

    def handle(self, request: ApiRequest) -> ApiResponse:
        try:
            response = self._dispatch(request)
        except SalesforceApiError as error:
            response = error_response(error)
        except Exception:
            logger.exception("unexpected error answering %s %s", request.method, request.path)
            response = request_error_response(
                SalesforceApiError(500, "UNKNOWN_EXCEPTION", "An unexpected error occurred in the local org.")
            )
        response.headers[LIMIT_HEADER] = self._usage.header()
        return response

    def _dispatch(self, request: ApiRequest) -> ApiResponse:
        path = request.path
        if path == TOKEN_PATH:
            self._counters.count_request("token")
            return self._token_endpoint.handle(request)
        if path == USERINFO_PATH or path.startswith(IDENTITY_PREFIX):
            # OpenID Connect userinfo and the identity URL the token endpoint returns.
            if not self._tokens.is_valid(request.bearer_token()):
                return _invalid_session()
            return self._identity(request)
        if path.startswith(CONTROL_PREFIX):
            if not self._tokens.is_valid(request.bearer_token()):
                return _invalid_session()
            return self._control.handle(request)
        if path == DATA_PREFIX or path.startswith(DATA_PREFIX + "/") or path.startswith(APEX_PREFIX):
            if not self._tokens.is_valid(request.bearer_token()):
                return _invalid_session()
            return self._api_request(request)
        return error_response(not_found())

    def _identity(self, request: ApiRequest) -> ApiResponse:
        if request.method not in ("GET", "POST"):
            return error_response(method_not_allowed(request.method, "GET,POST"))
        self._counters.count_request("identity")
        if request.path == USERINFO_PATH:
            return ApiResponse(200, identity.userinfo(self._instance_url))
        org_id, _, user_id = request.path[len(IDENTITY_PREFIX) :].strip("/").partition("/")
        if org_id[:15] != ORG_ID[:15] or user_id[:15] != USER_ID[:15]:
            return ApiResponse(403, "Bad_Id")  # what the identity service answers for an unknown id
        return ApiResponse(200, identity.identity(self._instance_url))

    def _api_request(self, request: ApiRequest) -> ApiResponse:
        """Answers in the modeled time: latency per request plus latency per record written, this
        org's own work included (Salesforce's response time includes its servers' work; counting
        this process's CPU on top would model a slower server than the plan says)."""
        started = self._timer()
        kind, handler, draws_lock, data_path = self._route(request)
        if not self._usage.try_count():
            return request_error_response(daily_limit_exceeded())
        self._counters.count_request(kind)
        faults = self._faults
        fault = faults.draw_request_fault()
        if fault is FaultKind.UNAVAILABLE_BEFORE_COMMIT:
            self._answer_after(started, faults.request_latency_seconds())
            return request_error_response(server_unavailable())
        if fault is FaultKind.CONCURRENT_LIMIT:
            self._answer_after(started, faults.request_latency_seconds())
            return request_error_response(concurrent_limit_exceeded())
        version = data_path.api_version if data_path else ADVERTISED_VERSIONS[-1]
        context = WriteContext(self.store, version)
        if draws_lock:
            context.fail_next_write_with_lock = faults.draw_lock_failure()
        try:
            body = _json_body(request)
            route_input = RouteInput(
                request.method, data_path or _EMPTY_PATH, body, request.header("sforce-query-options")
            )
            response = handler(context, route_input)
        except SalesforceApiError as error:
            response = error_response(error)
        self._counters.add_records_written(context.tally.count)
        self._answer_after(
            started, faults.request_latency_seconds() + faults.record_latency_seconds(context.tally.count)
        )
        if fault is FaultKind.UNAVAILABLE_AFTER_COMMIT:
            return request_error_response(server_unavailable())
        if fault is FaultKind.DROP_AFTER_COMMIT:
            response.drop_connection = True
        return response

    def _answer_after(self, started: float, modeled_seconds: float) -> None:
        """Waits out what is left of the modeled response time once the work is done."""
        remaining = modeled_seconds - (self._timer() - started)
        if remaining > 0:
            self._sleep(remaining)

    def _route(self, request: ApiRequest) -> tuple[RequestKind, Handler, bool, DataPath | None]:
        """What the request counts as and who answers it; an unknown resource still counts."""
        path = request.path
        try:
            if path.rstrip("/") == DATA_PREFIX:
                if request.method != "GET":
                    raise method_not_allowed(request.method, "GET")
                return "describe", _versions, False, None
            if path.startswith(APEX_PREFIX):
                if path.rstrip("/") != apex.POSTING_PATH:
                    raise not_found("Could not find a match for URL")
                if request.method != "POST":
                    raise method_not_allowed(request.method, "POST")
                return "apex", _apex_handler, False, None
            parsed = parse_data_path(path)
            if parsed is None:
                raise not_found()
            data_path = replace(parsed, query=request.query)
            route: Route = self._routes.resolve(request.method, data_path)
            return route.kind, route.handler, route.draws_lock_fault, data_path
        except SalesforceApiError as error:
            return "other", _refusal(error), False, None


_EMPTY_PATH = DataPath(api_version=ADVERTISED_VERSIONS[-1], segments=[], query={})


def _json_body(request: ApiRequest) -> Any:
    if request.method in _BODY_METHODS and request.body.strip():
        return request.json()
    return None


def _invalid_session() -> ApiResponse:
    return request_error_response(SalesforceApiError(401, "INVALID_SESSION_ID", SESSION_INVALID_MESSAGE))


def _versions(context: WriteContext, route_input: RouteInput) -> ApiResponse:
    return ApiResponse(
        200,
        [
            {"label": f"v{version}", "url": f"{DATA_PREFIX}/v{version}", "version": version}
            for version in ADVERTISED_VERSIONS
        ],
    )


def _apex_handler(context: WriteContext, route_input: RouteInput) -> ApiResponse:
    return apex.post_documents(context, route_input.body)


def _refusal(error: SalesforceApiError) -> Handler:
    def refuse(context: WriteContext, route_input: RouteInput) -> ApiResponse:
        return error_response(error)

    return refuse
