"""The one error type of the local org: a Salesforce REST error, with its HTTP status.

The server turns it into the body Salesforce answers with (``to_json``); the store and the
loader raise it with the codes and messages a real org uses, so callers can match on them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

NOT_FOUND_MESSAGE = "The requested resource does not exist"


class SalesforceApiError(Exception):
    """A refusal by the org: ``status`` is the HTTP status, ``error_code`` Salesforce's code."""

    def __init__(self, status: int, error_code: str, message: str, fields: Sequence[str] = ()) -> None:
        super().__init__(f"{error_code}: {message}")
        self.status = status
        self.error_code = error_code
        self.message = message
        self.fields = list(fields)

    def to_json(self) -> list[dict[str, Any]]:
        return [{"message": self.message, "errorCode": self.error_code, "fields": list(self.fields)}]


def not_found(message: str = NOT_FOUND_MESSAGE) -> SalesforceApiError:
    return SalesforceApiError(404, "NOT_FOUND", message)


def invalid_type(sobject: str) -> SalesforceApiError:
    """What Salesforce answers where a record body (collections, graph) names an unknown type."""
    return SalesforceApiError(400, "INVALID_TYPE", f"sObject type '{sobject}' is not supported.")


def invalid_field(sobject: str, field: str) -> SalesforceApiError:
    return SalesforceApiError(400, "INVALID_FIELD", f"No such column '{field}' on sobject of type {sobject}")
