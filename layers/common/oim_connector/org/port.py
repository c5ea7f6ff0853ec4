"""The org port: what the engine needs from Salesforce, and nothing more."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from oim_connector.org.graph import Graph, GraphResult
from oim_connector.org.soql import Select


@dataclass(frozen=True)
class SaveResult:
    record_id: str | None
    success: bool
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class PostResult:
    record_id: str
    success: bool
    status: str | None
    error: str | None


@dataclass(frozen=True)
class ApiUsage:
    requests_made: int
    used_today: int | None
    daily_limit: int | None


class OrgPort(Protocol):
    api_version: str

    def query(self, select: Select) -> Iterator[dict[str, Any]]:
        """Every record the query matches, page by page as the caller iterates."""
        ...

    def query_batch(self, selects: Sequence[Select]) -> list[list[dict[str, Any]]]:
        """Several queries in as few requests as the API allows (five to a composite request)."""
        ...

    def run_graphs(self, graphs: Sequence[Graph]) -> list[GraphResult]:
        """Run graphs that fit one request; graphs failing on transient errors are retried."""
        ...

    def update_records(self, sobject: str, records: Sequence[Mapping[str, Any]]) -> list[SaveResult]:
        """Update records by Id (each record independently), in requests of up to 200."""
        ...

    def delete_records(self, record_ids: Sequence[str]) -> list[SaveResult]:
        """Delete records by Id (each independently; one already gone counts as deleted)."""
        ...

    def post_documents(self, documents: Sequence[tuple[str, str]]) -> list[PostResult]:
        """Post accounting documents through the org's posting endpoint."""
        ...

    def describe(self, sobject: str) -> dict[str, Any]: ...

    def usage(self) -> ApiUsage: ...
