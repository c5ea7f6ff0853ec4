"""The one exception the SOQL engine raises; the server turns it into a Salesforce error body."""

from __future__ import annotations

from typing import Literal

from oim_local.org.soql.nodes import Position

ErrorCode = Literal[
    "MALFORMED_QUERY", "INVALID_FIELD", "INVALID_TYPE", "INVALID_QUERY_FILTER_OPERATOR", "NUMBER_OUTSIDE_VALID_RANGE"
]


class SoqlError(Exception):
    """A query Salesforce would refuse, with its error code and a message saying what to change."""

    error_code: ErrorCode
    message: str
    position: Position | None

    def __init__(self, error_code: ErrorCode, text: str, position: Position | None = None) -> None:
        self.error_code = error_code
        self.position = position
        where = f"\nERROR at Row:{position.row}:Column:{position.column}" if position else ""
        self.message = text + where
        super().__init__(f"{error_code}: {self.message}")


def malformed(text: str, position: Position | None = None) -> SoqlError:
    return SoqlError("MALFORMED_QUERY", text, position)


def not_supported(construct: str, position: Position | None = None) -> SoqlError:
    return malformed(f"{construct} is not supported by the local org", position)
