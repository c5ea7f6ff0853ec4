"""The test-control API outside ``/services``: counters and faults, behind the same bearer token."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import ValidationError

from oim_local.org.errors import SalesforceApiError, not_found
from oim_local.org.server.counters import Counters
from oim_local.org.server.faults import FAULT_PLAN_ADAPTER, FaultPlan
from oim_local.org.server.sobjects import method_not_allowed
from oim_local.org.server.wire import ApiRequest, ApiResponse

CONTROL_PREFIX = "/__local/"


class ControlApi:
    def __init__(
        self,
        *,
        counters: Callable[[], Counters],
        reset_counters: Callable[[], None],
        faults: Callable[[], FaultPlan | None],
        set_faults: Callable[[FaultPlan | None], None],
    ) -> None:
        self._counters = counters
        self._reset_counters = reset_counters
        self._faults = faults
        self._set_faults = set_faults

    def handle(self, request: ApiRequest) -> ApiResponse:
        resource = request.path[len(CONTROL_PREFIX) :].rstrip("/")
        method = request.method
        if resource == "counters":
            if method != "GET":
                raise method_not_allowed(method, "GET")
            return ApiResponse(200, self._counters().model_dump())
        if resource == "counters/reset":
            if method != "POST":
                raise method_not_allowed(method, "POST")
            self._reset_counters()
            return ApiResponse(204)
        if resource == "faults":
            return self._fault_plan(request)
        raise not_found()

    def _fault_plan(self, request: ApiRequest) -> ApiResponse:
        if request.method == "GET":
            return ApiResponse(200, {"plan": _dump(self._faults())})
        if request.method == "DELETE":
            self._set_faults(None)
            return ApiResponse(204)
        if request.method == "PUT":
            try:
                plan = FAULT_PLAN_ADAPTER.validate_json(request.body or b"{}")
            except ValidationError as error:
                raise SalesforceApiError(400, "INVALID_INPUT", f"Invalid fault plan: {error}") from None
            self._set_faults(plan)
            return ApiResponse(200, {"plan": _dump(plan)})
        raise method_not_allowed(request.method, "GET,PUT,DELETE")


def _dump(plan: FaultPlan | None) -> object:
    return None if plan is None else FAULT_PLAN_ADAPTER.dump_python(plan, mode="json")
