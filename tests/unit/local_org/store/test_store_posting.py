"""Posting moves Accounting documents to Complete, or refuses each one with a reason."""

from __future__ import annotations

from typing import Any

from oim_local.org.store import OrgStore

from tests.unit.local_org.store.org_helpers import Books


def sales_invoice(store: OrgStore, books: Books, *, lines: int = 1, **header: Any) -> str:
    invoice = store.create(
        "c2g__codaInvoice__c",
        {"c2g__Account__c": books.account, "c2g__OwnerCompany__c": books.company, **header},
    )
    for _ in range(lines):
        store.create(
            "c2g__codaInvoiceLineItem__c",
            {"c2g__Invoice__c": invoice, "c2g__Product__c": books.product, "c2g__UnitPrice__c": 10},
        )
    return invoice


def journal(store: OrgStore, books: Books, values: list[float]) -> str:
    journal_id = store.create(
        "c2g__codaJournal__c",
        {
            "c2g__OwnerCompany__c": books.company,
            "c2g__JournalDate__c": "2026-03-20",
            "c2g__JournalCurrency__c": books.currency,
        },
    )
    for value in values:
        store.create(
            "c2g__codaJournalLineItem__c",
            {
                "c2g__Journal__c": journal_id,
                "c2g__LineType__c": "General Ledger Account",
                "c2g__GeneralLedgerAccount__c": books.gla,
                "c2g__Value__c": value,
            },
        )
    return journal_id


def test_posting_completes_the_document_in_the_period_of_its_date(store: OrgStore, books: Books) -> None:
    invoice = sales_invoice(store, books, c2g__InvoiceDate__c="2026-03-02")
    [result] = store.post_documents([("c2g__codaInvoice__c", invoice)])
    assert result == {"id": invoice, "success": True, "status": "Complete", "error": None}
    saved = store.get("c2g__codaInvoice__c", invoice)
    assert (saved["c2g__InvoiceStatus__c"], saved["c2g__Period__c"]) == ("Complete", books.march)


def test_a_balanced_journal_posts(store: OrgStore, books: Books) -> None:
    [result] = store.post_documents([("c2g__codaJournal__c", journal(store, books, [100.10, -60.05, -40.05]))])
    assert result["success"] is True


def test_an_unbalanced_journal_is_refused(store: OrgStore, books: Books) -> None:
    journal_id = journal(store, books, [100, -99.99])
    [result] = store.post_documents([("c2g__codaJournal__c", journal_id)])
    assert (result["success"], result["status"]) == (False, "In Progress")
    assert "does not balance" in result["error"] and "0.01" in result["error"]
    assert store.get("c2g__codaJournal__c", journal_id)["c2g__JournalStatus__c"] == "In Progress"


def test_a_document_dated_in_a_closed_period_is_refused(store: OrgStore, books: Books) -> None:
    invoice = sales_invoice(store, books, c2g__InvoiceDate__c="2026-02-10")
    [result] = store.post_documents([("c2g__codaInvoice__c", invoice)])
    assert result["success"] is False
    assert "2026/002" in result["error"] and "closed" in result["error"]


def test_an_explicit_closed_period_is_refused_whatever_the_date(store: OrgStore, books: Books) -> None:
    invoice = sales_invoice(store, books, c2g__InvoiceDate__c="2026-03-10", c2g__Period__c=books.february_closed)
    [result] = store.post_documents([("c2g__codaInvoice__c", invoice)])
    assert result["success"] is False and "period 2026/002 is closed" in result["error"]


def test_a_date_without_any_period_is_refused(store: OrgStore, books: Books) -> None:
    invoice = sales_invoice(store, books, c2g__InvoiceDate__c="2027-01-10")
    [result] = store.post_documents([("c2g__codaInvoice__c", invoice)])
    assert result["success"] is False and "no period containing 2027-01-10" in result["error"]


def test_complete_and_discarded_documents_are_refused(store: OrgStore, books: Books) -> None:
    done = sales_invoice(store, books, c2g__InvoiceDate__c="2026-03-02")
    store.post_documents([("c2g__codaInvoice__c", done)])
    discarded = sales_invoice(store, books, c2g__InvoiceDate__c="2026-03-02", c2g__InvoiceStatus__c="Discarded")
    again, thrown_away = store.post_documents([("c2g__codaInvoice__c", done), ("c2g__codaInvoice__c", discarded)])
    assert (again["success"], again["status"]) == (False, "Complete")
    assert "already posted" in again["error"]
    assert (thrown_away["success"], thrown_away["status"]) == (False, "Discarded")
    assert "discarded" in thrown_away["error"]


def test_each_document_succeeds_or_fails_on_its_own(store: OrgStore, books: Books) -> None:
    good = sales_invoice(store, books, c2g__InvoiceDate__c="2026-03-02")
    empty = sales_invoice(store, books, lines=0, c2g__InvoiceDate__c="2026-03-02")
    results = store.post_documents(
        [
            ("c2g__codaInvoice__c", empty),
            ("Account", books.account),
            ("c2g__codaInvoice__c", good),
            ("c2g__codaInvoice__c", "a2A5L0000000zzzzzz"),
        ]
    )
    assert [r["success"] for r in results] == [False, False, True, False]
    assert "has no lines" in results[0]["error"]
    assert "cannot be posted" in results[1]["error"]
    assert results[3]["error"]
    assert store.get("c2g__codaInvoice__c", good)["c2g__InvoiceStatus__c"] == "Complete"
