"""Relative date literals as day ranges, and date/datetime values in the stored text form.

The local org runs in UTC: ``TODAY`` is the UTC day (Salesforce uses the user's time zone).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from oim_local.org.soql.nodes import RelativeDate


@dataclass(frozen=True)
class DayRange:
    """Whole days from ``start`` (included) to ``end`` (excluded)."""

    start: date
    end: date


def day_range(literal: RelativeDate, today: date) -> DayRange:
    n = literal.n or 0
    one_day = timedelta(days=1)
    match literal.keyword:
        case "TODAY":
            return DayRange(today, today + one_day)
        case "YESTERDAY":
            return DayRange(today - one_day, today)
        case "TOMORROW":
            return DayRange(today + one_day, today + 2 * one_day)
        case "LAST_N_DAYS" | "LAST_90_DAYS":
            # Salesforce counts back n days and includes today.
            days = 90 if literal.keyword == "LAST_90_DAYS" else n
            return DayRange(today - timedelta(days=days), today + one_day)
        case "NEXT_N_DAYS" | "NEXT_90_DAYS":
            days = 90 if literal.keyword == "NEXT_90_DAYS" else n
            return DayRange(today + one_day, today + timedelta(days=days + 1))
        case "N_DAYS_AGO":
            return DayRange(today - timedelta(days=n), today - timedelta(days=n - 1))
        case "THIS_MONTH" | "LAST_MONTH" | "NEXT_MONTH":
            shift = {"THIS_MONTH": 0, "LAST_MONTH": -1, "NEXT_MONTH": 1}[literal.keyword]
            start = _add_months(today.replace(day=1), shift)
            return DayRange(start, _add_months(start, 1))
        case "THIS_YEAR" | "LAST_YEAR" | "NEXT_YEAR":
            year = today.year + {"THIS_YEAR": 0, "LAST_YEAR": -1, "NEXT_YEAR": 1}[literal.keyword]
            return DayRange(date(year, 1, 1), date(year + 1, 1, 1))
    raise ValueError(f"unknown relative date literal {literal.keyword}")  # the parser admits no other


def _add_months(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def stored_date(value: date) -> str:
    return value.isoformat()


def stored_datetime(value: datetime) -> str:
    """The column text for an aware datetime: ``YYYY-MM-DDTHH:MM:SS.000+0000`` in UTC."""
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+0000"


def stored_midnight(value: date) -> str:
    return stored_datetime(datetime(value.year, value.month, value.day, tzinfo=UTC))
