"""SOQL text to the ``nodes`` tree, with a Lark LALR grammar (``grammar.lark``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache
from importlib.resources import files
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError
from lark.tree import Meta

from oim_local.org.soql import nodes
from oim_local.org.soql.errors import SoqlError, malformed, not_supported
from oim_local.org.soql.string_literals import InvalidEscape, decode

# Relative date literals the engine resolves (see dates.py); an ``N`` form needs ``:n``.
RELATIVE_DATES = frozenset(
    {
        "TODAY",
        "YESTERDAY",
        "TOMORROW",
        "THIS_MONTH",
        "LAST_MONTH",
        "NEXT_MONTH",
        "THIS_YEAR",
        "LAST_YEAR",
        "NEXT_YEAR",
        "LAST_90_DAYS",
        "NEXT_90_DAYS",
    }
)
RELATIVE_DATES_WITH_N = frozenset({"LAST_N_DAYS", "NEXT_N_DAYS", "N_DAYS_AGO"})
# Real Salesforce date literals this engine does not resolve: refused, never guessed.
_UNSUPPORTED_DATE_PREFIXES = ("LAST_", "NEXT_", "THIS_", "N_")

# SOQL words outside the grammar; meeting one explains the parse failure.
_UNSUPPORTED_KEYWORDS = {
    "GROUP": "GROUP BY",
    "HAVING": "HAVING",
    "ROLLUP": "GROUP BY ROLLUP",
    "CUBE": "GROUP BY CUBE",
    "TYPEOF": "TYPEOF",
    "FOR": "FOR UPDATE / FOR VIEW / FOR REFERENCE",
    "UPDATE": "FOR UPDATE",
    "WITH": "WITH",
    "USING": "USING SCOPE",
    "INCLUDES": "INCLUDES",
    "EXCLUDES": "EXCLUDES",
}
_OPERATORS: dict[str, nodes.ComparisonOperator] = {
    "=": "=",
    "!=": "!=",
    "<>": "!=",
    "<": "<",
    "<=": "<=",
    ">": ">",
    ">=": ">=",
}
_AGGREGATES = frozenset({"COUNT", "COUNT_DISTINCT", "SUM", "AVG", "MIN", "MAX"})
_MAX_RELATIONSHIP_DEPTH = 5


@cache
def _lark() -> Lark:
    grammar = files("oim_local.org.soql").joinpath("grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="contextual", propagate_positions=True, maybe_placeholders=True)


def parse(soql: str) -> nodes.Query:
    """Parse one SOQL statement; raises SoqlError(MALFORMED_QUERY) saying where and why."""
    if not isinstance(soql, str) or not soql.strip():
        raise malformed("the query is empty: send a SOQL statement such as SELECT Id FROM Account")
    try:
        tree = _lark().parse(soql)
    except UnexpectedInput as error:
        raise _explain(soql, error) from None
    try:
        result = _ToNodes().transform(tree)
    except VisitError as error:
        if isinstance(error.orig_exc, SoqlError):
            raise error.orig_exc from None
        raise
    assert isinstance(result, nodes.Query)
    return result


def _position(item: Token | Meta) -> nodes.Position:
    return nodes.Position(row=item.line or 1, column=item.column or 1)


@v_args(inline=True)
class _ToNodes(Transformer[Token, Any]):
    def start(self, query: nodes.Query) -> nodes.Query:
        return query

    def query(
        self,
        select: tuple[nodes.SelectItem, ...],
        object_name: Token,
        alias: Token | None,
        where: nodes.Condition | None,
        order_by: tuple[nodes.OrderItem, ...] | None,
        limit: int | None,
        offset: int | None,
    ) -> nodes.Query:
        return nodes.Query(
            select=select,
            object_name=str(object_name),
            object_position=_position(object_name),
            alias=str(alias) if alias is not None else None,
            where=where,
            order_by=order_by or (),
            limit=limit,
            offset=offset,
        )

    def select_list(self, *items: nodes.SelectItem) -> tuple[nodes.SelectItem, ...]:
        return items

    @v_args(meta=True, inline=True)
    def child_query(self, meta: Meta, query: nodes.Query) -> nodes.ChildQuery:
        return nodes.ChildQuery(query=query, position=_position(meta))

    def function_call(self, name: Token, *arguments: nodes.FieldPath | None) -> nodes.CountAll:
        given = [a for a in arguments if a is not None]
        upper = str(name).upper()
        if upper == "COUNT" and not given:
            return nodes.CountAll(position=_position(name))
        if upper in _AGGREGATES:
            raise not_supported(f"the aggregate function {upper}()", _position(name))
        raise not_supported(f"the function {name}()", _position(name))

    def field_path(self, *names: Token) -> nodes.FieldPath:
        if len(names) - 1 > _MAX_RELATIONSHIP_DEPTH:
            raise malformed(
                f"the field path {'.'.join(names)} crosses {len(names) - 1} relationships: "
                f"SOQL allows at most {_MAX_RELATIONSHIP_DEPTH}",
                _position(names[0]),
            )
        return nodes.FieldPath(parts=tuple(str(n) for n in names), position=_position(names[0]))

    def where_clause(self, condition: nodes.Condition) -> nodes.Condition:
        return condition

    def and_chain(self, *operands: nodes.Condition) -> nodes.And:
        return nodes.And(operands)

    def or_chain(self, *operands: nodes.Condition) -> nodes.Or:
        return nodes.Or(operands)

    def not_condition(self, operand: nodes.Condition) -> nodes.Not:
        return nodes.Not(operand)

    def comparison(self, field: nodes.FieldPath, operator: Token, value: nodes.Value) -> nodes.Comparison:
        return nodes.Comparison(field=field, operator=_OPERATORS[str(operator)], value=value)

    def like(self, field: nodes.FieldPath, value: nodes.Value) -> nodes.Like:
        return nodes.Like(field=field, pattern=value)

    def in_list(self, field: nodes.FieldPath, values: tuple[nodes.Value, ...]) -> nodes.InList:
        return nodes.InList(field=field, values=values, negated=False)

    def not_in_list(self, field: nodes.FieldPath, values: tuple[nodes.Value, ...]) -> nodes.InList:
        return nodes.InList(field=field, values=values, negated=True)

    def semi_join(self, field: nodes.FieldPath, query: nodes.Query) -> nodes.SemiJoin:
        return nodes.SemiJoin(field=field, query=query, negated=False)

    def anti_join(self, field: nodes.FieldPath, query: nodes.Query) -> nodes.SemiJoin:
        return nodes.SemiJoin(field=field, query=query, negated=True)

    def value_list(self, *values: nodes.Value) -> tuple[nodes.Value, ...]:
        return values

    # ------------------------------------------------------------ literal values

    def string(self, token: Token) -> nodes.StringValue:
        try:
            decoded = decode(token[1:-1])
        except InvalidEscape as error:
            at = nodes.Position(row=token.line or 1, column=(token.column or 1) + 1 + error.offset)
            raise malformed(str(error), at) from None
        return nodes.StringValue(value=decoded.value, like_pattern=decoded.like_pattern, position=_position(token))

    def number(self, token: Token) -> nodes.NumberValue:
        text = str(token)
        value: int | float = float(text) if "." in text else int(text)
        return nodes.NumberValue(value=value, position=_position(token))

    def date(self, token: Token) -> nodes.DateValue:
        try:
            value = date.fromisoformat(str(token))
        except ValueError:
            raise malformed(f"{token} is not a valid date: use YYYY-MM-DD", _position(token)) from None
        return nodes.DateValue(value=value, position=_position(token))

    def datetime(self, token: Token) -> nodes.DateTimeValue:
        try:
            value = _parse_datetime(str(token))
        except ValueError:
            raise malformed(
                f"{token} is not a valid datetime: use YYYY-MM-DDThh:mm:ssZ or YYYY-MM-DDThh:mm:ss+hh:mm",
                _position(token),
            ) from None
        return nodes.DateTimeValue(value=value, position=_position(token))

    @v_args(meta=True, inline=True)
    def true(self, meta: Meta) -> nodes.BooleanValue:
        return nodes.BooleanValue(value=True, position=_position(meta))

    @v_args(meta=True, inline=True)
    def false(self, meta: Meta) -> nodes.BooleanValue:
        return nodes.BooleanValue(value=False, position=_position(meta))

    @v_args(meta=True, inline=True)
    def null(self, meta: Meta) -> nodes.NullValue:
        return nodes.NullValue(position=_position(meta))

    def relative_date(self, name: Token, n: Token | None) -> nodes.RelativeDate:
        keyword = str(name).upper()
        at = _position(name)
        if keyword in RELATIVE_DATES_WITH_N:
            if n is None or not str(n).isdigit():
                raise malformed(f"{keyword} needs a whole number of days, e.g. {keyword}:7", at)
            return nodes.RelativeDate(keyword=keyword, n=int(str(n)), position=at)
        if keyword in RELATIVE_DATES:
            if n is not None:
                raise malformed(f"{keyword} takes no number; did you mean LAST_N_DAYS:{n}?", at)
            return nodes.RelativeDate(keyword=keyword, n=None, position=at)
        if keyword.startswith(_UNSUPPORTED_DATE_PREFIXES) or keyword.endswith("_N_QUARTERS"):
            raise not_supported(f"the date literal {keyword}", at)
        raise malformed(
            f"unexpected token: '{name}': enclose text values in single quotes ('{name}'), "
            "or use a date literal such as TODAY or LAST_N_DAYS:7",
            at,
        )

    # ------------------------------------------------------------ ORDER BY, LIMIT, OFFSET

    def order_clause(self, *items: nodes.OrderItem) -> tuple[nodes.OrderItem, ...]:
        return items

    def order_item(self, field: nodes.FieldPath, direction: Token | None, nulls: Token | None) -> nodes.OrderItem:
        nulls_first = None if nulls is None else str(nulls).split()[-1].upper() == "FIRST"
        descending = direction is not None and str(direction).upper() == "DESC"
        return nodes.OrderItem(field=field, descending=descending, nulls_first=nulls_first)

    def limit_clause(self, token: Token) -> int:
        return _whole_number("LIMIT", token)

    def offset_clause(self, token: Token) -> int:
        return _whole_number("OFFSET", token)


def _whole_number(clause: str, token: Token) -> int:
    text = str(token)
    if not text.isdigit():
        raise malformed(f"{clause} needs a whole number of rows, not {text}", _position(token))
    return int(text)


def _parse_datetime(text: str) -> datetime:
    """``2026-11-25T10:00:00Z``, ``...T10:00:00.5+02:00`` or ``...+0200``: always aware."""
    stamp, zone = (text[:-1], "+00:00") if text.endswith("Z") else (text[:-6], text[-6:])
    if not text.endswith("Z") and zone[-3] != ":":  # +hhmm form
        stamp, zone = text[:-5], text[-5:-2] + ":" + text[-2:]
    naive = datetime.fromisoformat(stamp)
    sign = 1 if zone[0] == "+" else -1
    hours, minutes = int(zone[1:3]), int(zone[4:6])
    if hours > 14 or minutes > 59:
        raise ValueError(text)
    offset = timezone(sign * timedelta(hours=hours, minutes=minutes))
    return naive.replace(tzinfo=offset).astimezone(UTC)


def _explain(soql: str, error: UnexpectedInput) -> SoqlError:
    at = nodes.Position(row=error.line if error.line > 0 else 1, column=error.column if error.column > 0 else 1)
    unsupported = _unsupported_keyword_before(soql, error.pos_in_stream)
    if unsupported is not None:
        keyword, keyword_at = unsupported
        return not_supported(keyword, keyword_at)
    if isinstance(error, UnexpectedCharacters):
        char = soql[error.pos_in_stream] if error.pos_in_stream is not None else "?"
        hint = ": string values take single quotes" if char == '"' else ""
        return malformed(f"unexpected character: '{char}'{hint}", at)
    if isinstance(error, UnexpectedEOF) or (isinstance(error, UnexpectedToken) and error.token.type == "$END"):
        return malformed("unexpected end of query: the statement is incomplete", _end_of(soql))
    assert isinstance(error, UnexpectedToken)
    token = error.token
    hint = ""
    if token.type in ("AND", "OR"):
        hint = ": use parentheses when you mix AND and OR, e.g. a = 1 AND (b = 2 OR c = 3)"
    elif token.type == "LPAR":
        hint = ": functions are not supported by the local org here"
    return malformed(f"unexpected token: '{token}'{hint}", at)


def _end_of(soql: str) -> nodes.Position:
    text = soql.rstrip()
    lines = text.split("\n")
    return nodes.Position(row=len(lines), column=len(lines[-1]) + 1)


def _unsupported_keyword_before(soql: str, error_pos: int | None) -> tuple[str, nodes.Position] | None:
    """The first unsupported SOQL keyword at or before the point where parsing failed."""
    limit = len(soql) if error_pos is None else error_pos
    try:
        for token in _lark().lex(soql):
            if token.start_pos is not None and token.start_pos > limit:
                break
            if token.type == "NAME" and token.upper() in _UNSUPPORTED_KEYWORDS:
                return _UNSUPPORTED_KEYWORDS[token.upper()], _position(token)
    except UnexpectedInput:
        pass  # the tokens read so far were checked; the caller reports the lexing error
    return None
