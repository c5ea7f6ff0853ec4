"""Amounts in an accounting currency's decimal places, rounded half up as accountants expect."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def to_decimal(value: object, default: Decimal | None = None) -> Decimal | None:
    if value is None or value == "":
        return default
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return default


def round_money(amount: Decimal, decimal_places: int) -> Decimal:
    quantum = Decimal(1).scaleb(-decimal_places)
    return amount.quantize(quantum, rounding=ROUND_HALF_UP)


def as_number(amount: Decimal) -> float | int:
    """JSON number for the API (the org stores to the field's scale)."""
    if amount == amount.to_integral_value():
        return int(amount)
    return float(amount)
