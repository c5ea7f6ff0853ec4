"""The pure supplier site -> vendor Account mapping (no sockets)."""

from __future__ import annotations

from typing import Any

from oim_connector.mapping.defaults import default_rules
from oim_connector.mapping.reference import ReferenceData
from oim_connector.mapping.vendor_accounts import (
    DuplicateCandidate,
    map_supplier_site,
    map_vendor_account,
    reverse_rules,
)
from oim_connector.model.settings import FieldRule, VendorAccountSettings
from oim_connector.vendor_sync.messages import change_version

SITE_ID = "a3J000000000001AAA"
ACCOUNT_ID = "001000000000001AAA"
AP_GLA = "a1G000000000001AAA"
REF = ReferenceData(gla_by_reporting_code={"2000": AP_GLA})
RULES = list(default_rules("vendor_accounts"))
V1, V2 = change_version(1_795_601_699_001, 1), change_version(1_795_601_699_002, 2)


def site(**fields: Any) -> dict[str, Any]:
    return {"Id": SITE_ID, "Name": "Stark Fasteners - Pittsburgh", "SCMC__Supplier_Name__c": "Stark Fasteners",
            "SCMC__Active__c": True, "SCMC__Mailing_City__c": "Pittsburgh", "SCMC__Currency__r": {"Name": "USD"},
            "SCMC__Mailing_Street__c": "1 Steel Way", "SCMC__Mailing_Street_Additional_Information__c": "Unit 4",
            "SCMC__PO_Payment_Terms__r": {"SCMC__Terms_Name__c": "2% 10 Days, Net 45 End of Month Following Invoice"},
            **fields}  # fmt: skip


def new_account(record: dict[str, Any], settings: VendorAccountSettings | None = None, **kw: Any) -> Any:
    return map_vendor_account(record, account=None, duplicates=kw.get("duplicates", ()), ref=REF,
                              settings=settings or VendorAccountSettings(default_ap_control_gla="2000"),
                              rules=kw.get("rules", RULES), version=V1)  # fmt: skip


def test_a_new_site_maps_every_field_and_links_itself() -> None:
    mapped = new_account(site())
    [document] = mapped.documents
    assert document.external_id == f"SUPPLIER_SITE:{SITE_ID}"
    assert document.fields == {
        "Name": "Stark Fasteners", "Type": "Vendor", "Phone": None, "Fax": None,
        "BillingStreet": "1 Steel Way\nUnit 4", "BillingCity": "Pittsburgh", "BillingState": None,
        "BillingPostalCode": None, "BillingCountry": None, "SCMC__Active__c": True,
        "c2g__CODAAccountTradingCurrency__c": "USD", "c2g__CODADescription1__c": "2% 10 Days, Net 45 End o",
        "c2g__CODAAccountsPayableControl__c": AP_GLA, "c2g__CODAAccountsReceivableControl__c": None,
        "Supplier_Site__c": SITE_ID, "Supplier_Site_Version__c": V1,
    }  # fmt: skip
    assert mapped.header_link is not None
    assert (mapped.header_link.field, mapped.header_link.extra_fields) == (
        "SCMC__Account__c",
        {"SCMFFA__Accounts_Payable_Control_GLA__c": AP_GLA},
    )


def test_a_duplicate_supplier_is_refused_naming_the_account() -> None:
    duplicate = DuplicateCandidate(ACCOUNT_ID, "Stark Fasteners", "supplier name 'Stark Fasteners'")
    mapped = new_account(site(), duplicates=[duplicate])
    assert mapped.documents == ()
    assert mapped.errors == (
        "Supplier site Stark Fasteners - Pittsburgh would duplicate the vendor account Stark Fasteners "
        f"({ACCOUNT_ID}), which has the same supplier name 'Stark Fasteners': link the site to that account "
        "(Account field on the site) or correct the site, then replay its change",
    )


def test_an_unknown_default_gla_names_the_setting() -> None:
    mapped = new_account(site(), VendorAccountSettings(default_ap_control_gla="2999"))
    assert mapped.errors == (
        "Supplier site Stark Fasteners - Pittsburgh: no general ledger account has the reporting code '2999' "
        "named by the Default AP Control GLA setting: correct the setting or create the GLA in Accounting",
    )


def test_an_older_change_is_skipped_and_an_unchanged_account_is_not_written() -> None:
    linked = site(SCMC__Account__c=ACCOUNT_ID)
    current = {"Id": ACCOUNT_ID, "Name": "Stark Fasteners", "Supplier_Site__c": SITE_ID,
               "Supplier_Site_Version__c": V2}  # fmt: skip
    older = map_vendor_account(linked, account=current, duplicates=(), ref=REF, settings=VendorAccountSettings(),
                               rules=RULES, version=V1)  # fmt: skip
    assert older.skip_reason == f"A newer change of this site (version {V2}) is already applied to Stark Fasteners"
    in_sync = {**current, **new_account(site()).documents[0].fields, "Supplier_Site_Version__c": V1}
    same = map_vendor_account(linked, account=in_sync, duplicates=(), ref=REF, settings=VendorAccountSettings(),
                              rules=RULES, version=V2)  # fmt: skip
    assert same.skip_reason == "Vendor account Stark Fasteners is already in sync"


def test_an_update_keeps_a_customer_and_its_glas() -> None:
    customer = {"Id": ACCOUNT_ID, "Type": "Customer", "c2g__CODAAccountsReceivableControl__c": "a1G000000000009AAA"}
    mapped = map_vendor_account(site(SCMC__Account__c=ACCOUNT_ID), account=customer, duplicates=(), ref=REF,
                                settings=VendorAccountSettings(), rules=RULES, version=V1)  # fmt: skip
    fields = mapped.documents[0].fields
    assert (fields["Type"], fields["c2g__CODAAccountsReceivableControl__c"]) == (
        "Customer and Vendor",
        "a1G000000000009AAA",
    )
    assert mapped.header_link is None


def test_a_custom_mapping_overrides_the_account_name() -> None:
    from oim_connector.mapping.rules import effective_rules

    rules = effective_rules(RULES, [FieldRule(target="Name", source="Name")], use_custom=True)
    assert new_account(site(), rules=rules).documents[0].fields["Name"] == "Stark Fasteners - Pittsburgh"


def test_the_reverse_of_a_synced_account_changes_nothing_on_its_site() -> None:
    record = site(SCMC__Office_Phone__c="+1 412 555 0100", SCMFFA__Accounts_Payable_Control_GLA__c=AP_GLA)
    account = new_account(record).documents[0].fields
    pairs = reverse_rules(RULES, VendorAccountSettings())
    assert map_supplier_site(account, record, pairs=pairs) == {}
    assert map_supplier_site({**account, "Phone": "+1 412 555 0199"}, record, pairs=pairs) == {
        "SCMC__Office_Phone__c": "+1 412 555 0199"
    }
