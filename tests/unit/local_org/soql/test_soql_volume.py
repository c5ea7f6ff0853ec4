"""A query over 5,000 invoicings with parent paths and child lines; prints its time (run with -s)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

from oim_local.org.ids import to_18
from oim_local.org.schema import Schema
from oim_local.org.soql import QueryResult

Run = Callable[..., QueryResult]

ROWS = 5_000


def _id(prefix: str, number: int) -> str:
    id15 = f"{prefix}{number:012d}"
    return to_18(id15)


def _fill(conn: sqlite3.Connection) -> None:
    conn.execute('INSERT INTO "Account" ("Id", "Name", "IsDeleted") VALUES (?, ?, 0)', (_id("001", 1), "Acme"))
    conn.executemany(
        'INSERT INTO "SCMC__Sales_Order__c" ("Id", "Name", "SCMC__Customer_Account__c", "IsDeleted") '
        "VALUES (?, ?, ?, 0)",
        [(_id("a3K", n), f"SO-{n:06d}", _id("001", 1)) for n in range(ROWS)],
    )
    conn.executemany(
        'INSERT INTO "SCMC__Invoicing__c" ("Id", "Name", "SCMC__Sales_Order__c", "SCMC__Status__c", '
        '"SCMC__Total_Tax__c", "IsDeleted") VALUES (?, ?, ?, ?, ?, 0)',
        [
            (_id("a4A", n), f"INV-{n:06d}", _id("a3K", n) if n % 10 else None, "Open" if n % 2 else "Closed", n)
            for n in range(ROWS)
        ],
    )
    conn.executemany(
        'INSERT INTO "SCMC__Invoice_Line_Item__c" ("Id", "Name", "SCMC__Invoicing__c", "SCMC__Quantity__c", '
        '"IsDeleted") VALUES (?, ?, ?, ?, 0)',
        [(_id("a4B", 2 * n + k), f"INVL-{2 * n + k:07d}", _id("a4A", n), k + 1) for n in range(ROWS) for k in (0, 1)],
    )


def test_five_thousand_rows_with_parents_and_children(conn: sqlite3.Connection, schema: Schema, run: Run) -> None:
    _fill(conn)
    soql = (
        "SELECT Id, Name, SCMC__Total_Tax__c, SCMC__Sales_Order__r.SCMC__Customer_Account__r.Name, "
        "(SELECT Id, SCMC__Quantity__c FROM SCMC__Invoice_Line_Items__r ORDER BY Name) "
        "FROM SCMC__Invoicing__c WHERE SCMC__Status__c IN ('Open', 'Closed') ORDER BY Name"
    )

    started = time.perf_counter()
    result = run(soql)
    elapsed = time.perf_counter() - started

    print(f"\nSOQL over {ROWS} invoicings (+{2 * ROWS} child lines, 2 parent levels): {elapsed * 1000:.0f} ms")
    assert result.total_size == ROWS
    last = result.records[-1]
    assert last["Name"] == f"INV-{ROWS - 1:06d}"
    assert [line["SCMC__Quantity__c"] for line in last["SCMC__Invoice_Line_Items__r"]["records"]] == [1.0, 2.0]
    assert result.records[0]["SCMC__Sales_Order__r"] is None  # every tenth has no sales order
    assert result.records[1]["SCMC__Sales_Order__r"]["SCMC__Customer_Account__r"]["Name"] == "Acme"
