"""Ids and SOQL: hostile input never reaches a query."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oim_connector.ids import is_salesforce_id, to_18
from oim_connector.org.soql import Select, UnsafeSoqlError, eq, is_in, literal


def test_18_character_ids_carry_a_checksum_of_the_case() -> None:
    assert to_18("001000000000001") == "001000000000001AAA"
    assert is_salesforce_id("a4AxY0000000001")
    assert not is_salesforce_id("001000000000001AAB")  # wrong checksum
    assert not is_salesforce_id("001' OR Id != '")


@given(st.text(max_size=30))
def test_any_text_that_is_not_an_id_is_refused(text: str) -> None:
    if not is_salesforce_id(text):
        with pytest.raises(ValueError, match="is not a Salesforce record id"):
            to_18(text)


# No deadline: the first example loads simple-salesforce, whose quoting literal() uses.
@settings(deadline=None)
@given(st.text(max_size=60))
def test_string_literals_cannot_close_their_quotes(text: str) -> None:
    rendered = literal(text)
    inner = rendered[1:-1]
    # every quote inside is escaped, so the literal ends where it should
    i = 0
    while i < len(inner):
        if inner[i] == "\\":
            i += 2
            continue
        assert inner[i] != "'"
        i += 1


@pytest.mark.parametrize("name", ["Name; DELETE", "Id FROM Account", "a b", "x__c)", ""])
def test_names_that_are_not_api_names_are_refused(name: str) -> None:
    with pytest.raises(UnsafeSoqlError):
        Select("Account", (name,)).render()
    with pytest.raises(UnsafeSoqlError):
        eq(name, 1)


def test_a_query_renders_values_as_literals() -> None:
    select = Select("Account", ("Id", "Parent.Name"), where=eq("Name", "O'Brien") & is_in("Id", ["001000000000001AAA"]),
                    order_by=("Id",), limit=10)  # fmt: skip
    assert select.render() == (
        "SELECT Id, Parent.Name FROM Account WHERE (Name = 'O\\'Brien' AND Id IN ('001000000000001AAA')) "
        "ORDER BY Id LIMIT 10"
    )
    assert literal(dt.date(2026, 1, 2)) == "2026-01-02"
    assert literal(None) == "null"
