"""WHERE conditions to SQLite, with Salesforce's type rules and null semantics.

Every literal becomes an SQL parameter. Each compiled comparison is two-valued (never SQL
NULL), so NOT, != and NOT IN behave as in SOQL: a record whose field is empty matches
``Field != 'x'``. Text compares case-insensitively, as Salesforce does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from oim_local.org.soql import nodes
from oim_local.org.soql.dates import day_range, stored_date, stored_datetime, stored_midnight
from oim_local.org.soql.errors import SoqlError, malformed, not_supported
from oim_local.org.soql.record_ids import to_18
from oim_local.org.soql.scope import AliasSource, ResolvedField, Scope, resolve_object

TEXT_TYPES = frozenset({"string", "textarea", "picklist", "phone", "email", "url", "autonumber"})
ID_TYPES = frozenset({"id", "reference"})
NUMBER_TYPES = frozenset({"int", "number", "currency", "percent"})
_LONG_TEXT = 255  # a longer text area cannot be filtered or sorted in Salesforce


@dataclass
class Sql:
    text: str
    params: list[object] = field(default_factory=list)


def refuse_long_text(resolved: ResolvedField, action: str) -> None:
    if resolved.field.type == "textarea" and (resolved.field.length or 0) > _LONG_TEXT:
        raise SoqlError(
            "INVALID_FIELD", f"field '{resolved.label}' can not be {action} in a query call", resolved.position
        )


class FilterCompiler:
    def __init__(self, scope: Scope, aliases: AliasSource, today: date, *, allow_semi_joins: bool) -> None:
        self._scope = scope
        self._aliases = aliases
        self._today = today
        self._allow_semi_joins = allow_semi_joins

    def compile(self, condition: nodes.Condition, *, under_or: bool = False) -> Sql:
        match condition:
            case nodes.And(operands) | nodes.Or(operands):
                is_or = isinstance(condition, nodes.Or)
                parts = [self.compile(c, under_or=under_or or is_or) for c in operands]
                joiner = " OR " if is_or else " AND "
                return Sql("(" + joiner.join(p.text for p in parts) + ")", [v for p in parts for v in p.params])
            case nodes.Not(operand):
                inner = self.compile(operand, under_or=under_or)
                return Sql(f"NOT {inner.text}", inner.params)
            case nodes.Comparison():
                return self._comparison(condition)
            case nodes.Like():
                return self._like(condition)
            case nodes.InList():
                return self._in_list(condition)
            case nodes.SemiJoin():
                return self._semi_join(condition, under_or)
        raise AssertionError(f"unknown condition {condition!r}")

    # ------------------------------------------------------------ comparisons

    def _filterable(self, path: nodes.FieldPath) -> ResolvedField:
        resolved = self._scope.field(path)
        refuse_long_text(resolved, "filtered")
        if resolved.field.type == "multipicklist":
            raise not_supported("filtering on a multi-select picklist field", path.position)
        return resolved

    def _comparison(self, condition: nodes.Comparison) -> Sql:
        resolved = self._filterable(condition.field)
        op, value = condition.operator, condition.value
        kind = resolved.field.type
        if kind == "boolean" and op not in ("=", "!="):
            raise SoqlError(
                "INVALID_QUERY_FILTER_OPERATOR",
                f"invalid operator on boolean field '{resolved.label}': use = or !=",
                value.position,
            )
        if isinstance(value, nodes.RelativeDate):
            return self._relative_date(resolved, op, value)
        if isinstance(value, nodes.NullValue) and op not in ("=", "!="):
            raise SoqlError(
                "INVALID_QUERY_FILTER_OPERATOR",
                f"null can only be compared with = or != (field '{resolved.label}')",
                value.position,
            )
        column, nullable = _comparable(resolved)
        param = self._bind(resolved, value)
        if op == "=":
            return Sql(f"{column} IS ?", [param])
        if op == "!=":
            return Sql(f"{column} IS NOT ?", [param])
        return Sql(_guarded(resolved.sql, f"{column} {op} ?", nullable), [param])

    def _relative_date(self, resolved: ResolvedField, op: str, value: nodes.RelativeDate) -> Sql:
        kind = resolved.field.type
        if kind not in ("date", "datetime"):
            raise _wrong_type(resolved, value.position)
        days = day_range(value, self._today)
        to_text = stored_date if kind == "date" else stored_midnight
        start, end = to_text(days.start), to_text(days.end)
        col = resolved.sql
        bounds: dict[str, tuple[str, list[object]]] = {
            "=": (f"({col} >= ? AND {col} < ?)", [start, end]),
            "!=": (f"({col} < ? OR {col} >= ?)", [start, end]),
            "<": (f"{col} < ?", [start]),
            "<=": (f"{col} < ?", [end]),
            ">": (f"{col} >= ?", [end]),
            ">=": (f"{col} >= ?", [start]),
        }
        text, params = bounds[op]
        if op == "!=":
            return Sql(f"({col} IS NULL OR {text})", params)
        return Sql(_guarded(col, text, nullable=True), params)

    def _like(self, condition: nodes.Like) -> Sql:
        resolved = self._filterable(condition.field)
        if resolved.field.type not in TEXT_TYPES:
            raise SoqlError(
                "INVALID_QUERY_FILTER_OPERATOR",
                f"LIKE works on text fields only, and '{resolved.label}' is a {resolved.field.type} field",
                condition.field.position,
            )
        if not isinstance(condition.pattern, nodes.StringValue):
            raise _wrong_type(resolved, condition.pattern.position)
        text = _guarded(resolved.sql, f"{resolved.sql} LIKE ? ESCAPE '\\'", nullable=True)
        return Sql(text, [condition.pattern.like_pattern])

    def _in_list(self, condition: nodes.InList) -> Sql:
        resolved = self._filterable(condition.field)
        column, nullable = _comparable(resolved)
        params: list[object] = []
        for value in condition.values:
            if isinstance(value, nodes.RelativeDate):
                raise not_supported(f"the date literal {value.keyword} inside IN (...)", value.position)
            params.append(self._bind(resolved, value))
        values = [p for p in params if p is not None]
        tests = []
        if values:
            placeholders = ", ".join("?" for _ in values)
            tests.append(_guarded(resolved.sql, f"{column} IN ({placeholders})", nullable))
        if len(values) < len(params):
            tests.append(f"{column} IS NULL")
        text = tests[0] if len(tests) == 1 else "(" + " OR ".join(tests) + ")"
        return Sql(f"NOT {text}" if condition.negated else text, values)

    # ------------------------------------------------------------ semi-joins

    def _semi_join(self, condition: nodes.SemiJoin, under_or: bool) -> Sql:
        sub = condition.query
        if not self._allow_semi_joins:
            raise malformed(
                "a semi-join (IN (SELECT ...)) is only allowed in the WHERE clause of the outer query; "
                "Salesforce does not nest them",
                condition.field.position,
            )
        if under_or:
            raise malformed("Semi join sub-selects are not allowed with the 'OR' operator", condition.field.position)
        outer = self._scope.field(condition.field)
        if outer.field.type not in ID_TYPES:
            raise SoqlError(
                "INVALID_FIELD",
                f"'{outer.label}' must be an Id or reference field to be compared with a subquery",
                condition.field.position,
            )
        if len(sub.select) != 1 or not isinstance(sub.select[0], nodes.FieldPath):
            raise malformed("a semi-join subquery must select exactly one Id or reference field", sub.object_position)
        if sub.order_by or sub.limit is not None or sub.offset is not None:
            raise malformed("a semi-join subquery cannot use ORDER BY, LIMIT or OFFSET", sub.object_position)
        obj = resolve_object(self._scope.schema, sub.object_name, sub.object_position)
        prefixes = (sub.alias,) if sub.alias else ()
        scope = Scope(
            self._scope.schema, obj, self._aliases, include_deleted=self._scope.include_deleted, prefixes=prefixes
        )
        selected = scope.field(sub.select[0])
        if selected.field.type not in ID_TYPES:
            raise SoqlError(
                "INVALID_FIELD",
                f"a semi-join subquery must select an Id or reference field, not '{selected.label}'",
                selected.position,
            )
        # NULLs are dropped: one NULL in an SQL NOT IN list would empty the whole result.
        where = [*scope.live_rows_sql(), f"{selected.sql} IS NOT NULL"]
        params: list[object] = []
        if sub.where is not None:
            inner = FilterCompiler(scope, self._aliases, self._today, allow_semi_joins=False).compile(sub.where)
            where.append(inner.text)
            params = inner.params
        subquery = f"SELECT {selected.sql} FROM {scope.from_sql()} WHERE {' AND '.join(where)}"  # noqa: S608 - schema names, quoted; values are parameters
        text = _guarded(outer.sql, f"{outer.sql} IN ({subquery})", nullable=True)
        return Sql(f"NOT {text}" if condition.negated else text, params)

    # ------------------------------------------------------------ values

    def _bind(self, resolved: ResolvedField, value: nodes.Value) -> object:
        kind = resolved.field.type
        if isinstance(value, nodes.NullValue):
            return 0 if kind == "boolean" else None  # a Salesforce checkbox is never null
        if kind in TEXT_TYPES and isinstance(value, nodes.StringValue):
            return value.value
        if kind in ID_TYPES and isinstance(value, nodes.StringValue):
            normal = to_18(value.value)
            if normal is None:
                raise SoqlError(
                    "INVALID_QUERY_FILTER_OPERATOR",
                    f"invalid ID field: {value.value[:40]} (field '{resolved.label}' takes a 15 or 18 "
                    "character record Id)",
                    value.position,
                )
            return normal
        if kind in NUMBER_TYPES and isinstance(value, nodes.NumberValue):
            return value.value
        if kind == "boolean" and isinstance(value, nodes.BooleanValue):
            return 1 if value.value else 0
        if kind == "date" and isinstance(value, nodes.DateValue):
            return stored_date(value.value)
        if kind == "datetime" and isinstance(value, nodes.DateTimeValue):
            return stored_datetime(value.value)
        raise _wrong_type(resolved, value.position)


def _comparable(resolved: ResolvedField) -> tuple[str, bool]:
    """The SQL expression to compare, and whether it can be NULL."""
    kind = resolved.field.type
    if kind == "boolean":
        return f"coalesce({resolved.sql}, 0)", False
    if kind in TEXT_TYPES:
        return f"{resolved.sql} COLLATE NOCASE", True
    return resolved.sql, True


def _guarded(column: str, test: str, nullable: bool) -> str:
    """``test`` made two-valued: an empty field does not match (instead of SQL NULL)."""
    return f"({column} IS NOT NULL AND {test})" if nullable else test


def _wrong_type(resolved: ResolvedField, position: nodes.Position) -> SoqlError:
    kind = resolved.field.type
    if kind in TEXT_TYPES or kind in ID_TYPES:
        expected, quoting = ("string" if kind in TEXT_TYPES else "id"), "should be enclosed in quotes"
    else:
        expected = {"int": "int", "boolean": "boolean", "date": "date", "datetime": "dateTime"}.get(kind, "double")
        quoting = "should not be enclosed in quotes"
    return SoqlError(
        "INVALID_FIELD",
        f"value of filter criterion for field '{resolved.label}' must be of type {expected} and {quoting}",
        position,
    )
