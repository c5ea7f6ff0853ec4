"""Signs on sales invoices: an invoice bills, a credit invoice credits.

connector-spec.md has no rule for negative quantities or amounts on an invoice (it only signs
journal lines: positive debit, negative credit, §ITFR). So the rule is the issue's default [I]:
a negative quantity, a negative unit price outside the allowed line types (discount, deposit),
or a negative invoice total is refused with an Export Error pointing to credit invoices, which
the connector exports as sales credit notes. Certinia would otherwise post a negative sales
invoice without a word."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from oim_connector.mapping.rules import MappingError

CREDIT_HINT = "returns and refunds are credit invoices in OIM (exported as sales credit notes): raise a credit invoice"


def check_line_signs(
    *, record_label: str, line_label: str, line_type: str, quantity: Decimal, unit_price: Decimal,
    negative_price_types: Collection[str],
) -> None:  # fmt: skip
    if quantity < 0:
        raise MappingError(f"{record_label}: line '{line_label}' has a negative quantity ({quantity}); {CREDIT_HINT}")
    if unit_price < 0 and line_type not in negative_price_types:
        raise MappingError(
            f"{record_label}: line '{line_label}' ({line_type}) has a negative unit price ({unit_price}); "
            f"only {', '.join(sorted(negative_price_types)) or 'no'} lines may be negative; {CREDIT_HINT}"
        )


def check_invoice_total(*, record_label: str, net_total: Decimal) -> None:
    if net_total < 0:
        raise MappingError(f"{record_label} totals {net_total}, less than zero; {CREDIT_HINT}")
