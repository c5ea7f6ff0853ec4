"""SOQL over REST: pages of at most 2,000 rows, batchSize, cursors and their expiry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from oim_local.org.server.app import OrgApp
from oim_local.org.server.query import QueryCursors, page_size
from oim_local.org.store import OrgStore

from tests.unit.local_org.server.server_helpers import call, data_url

QUERY = data_url("query?q=SELECT+Id,Name+FROM+Account+ORDER+BY+Name")


def add_accounts(store: OrgStore, count: int) -> None:
    with store.transaction():
        for number in range(count):
            store.create("Account", {"Name": f"A{number:05d}"})


def follow(app: OrgApp, first: Any, headers: dict[str, str] | None = None) -> list[list[Any]]:
    pages = [first]
    while not pages[-1]["done"]:
        response = call(app, "GET", pages[-1]["nextRecordsUrl"], headers=headers)
        assert response.status == 200
        pages.append(response.body)
    return [page["records"] for page in pages]


def test_4500_rows_come_in_pages_of_2000_linked_by_next_records_url(app: OrgApp, store: OrgStore) -> None:
    add_accounts(store, 4500)

    first = call(app, "GET", QUERY)

    assert first.status == 200
    assert (first.body["totalSize"], first.body["done"]) == (4500, False)
    assert first.body["nextRecordsUrl"].startswith("/services/data/v60.0/query/0r8")
    assert first.body["nextRecordsUrl"].endswith("-2000")
    pages = follow(app, first.body)
    assert [len(page) for page in pages] == [2000, 2000, 500]
    names = [record["Name"] for page in pages for record in page]
    assert names == [f"A{number:05d}" for number in range(4500)]
    assert app.counters().requests_by_kind == {"query": 1, "query_more": 2}


def test_batch_size_header_lowers_the_page_size_but_not_below_200(app: OrgApp, store: OrgStore) -> None:
    add_accounts(store, 450)

    first = call(app, "GET", QUERY, headers={"Sforce-Query-Options": "batchSize=50"})

    assert [len(page) for page in follow(app, first.body)] == [200, 200, 50]


@pytest.mark.parametrize(("option", "size"), [(None, 2000), ("batchSize=500", 500), ("batchSize=9000", 2000)])
def test_page_size_from_query_options(option: str | None, size: int) -> None:
    assert page_size(option) == size


def test_an_unknown_locator_is_an_invalid_query_locator(app: OrgApp) -> None:
    response = call(app, "GET", data_url("query/0r8NOSUCHLOCATOR123-2000"))
    assert response.status == 400
    assert response.body[0]["errorCode"] == "INVALID_QUERY_LOCATOR"


def test_a_cursor_lasts_2_days_after_its_query_however_often_it_is_read(tmp_path: Path) -> None:
    now = [0.0]
    cursors = QueryCursors(clock=lambda: now[0], spool_dir=tmp_path)
    first = cursors.first_page(3000, list(range(3000)), size=2000, next_url_prefix="/q")
    locator = first["nextRecordsUrl"].removeprefix("/q/")
    now[0] = 47 * 3600
    assert cursors.next_page(locator, next_url_prefix="/q")["records"] == list(range(2000, 3000))
    now[0] = 48 * 3600 + 1
    with pytest.raises(Exception, match="invalid query locator"):
        cursors.next_page(locator, next_url_prefix="/q")
    assert list(tmp_path.iterdir()) == []  # its spooled records are gone with it


def test_a_page_can_be_asked_for_again_as_a_client_retrying_a_dropped_answer_does(tmp_path: Path) -> None:
    cursors = QueryCursors(spool_dir=tmp_path)
    records = [{"Id": f"001{n:015d}", "Lines": {"totalSize": 1, "done": True, "records": [{"N": n}]}}
               for n in range(700)]  # fmt: skip
    first = cursors.first_page(700, records, size=400, next_url_prefix="/q")
    assert len(first["records"]) == 200  # each record counts with its child line
    locator = first["nextRecordsUrl"].removeprefix("/q/")
    second = cursors.next_page(locator, next_url_prefix="/q")
    again = cursors.next_page(locator, next_url_prefix="/q")
    assert second == again
    assert second["records"] == records[200:400]


def test_past_the_spool_budget_cursors_read_to_the_end_go_before_open_ones(tmp_path: Path) -> None:
    cursors = QueryCursors(spool_dir=tmp_path, max_spool_bytes=25_000)  # two of these fit (11,390 bytes each)
    open_one = cursors.first_page(2500, list(range(2500)), size=2000, next_url_prefix="/q")["nextRecordsUrl"]
    read_one = cursors.first_page(2500, list(range(2500)), size=2000, next_url_prefix="/q")["nextRecordsUrl"]
    assert cursors.next_page(read_one.removeprefix("/q/"), next_url_prefix="/q")["done"] is True

    cursors.first_page(2500, list(range(2500)), size=2000, next_url_prefix="/q")  # over the budget

    assert cursors.open_count() == 2
    assert cursors.next_page(open_one.removeprefix("/q/"), next_url_prefix="/q")["records"] == list(range(2000, 2500))
    with pytest.raises(Exception, match="invalid query locator"):
        cursors.next_page(read_one.removeprefix("/q/"), next_url_prefix="/q")


def test_query_all_includes_deleted_rows(app: OrgApp, store: OrgStore) -> None:
    store.delete("Account", store.create("Account", {"Name": "Gone"}))
    soql = "SELECT+Id+FROM+Account+WHERE+IsDeleted=true"
    assert call(app, "GET", data_url(f"query?q={soql}")).body["totalSize"] == 0
    assert call(app, "GET", data_url(f"queryAll?q={soql}")).body["totalSize"] == 1


def test_a_soql_error_answers_400_with_message_and_error_code(app: OrgApp) -> None:
    response = call(app, "GET", data_url("query?q=SELECT+Nope__c+FROM+Account"))
    assert response.status == 400
    assert set(response.body[0]) == {"message", "errorCode"}
    assert response.body[0]["errorCode"] == "INVALID_FIELD"
