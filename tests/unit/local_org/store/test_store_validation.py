"""Every refused write answers with Salesforce's code and message, and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from oim_local.org.errors import SalesforceApiError
from oim_local.org.store import OrgStore

from tests.unit.local_org.store.org_helpers import Books, row_count


def refused(store: OrgStore, sobject: str, body: dict[str, Any]) -> SalesforceApiError:
    before = row_count(store, sobject)
    with pytest.raises(SalesforceApiError) as caught:
        store.create(sobject, body)
    assert row_count(store, sobject) == before, "a refused create must write nothing"
    return caught.value


def test_unknown_object_is_not_found(store: OrgStore) -> None:
    with pytest.raises(SalesforceApiError) as caught:
        store.create("Nope__c", {"Name": "x"})
    assert (caught.value.status, caught.value.error_code) == (404, "NOT_FOUND")
    assert caught.value.to_json() == [
        {"message": "The requested resource does not exist", "errorCode": "NOT_FOUND", "fields": []}
    ]


def test_unknown_field(store: OrgStore) -> None:
    error = refused(store, "Account", {"Name": "Acme", "Colour__c": "red"})
    assert (error.status, error.error_code) == (400, "INVALID_FIELD")
    assert error.message == "No such column 'Colour__c' on sobject of type Account"


@pytest.mark.parametrize(
    ("sobject", "field", "value"),
    [
        ("Account", "CreatedDate", "2020-01-01T00:00:00.000+0000"),
        ("Account", "SystemModstamp", "2020-01-01T00:00:00.000+0000"),
        ("Account", "IsDeleted", True),
        ("SCMC__Invoicing__c", "Name", "INV-999999"),
    ],
)
def test_system_and_autonumber_fields_are_not_writable(store: OrgStore, sobject: str, field: str, value: Any) -> None:
    body = {"Name": "Acme"} if sobject == "Account" else {}
    body[field] = value
    error = refused(store, sobject, body)
    assert (error.status, error.error_code, error.fields) == (400, "INVALID_FIELD_FOR_INSERT_UPDATE", [field])
    assert error.message == (
        f"Unable to create/update fields: {field}. Please check the security settings of this field and "
        "verify that it is read/write for your profile or permission set."
    )


def test_an_id_in_a_create_body_is_refused(store: OrgStore) -> None:
    error = refused(store, "Account", {"Name": "Acme", "Id": "0015000000Gv7qJAAR"})
    assert error.error_code == "INVALID_FIELD_FOR_INSERT_UPDATE"


def test_missing_required_fields_are_listed(store: OrgStore) -> None:
    error = refused(store, "c2g__codaGeneralLedgerAccount__c", {"Name": "Sales"})
    assert (error.status, error.error_code) == (400, "REQUIRED_FIELD_MISSING")
    assert error.message == "Required fields are missing: [c2g__ReportingCode__c, c2g__Type__c]"
    assert error.fields == ["c2g__ReportingCode__c", "c2g__Type__c"]


def test_an_empty_string_counts_as_missing(store: OrgStore) -> None:
    error = refused(store, "Account", {"Name": ""})
    assert error.error_code == "REQUIRED_FIELD_MISSING"


def test_setting_a_required_field_to_null_on_update_is_refused(store: OrgStore) -> None:
    account = store.create("Account", {"Name": "Acme"})
    with pytest.raises(SalesforceApiError) as caught:
        store.update("Account", account, {"Name": None})
    assert (caught.value.error_code, caught.value.fields) == ("REQUIRED_FIELD_MISSING", ["Name"])
    assert store.get("Account", account)["Name"] == "Acme"


@pytest.mark.parametrize(
    ("sobject", "body", "field"),
    [
        ("Product2", {"Name": "W", "IsActive": 1}, "IsActive"),
        ("Product2", {"Name": "W", "IsActive": "yes"}, "IsActive"),
        ("c2g__codaCompany__c", {"Name": ["a"]}, "Name"),
        ("c2g__codaYear__c", {"Name": "2026", "c2g__StartDate__c": "01/01/2026"}, "c2g__StartDate__c"),
        ("c2g__codaYear__c", {"Name": "2026", "c2g__StartDate__c": "2026-02-30"}, "c2g__StartDate__c"),
        ("c2g__codaYear__c", {"Name": "2026", "c2g__StartDate__c": 20260101}, "c2g__StartDate__c"),
        (
            "SCMC__Inventory_Transaction_Financial_Records__c",
            {"SCMC__Quantity__c": "abc"},
            "SCMC__Quantity__c",
        ),
        (
            "SCMC__Inventory_Transaction_Financial_Records__c",
            {"SCMC__Quantity__c": True},
            "SCMC__Quantity__c",
        ),
    ],
)
def test_wrong_types_are_refused_naming_the_field(
    store: OrgStore, sobject: str, body: dict[str, Any], field: str
) -> None:
    error = refused(store, sobject, body)
    assert (error.status, error.error_code, error.fields) == (400, "JSON_PARSER_ERROR", [field])
    assert field in error.message


def test_bad_value_for_a_restricted_picklist(store: OrgStore) -> None:
    error = refused(store, "Account", {"Name": "Acme", "Type": "Prospect"})
    assert (error.status, error.error_code, error.fields) == (
        400,
        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
        ["Type"],
    )
    assert error.message == "Type: bad value for restricted picklist field: Prospect"


def test_an_unrestricted_picklist_takes_any_value(store: OrgStore) -> None:
    account = store.create("Account", {"Name": "Acme", "SCMFFA__Company_Name__c": "Acme UK"})
    assert store.get("Account", account)["SCMFFA__Company_Name__c"] == "Acme UK"


def test_string_too_long(store: OrgStore) -> None:
    error = refused(store, "c2g__codaCompany__c", {"Name": "x" * 81})
    assert (error.status, error.error_code, error.fields) == (400, "STRING_TOO_LONG", ["Name"])
    assert error.message.startswith("Name: data value too large: xxx")
    assert error.message.endswith("(max length=80)")


def test_duplicate_value_in_a_unique_field_names_the_holder(store: OrgStore) -> None:
    first = store.create("Account", {"Name": "A", "OIM_External_Id__c": "SUPPLIER_SITE:1"})
    error = refused(store, "Account", {"Name": "B", "OIM_External_Id__c": "supplier_site:1"})
    assert (error.status, error.error_code) == (400, "DUPLICATE_VALUE")
    assert error.message == (f"duplicate value found: OIM_External_Id__c duplicates value on record with id: {first}")


def test_a_deleted_record_frees_its_unique_value(store: OrgStore) -> None:
    first = store.create("Account", {"Name": "A", "OIM_External_Id__c": "K"})
    store.delete("Account", first)
    assert store.create("Account", {"Name": "B", "OIM_External_Id__c": "K"}) != first


def test_an_update_may_keep_its_own_unique_value(store: OrgStore) -> None:
    account = store.create("Account", {"Name": "A", "OIM_External_Id__c": "K"})
    store.update("Account", account, {"OIM_External_Id__c": "K", "Name": "A2"})
    assert store.get("Account", account)["Name"] == "A2"


def test_lookup_to_a_malformed_id(store: OrgStore) -> None:
    error = refused(store, "SCMC__Supplier_Site__c", {"Name": "S", "SCMC__Account__c": "not-an-id"})
    assert (error.status, error.error_code, error.fields) == (400, "MALFORMED_ID", ["SCMC__Account__c"])


def test_lookup_to_a_missing_deleted_or_wrong_object_record(store: OrgStore, books: Books) -> None:
    deleted = store.create("Account", {"Name": "Gone"})
    store.delete("Account", deleted)
    missing = "001" + deleted[3:6] + "zzzzzzzzz"
    for target in (missing, deleted, books.product):
        error = refused(store, "SCMC__Supplier_Site__c", {"Name": "S", "SCMC__Account__c": target})
        assert (error.status, error.error_code, error.fields) == (
            400,
            "INVALID_CROSS_REFERENCE_KEY",
            ["SCMC__Account__c"],
        )
        assert error.message.startswith("invalid cross reference id")


def test_a_15_character_lookup_is_stored_as_18(store: OrgStore) -> None:
    account = store.create("Account", {"Name": "Acme"})
    site = store.create("SCMC__Supplier_Site__c", {"Name": "S", "SCMC__Account__c": account[:15]})
    assert store.get("SCMC__Supplier_Site__c", site)["SCMC__Account__c"] == account


def test_a_lookup_by_the_parents_external_id(store: OrgStore) -> None:
    account = store.create("Account", {"Name": "Acme", "OIM_External_Id__c": "V-1"})
    site = store.create("SCMC__Supplier_Site__c", {"Name": "S", "SCMC__Account__r": {"OIM_External_Id__c": "V-1"}})
    assert store.get("SCMC__Supplier_Site__c", site)["SCMC__Account__c"] == account
    error = refused(
        store,
        "SCMC__Supplier_Site__c",
        {"Name": "S", "SCMC__Account__r": {"OIM_External_Id__c": "V-2"}},
    )
    assert error.error_code == "INVALID_FIELD"
    assert "V-2 not found" in error.message


def test_number_outside_its_precision(store: OrgStore, books: Books) -> None:
    error = refused(
        store,
        "c2g__codaAccountingCurrency__c",
        {"Name": "EUR", "c2g__OwnerCompany__c": books.company, "c2g__DecimalPlaces__c": 10},
    )
    assert (error.status, error.error_code, error.fields) == (
        400,
        "NUMBER_OUTSIDE_VALID_RANGE",
        ["c2g__DecimalPlaces__c"],
    )


def test_numbers_are_rounded_half_up_to_the_fields_scale(store: OrgStore, books: Books) -> None:
    invoice = store.create(
        "c2g__codaInvoice__c", {"c2g__Account__c": books.account, "c2g__OwnerCompany__c": books.company}
    )
    line = store.create(
        "c2g__codaInvoiceLineItem__c",
        {
            "c2g__Invoice__c": invoice,
            "c2g__Product__c": books.product,
            "c2g__TaxValue1__c": 2.675,  # a binary float just below 2.675
            "c2g__Quantity__c": "1.23456789",
        },
    )
    saved = store.get("c2g__codaInvoiceLineItem__c", line)
    assert saved["c2g__TaxValue1__c"] == 2.68
    assert saved["c2g__Quantity__c"] == 1.234568


def test_defaults_apply_on_create(store: OrgStore, books: Books) -> None:
    invoice = store.create(
        "c2g__codaInvoice__c", {"c2g__Account__c": books.account, "c2g__OwnerCompany__c": books.company}
    )
    saved = store.get("c2g__codaInvoice__c", invoice)
    assert saved["c2g__InvoiceStatus__c"] == "In Progress"
    assert saved["c2g__DerivePeriod__c"] is True
    assert saved["IsDeleted"] is False


def test_names_are_case_insensitive_in_and_canonical_out(store: OrgStore) -> None:
    account = store.create("ACCOUNT", {"name": "Acme", "TYPE": "Vendor"})
    saved = store.get("account", account, ["NAME", "type"])
    assert saved == {
        "attributes": {"type": "Account", "url": f"/services/data/v59.0/sobjects/Account/{account}"},
        "Name": "Acme",
        "Type": "Vendor",
    }


def test_accountings_real_lengths_and_journal_types_are_enforced(store: OrgStore, books: Books) -> None:
    # c2g__CustomerReference__c is Text(24) in Accounting, c2g__Type__c a restricted picklist without
    # "Inventory Journal" (certinia-accounting-objects.json).
    too_long = refused(store, "c2g__codaInvoice__c", {"c2g__CustomerReference__c": "R" * 25})
    journal = {"c2g__OwnerCompany__c": books.company, "c2g__JournalDate__c": "2026-03-01",
               "c2g__JournalCurrency__c": books.currency, "c2g__Type__c": "Inventory Journal"}  # fmt: skip
    bad_type = refused(store, "c2g__codaJournal__c", journal)

    assert (too_long.error_code, too_long.fields) == ("STRING_TOO_LONG", ["c2g__CustomerReference__c"])
    assert (bad_type.error_code, bad_type.fields) == ("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", ["c2g__Type__c"])
