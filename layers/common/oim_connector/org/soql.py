"""A SOQL builder that cannot be injected.

Object, field and relationship names must match the API-name pattern and are never
quoted; every value is rendered by ``literal()``, which quotes strings with simple-salesforce's
``quote_soql_value`` and accepts only the types SOQL knows. Callers never concatenate text into a query.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,79}")
# Salesforce: at most five levels in a child-to-parent path ("Contact.Account.Owner.FirstName" is three).
_PATH = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,79}(\.[A-Za-z][A-Za-z0-9_]{0,79}){0,5}")
_OPERATORS = frozenset({"=", "!=", "<", "<=", ">", ">=", "LIKE"})

SoqlValue = str | int | float | Decimal | bool | dt.date | dt.datetime | None


class UnsafeSoqlError(ValueError):
    """A name or value that must not reach a query."""


def check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise UnsafeSoqlError(f"'{name}' is not a valid API name")
    return name


def check_path(path: str) -> str:
    if not isinstance(path, str) or not _PATH.fullmatch(path):
        raise UnsafeSoqlError(f"'{path}' is not a valid field API name or relationship path")
    return path


def literal(value: SoqlValue) -> str:
    if isinstance(value, float | Decimal):
        # Fixed notation: SOQL has no exponent form (1e-05 would be a malformed query).
        return format(Decimal(str(value)), "f")
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise UnsafeSoqlError("datetime literals must be timezone-aware")
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if value is None or isinstance(value, str | bool | int | dt.date):
        # simple-salesforce's quoting (the escapes of the SOQL reference); loaded here, not with
        # this module: the package pulls in requests, which a handler loads only when it queries.
        from simple_salesforce.format import quote_soql_value

        return quote_soql_value(value)
    raise UnsafeSoqlError(f"values of type {type(value).__name__} cannot be used in SOQL")


@dataclass(frozen=True)
class Condition:
    text: str

    def __and__(self, other: Condition) -> Condition:
        return Condition(f"({self.text} AND {other.text})")

    def __or__(self, other: Condition) -> Condition:
        return Condition(f"({self.text} OR {other.text})")

    def __invert__(self) -> Condition:
        return Condition(f"(NOT {self.text})")


def compare(path: str, operator: str, value: SoqlValue) -> Condition:
    if operator not in _OPERATORS:
        raise UnsafeSoqlError(f"operator {operator!r} is not allowed")
    return Condition(f"{check_path(path)} {operator} {literal(value)}")


def eq(path: str, value: SoqlValue) -> Condition:
    return compare(path, "=", value)


def ne(path: str, value: SoqlValue) -> Condition:
    return compare(path, "!=", value)


def gt(path: str, value: SoqlValue) -> Condition:
    return compare(path, ">", value)


def is_in(path: str, values: Iterable[SoqlValue]) -> Condition:
    rendered = [literal(v) for v in values]
    if not rendered:
        # An empty IN list is a syntax error in SOQL; nothing can match it.
        return Condition("Id = null")
    return Condition(f"{check_path(path)} IN ({', '.join(rendered)})")


def not_in(path: str, values: Iterable[SoqlValue]) -> Condition:
    rendered = [literal(v) for v in values]
    if not rendered:
        return Condition("Id != null")
    return Condition(f"{check_path(path)} NOT IN ({', '.join(rendered)})")


def all_of(conditions: Sequence[Condition]) -> Condition | None:
    result: Condition | None = None
    for condition in conditions:
        result = condition if result is None else result & condition
    return result


@dataclass(frozen=True)
class Select:
    sobject: str
    fields: tuple[str, ...]
    where: Condition | None = None
    order_by: tuple[str, ...] = ()
    limit: int | None = None
    children: tuple[Select, ...] = field(default=())

    def render(self) -> str:
        parts = [check_path(f) for f in dict.fromkeys(self.fields)]
        parts.extend(f"({child.render()})" for child in self.children)
        # Names are pattern-checked and values rendered by literal(): nothing here is free text.
        text = f"SELECT {', '.join(parts)} FROM {check_name(self.sobject)}"  # noqa: S608
        if self.where is not None:
            text += f" WHERE {self.where.text}"
        if self.order_by:
            text += " ORDER BY " + ", ".join(_order_item(o) for o in self.order_by)
        if self.limit is not None:
            if not isinstance(self.limit, int) or isinstance(self.limit, bool) or self.limit < 1:
                raise UnsafeSoqlError("LIMIT must be a positive integer")
            text += f" LIMIT {self.limit}"
        return text


def _order_item(item: str) -> str:
    path, _, direction = item.partition(" ")
    direction = direction.strip().upper()
    if direction not in ("", "ASC", "DESC"):
        raise UnsafeSoqlError(f"bad ORDER BY direction {direction!r}")
    return f"{check_path(path)}{' ' + direction if direction else ''}"
