"""A small local org in a temporary in-memory SQLite database: accounts, sales orders, invoicings, lines."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from oim_local.org.ids import to_18
from oim_local.org.schema import Schema, load_schema
from oim_local.org.soql import QueryResult, execute
from oim_local.org.tables import create_tables, quote

TODAY = date(2026, 11, 25)

Insert = Callable[..., str]
Run = Callable[..., QueryResult]


def make_id(prefix: str, number: int) -> str:
    id15 = f"{prefix}{number:012d}"
    return to_18(id15)


@pytest.fixture
def schema() -> Schema:
    return load_schema()


@pytest.fixture
def conn(schema: Schema) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    create_tables(connection, schema)
    yield connection
    connection.close()


@pytest.fixture
def insert(conn: sqlite3.Connection, schema: Schema) -> Insert:
    counter = iter(range(1, 1_000_000))

    def _insert(object_name: str, **values: Any) -> str:
        obj = schema.object(object_name)
        assert obj is not None
        row = {"Id": make_id(obj.key_prefix, next(counter)), "IsDeleted": 0, **values}
        columns = ", ".join(quote(c) for c in row)
        marks = ", ".join("?" for _ in row)
        sql = f"INSERT INTO {quote(obj.name)} ({columns}) VALUES ({marks})"
        conn.execute(sql, list(row.values()))
        return str(row["Id"])

    return _insert


@pytest.fixture
def run(conn: sqlite3.Connection, schema: Schema) -> Run:
    def _run(soql: str, **options: Any) -> QueryResult:
        options.setdefault("today", TODAY)
        return execute(conn, schema, soql, **options)

    return _run


@pytest.fixture
def org(insert: Insert) -> dict[str, str]:
    """Named ids of the sample records; see the comments for what each is for."""
    ids: dict[str, str] = {}
    ids["acme"] = insert("Account", Name="Acme Corp", Type="Customer")
    ids["beta"] = insert("Account", Name="Beta Ltd", Type="Vendor")
    ids["so1"] = insert("SCMC__Sales_Order__c", Name="SO-000001", SCMC__Customer_Account__c=ids["acme"])
    ids["so2"] = insert("SCMC__Sales_Order__c", Name="SO-000002", SCMC__Customer_Account__c=ids["beta"])
    ids["inv1"] = insert(
        "SCMC__Invoicing__c",
        Name="INV-000001",
        SCMC__Sales_Order__c=ids["so1"],
        SCMC__Status__c="Open",
        SCMC__Invoice_Date__c="2026-11-20",
        SCMC__Total_Tax__c=10.5,
        SCMC__Export_Status__c="New",
        SCMC__Proforma__c=0,
        CreatedDate="2026-11-20T09:00:00.000+0000",
    )
    ids["inv2"] = insert(
        "SCMC__Invoicing__c",
        Name="INV-000002",
        SCMC__Sales_Order__c=ids["so2"],
        SCMC__Status__c="Closed",
        SCMC__Invoice_Date__c="2026-11-25",
        SCMC__Export_Status__c="Exported",
        SCMC__Proforma__c=1,
        CreatedDate="2026-11-25T10:00:00.000+0000",
    )
    # No sales order: the middle link of a three-level path is empty.
    ids["inv3"] = insert(
        "SCMC__Invoicing__c",
        Name="INV-000003",
        SCMC__Status__c="Open",
        SCMC__Total_Tax__c=0.0,
        SCMC__Proforma__c=0,
        CreatedDate="2026-11-25T23:30:00.000+0000",
    )
    ids["inv_deleted"] = insert(
        "SCMC__Invoicing__c", Name="INV-000004", SCMC__Status__c="Open", SCMC__Proforma__c=0, IsDeleted=1
    )
    line = "SCMC__Invoice_Line_Item__c"
    ids["l1"] = insert(
        line, Name="INVL-0000001", SCMC__Invoicing__c=ids["inv1"], SCMC__Quantity__c=2.0, SCMC__Description__c="Widget"
    )
    ids["l2"] = insert(
        line,
        Name="INVL-0000002",
        SCMC__Invoicing__c=ids["inv1"],
        SCMC__Quantity__c=5.0,
        SCMC__Description__c="Gadget 50%",
    )
    ids["l3"] = insert(
        line, Name="INVL-0000003", SCMC__Invoicing__c=ids["inv2"], SCMC__Quantity__c=1.0, SCMC__Description__c="widget"
    )
    ids["l4_deleted"] = insert(
        line, Name="INVL-0000004", SCMC__Invoicing__c=ids["inv1"], SCMC__Quantity__c=7.0, IsDeleted=1
    )
    ids["l5"] = insert(line, Name="INVL-0000005", SCMC__Invoicing__c=ids["inv3"], SCMC__Quantity__c=3.0)
    return ids
