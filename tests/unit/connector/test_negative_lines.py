"""Attack: an OIM invoice with negative quantities became a negative sales invoice without a
word. Rule (mapping/signs.py; connector-spec.md has none for invoices, so the issue's default [I]):
a negative quantity, a negative unit price outside discount and deposit lines, or a negative
total is refused with an Export Error pointing to credit invoices, and nothing is written."""

from __future__ import annotations

from typing import Any

from tests.unit.connector import builders as b
from tests.unit.connector.test_sales_invoice_mapping import run


def discount(line_id: str, price: float) -> dict[str, Any]:
    return {**b.item_line(line_id, price=price, record_type="Discount"), "SCMFFA__Product__c": b.PRODUCT_WIDGET}


CREDIT = "returns and refunds are credit invoices in OIM (exported as sales credit notes)"


def test_a_negative_quantity_is_refused_pointing_to_credit_invoices() -> None:
    mapped = run(b.invoice(b.item_line("a4B000000000001AAA", quantity=-5, price=50.0)))

    assert mapped.documents == ()
    assert "has a negative quantity (-5)" in mapped.errors[0] and CREDIT in mapped.errors[0]


def test_a_negative_price_on_an_item_line_is_refused() -> None:
    mapped = run(b.invoice(b.item_line("a4B000000000001AAA", quantity=2, price=-50.0)))

    assert mapped.documents == ()
    assert "(Item) has a negative unit price (-50" in mapped.errors[0] and CREDIT in mapped.errors[0]


def test_a_discount_line_may_be_negative_while_the_invoice_stays_positive() -> None:
    mapped = run(b.invoice(b.item_line("a4B000000000001AAA", quantity=2, price=50.0),
                           discount("a4B000000000002AAA", -20.0)))  # fmt: skip

    assert mapped.errors == ()
    assert [line.amount for line in mapped.documents[0].lines][:2] == [100, -20]


def test_an_invoice_whose_discount_exceeds_its_lines_is_refused() -> None:
    mapped = run(b.invoice(b.item_line("a4B000000000001AAA", quantity=1, price=10.0),
                           discount("a4B000000000002AAA", -20.0)))  # fmt: skip

    assert mapped.documents == ()
    assert "totals -10.00, less than zero" in mapped.errors[0] and CREDIT in mapped.errors[0]
