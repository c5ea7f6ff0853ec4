"""The parsed form of a SOQL statement: plain frozen data, no schema knowledge yet.

Names keep the spelling the query used; resolving them against the schema (and refusing
unknown ones) is the planner's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal as TypingLiteral


@dataclass(frozen=True)
class Position:
    row: int
    column: int


@dataclass(frozen=True)
class FieldPath:
    """``Name`` or ``SCMC__Sales_Order__r.SCMC__Customer_Account__r.Name``."""

    parts: tuple[str, ...]
    position: Position

    @property
    def text(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True)
class CountAll:
    """``COUNT()``: the query answers with a total size and no records."""

    position: Position


# ---------------------------------------------------------------- literal values


@dataclass(frozen=True)
class StringValue:
    value: str
    like_pattern: str  # the same text as an SQLite LIKE pattern with ESCAPE '\'
    position: Position


@dataclass(frozen=True)
class NumberValue:
    value: int | float
    position: Position


@dataclass(frozen=True)
class BooleanValue:
    value: bool
    position: Position


@dataclass(frozen=True)
class NullValue:
    position: Position


@dataclass(frozen=True)
class DateValue:
    value: date
    position: Position


@dataclass(frozen=True)
class DateTimeValue:
    value: datetime  # always timezone-aware
    position: Position


@dataclass(frozen=True)
class RelativeDate:
    """``TODAY``, ``LAST_N_DAYS:30`` and the like; resolved to a day range at execution."""

    keyword: str  # upper case
    n: int | None
    position: Position


Value = StringValue | NumberValue | BooleanValue | NullValue | DateValue | DateTimeValue | RelativeDate

# ---------------------------------------------------------------- conditions

ComparisonOperator = TypingLiteral["=", "!=", "<", "<=", ">", ">="]


@dataclass(frozen=True)
class Comparison:
    field: FieldPath
    operator: ComparisonOperator
    value: Value


@dataclass(frozen=True)
class Like:
    field: FieldPath
    pattern: Value


@dataclass(frozen=True)
class InList:
    field: FieldPath
    values: tuple[Value, ...]
    negated: bool


@dataclass(frozen=True)
class SemiJoin:
    """``Id IN (SELECT SCMC__Invoicing__c FROM ...)``, or ``NOT IN`` when negated."""

    field: FieldPath
    query: Query
    negated: bool


@dataclass(frozen=True)
class And:
    operands: tuple[Condition, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    operand: Condition


Condition = Comparison | Like | InList | SemiJoin | And | Or | Not

# ---------------------------------------------------------------- the statement


@dataclass(frozen=True)
class OrderItem:
    field: FieldPath
    descending: bool
    nulls_first: bool | None  # None: Salesforce's default (first when ascending)


@dataclass(frozen=True)
class ChildQuery:
    """A parent-to-child subquery in the SELECT list: ``(SELECT ... FROM Lines__r)``."""

    query: Query
    position: Position


SelectItem = FieldPath | CountAll | ChildQuery


@dataclass(frozen=True)
class Query:
    select: tuple[SelectItem, ...]
    object_name: str
    object_position: Position
    alias: str | None
    where: Condition | None
    order_by: tuple[OrderItem, ...]
    limit: int | None
    offset: int | None
