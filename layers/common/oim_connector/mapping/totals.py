"""OIM's own header total against what the document would book: one rule for every flow.

A document is written only when its total equals the total OIM publishes on the source header,
to the currency's decimals. A difference is refused by default; when the flow's rounding setting
names a GLA and the difference is no larger than the lines' rounding can explain (one unit of the
last decimal per line), a rounding line of that amount makes the document equal OIM's to the cent.
"""

from __future__ import annotations

from decimal import Decimal

from oim_connector.mapping.money import round_money, to_decimal
from oim_connector.mapping.rules import MappingError


def total_difference(
    published: object,
    booked: Decimal,
    *,
    dp: int,
    line_count: int,
    label: str,
    total_label: str,
    rounding_gla: str | None,
) -> Decimal:
    """OIM's total minus the booked one: zero when they agree (or OIM publishes none), the amount of the
    rounding line when a rounding GLA is set and rounding explains it; else the refusal."""
    total = to_decimal(published)
    if total is None:
        return Decimal(0)
    expected = round_money(total, dp)
    difference = expected - booked
    if difference == 0:
        return difference
    explainable = abs(difference) <= Decimal(max(line_count, 1)) * Decimal(1).scaleb(-dp)
    if rounding_gla and explainable:
        return difference
    remedy = (
        f"the difference is more than rounding of {max(line_count, 1)} line(s) explains: correct the document in OIM"
        if rounding_gla
        else "correct the document in OIM, or name a rounding GLA in the flow's settings to book the rounding"
    )
    raise MappingError(
        f"{label} would be booked at {booked:.{dp}f} but OIM's {total_label} is {expected:.{dp}f} "
        f"(a difference of {difference:.{dp}f}): {remedy}"
    )
