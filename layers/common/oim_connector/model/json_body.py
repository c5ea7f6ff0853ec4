"""Hostile request bodies refused before they are parsed: too large, nested too deep, or text
that is not Unicode (a lone surrogate such as "\\ud800"). Each is a BadRequestError (400) saying
what to change; none may become a RecursionError or UnicodeEncodeError (a 5xx and an alarm)."""

from __future__ import annotations

import json
from typing import Any

from oim_connector.errors import BadRequestError

# No body the connector accepts nests deeper than this (settings: object > flow > rules > rule).
MAX_DEPTH = 20


def _depth(raw: str) -> int:
    """Deepest nesting of [ and { outside strings, read without parsing (so without recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in raw:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    return deepest
        elif char in "]}":
            depth -= 1
    return deepest


def _lone_surrogate(value: Any) -> str | None:
    """The first string (key or value) that is not valid Unicode, or None."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return item
    return None


def load_json_object(raw: str | None, max_bytes: int, *, empty: dict[str, Any] | None = None) -> dict[str, Any]:
    """The body as a JSON object, or a BadRequestError that says what is wrong with it.

    ``empty``: what an absent body means (None: an absent body is refused)."""
    if raw is None or not raw.strip():
        if empty is not None:
            return empty
        raise BadRequestError('The request has no body: send a JSON object such as {"recordId": "..."}')
    if len(raw) > max_bytes or len(raw.encode("utf-8", "surrogatepass")) > max_bytes:
        raise BadRequestError(f"The request body is larger than {max_bytes // 1024} KB: send less in one request")
    if _depth(raw) > MAX_DEPTH:
        raise BadRequestError(f"The request body nests arrays or objects more than {MAX_DEPTH} deep: send a flat body")
    try:
        data: Any = json.loads(raw)
    except RecursionError:  # a second guard; the depth check above should already refuse it
        raise BadRequestError(f"The request body nests more than {MAX_DEPTH} deep: send a flat body") from None
    except ValueError as error:
        raise BadRequestError(f"The request body is not valid JSON ({str(error)[:100]})") from None
    if not isinstance(data, dict):
        raise BadRequestError("The request body must be a JSON object")
    bad = _lone_surrogate(data)
    if bad is not None:
        raise BadRequestError(
            f"The request body holds text that is not valid Unicode (a lone surrogate, near "
            f"{bad.encode('utf-8', 'backslashreplace').decode('ascii')[:60]!r}): send UTF-8 text"
        )
    return data
