"""Checks every local server makes (admin serve, the local org) before answering a request.

They listen on 127.0.0.1 only, but a web page the user visits can still reach them: through a
DNS-rebinding name (the Host header names the attacker's domain) or a cross-origin "simple"
request (a text/plain POST sent with no preflight). So:
- Host must be 127.0.0.1:<port> or localhost:<port>;
- Origin, when sent, must be this server's own origin;
- a request that changes state must say Content-Type: application/json (a cross-origin page
  cannot send that without a CORS preflight, which these servers never grant);
- and a random token, printed at start, must come with every request (checked by the caller).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def new_token() -> str:
    return secrets.token_urlsafe(24)


def same_token(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def _header(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), None)


def request_problem(
    method: str, headers: Mapping[str, str], *, port: int, scheme: str, json_writes: bool = True
) -> str | None:
    """Why the request is refused (Host, Origin, a simple cross-origin write), or None.

    json_writes=False for the local org: its OAuth token endpoint takes a form post, and its
    bearer token travels in an Authorization header, which no page can send without a preflight."""
    hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
    host = (_header(headers, "Host") or "").lower()
    if host not in hosts:
        return f"Host '{host[:100]}' is not this server: use http(s)://127.0.0.1:{port}/"
    origin = _header(headers, "Origin")
    if origin is not None and origin.lower() not in {f"{scheme}://{h}" for h in hosts}:
        return f"Origin '{origin[:100]}' may not call this server: only its own pages may"
    if json_writes and method.upper() not in SAFE_METHODS:
        content_type = (_header(headers, "Content-Type") or "").split(";", 1)[0].strip().lower()
        if content_type != "application/json":
            return "A request that changes something must send Content-Type: application/json"
    return None
