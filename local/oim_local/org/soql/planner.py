"""A parsed query, checked against the schema, as SQL statements plus a record shape.

The outer query is one SELECT with a LEFT JOIN per parent relationship. Each child
subquery is a second SELECT, run per batch of parent Ids (``IN (...)``), never per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from oim_local.org.schema import Schema
from oim_local.org.soql import nodes
from oim_local.org.soql.errors import SoqlError, malformed, not_supported
from oim_local.org.soql.filters import TEXT_TYPES, FilterCompiler, refuse_long_text
from oim_local.org.soql.scope import AliasSource, Scope, resolve_object
from oim_local.org.soql.shape import ChildSlot, FieldSlot, ParentSlot, RecordShape, Slot

MAX_OFFSET = 2000  # the largest OFFSET Salesforce accepts


@dataclass(frozen=True)
class ChildPlan:
    """``SELECT ... FROM Child WHERE fk IN (<parent ids>) AND ... ORDER BY ...``."""

    relationship: str
    parent_column: int  # the row column holding the parent's Id
    shape: RecordShape
    select_sql: str
    fk_sql: str
    where_sql: list[str]
    where_params: list[object]
    order_sql: str
    limit: int | None  # per parent

    def sql(self, parent_id_count: int) -> str:
        """The statement for a batch of parent ids; their placeholders come before where_params."""
        placeholders = ", ".join("?" for _ in range(parent_id_count))
        where = " AND ".join([f"{self.fk_sql} IN ({placeholders})", *self.where_sql])
        return f"{self.select_sql} WHERE {where}{self.order_sql}"


@dataclass(frozen=True)
class QueryPlan:
    sql: str
    params: list[object]
    count_only: bool
    shape: RecordShape
    children: list[ChildPlan] = field(default_factory=list)


class _Columns:
    def __init__(self) -> None:
        self.expressions: list[str] = []

    def add(self, expression: str) -> int:
        self.expressions.append(expression)
        return len(self.expressions) - 1

    def sql(self) -> str:
        return ", ".join(self.expressions)


def plan(schema: Schema, query: nodes.Query, *, include_deleted: bool, today: date) -> QueryPlan:
    root = resolve_object(schema, query.object_name, query.object_position)
    aliases = AliasSource()
    prefixes = (query.alias,) if query.alias else ()
    scope = Scope(schema, root, aliases, include_deleted=include_deleted, prefixes=prefixes)
    count_only = any(isinstance(item, nodes.CountAll) for item in query.select)
    if count_only and len(query.select) > 1:
        raise malformed("COUNT() must be the only item in the SELECT list", query.select[0].position)

    columns = _Columns()
    shape = RecordShape(object_name=root.name, id_column=columns.add(scope.column("Id")))
    children: list[ChildPlan] = []
    for item in query.select:
        if isinstance(item, nodes.FieldPath):
            _add_field(scope, columns, shape, item)
        elif isinstance(item, nodes.ChildQuery):
            child = _child_plan(schema, root.name, item, include_deleted=include_deleted, today=today)
            if any(isinstance(s, ChildSlot) and s.key == child.relationship for s in shape.entries):
                raise malformed(f"duplicate child relationship selected: {child.relationship}", item.position)
            shape.entries.append(ChildSlot(key=child.relationship, index=len(children)))
            children.append(child)

    where_sql, params = list(scope.live_rows_sql()), []
    if query.where is not None:
        compiled = FilterCompiler(scope, aliases, today, allow_semi_joins=True).compile(query.where)
        where_sql.append(compiled.text)
        params = compiled.params
    order_sql = _order_by(scope, query.order_by)
    if query.offset is not None and query.offset > MAX_OFFSET:
        # Salesforce refuses rather than answering an empty page (SOQL OFFSET considerations).
        raise SoqlError("NUMBER_OUTSIDE_VALID_RANGE", f"Maximum SOQL offset allowed is {MAX_OFFSET}")
    paging_sql, paging_params = _paging(query.limit, query.offset)
    where_text = f" WHERE {' AND '.join(where_sql)}" if where_sql else ""
    body = f"FROM {scope.from_sql()}{where_text}"
    if count_only:
        sql = f"SELECT COUNT(*) FROM (SELECT 1 {body}{paging_sql})"  # noqa: S608 - schema names, quoted; values are parameters
    else:
        sql = f"SELECT {columns.sql()} {body}{order_sql}{paging_sql}"
    return QueryPlan(sql=sql, params=[*params, *paging_params], count_only=count_only, shape=shape, children=children)


def _add_field(scope: Scope, columns: _Columns, shape: RecordShape, path: nodes.FieldPath) -> None:
    resolved = scope.field(path)
    entries: list[Slot] = shape.entries
    for depth, (relationship, parent) in enumerate(zip(resolved.relationships, resolved.parents, strict=True)):
        slot = next((s for s in entries if isinstance(s, ParentSlot) and s.key == relationship), None)
        if slot is None:
            id_sql = scope.parent_id_sql(resolved.relationships[: depth + 1])
            slot = ParentSlot(key=relationship, object_name=parent.name, id_column=columns.add(id_sql))
            entries.append(slot)
        entries = slot.entries
    if any(isinstance(s, FieldSlot) and s.key == resolved.field.name for s in entries):
        raise malformed(f"duplicate field selected: {resolved.label}", path.position)
    entries.append(FieldSlot(key=resolved.field.name, column=columns.add(resolved.sql), field=resolved.field))


def _child_plan(
    schema: Schema, parent_name: str, item: nodes.ChildQuery, *, include_deleted: bool, today: date
) -> ChildPlan:
    query = item.query
    relationship = schema.child_relationships(parent_name).get(query.object_name.lower())
    if relationship is None:
        raise SoqlError(
            "INVALID_TYPE",
            f"Didn't understand relationship '{query.object_name}' in FROM part of query call. If you are "
            "attempting to use a custom relationship, be sure to append the '__r' after the custom "
            "relationship name. Please reference your WSDL or the describe call for the appropriate names.",
            query.object_position,
        )
    if query.offset is not None:
        raise not_supported("OFFSET in a child subquery", query.object_position)
    child_object = resolve_object(schema, relationship.child_object, query.object_position)
    aliases = AliasSource()
    prefixes = (relationship.name, *((query.alias,) if query.alias else ()))
    scope = Scope(schema, child_object, aliases, include_deleted=include_deleted, prefixes=prefixes)
    columns = _Columns()
    shape = RecordShape(object_name=child_object.name, id_column=columns.add(scope.column("Id")))
    fk_sql = scope.column(relationship.field)
    parent_column = columns.add(fk_sql)
    for select_item in query.select:
        if isinstance(select_item, nodes.ChildQuery):
            raise malformed("a child subquery cannot contain another child subquery", select_item.position)
        if isinstance(select_item, nodes.CountAll):
            raise malformed("COUNT() is not allowed in a child subquery", select_item.position)
        _add_field(scope, columns, shape, select_item)
    where_sql, params = list(scope.live_rows_sql()), []
    if query.where is not None:
        compiled = FilterCompiler(scope, aliases, today, allow_semi_joins=False).compile(query.where)
        where_sql.append(compiled.text)
        params = compiled.params
    return ChildPlan(
        relationship=relationship.name,
        parent_column=parent_column,
        shape=shape,
        select_sql=f"SELECT {columns.sql()} FROM {scope.from_sql()}",  # noqa: S608 - schema names, quoted; values are parameters
        fk_sql=fk_sql,
        where_sql=where_sql,
        where_params=params,
        order_sql=_order_by(scope, query.order_by),
        limit=query.limit,
    )


def _order_by(scope: Scope, items: tuple[nodes.OrderItem, ...]) -> str:
    if not items:
        return ""
    terms = []
    for item in items:
        resolved = scope.field(item.field)
        refuse_long_text(resolved, "sorted")
        if resolved.field.type == "multipicklist":
            raise SoqlError("INVALID_FIELD", f"field '{resolved.label}' can not be sorted in a query call")
        if resolved.field.type == "boolean":
            term = f"coalesce({resolved.sql}, 0)"  # an empty checkbox sorts as false
        else:
            term = resolved.sql + (" COLLATE NOCASE" if resolved.field.type in TEXT_TYPES else "")
        term += " DESC" if item.descending else " ASC"
        if item.nulls_first is not None:
            term += " NULLS FIRST" if item.nulls_first else " NULLS LAST"
        terms.append(term)
    return " ORDER BY " + ", ".join(terms)


def _paging(limit: int | None, offset: int | None) -> tuple[str, list[object]]:
    if limit is None and offset is None:
        return "", []
    # SQLite needs a LIMIT before OFFSET; -1 means no limit.
    return " LIMIT ? OFFSET ?", [-1 if limit is None else limit, offset or 0]
