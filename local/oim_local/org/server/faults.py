"""Faults on demand: seeded, so a run with the same plan and the same requests fails the same way.

Request-level kinds (503 before or after commit, the concurrent-request limit, a dropped
connection) are drawn once per API request. ``unable_to_lock_row`` is drawn once per unit
of work that writes (one graph, one sObject write, one collections or composite request),
because Salesforce locks rows per transaction, not per HTTP request.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from enum import StrEnum

from pydantic import ConfigDict, Field, TypeAdapter
from pydantic.dataclasses import dataclass

from oim_local.org.errors import SalesforceApiError
from oim_local.org.server.governor import TriggerCost
from oim_local.org.server.strike import Strike


class FaultKind(StrEnum):
    UNAVAILABLE_BEFORE_COMMIT = "unavailable_before_commit"  # 503, nothing done
    UNAVAILABLE_AFTER_COMMIT = "unavailable_after_commit"  # work committed, client gets 503
    UNABLE_TO_LOCK_ROW = "unable_to_lock_row"  # the graph or write fails with that code
    CONCURRENT_LIMIT = "concurrent_limit"  # 403 ConcurrentPerOrgLongTxn, nothing done
    DROP_AFTER_COMMIT = "drop_after_commit"  # work committed, socket closed without an answer


REQUEST_LEVEL_KINDS = frozenset(
    {
        FaultKind.UNAVAILABLE_BEFORE_COMMIT,
        FaultKind.UNAVAILABLE_AFTER_COMMIT,
        FaultKind.CONCURRENT_LIMIT,
        FaultKind.DROP_AFTER_COMMIT,
    }
)


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class FaultPlan:
    """What to inject. ``rate`` is the chance (0..1) that a request, or a unit of work for
    ``unable_to_lock_row``, fails; ``daily_limit_after`` makes the org refuse every API
    request after that many more, as if the daily limit had run out."""

    seed: int = 0
    rate: float = Field(default=0.0, ge=0.0, le=1.0)
    kinds: tuple[FaultKind, ...] = tuple(FaultKind)
    latency_ms_per_request: int = Field(default=0, ge=0)
    latency_ms_per_record: int = Field(default=0, ge=0)
    daily_limit_after: int | None = Field(default=None, ge=0)
    # Accounting's trigger cost per c2g__ node of a graph, charged against the Apex governor limits
    # (None: not charged, as the local org did before; see governor.py).
    trigger_cost: TriggerCost | None = None


FAULT_PLAN_ADAPTER: TypeAdapter[FaultPlan] = TypeAdapter(FaultPlan)


def parse_fault_kinds(text: str) -> tuple[FaultKind, ...]:
    """``"unable_to_lock_row,drop_after_commit"`` -> kinds; an unknown name says which exist."""
    kinds = []
    for name in (part.strip() for part in text.split(",")):
        if not name:
            continue
        try:
            kinds.append(FaultKind(name))
        except ValueError:
            known = ", ".join(kind.value for kind in FaultKind)
            raise ValueError(f"unknown fault kind {name!r}; known kinds: {known}") from None
    return tuple(kinds)


class FaultInjector:
    """Draws faults from one seeded generator; thread-safe."""

    def __init__(self, plan: FaultPlan | None = None) -> None:
        self._lock = threading.Lock()
        self._plan = plan
        self._random = random.Random(plan.seed if plan else 0)  # noqa: S311 (reproducible, not secret)
        self._injected: Counter[str] = Counter()
        self.strike = Strike()  # not a fault: where the harness's kills land (strike.py)

    def injected(self) -> dict[str, int]:
        """Faults injected so far, by kind (the chaos harness prints them)."""
        with self._lock:
            return dict(self._injected)

    def reset_injected(self) -> None:
        with self._lock:
            self._injected.clear()

    def set_plan(self, plan: FaultPlan | None) -> None:
        """Start over with ``plan``: the same plan set again draws the same faults again."""
        with self._lock:
            self._plan = plan
            self._random = random.Random(plan.seed if plan else 0)  # noqa: S311 (reproducible, not secret)

    @property
    def plan(self) -> FaultPlan | None:
        return self._plan

    def draw_request_fault(self) -> FaultKind | None:
        with self._lock:
            plan = self._plan
            if plan is None or plan.rate <= 0:
                return None
            candidates = sorted(kind for kind in plan.kinds if kind in REQUEST_LEVEL_KINDS)
            if not candidates:
                return None
            if self._random.random() >= plan.rate:
                return None
            kind = self._random.choice(candidates)
            self._injected[kind.value] += 1
            return kind

    def trigger_cost(self) -> TriggerCost | None:
        plan = self._plan
        return plan.trigger_cost if plan else None

    def draw_lock_failure(self) -> bool:
        with self._lock:
            plan = self._plan
            if plan is None or plan.rate <= 0 or FaultKind.UNABLE_TO_LOCK_ROW not in plan.kinds:
                return False
            locked = self._random.random() < plan.rate
            if locked:
                self._injected[FaultKind.UNABLE_TO_LOCK_ROW.value] += 1
            return locked

    def request_latency_seconds(self) -> float:
        return (self._plan.latency_ms_per_request / 1000.0) if self._plan else 0.0

    def record_latency_seconds(self, records_written: int) -> float:
        return (self._plan.latency_ms_per_record * records_written / 1000.0) if self._plan else 0.0


def unable_to_lock_row(record_id: str) -> SalesforceApiError:
    return SalesforceApiError(
        400,
        "UNABLE_TO_LOCK_ROW",
        f"unable to obtain exclusive access to this record or 1 records: {record_id}",
    )


def server_unavailable() -> SalesforceApiError:
    return SalesforceApiError(
        503, "SERVER_UNAVAILABLE", "The server is temporarily unavailable. Try the request again later."
    )


def concurrent_limit_exceeded() -> SalesforceApiError:
    return SalesforceApiError(403, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded.")


def daily_limit_exceeded() -> SalesforceApiError:
    return SalesforceApiError(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
