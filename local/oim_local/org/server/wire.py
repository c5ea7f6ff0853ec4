"""The values passed between the HTTP layer and the request handlers: no sockets here."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from oim_local.org.errors import SalesforceApiError


@dataclass(frozen=True)
class ApiRequest:
    method: str
    path: str
    query: dict[str, list[str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""

    @classmethod
    def build(cls, method: str, target: str, headers: dict[str, str] | None = None, body: bytes = b"") -> ApiRequest:
        # Clients that join an instance URL ending in "/" with "/services/..." send "//services/..."
        # (urlsplit would read that as a host name).
        if target.startswith("//"):
            target = "/" + target.lstrip("/")
        parts = urlsplit(target)
        return cls(
            method=method.upper(),
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={name.lower(): value for name, value in (headers or {}).items()},
            body=body,
        )

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def bearer_token(self) -> str | None:
        value = self.header("authorization") or ""
        scheme, _, token = value.partition(" ")
        if scheme.lower() in ("bearer", "oauth") and token.strip():
            return token.strip()
        return None

    def json(self) -> Any:
        """The JSON body; a body that is not JSON is refused as Salesforce does."""
        if not self.body.strip():
            raise SalesforceApiError(400, "JSON_PARSER_ERROR", "The request body is empty: expected JSON.")
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as error:
            raise SalesforceApiError(
                400, "JSON_PARSER_ERROR", f"The request body is not valid JSON: {error}"
            ) from error


@dataclass
class ApiResponse:
    status: int
    body: Any = None  # JSON value; None means no body (204)
    headers: dict[str, str] = field(default_factory=dict)
    # Close the connection without answering (the "connection dropped" fault).
    drop_connection: bool = False

    def encoded_body(self) -> bytes:
        if self.body is None:
            return b""
        return json.dumps(self.body, separators=(",", ":")).encode("utf-8")


def error_response(error: SalesforceApiError) -> ApiResponse:
    return ApiResponse(error.status, error.to_json())


def request_error_response(error: SalesforceApiError) -> ApiResponse:
    """A refusal of the whole request (session, limits, outage): Salesforce sends no ``fields``."""
    return ApiResponse(error.status, [{"message": error.message, "errorCode": error.error_code}])


def api_error(status: int, error_code: str, message: str) -> SalesforceApiError:
    return SalesforceApiError(status, error_code, message)
