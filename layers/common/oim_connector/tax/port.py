"""What the connector asks of a tax service (AvaTax REST v2), whatever client answers it."""

from __future__ import annotations

from typing import Any, Protocol

from oim_connector.errors import ConnectorError


class TaxServiceError(ConnectorError):
    """Avalara refused the request: ``code`` is AvaTax's error code (e.g. EntityNotFoundError)."""

    def __init__(self, message: str, *, code: str = "", status: int = 0) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


class TaxServiceUnavailableError(TaxServiceError):
    """Avalara could not be reached or answered 5xx / 429: nothing changed, try again later."""


class TaxPort(Protocol):
    def create_or_adjust(self, model: dict[str, Any]) -> dict[str, Any]:
        """CreateOrAdjustTransaction: the transaction as AvaTax calculated it."""
        ...

    def verify(self, company_code: str, code: str, model: dict[str, Any]) -> dict[str, Any]:
        """VerifyTransaction: the "post" step (the transaction becomes Posted)."""
        ...

    def commit(self, company_code: str, code: str) -> dict[str, Any]:
        """CommitTransaction with commit = true."""
        ...

    def requests_made(self) -> int:
        """Requests sent so far (a figure of the run report)."""
        ...
