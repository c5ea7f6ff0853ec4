"""Helpers shared by the store and tree tests: a steerable clock and a small set of books."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from oim_local.org.store import OrgStore

START = datetime(2026, 3, 15, 10, 0, 0, tzinfo=UTC)


class SteppingClock:
    """Returns ``now`` and lets a test move it forward."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def row_count(store: OrgStore, sobject: str) -> int:
    """Rows in the table, deleted ones included: proves a refused write left nothing."""
    return int(store.connection.execute(f'SELECT COUNT(*) FROM "{sobject}"').fetchone()[0])


@dataclass(frozen=True)
class Books:
    company: str
    currency: str
    march: str
    february_closed: str
    account: str
    product: str
    gla: str


def make_books(store: OrgStore) -> Books:
    """A company with an open March 2026 and a closed February, a customer, a product and a GLA."""
    company = store.create("c2g__codaCompany__c", {"Name": "Acme UK"})
    currency = store.create("c2g__codaAccountingCurrency__c", {"Name": "GBP", "c2g__OwnerCompany__c": company})
    march = store.create(
        "c2g__codaPeriod__c",
        {
            "Name": "2026/003",
            "c2g__OwnerCompany__c": company,
            "c2g__StartDate__c": "2026-03-01",
            "c2g__EndDate__c": "2026-03-31",
        },
    )
    february = store.create(
        "c2g__codaPeriod__c",
        {
            "Name": "2026/002",
            "c2g__OwnerCompany__c": company,
            "c2g__StartDate__c": "2026-02-01",
            "c2g__EndDate__c": "2026-02-28",
            "c2g__Closed__c": True,
        },
    )
    account = store.create("Account", {"Name": "Customer Ltd"})
    product = store.create("Product2", {"Name": "Widget"})
    gla = store.create(
        "c2g__codaGeneralLedgerAccount__c",
        {"Name": "Sales", "c2g__ReportingCode__c": "4000", "c2g__Type__c": "Profit and Loss"},
    )
    return Books(company, currency, march, february, account, product, gla)
