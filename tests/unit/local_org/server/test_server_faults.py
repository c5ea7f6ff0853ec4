"""Faults on demand: each kind, latency, reproducibility, and the daily limit running out."""

from __future__ import annotations

import pytest
from oim_local.org.server.app import OrgApp, OrgSettings
from oim_local.org.server.faults import FaultInjector, FaultKind, FaultPlan
from oim_local.org.store import OrgStore

from tests.unit.local_org.server.server_helpers import (
    TOKEN,
    Books,
    call,
    data_url,
    graph_results,
    invoice_graph,
    live_ids,
)


def only(kind: FaultKind, **extra: int) -> FaultPlan:
    return FaultPlan(seed=1, rate=1.0, kinds=(kind,), **extra)


def account_count(store: OrgStore, name: str) -> int:
    return len(store.find_by_external_id("Account", "Name", name))


def test_503_before_commit_does_nothing(app: OrgApp, store: OrgStore) -> None:
    app.set_faults(only(FaultKind.UNAVAILABLE_BEFORE_COMMIT))

    response = call(app, "POST", data_url("sobjects/Account"), {"Name": "Never"})

    assert response.status == 503
    assert response.body == [{"message": response.body[0]["message"], "errorCode": "SERVER_UNAVAILABLE"}]
    assert account_count(store, "Never") == 0
    assert app.counters().records_written == 0


def test_503_after_commit_keeps_the_work(app: OrgApp, store: OrgStore) -> None:
    app.set_faults(only(FaultKind.UNAVAILABLE_AFTER_COMMIT))

    response = call(app, "POST", data_url("sobjects/Account"), {"Name": "Committed"})

    assert response.status == 503
    assert account_count(store, "Committed") == 1
    assert app.counters().records_written == 1


def test_dropped_connection_after_commit_keeps_the_work(app: OrgApp, store: OrgStore) -> None:
    app.set_faults(only(FaultKind.DROP_AFTER_COMMIT))

    response = call(app, "POST", data_url("sobjects/Account"), {"Name": "Dropped"})

    assert response.drop_connection
    assert account_count(store, "Dropped") == 1


def test_concurrent_limit_refuses_with_request_limit_exceeded(app: OrgApp, store: OrgStore) -> None:
    app.set_faults(only(FaultKind.CONCURRENT_LIMIT))

    response = call(app, "POST", data_url("sobjects/Account"), {"Name": "Busy"})

    assert response.status == 403
    assert response.body == [
        {"message": "ConcurrentPerOrgLongTxn Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}
    ]
    assert account_count(store, "Busy") == 0


def test_unable_to_lock_row_fails_a_graph_and_rolls_it_back(app: OrgApp, store: OrgStore, books: Books) -> None:
    app.set_faults(only(FaultKind.UNABLE_TO_LOCK_ROW))

    response = call(app, "POST", data_url("composite/graph"), {"graphs": [invoice_graph("g", books, "L")]})

    assert response.status == 200
    graph = graph_results(response)["g"]
    assert not graph["isSuccessful"]
    error = graph["graphResponse"]["compositeResponse"][0]["body"][0]
    assert error["errorCode"] == "UNABLE_TO_LOCK_ROW"
    assert error["message"].startswith("unable to obtain exclusive access to this record or 1 records: ")
    assert live_ids(store, "c2g__codaInvoice__c", "SIN:L") == []


def test_unable_to_lock_row_fails_a_single_write(app: OrgApp, store: OrgStore) -> None:
    account_id = store.create("Account", {"Name": "Locked"})
    app.set_faults(only(FaultKind.UNABLE_TO_LOCK_ROW))

    response = call(app, "PATCH", data_url(f"sobjects/Account/{account_id}"), {"Name": "Changed"})

    assert response.status == 400
    assert response.body[0]["message"] == f"unable to obtain exclusive access to this record or 1 records: {account_id}"
    assert store.get("Account", account_id, ["Name"])["Name"] == "Locked"


def test_latency_per_request_and_per_record_written(app: OrgApp, books: Books, sleeps: list[float]) -> None:
    app.set_faults(FaultPlan(latency_ms_per_request=30, latency_ms_per_record=5))

    call(app, "POST", data_url("composite/graph"), {"graphs": [invoice_graph("g", books, "T", lines=3)]})

    assert sleeps == [pytest.approx(0.05, abs=0.01)]  # 30 ms + 4 records written x 5 ms, less the work done


def test_the_orgs_own_work_counts_within_the_modeled_latency(store: OrgStore, books: Books) -> None:
    # A real server's response time includes its work: this process's CPU is not added on top.
    clock = iter([0.0, 0.035])  # the request arrives, then its work is done 35 ms later
    sleeps: list[float] = []
    app = OrgApp(store, OrgSettings(instance_url="https://127.0.0.1:8443", static_token=TOKEN), sleep=sleeps.append,
                 timer=lambda: next(clock))  # fmt: skip
    app.set_faults(FaultPlan(latency_ms_per_request=30, latency_ms_per_record=5))

    response = call(app, "POST", data_url("composite/graph"), {"graphs": [invoice_graph("g", books, "T", lines=3)]})

    assert response.status == 200
    assert sleeps == [pytest.approx(0.015)]  # 50 ms modeled, 35 ms of it spent working


def test_the_same_seed_draws_the_same_faults() -> None:
    plan = FaultPlan(seed=42, rate=0.3)
    first, second = FaultInjector(plan), FaultInjector(plan)
    draws = [(first.draw_request_fault(), first.draw_lock_failure()) for _ in range(200)]
    assert draws == [(second.draw_request_fault(), second.draw_lock_failure()) for _ in range(200)]
    kinds = {kind for kind, _ in draws if kind is not None}
    assert kinds == {
        FaultKind.UNAVAILABLE_BEFORE_COMMIT,
        FaultKind.UNAVAILABLE_AFTER_COMMIT,
        FaultKind.CONCURRENT_LIMIT,
        FaultKind.DROP_AFTER_COMMIT,
    }
    assert 20 < sum(1 for kind, _ in draws if kind) < 100


def test_daily_limit_after_n_requests_refuses_the_rest(app: OrgApp, store: OrgStore) -> None:
    app.set_faults(FaultPlan(daily_limit_after=2))

    statuses = [call(app, "POST", data_url("sobjects/Account"), {"Name": f"D{i}"}).status for i in range(3)]

    assert statuses == [201, 201, 403]
    refused = call(app, "GET", data_url("limits"))
    assert refused.body == [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}]
    assert account_count(store, "D2") == 0
