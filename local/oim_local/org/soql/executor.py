"""Run a SOQL statement against the local org's SQLite database."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from oim_local.org.schema import Schema
from oim_local.org.soql.errors import malformed
from oim_local.org.soql.parser import parse
from oim_local.org.soql.planner import ChildPlan, plan
from oim_local.org.soql.shape import ChildRecords, RecordBuilder

# Parent ids per child query: well under SQLite's bound-parameter limit.
CHILD_BATCH_SIZE = 500


@dataclass(frozen=True)
class QueryResult:
    total_size: int
    records: list[dict[str, Any]]


def execute(
    conn: sqlite3.Connection,
    schema: Schema,
    soql: str,
    *,
    include_deleted: bool = False,
    api_version: str = "59.0",
    today: date | None = None,
) -> QueryResult:
    """Answer ``query`` (or ``queryAll`` with include_deleted) with every matching record.

    Paging into 2,000-record pages is the caller's job; ``today`` fixes TODAY for tests.
    """
    if not _is_api_version(api_version):
        raise malformed(f"API version '{api_version}' is not valid: use a form like 59.0")
    query = parse(soql)
    query_plan = plan(schema, query, include_deleted=include_deleted, today=today or datetime.now(UTC).date())
    if query_plan.count_only:
        (total,) = conn.execute(query_plan.sql, query_plan.params).fetchone()
        return QueryResult(total_size=int(total), records=[])
    rows = conn.execute(query_plan.sql, query_plan.params).fetchall()
    parent_ids = [row[query_plan.shape.id_column] for row in rows]
    builder = RecordBuilder(api_version)
    children = [_child_records(conn, child, parent_ids, builder) for child in query_plan.children]
    records = [builder.record(row, query_plan.shape, children) for row in rows]
    return QueryResult(total_size=len(records), records=records)


def _child_records(
    conn: sqlite3.Connection, child: ChildPlan, parent_ids: list[str], builder: RecordBuilder
) -> ChildRecords:
    grouped: ChildRecords = {}
    for start in range(0, len(parent_ids), CHILD_BATCH_SIZE):
        batch = parent_ids[start : start + CHILD_BATCH_SIZE]
        for row in conn.execute(child.sql(len(batch)), [*batch, *child.where_params]):
            records = grouped.setdefault(row[child.parent_column], [])
            if child.limit is None or len(records) < child.limit:
                records.append(builder.record(row, child.shape))
    return grouped


def _is_api_version(text: str) -> bool:
    major, dot, minor = text.partition(".")
    return bool(dot) and major.isdigit() and minor.isdigit()
