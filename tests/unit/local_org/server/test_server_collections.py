"""sObject collections: allOrNone, the 200-record limit, upsert outcomes, retrieve, delete."""

from __future__ import annotations

from typing import Any

from oim_local.org.server.app import OrgApp
from oim_local.org.store import OrgStore

from tests.unit.local_org.server.server_helpers import EXT, call, data_url

COLLECTION_URL = data_url("composite/sobjects")


def accounts(*names: str, bad_at: int | None = None) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for index, name in enumerate(names):
        record: dict[str, Any] = {"attributes": {"type": "Account"}, "Name": name}
        if index == bad_at:
            record["Nope__c"] = 1
        records.append(record)
    return records


def names_in(store: OrgStore) -> set[str]:
    return {row[0] for row in store.connection.execute('SELECT "Name" FROM "Account" WHERE "IsDeleted" = 0')}


def test_without_all_or_none_each_record_stands_alone(app: OrgApp, store: OrgStore) -> None:
    response = call(app, "POST", COLLECTION_URL, {"allOrNone": False, "records": accounts("A", "B", "C", bad_at=1)})

    assert response.status == 200
    assert [result["success"] for result in response.body] == [True, False, True]
    assert response.body[1]["errors"][0]["statusCode"] == "INVALID_FIELD"
    assert names_in(store) == {"A", "C"}
    assert app.counters().records_written == 2


def test_with_all_or_none_one_bad_record_rolls_back_every_record(app: OrgApp, store: OrgStore) -> None:
    response = call(app, "POST", COLLECTION_URL, {"allOrNone": True, "records": accounts("A", "B", "C", bad_at=2)})

    assert [result["success"] for result in response.body] == [False, False, False]
    assert response.body[0]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert response.body[2]["errors"][0]["statusCode"] == "INVALID_FIELD"
    assert names_in(store) == set()
    assert app.counters().records_written == 0


def test_more_than_200_records_refuses_the_whole_call(app: OrgApp, store: OrgStore) -> None:
    too_many = accounts(*[f"N{i}" for i in range(201)])

    response = call(app, "POST", COLLECTION_URL, {"records": too_many})

    assert response.status == 400
    assert response.body[0]["errorCode"] == "EXCEEDED_ID_LIMIT"
    assert names_in(store) == set()
    assert call(app, "POST", COLLECTION_URL, {"records": too_many[:200]}).status == 200


def test_update_collection_changes_the_named_records(app: OrgApp, store: OrgStore) -> None:
    first, second = store.create("Account", {"Name": "One"}), store.create("Account", {"Name": "Two"})
    records = [
        {"attributes": {"type": "Account"}, "id": first, "Name": "One+"},
        {"attributes": {"type": "Account"}, "id": second, "Name": "Two+"},
    ]

    response = call(app, "PATCH", COLLECTION_URL, {"records": records})

    assert response.body == [
        {"id": first, "success": True, "errors": []},
        {"id": second, "success": True, "errors": []},
    ]
    assert names_in(store) == {"One+", "Two+"}


def test_upsert_collection_reports_created_and_updated(app: OrgApp, store: OrgStore) -> None:
    store.create("Account", {"Name": "Old", EXT: "K1"})
    records = [
        {"attributes": {"type": "Account"}, EXT: "K1", "Name": "Old+"},
        {"attributes": {"type": "Account"}, EXT: "K2", "Name": "New"},
    ]

    response = call(app, "PATCH", data_url(f"composite/sobjects/Account/{EXT}"), {"records": records})

    assert [(result["success"], result["created"]) for result in response.body] == [(True, False), (True, True)]
    assert names_in(store) == {"Old+", "New"}


def test_retrieve_returns_records_in_order_and_null_for_a_deleted_one(app: OrgApp, store: OrgStore) -> None:
    deleted = store.create("Account", {"Name": "One"})
    store.delete("Account", deleted)
    kept = store.create("Account", {"Name": "Kept"})

    response = call(app, "GET", data_url(f"composite/sobjects/Account?ids={kept},{deleted}&fields=Name"))

    assert response.status == 200
    assert response.body[0]["Name"] == "Kept"
    assert response.body[1] is None


def test_delete_collection_deletes_each_id(app: OrgApp, store: OrgStore) -> None:
    first, second = store.create("Account", {"Name": "One"}), store.create("Account", {"Name": "Two"})

    response = call(app, "DELETE", COLLECTION_URL + f"?ids={first},{second}")

    assert [result["success"] for result in response.body] == [True, True]
    assert names_in(store) == set()
