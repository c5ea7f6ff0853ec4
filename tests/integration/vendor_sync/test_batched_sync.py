"""A batch of supplier site changes is applied together: a few requests for all its sites, each
site still its own transaction and its own message's outcome."""

from __future__ import annotations

from typing import Any

import pytest
from oim_connector.dlq.notes import DynamoFailureNotes
from oim_connector.model.settings import ConnectorSettings, FieldRule, VendorAccountSettings
from oim_local.runner.aws import JOBS_TABLE
from oim_local.runner.supplier_queue import SupplierQueues, site_change, site_event

from tests.e2e.conftest import Sample
from tests.integration.vendor_sync.test_vendor_sync_queue import SITE, vendor_accounts

pytestmark = pytest.mark.integration


def new_site(sample: Sample, name: str, supplier: str, city: str = "Reno") -> str:
    assert sample.env.org is not None
    return sample.env.org.store.create(SITE, {"Name": name, "SCMC__Supplier_Name__c": supplier,
                                              "SCMC__Currency__c": sample.ids["CmUSD"],
                                              "SCMC__Mailing_City__c": city})  # fmt: skip


def api_requests(sample: Sample) -> int:
    assert sample.env.org is not None
    return sample.env.org.counters().total_requests


def reset_requests(sample: Sample) -> None:
    assert sample.env.org is not None
    sample.env.org.reset_counters()


def created(site: str, supplier: str | None = None, *, commit: int = 1) -> dict[str, Any]:
    """A CDC create event; it carries the site's field values, here its supplier name."""
    fields = {"SCMC__Supplier_Name__c": supplier} if supplier else {}
    return site_change(site, change_type="CREATE", commit=commit, fields=fields)


def test_ten_new_sites_take_two_requests_and_their_updates_two(sample: Sample, queues: SupplierQueues) -> None:
    sites = [new_site(sample, f"Supplier {n:02d} - Reno", f"Supplier {n:02d}") for n in range(10)]
    queues.publish(*(created(site, f"Supplier {n:02d}") for n, site in enumerate(sites)))
    reset_requests(sample)

    delivery = queues.deliver_once()

    assert delivery is not None and len(delivery.message_ids) == 10 and delivery.failed == []
    # One composite read (the sites, their accounts by external id, the default GLAs and the vendors
    # named as the events' supplier names), one graph request for the ten accounts and links.
    assert api_requests(sample) == 2
    accounts = [vendor_accounts(sample, site) for site in sites]
    assert [a[0]["Name"] for a in accounts] == [f"Supplier {n:02d}" for n in range(10)]
    assert [sample.get(SITE, site)["SCMC__Account__c"] for site in sites] == [a[0]["Id"] for a in accounts]

    assert sample.env.org is not None
    for site in sites:
        sample.env.org.store.update(SITE, site, {"SCMC__Mailing_City__c": "Sparks"})
    queues.publish(*(site_change(site, commit=2, changed=("SCMC__Mailing_City__c",)) for site in sites))
    reset_requests(sample)

    delivery = queues.deliver_once()

    assert delivery is not None and len(delivery.message_ids) == 10 and delivery.failed == []
    assert api_requests(sample) == 2  # linked sites: no duplicate check
    assert {vendor_accounts(sample, site)[0]["BillingCity"] for site in sites} == {"Sparks"}


def test_events_without_the_supplier_name_take_one_more_query(sample: Sample, queues: SupplierQueues) -> None:
    sites = [new_site(sample, f"Supplier {n:02d} - Reno", f"Supplier {n:02d}") for n in range(3)]
    # The first event's name is out of date (the site was renamed since): read ahead, then read again.
    queues.publish(created(sites[0], "Old Name"), created(sites[1]), created(sites[2]))
    reset_requests(sample)

    delivery = queues.deliver_once()

    assert delivery is not None and len(delivery.message_ids) == 3 and delivery.failed == []
    assert api_requests(sample) == 3
    assert [vendor_accounts(sample, site)[0]["Name"] for site in sites] == ["Supplier 00", "Supplier 01", "Supplier 02"]


def test_a_duplicate_found_by_the_read_ahead_is_refused_as_by_a_query(sample: Sample, queues: SupplierQueues) -> None:
    dallas = sample.ids["SiteGlobexDallas"]
    queues.publish(created(dallas, "Globex Components"))

    delivery = queues.deliver_once()

    assert delivery is not None and delivery.failed == delivery.message_ids
    assert vendor_accounts(sample, dallas) == []
    [refusal] = DynamoFailureNotes(JOBS_TABLE).find(queues.arn, delivery.failed).values()
    assert refusal.error.startswith(
        f"Supplier site Globex Components - Dallas would duplicate the vendor account Globex Components "
        f"({sample.ids['VendGlobex']}), which has the same supplier name 'Globex Components'"
    )


def test_two_new_sites_of_one_supplier_in_a_batch_create_one_vendor(sample: Sample, queues: SupplierQueues) -> None:
    first = new_site(sample, "Acme Castings - Reno", "Acme Castings")
    second = new_site(sample, "Acme Castings - Elko", "ACME CASTINGS", city="Elko")
    queues.publish(created(first, "Acme Castings"), created(second, "ACME CASTINGS"))

    delivery = queues.deliver_once()

    assert delivery is not None and len(delivery.message_ids) == 2
    assert delivery.failed == delivery.message_ids[1:]
    [account] = vendor_accounts(sample, first)
    assert vendor_accounts(sample, second) == []
    assert sample.get(SITE, second)["SCMC__Account__c"] is None
    assert len(sample.query("SELECT Id FROM Account WHERE Name = 'Acme Castings'")) == 1
    [refusal] = DynamoFailureNotes(JOBS_TABLE).find(queues.arn, delivery.failed).values()
    assert refusal.error.startswith(
        f"Supplier site Acme Castings - Elko would duplicate the vendor account Acme Castings ({account['Id']}), "
        "which has the same supplier name 'ACME CASTINGS'"
    )


def test_a_site_changed_twice_in_one_batch_is_synced_once_at_its_newest_version(
    sample: Sample, queues: SupplierQueues
) -> None:
    stark = sample.ids["SiteStark"]
    queues.publish(site_change(stark, change_type="CREATE", commit=1), site_change(stark, commit=2))
    reset_requests(sample)

    delivery = queues.deliver_once()

    assert delivery is not None and len(delivery.message_ids) == 2 and delivery.failed == []
    [account] = vendor_accounts(sample, stark)
    assert account["Supplier_Site_Version__c"].startswith(str(1_795_601_699_002))
    assert api_requests(sample) == 3


def test_a_site_the_org_refuses_fails_alone_while_the_rest_of_its_request_is_saved(
    sample: Sample, queues: SupplierQueues
) -> None:
    # A custom mapping that fits short site names only: the org refuses Stark's (too long for the field).
    postal_code_from_name = FieldRule(target="BillingPostalCode", source="Name")
    vendor = VendorAccountSettings(default_ap_control_gla="2000", custom_mappings=[postal_code_from_name])
    sample.env.save_settings(ConnectorSettings(vendor_accounts=vendor))
    stark, short = sample.ids["SiteStark"], new_site(sample, "Acme", "Acme Castings")
    queues.publish(site_change(stark, change_type="CREATE"), site_change(short, change_type="CREATE"))
    reset_requests(sample)

    delivery = queues.deliver_once()

    assert delivery is not None and len(delivery.message_ids) == 2
    assert delivery.failed == delivery.message_ids[:1]
    assert api_requests(sample) == 3  # both graphs went in one request, each its own transaction
    assert vendor_accounts(sample, stark) == []
    assert sample.get(SITE, stark)["SCMC__Account__c"] is None
    [account] = vendor_accounts(sample, short)
    assert sample.get("Account", account["Id"])["BillingPostalCode"] == "Acme"


@pytest.mark.parametrize("carries_the_phone", [True, False])
def test_the_custom_field_duplicate_check_refuses_a_site_sharing_a_linked_sites_value(
    sample: Sample, queues: SupplierQueues, carries_the_phone: bool
) -> None:
    by_phone = VendorAccountSettings(default_ap_control_gla="2000", duplicate_check="custom_criteria",
                                     duplicate_check_field="SCMC__Office_Phone__c")  # fmt: skip
    sample.env.save_settings(ConnectorSettings(vendor_accounts=by_phone))
    assert sample.env.org is not None
    sample.env.org.store.update(SITE, sample.ids["SiteInitech"], {"SCMC__Office_Phone__c": "+1 512 555 0142"})
    twin = new_site(sample, "Initech - Round Rock", "Initech Supplies TX")
    sample.env.org.store.update(SITE, twin, {"SCMC__Office_Phone__c": "+1 512 555 0142"})
    other = new_site(sample, "Acme - Reno", "Acme Castings")
    fields = {"SCMC__Office_Phone__c": "+1 512 555 0142"} if carries_the_phone else {}
    queues.publish(site_change(twin, change_type="CREATE", fields=fields), created(other))
    reset_requests(sample)

    delivery = queues.deliver_once()

    assert delivery is not None and delivery.failed == delivery.message_ids[:1]
    # + 1: the refusal written on the refused site (Vendor_Sync_Error__c)
    assert api_requests(sample) == (3 if carries_the_phone else 4)
    assert vendor_accounts(sample, twin) == [] and len(vendor_accounts(sample, other)) == 1
    assert sample.get(SITE, twin)["Vendor_Sync_Error__c"].startswith("Supplier site Initech - Round Rock would")
    [refusal] = DynamoFailureNotes(JOBS_TABLE).find(queues.arn, delivery.failed).values()
    assert refusal.error.startswith(
        f"Supplier site Initech - Round Rock would duplicate the vendor account Initech Supplies "
        f"({sample.ids['VendInitech']}), which has the same SCMC__Office_Phone__c '+1 512 555 0142' as supplier "
        "site Initech Supplies - Austin"
    )


def test_a_metric_that_cannot_be_recorded_never_fails_an_applied_change(
    sample: Sample, queues: SupplierQueues, monkeypatch: pytest.MonkeyPatch
) -> None:
    from oim_connector.observability import metrics

    def unavailable(**_: Any) -> None:
        raise RuntimeError("metrics unavailable")

    stark = sample.ids["SiteStark"]
    queues.publish(created(stark, "Stark Fasteners"))
    monkeypatch.setattr(metrics, "add_metric", unavailable)

    delivery = queues.deliver_once()

    assert delivery is not None and delivery.failed == []
    assert len(vendor_accounts(sample, stark)) == 1


def test_an_org_without_cdc_publishes_the_packages_supplier_site_event(sample: Sample, queues: SupplierQueues) -> None:
    wayne = sample.ids["SiteWayne"]

    queues.publish(site_event(wayne))
    delivery = queues.deliver_once()

    assert delivery is not None and delivery.failed == []
    [account] = vendor_accounts(sample, wayne)
    assert account["Name"] == "Wayne Packaging"
    assert sample.get(SITE, wayne)["SCMC__Account__c"] == account["Id"]
