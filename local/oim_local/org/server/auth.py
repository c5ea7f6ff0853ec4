"""Bearer tokens the org accepts: one static token that lasts until revoked, and tokens
issued by the OAuth endpoint that expire after a TTL."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

SESSION_INVALID_MESSAGE = "Session expired or invalid"


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    issued_at: float  # seconds since the epoch


def new_token() -> str:
    # Shaped like a Salesforce session id: an org id, "!", then an opaque secret.
    return "00D5L0000000001!" + secrets.token_urlsafe(48)


class TokenRegistry:
    def __init__(
        self,
        static_token: str,
        *,
        ttl_seconds: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._lock = threading.Lock()
        self._static: str | None = static_token
        self._ttl = ttl_seconds
        self._clock = clock
        self._issued: dict[str, float] = {}  # token -> expiry

    def is_valid(self, token: str | None) -> bool:
        if not token:
            return False
        with self._lock:
            static = self._static
            if static is not None and hmac.compare_digest(token.encode(), static.encode()):
                return True
            expiry = self._issued.get(token)
            if expiry is None:
                return False
            if self._clock() >= expiry:
                del self._issued[token]
                return False
            return True

    def issue(self) -> IssuedToken:
        token = new_token()
        now = self._clock()
        with self._lock:
            self._issued[token] = now + self._ttl
        return IssuedToken(access_token=token, issued_at=now)

    def revoke(self, token: str) -> None:
        with self._lock:
            self._issued.pop(token, None)
            if self._static is not None and hmac.compare_digest(token.encode(), self._static.encode()):
                self._static = None
