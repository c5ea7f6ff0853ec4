"""Typed errors of the connector, each mapped to an answer at the edge (HTTP, SQS, CLI)."""

from __future__ import annotations


class ConnectorError(Exception):
    """Base class: ``message`` is written for the person who must act on it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequestError(ConnectorError):
    """The request itself is wrong; nothing was read or written (HTTP 400)."""


class NotFoundError(ConnectorError):
    """A job or resource the caller named does not exist (HTTP 404)."""


class ConfigurationError(ConnectorError):
    """Settings, secrets or field mappings are missing or invalid; an admin must fix them."""


class OrgError(ConnectorError):
    """The org refused or failed a request."""

    def __init__(self, message: str, *, error_code: str = "", status: int = 0) -> None:
        super().__init__(message)
        self.error_code = error_code
        self.status = status


class TransientOrgError(OrgError):
    """Worth retrying: 503, timeouts, dropped connections, row locks, concurrency limits."""


class DailyLimitReachedError(OrgError):
    """The org's daily API limit is reached: stop the run, leave records untouched."""


class AuthenticationError(OrgError):
    """Login failed or the session cannot be refreshed: credentials need fixing."""
