"""Queries Salesforce would refuse get its error code and a message that says what to change;
hostile literals stay values."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import pytest
from oim_local.org.soql import QueryResult, SoqlError, parse

Run = Callable[..., QueryResult]  # the `run` fixture: execute SOQL against the fixture org
Insert = Callable[..., str]  # the `insert` fixture: add a row, get its Id


def refusal(run: Run, soql: str) -> SoqlError:
    with pytest.raises(SoqlError) as caught:
        run(soql)
    return caught.value


def test_unknown_object_is_invalid_type(run: Run) -> None:
    error = refusal(run, "SELECT Id FROM Foo__c")

    assert error.error_code == "INVALID_TYPE"
    assert error.message.startswith("sObject type 'Foo__c' is not supported.")
    assert "Row:1:Column:16" in error.message


@pytest.mark.parametrize(
    ("soql", "text"),
    [
        ("SELECT Foo__c FROM SCMC__Invoicing__c", "No such column 'Foo__c' on entity 'SCMC__Invoicing__c'."),
        ("SELECT Id FROM SCMC__Invoicing__c WHERE Foo__c = 1", "No such column 'Foo__c'"),
        ("SELECT Id FROM SCMC__Invoicing__c ORDER BY Foo__c", "No such column 'Foo__c'"),
        (
            "SELECT SCMC__Sales_Order__r.Foo__c FROM SCMC__Invoicing__c",
            "No such column 'Foo__c' on entity 'SCMC__Sales_Order__c'.",
        ),
        ("SELECT Nope__r.Name FROM SCMC__Invoicing__c", "Didn't understand relationship 'Nope__r' in field path."),
        ("SELECT SCMC__Sales_Order__c.Name FROM SCMC__Invoicing__c", "Didn't understand relationship"),
        (
            "SELECT Id FROM SCMC__Invoicing__c WHERE SCMC__Total_Tax__c = '10'",
            "value of filter criterion for field 'SCMC__Total_Tax__c' must be of type double and should not be "
            "enclosed in quotes",
        ),
        (
            "SELECT Id FROM SCMC__Invoicing__c WHERE Name = 5",
            "field 'Name' must be of type string and should be enclosed in quotes",
        ),
        (
            "SELECT Id FROM SCMC__Invoicing__c WHERE SCMC__Invoice_Date__c = '2026-11-25'",
            "must be of type date and should not be enclosed in quotes",
        ),
        (
            "SELECT Id FROM SCMC__Invoicing__c WHERE SCMC__Invoice_Date__c = 2026-11-25T00:00:00Z",
            "must be of type date",
        ),
        ("SELECT Id FROM SCMC__Invoicing__c WHERE CreatedDate = 2026-11-25", "must be of type dateTime"),
        ("SELECT Id FROM SCMC__Invoicing__c WHERE Name = 2026-11-25", "must be of type string"),
        ("SELECT Id FROM SCMC__Invoicing__c WHERE Name = TODAY", "must be of type string"),
        ("SELECT Id FROM SCMC__Invoicing__c WHERE SCMC__Proforma__c = 'true'", "must be of type boolean"),
        (
            "SELECT Id FROM SCMC__Invoicing__c WHERE SCMC__Export_Error__c = 'x'",
            "field 'SCMC__Export_Error__c' can not be filtered",
        ),
        (
            "SELECT Id FROM SCMC__Invoicing__c WHERE Id IN (SELECT SCMC__Quantity__c FROM SCMC__Invoice_Line_Item__c)",
            "must select an Id or reference field",
        ),
    ],
)
def test_unknown_or_mistyped_fields_are_invalid_field(run: Run, soql: str, text: str) -> None:
    error = refusal(run, soql)

    assert error.error_code == "INVALID_FIELD"
    assert text in error.message


def test_unknown_child_relationship_is_invalid_type(run: Run) -> None:
    error = refusal(run, "SELECT Id, (SELECT Id FROM Lines__r) FROM SCMC__Invoicing__c")

    assert error.error_code == "INVALID_TYPE"
    assert "Didn't understand relationship 'Lines__r' in FROM part of query call" in error.message


@pytest.mark.parametrize(
    ("soql", "text"),
    [
        ("SELECT Id FROM SCMC__Invoicing__c WHERE SCMC__Proforma__c > false", "invalid operator on boolean field"),
        ("SELECT Id FROM SCMC__Invoicing__c WHERE SCMC__Total_Tax__c LIKE '1%'", "LIKE works on text fields only"),
        ("SELECT Id FROM SCMC__Invoicing__c WHERE SCMC__Total_Tax__c > null", "null can only be compared"),
        ("SELECT Id FROM SCMC__Invoicing__c WHERE Id = 'not-an-id'", "invalid ID field: not-an-id"),
        (
            "SELECT Id FROM SCMC__Invoicing__c WHERE SCMC__Sales_Order__c IN ('a4A000000000001AAB')",
            "invalid ID field",
        ),  # the case suffix does not match the first 15 characters
    ],
)
def test_operator_misuse_is_invalid_query_filter_operator(run: Run, soql: str, text: str) -> None:
    error = refusal(run, soql)

    assert error.error_code == "INVALID_QUERY_FILTER_OPERATOR"
    assert text in error.message


@pytest.mark.parametrize(
    ("soql", "text", "column"),
    [
        ("SELECT Id FROM", "unexpected end of query", 15),
        ('SELECT Id FROM Account WHERE Name = "x"', "string values take single quotes", 37),
        ("SELECT Id FROM Account WHERE Name = 'a' AND Type = 'b' OR Type = 'c'", "use parentheses", 56),
        ("SELECT Id FROM Account WHERE Name = Acme", "enclose text values in single quotes", 37),
        ("SELECT Id FROM Account WHERE Name = 'a\\qb'", "invalid escape sequence '\\q'", 39),
        ("SELECT Id FROM Account LIMIT 1.5", "LIMIT needs a whole number", 30),
        ("SELECT Id Name FROM Account", "unexpected token: 'Name'", 11),
        ("SELECT Id, Id FROM Account", "duplicate field selected: Id", 12),
        ("SELECT COUNT(), Name FROM Account", "COUNT() must be the only item", 8),
        ("SELECT Id FROM Account WHERE CreatedDate > 2026-13-01T00:00:00Z", "not a valid datetime", 44),
    ],
)
def test_malformed_queries_say_where(run: Run, soql: str, text: str, column: int) -> None:
    error = refusal(run, soql)

    assert error.error_code == "MALFORMED_QUERY"
    assert text in error.message
    assert f"Row:1:Column:{column}" in error.message


@pytest.mark.parametrize(
    ("soql", "construct"),
    [
        ("SELECT Type FROM Account GROUP BY Type", "GROUP BY"),
        ("SELECT Type FROM Account HAVING Type = 'x'", "HAVING"),
        ("SELECT SUM(SCMC__Total_Tax__c) FROM SCMC__Invoicing__c", "aggregate function SUM()"),
        ("SELECT COUNT(Id) FROM Account", "aggregate function COUNT()"),
        ("SELECT MAX(Name) FROM Account", "aggregate function MAX()"),
        ("SELECT FIELDS(ALL) FROM Account LIMIT 1", "the function FIELDS()"),
        ("SELECT TYPEOF What WHEN Account THEN Name END FROM Event", "TYPEOF"),
        ("SELECT Id FROM Account LIMIT 1 FOR UPDATE", "FOR UPDATE / FOR VIEW / FOR REFERENCE"),
        ("SELECT Id FROM Account WITH SECURITY_ENFORCED", "WITH"),
        ("SELECT Id FROM Account USING SCOPE mine", "USING SCOPE"),
        ("SELECT Id FROM Account WHERE Type INCLUDES ('a')", "INCLUDES"),
        ("SELECT Id FROM Account WHERE CreatedDate = LAST_WEEK", "the date literal LAST_WEEK"),
        ("SELECT Id FROM Account WHERE CreatedDate IN (TODAY)", "the date literal TODAY inside IN (...)"),
        (
            "SELECT Id, (SELECT Id FROM SCMC__Invoice_Line_Items__r OFFSET 1) FROM SCMC__Invoicing__c",
            "OFFSET in a child subquery",
        ),
    ],
)
def test_unsupported_constructs_are_refused_not_guessed(run: Run, soql: str, construct: str) -> None:
    error = refusal(run, soql)

    assert error.error_code == "MALFORMED_QUERY"
    assert f"{construct} is not supported by the local org" in error.message


@pytest.mark.parametrize(
    ("soql", "text"),
    [
        (
            "SELECT Id FROM SCMC__Invoicing__c WHERE Name = 'a' OR Id IN (SELECT SCMC__Invoicing__c FROM "
            "SCMC__Invoice_Line_Item__c)",
            "not allowed with the 'OR' operator",
        ),
        (
            "SELECT Id FROM SCMC__Invoicing__c WHERE Id IN (SELECT SCMC__Invoicing__c FROM SCMC__Invoice_Line_Item__c "
            "WHERE Id IN (SELECT SCMC__Invoice_Line_Item__c FROM SCMC__Credit_Invoice_Line__c))",
            "does not nest",
        ),
        (
            "SELECT Id FROM SCMC__Invoicing__c WHERE Id IN (SELECT SCMC__Invoicing__c, Name FROM "
            "SCMC__Invoice_Line_Item__c)",
            "exactly one Id or reference field",
        ),
        (
            "SELECT Id, (SELECT Id, (SELECT Id FROM SCMC__Credit_Invoice_Lines__r) FROM SCMC__Invoice_Line_Items__r) "
            "FROM SCMC__Invoicing__c",
            "cannot contain another child subquery",
        ),
    ],
)
def test_subquery_rules(run: Run, soql: str, text: str) -> None:
    error = refusal(run, soql)

    assert error.error_code == "MALFORMED_QUERY"
    assert text in error.message


def test_keywords_are_case_insensitive() -> None:
    query = parse("select Id from Account where not Name like 'a%' order by Name desc nulls first limit 5 offset 1")

    assert query.object_name == "Account"
    assert query.limit == 5
    assert query.offset == 1
    assert query.order_by[0].descending is True
    assert query.order_by[0].nulls_first is True


def test_empty_query_is_malformed() -> None:
    with pytest.raises(SoqlError) as caught:
        parse("   ")

    assert caught.value.error_code == "MALFORMED_QUERY"


@pytest.mark.parametrize(
    "hostile",
    [
        "'; DROP TABLE Account; --",
        "\\' OR 1=1 --",
        "x' OR '1'='1",
        '") OR 1=1 --',
        "%' OR Name LIKE '%",
    ],
)
def test_hostile_literals_stay_values(
    run: Run, insert: Insert, conn: sqlite3.Connection, org: dict[str, str], hostile: str
) -> None:
    soql_literal = hostile.replace("\\", "\\\\").replace("'", "\\'")

    nothing = run(f"SELECT Id FROM Account WHERE Name = '{soql_literal}'")
    insert("Account", Name=hostile)
    exact = run(f"SELECT Name FROM Account WHERE Name = '{soql_literal}'")
    in_like = run(f"SELECT Name FROM Account WHERE Name LIKE '{soql_literal}'")

    assert nothing.records == []
    assert [r["Name"] for r in exact.records] == [hostile]
    assert hostile in [r["Name"] for r in in_like.records]
    assert conn.execute("SELECT COUNT(*) FROM Account").fetchone() == (3,)  # the table is still there


@pytest.mark.parametrize(
    "soql",
    [
        "SELECT Id FROM Account WHERE Name = '' OR 1=1 --'",
        "SELECT Id FROM Account WHERE Name = 'x'; DROP TABLE Account",
        "SELECT Id FROM Account; DROP TABLE Account",
        'SELECT Id FROM "Account"',
        "SELECT Id FROM Account WHERE Name = 'it\\'s' OR Name = 'x' --",
    ],
)
def test_injection_attempts_outside_literals_are_malformed(run: Run, conn: sqlite3.Connection, soql: str) -> None:
    error = refusal(run, soql)

    assert error.error_code == "MALFORMED_QUERY"
    assert conn.execute("SELECT COUNT(*) FROM Account").fetchone() == (0,)
