"""The store under concurrent requests, as Salesforce behaves: reads never wait, a write waits for
the transaction holding its locks up to the lock wait, then UNABLE_TO_LOCK_ROW; of two concurrent
inserts of one external id one wins and the other gets DUPLICATE_VALUE; an upsert that waited
finds the winner's record and updates it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from oim_local.org.errors import SalesforceApiError
from oim_local.org.store import OrgStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[OrgStore]:
    org = OrgStore(tmp_path / "org.db", lock_wait_seconds=1.0)
    yield org
    org.close()


def _holding(store: OrgStore, work: object, hold: float) -> tuple[threading.Thread, threading.Event]:
    """Run ``work`` in a transaction on another thread and keep its locks for ``hold`` seconds."""
    started = threading.Event()

    def body() -> None:
        with store.transaction():
            work()  # type: ignore[operator]
            started.set()
            time.sleep(hold)

    thread = threading.Thread(target=body)
    thread.start()
    assert started.wait(5)
    return thread, started


def test_a_read_does_not_wait_for_a_write_in_flight(store: OrgStore) -> None:
    account = store.create("Account", {"Name": "Before"})
    thread, _ = _holding(store, lambda: store.update("Account", account, {"Name": "After"}), hold=0.8)

    began = time.monotonic()
    name = store.get("Account", account)["Name"]

    assert name == "Before" and time.monotonic() - began < 0.5  # the committed value, at once
    thread.join()
    assert store.get("Account", account)["Name"] == "After"


def test_a_write_waits_for_the_lock_holder_to_commit(store: OrgStore) -> None:
    account = store.create("Account", {"Name": "A"})
    thread, _ = _holding(store, lambda: store.update("Account", account, {"Name": "first"}), hold=0.3)

    store.update("Account", account, {"Name": "second"})

    thread.join()
    assert store.get("Account", account)["Name"] == "second"


def test_a_write_that_waits_longer_than_the_lock_wait_gets_unable_to_lock_row(store: OrgStore) -> None:
    account = store.create("Account", {"Name": "A"})
    thread, _ = _holding(store, lambda: store.update("Account", account, {"Name": "held"}), hold=2.0)

    began = time.monotonic()
    with pytest.raises(SalesforceApiError) as refused:
        store.update("Account", account, {"Name": "late"})

    assert refused.value.error_code == "UNABLE_TO_LOCK_ROW"
    assert 0.9 < time.monotonic() - began < 1.9
    thread.join()
    assert store.get("Account", account)["Name"] == "held"


def test_concurrent_inserts_of_one_external_id_one_wins_the_other_duplicate_value(store: OrgStore) -> None:
    winner: list[str] = []
    body = {"Name": "Vendor", "OIM_External_Id__c": "SUPPLIER_SITE:x1"}
    thread, _ = _holding(store, lambda: winner.append(store.create("Account", body)), hold=0.3)

    with pytest.raises(SalesforceApiError) as refused:
        store.create("Account", body)

    thread.join()
    assert refused.value.error_code == "DUPLICATE_VALUE"
    assert store.find_by_external_id("Account", "OIM_External_Id__c", "SUPPLIER_SITE:x1") == winner


def test_an_upsert_that_waited_updates_the_winners_record(store: OrgStore) -> None:
    winner: list[str] = []
    thread, _ = _holding(
        store,
        lambda: winner.append(store.upsert("Account", "OIM_External_Id__c", "SUPPLIER_SITE:x2", {"Name": "A"})[0]),
        hold=0.3,
    )

    record_id, created = store.upsert("Account", "OIM_External_Id__c", "SUPPLIER_SITE:x2", {"Name": "B"})

    thread.join()
    assert (record_id, created) == (winner[0], False)
    assert store.get("Account", record_id)["Name"] == "B"
