"""WHERE: operators, Salesforce null and case rules, literals, relative dates, semi-joins."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from oim_local.org.soql import QueryResult

Run = Callable[..., QueryResult]  # the `run` fixture: execute SOQL against the fixture org
Insert = Callable[..., str]  # the `insert` fixture: add a row, get its Id


def names(run: Run, where: str, object_name: str = "SCMC__Invoicing__c", **options: object) -> list[str]:
    soql = f"SELECT Name FROM {object_name} WHERE {where} ORDER BY Name"
    result = run(soql, **options)
    return [record["Name"] for record in result.records]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("SCMC__Total_Tax__c = 10.5", ["INV-000001"]),
        ("SCMC__Total_Tax__c != 10.5", ["INV-000002", "INV-000003"]),  # an empty field is "not equal"
        ("SCMC__Total_Tax__c <> 0", ["INV-000001", "INV-000002"]),
        ("SCMC__Total_Tax__c < 10.5", ["INV-000003"]),  # an empty field never compares
        ("SCMC__Total_Tax__c <= 10.5", ["INV-000001", "INV-000003"]),
        ("SCMC__Total_Tax__c > 0", ["INV-000001"]),
        ("SCMC__Total_Tax__c >= 0", ["INV-000001", "INV-000003"]),
        ("SCMC__Total_Tax__c = null", ["INV-000002"]),
        ("SCMC__Total_Tax__c != null", ["INV-000001", "INV-000003"]),
        ("SCMC__Proforma__c = true", ["INV-000002"]),
        ("SCMC__Proforma__c = FALSE", ["INV-000001", "INV-000003"]),
        ("SCMC__Proforma__c = null", ["INV-000001", "INV-000003"]),  # a checkbox is never null: false
    ],
)
def test_comparison_operators(run: Run, org: dict[str, str], where: str, expected: list[str]) -> None:
    assert names(run, where) == expected


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("SCMC__Status__c = 'open'", ["INV-000001", "INV-000003"]),  # picklists ignore case too
        ("Name = 'inv-000002'", ["INV-000002"]),
        ("SCMC__Status__c IN ('CLOSED', 'Voided')", ["INV-000002"]),
        ("SCMC__Status__c NOT IN ('closed')", ["INV-000001", "INV-000003"]),
        ("SCMC__Export_Status__c NOT IN ('New')", ["INV-000002", "INV-000003"]),  # empty is "not in"
        ("SCMC__Export_Status__c IN ('New', null)", ["INV-000001", "INV-000003"]),
        ("Name LIKE 'inv-00000_'", ["INV-000001", "INV-000002", "INV-000003"]),
        ("Name LIKE '%2'", ["INV-000002"]),
        ("NOT Name LIKE '%2'", ["INV-000001", "INV-000003"]),
    ],
)
def test_text_comparisons_ignore_case(run: Run, org: dict[str, str], where: str, expected: list[str]) -> None:
    assert names(run, where) == expected


def test_like_escapes_match_literal_percent_and_underscore(run: Run, insert: Insert, org: dict[str, str]) -> None:
    insert("Account", Name="50% off_sale")
    insert("Account", Name="50X offXsale")

    assert names(run, r"Name LIKE '50\% off\_%'", "Account") == ["50% off_sale"]
    assert names(run, "Name LIKE '50_ off_sale'", "Account") == ["50% off_sale", "50X offXsale"]


def test_string_escapes_are_decoded(run: Run, insert: Insert, org: dict[str, str]) -> None:
    insert("Account", Name="O'Brien \\ Sons\nLtd")

    assert names(run, r"Name = 'O\'Brien \\ Sons\nLtd'", "Account") == ["O'Brien \\ Sons\nLtd"]
    assert names(run, r"Name = 'O\u0027brien \\ sons\nltd'", "Account") == ["O'Brien \\ Sons\nLtd"]


def test_and_or_not_with_parentheses(run: Run, org: dict[str, str]) -> None:
    where = "SCMC__Status__c = 'Open' AND (SCMC__Total_Tax__c > 5 OR SCMC__Sales_Order__c = null)"

    assert names(run, where) == ["INV-000001", "INV-000003"]
    assert names(run, f"NOT ({where})") == ["INV-000002"]
    assert names(run, "Name = 'INV-000001' or Name = 'INV-000002' OR Name = 'nope'") == ["INV-000001", "INV-000002"]


def test_parent_paths_in_where(run: Run, org: dict[str, str]) -> None:
    where = "SCMC__Invoicing__r.SCMC__Sales_Order__r.SCMC__Customer_Account__r.Name = 'acme corp'"

    assert names(run, where, "SCMC__Invoice_Line_Item__c") == ["INVL-0000001", "INVL-0000002"]
    # The line whose invoicing has no sales order matches "= null" through the empty link.
    assert names(run, "SCMC__Invoicing__r.SCMC__Sales_Order__r.Name = null", "SCMC__Invoice_Line_Item__c") == [
        "INVL-0000005"
    ]


def test_ids_match_in_15_and_18_character_forms(run: Run, org: dict[str, str]) -> None:
    id18 = org["inv2"]

    assert names(run, f"Id = '{id18}'") == ["INV-000002"]
    assert names(run, f"Id = '{id18[:15]}'") == ["INV-000002"]
    assert names(run, f"Id IN ('{org['inv1'][:15]}', '{id18}')") == ["INV-000001", "INV-000002"]
    assert names(run, f"SCMC__Sales_Order__c = '{org['so1']}'") == ["INV-000001"]
    assert names(run, f"Id > '{org['inv1']}'") == ["INV-000002", "INV-000003"]  # keyset paging


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("SCMC__Invoice_Date__c = 2026-11-25", ["INV-000002"]),
        ("SCMC__Invoice_Date__c < 2026-11-25", ["INV-000001"]),
        ("SCMC__Invoice_Date__c = TODAY", ["INV-000002"]),
        ("SCMC__Invoice_Date__c != TODAY", ["INV-000001", "INV-000003"]),
        ("SCMC__Invoice_Date__c < TODAY", ["INV-000001"]),
        ("SCMC__Invoice_Date__c = YESTERDAY", []),
        ("SCMC__Invoice_Date__c = LAST_N_DAYS:5", ["INV-000001", "INV-000002"]),
        ("SCMC__Invoice_Date__c = last_n_days:4", ["INV-000002"]),
        ("SCMC__Invoice_Date__c = N_DAYS_AGO:5", ["INV-000001"]),
        ("SCMC__Invoice_Date__c = THIS_MONTH", ["INV-000001", "INV-000002"]),
        ("CreatedDate = TODAY", ["INV-000002", "INV-000003"]),
        ("CreatedDate > 2026-11-25T10:00:00Z", ["INV-000003"]),
        ("CreatedDate >= 2026-11-25T10:00:00Z", ["INV-000002", "INV-000003"]),
        ("CreatedDate = 2026-11-25T12:00:00+02:00", ["INV-000002"]),  # 10:00 UTC
        ("CreatedDate = 2026-11-25T12:00:00+0200", ["INV-000002"]),
        ("CreatedDate = 2026-11-25T10:00:00.000Z", ["INV-000002"]),
        ("CreatedDate < 2026-11-25T05:00:00-05:00", ["INV-000001"]),  # 10:00 UTC itself is not before
        ("CreatedDate < 2026-11-25T05:00:01-05:00", ["INV-000001", "INV-000002"]),
    ],
)
def test_date_and_datetime_literals(run: Run, org: dict[str, str], where: str, expected: list[str]) -> None:
    assert names(run, where) == expected


def test_today_defaults_to_the_current_utc_day(run: Run, insert: Insert) -> None:
    insert("SCMC__Invoicing__c", Name="INV-TODAY", SCMC__Invoice_Date__c=datetime.now(UTC).date().isoformat())

    assert names(run, "SCMC__Invoice_Date__c = TODAY", today=None) == ["INV-TODAY"]


def test_relationship_names_without_the_r_suffix(run: Run, insert: Insert, org: dict[str, str]) -> None:
    line_object = "SCMC__Invoice_Line_Item__c"
    record_type = insert("RecordType", Name="Freight", DeveloperName="Freight", SobjectType=line_object)
    insert("SCMC__Invoice_Line_Item__c", Name="INVL-0000009", SCMC__Invoicing__c=org["inv1"], RecordTypeId=record_type)

    assert names(run, "RecordType.DeveloperName = 'freight'", "SCMC__Invoice_Line_Item__c") == ["INVL-0000009"]


def test_semi_join_and_anti_join(run: Run, org: dict[str, str]) -> None:
    big_lines = "SELECT SCMC__Invoicing__c FROM SCMC__Invoice_Line_Item__c WHERE SCMC__Quantity__c >= 3"

    assert names(run, f"Id IN ({big_lines})") == ["INV-000001", "INV-000003"]
    assert names(run, f"Id NOT IN ({big_lines})") == ["INV-000002"]


def test_semi_join_ignores_deleted_rows_and_follows_parent_paths(run: Run, org: dict[str, str]) -> None:
    # Only the deleted line has quantity 7.
    deleted_only = "SELECT SCMC__Invoicing__c FROM SCMC__Invoice_Line_Item__c WHERE SCMC__Quantity__c = 7"
    assert names(run, f"Id IN ({deleted_only})") == []
    by_customer = (
        "SCMC__Sales_Order__c IN (SELECT Id FROM SCMC__Sales_Order__c WHERE SCMC__Customer_Account__r.Type = 'vendor')"
    )
    assert names(run, by_customer) == ["INV-000002"]


def test_anti_join_keeps_records_when_the_subquery_has_empty_values(
    run: Run, insert: Insert, org: dict[str, str]
) -> None:
    insert("SCMC__Shipping__c", Name="SHIP-000001")  # no sales order: its lookup is NULL

    anti = "SCMC__Sales_Order__c NOT IN (SELECT SCMC__Sales_Order__c FROM SCMC__Shipping__c)"
    assert names(run, anti) == ["INV-000001", "INV-000002", "INV-000003"]


def test_child_subquery_filter_with_parent_path(run: Run, org: dict[str, str]) -> None:
    result = run(
        "SELECT Name, (SELECT Name FROM SCMC__Invoice_Line_Items__r WHERE SCMC__Description__c LIKE 'WIDGET') "
        "FROM SCMC__Invoicing__c WHERE Name IN ('INV-000001', 'INV-000002') ORDER BY Name"
    )

    lines = [r["SCMC__Invoice_Line_Items__r"]["records"][0]["Name"] for r in result.records]
    assert lines == ["INVL-0000001", "INVL-0000003"]
