"""``@{referenceId.path}`` references between subrequests of a composite or graph request.

A path walks the earlier subrequest's response body: ``@{hdr.id}``, ``@{acct.Name}``,
``@{rows.records[0].Id}``, ``@{created[1].id}``. A string that is exactly one reference takes
the referenced value with its JSON type; a reference inside a longer string is spliced in.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from oim_local.org.errors import SalesforceApiError

_REFERENCE = re.compile(r"@\{([A-Za-z0-9_]+)((?:\[\d+\]|\.[A-Za-z0-9_]+)+)\}")
_STEP = re.compile(r"\[(\d+)\]|\.([A-Za-z0-9_]+)")


def invalid_reference(reference: str, reference_id: str) -> SalesforceApiError:
    return SalesforceApiError(
        400,
        "PROCESSING_HALTED",
        f"Invalid reference specified. No value for {reference} found in {reference_id}. "
        f"Provided referenceId ({reference_id}) must refer to an earlier successful subrequest.",
    )


class References:
    """Response bodies of earlier subrequests, by referenceId."""

    def __init__(self) -> None:
        self._bodies: dict[str, Any] = {}

    def remember(self, reference_id: str, body: Any) -> None:
        self._bodies[reference_id] = body

    def forget(self, reference_id: str) -> None:
        self._bodies.pop(reference_id, None)

    def resolve_body(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {key: self.resolve_body(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve_body(item) for item in value]
        if isinstance(value, str) and "@{" in value:
            whole = _REFERENCE.fullmatch(value)
            if whole:
                return self._lookup(whole)
            return _REFERENCE.sub(lambda match: _as_text(self._lookup(match)), value)
        return value

    def resolve_url(self, url: str) -> str:
        if "@{" not in url:
            return url
        return _REFERENCE.sub(lambda match: quote(_as_text(self._lookup(match)), safe=""), url)

    def _lookup(self, match: re.Match[str]) -> Any:
        reference_id, path = match.group(1), match.group(2)
        reference = match.group(0)[2:-1]
        if reference_id not in self._bodies:
            raise invalid_reference(reference, reference_id)
        value: Any = self._bodies[reference_id]
        for step in _STEP.finditer(path):
            index, name = step.group(1), step.group(2)
            if index is not None:
                position = int(index)
                if not isinstance(value, list) or position >= len(value):
                    raise invalid_reference(reference, reference_id)
                value = value[position]
            else:
                value = _field(value, name)
                if value is _MISSING:
                    raise invalid_reference(reference, reference_id)
        return value


_MISSING = object()


def _field(value: Any, name: str) -> Any:
    if not isinstance(value, dict):
        return _MISSING
    if name in value:
        return value[name]
    # Field names are case-insensitive in Salesforce: @{hdr.Id} finds "id" too.
    lowered = name.lower()
    for key, item in value.items():
        if key.lower() == lowered:
            return item
    return _MISSING


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
