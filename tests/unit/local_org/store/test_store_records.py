"""Creating, upserting, deleting and reading records; transactions; describe."""

from __future__ import annotations

import threading

import pytest
from oim_local.org.errors import SalesforceApiError
from oim_local.org.ids import is_valid_id
from oim_local.org.schema import parse_schema
from oim_local.org.store import OrgStore

from tests.unit.local_org.store.org_helpers import Books, SteppingClock, row_count

EXT = "OIM_External_Id__c"


def test_create_stamps_the_clock_and_update_moves_last_modified(store: OrgStore, clock: SteppingClock) -> None:
    account = store.create("Account", {"Name": "Acme"})
    clock.advance(61.5)
    store.update("Account", account, {"Name": "Acme 2"})
    saved = store.get("Account", account)
    assert saved["CreatedDate"] == "2026-03-15T10:00:00.000+0000"
    assert saved["LastModifiedDate"] == saved["SystemModstamp"] == "2026-03-15T10:01:01.500+0000"


def test_only_the_loader_sets_audit_fields(store: OrgStore) -> None:
    account = store.create("Account", {"Name": "Old", "CreatedDate": "2019-05-01T08:00:00Z"}, allow_audit_fields=True)
    assert store.get("Account", account)["CreatedDate"] == "2019-05-01T08:00:00.000+0000"


def test_upsert_creates_then_updates_the_same_record(store: OrgStore) -> None:
    created_id, created = store.upsert("Account", EXT, "SUPPLIER_SITE:1", {"Name": "Vendor"})
    updated_id, second_created = store.upsert("account", EXT.lower(), "SUPPLIER_SITE:1", {"Name": "Vendor 2"})
    assert (created, second_created) == (True, False)
    assert created_id == updated_id
    assert store.get("Account", created_id, ["Name", EXT]) | {"attributes": None} == {
        "attributes": None,
        "Name": "Vendor 2",
        EXT: "SUPPLIER_SITE:1",
    }
    assert row_count(store, "Account") == 1


def test_upsert_refuses_a_body_whose_external_id_differs(store: OrgStore) -> None:
    with pytest.raises(SalesforceApiError) as caught:
        store.upsert("Account", EXT, "A", {"Name": "Vendor", EXT: "B"})
    assert (caught.value.status, caught.value.error_code, caught.value.fields) == (
        400,
        "INVALID_FIELD",
        [EXT],
    )
    assert row_count(store, "Account") == 0


def test_upsert_on_a_field_that_is_not_an_external_id(store: OrgStore) -> None:
    with pytest.raises(SalesforceApiError) as caught:
        store.upsert("Account", "Phone", "1", {"Name": "x"})
    assert (caught.value.status, caught.value.error_code) == (404, "NOT_FOUND")


def test_upsert_matching_several_records_is_multiple_choices(tmp_path: object) -> None:
    schema = parse_schema(
        {
            "objects": {
                "Thing__c": {
                    "label": "Thing",
                    "key_prefix": "a9Z",
                    "name": {"type": "string", "length": 80},
                    "fields": {"Key__c": {"type": "string", "length": 20, "external_id": True}},
                }
            }
        }
    )
    store = OrgStore(f"{tmp_path}/things.db", schema)
    store.create("Thing__c", {"Name": "one", "Key__c": "K"})
    store.create("Thing__c", {"Name": "two", "Key__c": "K"})
    with pytest.raises(SalesforceApiError) as caught:
        store.upsert("Thing__c", "Key__c", "K", {"Name": "three"})
    assert (caught.value.status, caught.value.error_code) == (300, "MULTIPLE_CHOICES")
    store.close()


def test_a_failed_second_write_rolls_back_the_first(store: OrgStore) -> None:
    with pytest.raises(SalesforceApiError), store.transaction():
        store.create("Account", {"Name": "First"})
        store.create("Account", {"Name": None})
    assert row_count(store, "Account") == 0
    after = store.create("Account", {"Name": "After"})
    assert store.find_by_external_id("Account", "Name", "after") == [after]


def test_a_nested_failure_caught_inside_keeps_the_outer_writes(store: OrgStore) -> None:
    with store.transaction():
        kept = store.create("Account", {"Name": "Kept"})
        with pytest.raises(SalesforceApiError), store.transaction():
            store.create("Account", {"Name": "Dropped"})
            store.create("Account", {"Name": "x" * 300})
    assert store.find_by_external_id("Account", "Name", "Kept") == [kept]
    assert store.find_by_external_id("Account", "Name", "Dropped") == []


def test_delete_is_soft_and_takes_master_detail_children(store: OrgStore, books: Books) -> None:
    journal = store.create(
        "c2g__codaJournal__c",
        {
            "c2g__OwnerCompany__c": books.company,
            "c2g__JournalDate__c": "2026-03-10",
            "c2g__JournalCurrency__c": books.currency,
        },
    )
    line = store.create(
        "c2g__codaJournalLineItem__c",
        {"c2g__Journal__c": journal, "c2g__LineType__c": "General Ledger Account", "c2g__Value__c": 5},
    )
    store.delete("c2g__codaJournal__c", journal)
    deleted = store.connection.execute(
        'SELECT "IsDeleted" FROM "c2g__codaJournalLineItem__c" WHERE "Id" = ?', (line,)
    ).fetchone()
    assert deleted[0] == 1
    for sobject, record_id in (("c2g__codaJournal__c", journal), ("c2g__codaJournalLineItem__c", line)):
        with pytest.raises(SalesforceApiError) as caught:
            store.get(sobject, record_id)
        assert caught.value.error_code == "NOT_FOUND"
    with pytest.raises(SalesforceApiError) as caught:
        store.update("c2g__codaJournal__c", journal, {"c2g__Reference__c": "x"})
    assert (caught.value.status, caught.value.error_code) == (404, "ENTITY_IS_DELETED")


def test_delete_clears_optional_lookups_and_is_refused_while_a_required_one_points_at_it(
    store: OrgStore, books: Books
) -> None:
    site = store.create("SCMC__Supplier_Site__c", {"Name": "S", "SCMC__Account__c": books.account})
    store.create("c2g__codaInvoice__c", {"c2g__Account__c": books.account, "c2g__OwnerCompany__c": books.company})
    with pytest.raises(SalesforceApiError) as caught:
        store.delete("Account", books.account)
    assert caught.value.error_code == "DELETE_FAILED"
    assert store.get("SCMC__Supplier_Site__c", site)["SCMC__Account__c"] == books.account
    other = store.create("Account", {"Name": "Other"})
    store.update("SCMC__Supplier_Site__c", site, {"SCMC__Account__c": other})
    store.delete("Account", other)
    assert store.get("SCMC__Supplier_Site__c", site)["SCMC__Account__c"] is None


def test_autonumber_names_count_up_per_object(store: OrgStore, books: Books) -> None:
    names = [
        store.get(
            "c2g__codaInvoice__c",
            store.create(
                "c2g__codaInvoice__c",
                {"c2g__Account__c": books.account, "c2g__OwnerCompany__c": books.company},
            ),
        )["Name"]
        for _ in range(3)
    ]
    assert names == ["SIN000001", "SIN000002", "SIN000003"]


def test_ids_are_valid_unique_and_name_their_object(store: OrgStore) -> None:
    ids = [store.create("Account", {"Name": f"A{i}"}) for i in range(50)]
    ids.append(store.create("Product2", {"Name": "P"}))
    assert all(is_valid_id(i) and len(i) == 18 for i in ids)
    assert len(set(ids)) == len(ids)
    assert store.sobject_for_id(ids[0]) == "Account"
    assert store.sobject_for_id(ids[-1][:15]) == "Product2"
    assert store.sobject_for_id("zzz000000000000") is None
    assert store.sobject_for_id("bad") is None


def test_concurrent_creates_from_several_threads_all_land(store: OrgStore) -> None:
    created: list[str] = []

    def worker(n: int) -> None:
        for i in range(25):
            created.append(store.create("Account", {"Name": f"T{n}-{i}"}))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(created)) == 100 == row_count(store, "Account")


def test_get_an_unknown_field_or_a_malformed_id(store: OrgStore) -> None:
    account = store.create("Account", {"Name": "Acme"})
    with pytest.raises(SalesforceApiError) as caught:
        store.get("Account", account, ["Name", "Nope"])
    assert caught.value.error_code == "INVALID_FIELD"
    with pytest.raises(SalesforceApiError) as caught:
        store.get("Account", "12345")
    assert caught.value.error_code == "MALFORMED_ID"


def test_describe_has_the_rest_shape(store: OrgStore) -> None:
    described = store.describe("c2g__codaInvoiceLineItem__c")
    assert (described["name"], described["label"], described["keyPrefix"]) == (
        "c2g__codaInvoiceLineItem__c",
        "Sales Invoice Line Item",
        "a2B",
    )
    fields = {f["name"]: f for f in described["fields"]}
    invoice = fields["c2g__Invoice__c"]
    assert invoice["type"] == "reference"
    assert invoice["referenceTo"] == ["c2g__codaInvoice__c"]
    assert invoice["relationshipName"] == "c2g__Invoice__r"
    assert invoice["nillable"] is False
    assert fields["Name"]["autoNumber"] is True
    assert fields["Name"]["createable"] is False
    assert fields["OIM_External_Id__c"]["externalId"] is True
    assert fields["OIM_External_Id__c"]["length"] == 80
    assert fields["c2g__Quantity__c"]["type"] == "double"
    header = store.describe("c2g__codaInvoice__c")
    status = {f["name"]: f for f in header["fields"]}["c2g__InvoiceStatus__c"]
    assert {"value": "Complete", "label": "Complete", "active": True, "defaultValue": False} in status["picklistValues"]
    assert {
        "childSObject": "c2g__codaInvoiceLineItem__c",
        "field": "c2g__Invoice__c",
        "relationshipName": "c2g__InvoiceLineItems__r",
        "cascadeDelete": True,
    } in header["childRelationships"]


def test_describe_global_lists_every_object(store: OrgStore) -> None:
    names = {o["name"]: o for o in store.describe_global()["sobjects"]}
    assert names["Account"]["keyPrefix"] == "001"
    assert len(names) == len(store.schema.objects)
    with pytest.raises(SalesforceApiError):
        store.describe("Nope__c")


def test_query_runs_soql_over_the_stored_records(store: OrgStore) -> None:
    kept = store.create("Account", {"Name": "Acme", "Type": "Vendor"})
    gone = store.create("Account", {"Name": "Gone", "Type": "Vendor"})
    store.delete("Account", gone)
    live = store.query("SELECT Id, Name FROM Account WHERE Type = 'Vendor'")
    assert live.total_size == 1
    assert live.records[0]["Id"] == kept
    assert live.records[0]["attributes"]["type"] == "Account"
    assert store.query("SELECT Id FROM Account", include_deleted=True).total_size == 2
