"""The test-control API outside ``/services``: counters and faults, behind the same bearer token."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import cast

from pydantic import ValidationError

from oim_local.org.errors import SalesforceApiError, not_found
from oim_local.org.server.counters import Counters
from oim_local.org.server.faults import FAULT_PLAN_ADAPTER, FaultPlan
from oim_local.org.server.sobjects import method_not_allowed
from oim_local.org.server.strike import PLACES, Place, Strike
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
        strike: Strike | None = None,
    ) -> None:
        self._strike = strike or Strike()
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
        if resource == "strike":
            return self._strike_control(request)
        raise not_found()

    def _strike_control(self, request: ApiRequest) -> ApiResponse:
        """PUT {"place": ...} arms; GET says whether a request is held there; DELETE releases it."""
        if request.method == "GET":
            return ApiResponse(200, self._strike.status())
        if request.method == "DELETE":
            self._strike.release()
            return ApiResponse(204)
        if request.method == "PUT":
            self._strike.arm(_strike_place(request.body))
            return ApiResponse(200, self._strike.status())
        raise method_not_allowed(request.method, "GET,PUT,DELETE")

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


def _strike_place(body: bytes | None) -> Place:
    try:
        place = json.loads(body or b"{}").get("place")
    except (ValueError, AttributeError):
        place = None
    if place not in PLACES:
        raise SalesforceApiError(400, "INVALID_INPUT", f'strike needs {{"place": one of {", ".join(PLACES)}}}')
    return cast(Place, place)


def _dump(plan: FaultPlan | None) -> object:
    return None if plan is None else FAULT_PLAN_ADAPTER.dump_python(plan, mode="json")
