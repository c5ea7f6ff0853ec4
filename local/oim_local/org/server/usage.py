"""The org's daily API request count, its limit and the ``Sforce-Limit-Info`` header."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime


def _today() -> date:
    return datetime.now(UTC).date()


class ApiUsage:
    """Counts API requests per day; refuses once the limit is reached (nothing is done then)."""

    def __init__(self, daily_limit: int, *, today: Callable[[], date] = _today) -> None:
        self._lock = threading.Lock()
        self._daily_limit = daily_limit
        self._today = today
        self._day = today()
        self._used = 0
        # A fault plan's ``daily_limit_after``: the limit runs out after this many more requests.
        self._fault_limit: int | None = None

    def try_count(self) -> bool:
        """Count one request; False (and not counted) when the limit is already used up."""
        with self._lock:
            self._roll_day()
            if self._used >= self._effective_limit():
                return False
            self._used += 1
            return True

    def header(self) -> str:
        with self._lock:
            self._roll_day()
            return f"api-usage={self._used}/{self._effective_limit()}"

    def snapshot(self) -> tuple[int, int]:
        """(used, limit)."""
        with self._lock:
            self._roll_day()
            return self._used, self._effective_limit()

    def exhaust_after(self, requests: int | None) -> None:
        with self._lock:
            self._fault_limit = None if requests is None else self._used + requests

    def reset(self) -> None:
        with self._lock:
            if self._fault_limit is not None:
                self._fault_limit -= self._used
            self._used = 0

    def _effective_limit(self) -> int:
        if self._fault_limit is None:
            return self._daily_limit
        return min(self._daily_limit, self._fault_limit)

    def _roll_day(self) -> None:
        today = self._today()
        if today != self._day:
            self._day = today
            self._used = 0
            self._fault_limit = None
