"""Retry by error class, with exponential backoff and full jitter.

Retries live in application code (not in a urllib3 adapter) so that the local org's
fault injection exercises them exactly as a real org's failures would.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from oim_connector.errors import DailyLimitReachedError, TransientOrgError

T = TypeVar("T")


@dataclass
class RetryPolicy:
    max_attempts: int = 6
    base_delay_seconds: float = 0.2
    max_delay_seconds: float = 8.0
    # The org-wide concurrency limit needs a longer pause than a lock or a 503.
    concurrency_delay_seconds: float = 5.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def delay(self, attempt: int, error: TransientOrgError) -> float:
        cap = min(self.max_delay_seconds, self.base_delay_seconds * (2**attempt))
        if error.error_code == "REQUEST_LIMIT_EXCEEDED":
            cap = max(cap, self.concurrency_delay_seconds)
        return self.rng.uniform(cap / 2, cap)

    def call(self, operation: Callable[[], T], *, retryable: bool = True) -> T:
        attempt = 0
        while True:
            try:
                return operation()
            except DailyLimitReachedError:
                raise
            except TransientOrgError as error:
                attempt += 1
                if not retryable or attempt >= self.max_attempts:
                    raise
                self.sleep(self.delay(attempt, error))
