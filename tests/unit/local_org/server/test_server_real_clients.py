"""What real clients (the Salesforce CLI, jsforce) need beyond the connector's own calls:
identity, column metadata, sObject trees, OFFSET and reparenting refusals, the full limits,
and pages that count child rows."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from oim_local.org.identity import ORG_ID, USER_ID, USERNAME
from oim_local.org.schema import parse_schema
from oim_local.org.server.app import OrgApp
from oim_local.org.store import OrgStore

from tests.unit.local_org.server.server_helpers import Books, call, data_url

INSTANCE = "https://127.0.0.1:8443"


def soql(text: str, extra: str = "") -> str:
    return data_url(f"query?q={quote(text)}{extra}")


def test_userinfo_identity_url_and_version_resource_name_the_org_and_its_user(app: OrgApp) -> None:
    userinfo = call(app, "GET", "/services/oauth2/userinfo")
    identity = call(app, "GET", f"/id/{ORG_ID}/{USER_ID}")
    resources = call(app, "GET", data_url(""))

    assert userinfo.status == 200
    assert (userinfo.body["user_id"], userinfo.body["organization_id"]) == (USER_ID, ORG_ID)
    assert userinfo.body["preferred_username"] == USERNAME
    assert identity.body["username"] == USERNAME
    assert resources.body["identity"] == f"{INSTANCE}/id/{ORG_ID}/{USER_ID}"
    assert call(app, "GET", "/services/oauth2/userinfo", token="wrong").status == 401
    assert call(app, "GET", f"/id/{ORG_ID}/0055L0000000009QAA").status == 403


def test_a_doubled_slash_before_services_is_the_same_path(app: OrgApp) -> None:
    # @salesforce/core joins "https://host/" and "/services/data/...".
    response = call(app, "GET", f"//services/data/v51.0/sobjects/User/{USER_ID}")
    assert response.status == 200
    assert response.body["Username"] == USERNAME


def test_user_and_organization_are_read_only_objects(app: OrgApp) -> None:
    org = call(app, "GET", soql("SELECT Name, IsSandbox, OrganizationType, InstanceName FROM Organization"))
    assert org.body["records"][0]["IsSandbox"] is False
    assert org.body["records"][0]["InstanceName"] == "LOCAL"
    assert org.body["records"][0]["OrganizationType"] == "Developer Edition"

    refused = call(app, "POST", data_url("sobjects/User"), {"Name": "x", "Username": "x@y.z"})
    renamed = call(app, "PATCH", data_url(f"sobjects/Organization/{ORG_ID}"), {"Name": "Other"})
    assert (refused.status, refused.body[0]["errorCode"]) == (400, "INVALID_TYPE_FOR_OPERATION")
    assert (renamed.status, renamed.body[0]["errorCode"]) == (400, "INVALID_TYPE_FOR_OPERATION")


def test_columns_true_answers_column_metadata_for_fields_parents_and_children(app: OrgApp, books: Books) -> None:
    text = (
        "SELECT Id, Name, c2g__OwnerCompany__r.Name, "
        "(SELECT c2g__Quantity__c FROM c2g__InvoiceLineItems__r) FROM c2g__codaInvoice__c"
    )
    response = call(app, "GET", soql(text, "&columns=true"))

    assert response.status == 200
    columns = {column["columnName"]: column for column in response.body["columnMetadata"]}
    assert response.body["entityName"] == "c2g__codaInvoice__c"
    assert columns["Id"]["apexType"] == "Id"
    assert columns["c2g__OwnerCompany__r"]["joinColumns"][0]["displayName"] == "c2g__OwnerCompany__r.Name"
    lines = columns["c2g__InvoiceLineItems__r"]
    assert lines["aggregate"] is True
    assert lines["joinColumns"][0]["columnName"] == "c2g__Quantity__c"
    assert lines["joinColumns"][0]["numberType"] is True


def test_composite_tree_creates_parents_and_nested_children_with_their_reference_ids(
    app: OrgApp, store: OrgStore, books: Books
) -> None:
    body = {
        "records": [
            {
                "attributes": {"type": "c2g__codaInvoice__c", "referenceId": "inv1"},
                "c2g__Account__c": books.account,
                "c2g__OwnerCompany__c": books.company,
                "c2g__InvoiceLineItems__r": {
                    "records": [
                        {
                            "attributes": {"type": "c2g__codaInvoiceLineItem__c", "referenceId": f"line{n}"},
                            "c2g__Product__c": books.product,
                            "c2g__Quantity__c": n,
                        }
                        for n in (1, 2)
                    ]
                },
            }
        ]
    }
    response = call(app, "POST", data_url("composite/tree/c2g__codaInvoice__c"), body)

    assert response.status == 201
    assert response.body["hasErrors"] is False
    ids = {result["referenceId"]: result["id"] for result in response.body["results"]}
    assert set(ids) == {"inv1", "line1", "line2"}
    assert store.get("c2g__codaInvoiceLineItem__c", ids["line2"])["c2g__Invoice__c"] == ids["inv1"]


def test_composite_tree_is_all_or_nothing_and_names_the_failing_reference(app: OrgApp, store: OrgStore) -> None:
    body = {
        "records": [
            {"attributes": {"type": "Account", "referenceId": "ok"}, "Name": "Fine"},
            {"attributes": {"type": "Account", "referenceId": "bad"}, "Name": "Bad", "Type": "Not a type"},
        ]
    }
    response = call(app, "POST", data_url("composite/tree/Account"), body)

    assert response.status == 400
    assert response.body["hasErrors"] is True
    [result] = response.body["results"]
    assert result["referenceId"] == "bad"
    assert result["errors"][0]["statusCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    assert result["errors"][0]["fields"] == ["Type"]
    assert store.query("SELECT COUNT() FROM Account").total_size == 0


def test_composite_tree_takes_at_most_200_records(app: OrgApp, store: OrgStore) -> None:
    records = [{"attributes": {"type": "Account", "referenceId": f"a{n}"}, "Name": f"A{n}"} for n in range(201)]
    response = call(app, "POST", data_url("composite/tree/Account"), {"records": records})
    assert response.status == 400
    assert "at most 200" in response.body[0]["message"]
    assert store.query("SELECT COUNT() FROM Account").total_size == 0


def test_offset_over_2000_is_refused_as_salesforce_does(app: OrgApp) -> None:
    response = call(app, "GET", soql("SELECT Id FROM Account LIMIT 10 OFFSET 2001"))
    assert response.status == 400
    assert response.body[0]["errorCode"] == "NUMBER_OUTSIDE_VALID_RANGE"
    assert call(app, "GET", soql("SELECT Id FROM Account LIMIT 10 OFFSET 2000")).status == 200


def test_a_detail_record_keeps_its_master_unless_the_field_allows_reparenting(
    app: OrgApp, store: OrgStore, books: Books
) -> None:
    first = store.create(
        "c2g__codaInvoice__c", {"c2g__Account__c": books.account, "c2g__OwnerCompany__c": books.company}
    )
    second = store.create(
        "c2g__codaInvoice__c", {"c2g__Account__c": books.account, "c2g__OwnerCompany__c": books.company}
    )
    line = store.create("c2g__codaInvoiceLineItem__c", {"c2g__Invoice__c": first, "c2g__Product__c": books.product})

    moved = call(app, "PATCH", data_url(f"sobjects/c2g__codaInvoiceLineItem__c/{line}"), {"c2g__Invoice__c": second})
    same = call(app, "PATCH", data_url(f"sobjects/c2g__codaInvoiceLineItem__c/{line}"), {"c2g__Invoice__c": first})
    described = call(app, "GET", data_url("sobjects/c2g__codaInvoiceLineItem__c/describe"))

    assert (moved.status, moved.body[0]["errorCode"]) == (400, "INVALID_FIELD_FOR_INSERT_UPDATE")
    assert moved.body[0]["fields"] == ["c2g__Invoice__c"]
    assert same.status == 204
    assert store.get("c2g__codaInvoiceLineItem__c", line)["c2g__Invoice__c"] == first
    master = next(f for f in described.body["fields"] if f["name"] == "c2g__Invoice__c")
    assert (master["createable"], master["updateable"]) == (True, False)


def test_limits_list_the_standard_entries_with_real_counters(app: OrgApp, store: OrgStore) -> None:
    with store.transaction():
        for number in range(1100):
            store.create("Account", {"Name": f"A{number}"})
    call(app, "GET", soql("SELECT Id FROM Account LIMIT 1"))
    limits = call(app, "GET", data_url("limits")).body

    assert {"DailyApiRequests", "DataStorageMB", "FileStorageMB", "DailyBulkApiBatches", "SingleEmail"} <= set(limits)
    assert limits["DailyApiRequests"]["Max"] - limits["DailyApiRequests"]["Remaining"] == 2
    # 1,102 records (with the org's User and Organization) at 2 KB: 3 MB used.
    assert limits["DataStorageMB"]["Max"] - limits["DataStorageMB"]["Remaining"] == 3


def test_child_rows_count_toward_the_2000_row_page(app: OrgApp, store: OrgStore, books: Books) -> None:
    with store.transaction():
        for _ in range(500):
            invoice = store.create(
                "c2g__codaInvoice__c", {"c2g__Account__c": books.account, "c2g__OwnerCompany__c": books.company}
            )
            for _ in range(5):
                store.create(
                    "c2g__codaInvoiceLineItem__c", {"c2g__Invoice__c": invoice, "c2g__Product__c": books.product}
                )
    text = "SELECT Id, (SELECT Id FROM c2g__InvoiceLineItems__r) FROM c2g__codaInvoice__c"

    pages = [call(app, "GET", soql(text)).body]
    while not pages[-1]["done"]:
        pages.append(call(app, "GET", pages[-1]["nextRecordsUrl"]).body)

    # 500 invoices of 6 rows each (the invoice and 5 lines): 333 fit in 2,000 rows, then 167.
    assert [len(page["records"]) for page in pages] == [333, 167]
    assert sum(len(p["records"]) for p in pages) == pages[0]["totalSize"] == 500


def test_a_reparentable_master_detail_field_may_move_its_record(tmp_path: Path) -> None:
    schema = parse_schema(
        {
            "objects": {
                "Parent__c": {"label": "Parent", "key_prefix": "a0P", "name": {"type": "string", "length": 80}},
                "Child__c": {
                    "label": "Child",
                    "key_prefix": "a0C",
                    "name": {"type": "string", "length": 80},
                    "fields": {
                        "Parent__c": {
                            "type": "reference",
                            "to": "Parent__c",
                            "relationship": "Parent__r",
                            "child_relationship": "Children__r",
                            "required": True,
                            "master_detail": True,
                            "reparentable": True,
                        }
                    },
                },
            }
        }
    )
    store = OrgStore(tmp_path / "reparent.db", schema)
    try:
        first, second = (store.create("Parent__c", {"Name": name}) for name in ("P1", "P2"))
        child = store.create("Child__c", {"Name": "C", "Parent__c": first})
        store.update("Child__c", child, {"Parent__c": second})
        assert store.get("Child__c", child)["Parent__c"] == second
    finally:
        store.close()
