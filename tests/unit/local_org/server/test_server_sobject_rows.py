"""sObject rows over REST: create, read, update, delete and upsert by external id."""

from __future__ import annotations

from oim_local.org.server.app import OrgApp
from oim_local.org.store import OrgStore

from tests.unit.local_org.server.server_helpers import EXT, call, data_url


def test_create_answers_201_with_the_id_and_a_location(app: OrgApp, store: OrgStore) -> None:
    response = call(app, "POST", data_url("sobjects/Account"), {"Name": "Acme"})

    assert response.status == 201
    assert response.body == {"id": response.body["id"], "success": True, "errors": []}
    assert response.headers["Location"] == data_url(f"sobjects/Account/{response.body['id']}")
    assert store.get("Account", response.body["id"], ["Name"])["Name"] == "Acme"


def test_read_update_and_delete_a_row(app: OrgApp, store: OrgStore) -> None:
    account_id = store.create("Account", {"Name": "Before"})
    row_url = data_url(f"sobjects/Account/{account_id}")

    assert call(app, "PATCH", row_url, {"Name": "After"}).status == 204
    read = call(app, "GET", row_url + "?fields=Name")
    assert read.status == 200
    assert read.body == {"attributes": {"type": "Account", "url": row_url}, "Name": "After"}
    assert call(app, "DELETE", row_url).status == 204
    gone = call(app, "GET", row_url)
    assert gone.status == 404
    assert gone.body[0]["errorCode"] == "NOT_FOUND"


def test_upsert_by_external_id_answers_201_created_then_200_updated(app: OrgApp, store: OrgStore) -> None:
    url = data_url(f"sobjects/Account/{EXT}/SUPPLIER_SITE:1")

    created = call(app, "PATCH", url, {"Name": "Supplier"})
    updated = call(app, "PATCH", url, {"Name": "Supplier Renamed"})

    assert created.status == 201
    assert created.body == {"id": created.body["id"], "success": True, "errors": [], "created": True}
    assert updated.status == 200
    assert updated.body == {"id": created.body["id"], "success": True, "errors": [], "created": False}
    by_external_id = call(app, "GET", url)
    assert (by_external_id.status, by_external_id.body["Name"]) == (200, "Supplier Renamed")


def test_upsert_where_several_records_match_answers_300_with_their_urls(app: OrgApp, store: OrgStore) -> None:
    first = store.create("Account", {"Name": "Twin", EXT: "T1"})
    second = store.create("Account", {"Name": "Twin", EXT: "T2"})
    # Only a damaged org holds duplicates: drop the unique index and make one.
    store.connection.execute(f'DROP INDEX "ux_Account_{EXT}"')
    store.connection.execute(f'UPDATE "Account" SET "{EXT}" = ? WHERE "Id" = ?', ("T1", second))
    url = data_url(f"sobjects/Account/{EXT}/T1")

    response = call(app, "PATCH", url, {"Name": "Which one?"})

    assert response.status == 300
    assert sorted(response.body) == sorted(data_url(f"sobjects/Account/{rid}") for rid in (first, second))
    assert call(app, "GET", url).status == 300
    assert store.get("Account", first, ["Name"])["Name"] == "Twin"


def test_invalid_json_is_refused_with_a_parser_error(app: OrgApp) -> None:
    response = call(app, "POST", data_url("sobjects/Account"), b"{not json")
    assert response.status == 400
    assert response.body[0]["errorCode"] == "JSON_PARSER_ERROR"


def test_an_unknown_object_is_not_found_and_a_wrong_method_is_405(app: OrgApp) -> None:
    assert call(app, "POST", data_url("sobjects/Nope__c"), {"Name": "x"}).status == 404
    assert call(app, "PUT", data_url("sobjects/Account/001000000000001")).status == 405
    assert call(app, "GET", data_url("no/such/resource")).status == 404


def test_describe_and_describe_global(app: OrgApp) -> None:
    described = call(app, "GET", data_url("sobjects/c2g__codaInvoice__c/describe"))
    assert described.status == 200
    assert any(field["name"] == EXT and field["externalId"] for field in described.body["fields"])
    catalogue = call(app, "GET", data_url("sobjects"))
    assert "Account" in {summary["name"] for summary in catalogue.body["sobjects"]}
    assert app.counters().requests_by_kind["describe"] == 2
