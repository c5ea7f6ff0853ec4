"""Supplier site changes through the FIFO queue, the real handler, the local org and moto."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from oim_connector.dlq.notes import DynamoFailureNotes
from oim_connector.dlq.replay import CopyMover, list_dead_letters, replay, resolve_queue
from oim_connector.model.settings import ConnectorSettings, VendorAccountSettings
from oim_local.org.ids import new_id
from oim_local.runner.aws import JOBS_TABLE
from oim_local.runner.supplier_queue import SupplierQueues, account_change, site_change

from tests.e2e.conftest import Sample
from tests.integration.vendor_sync.conftest import SETTINGS

pytestmark = pytest.mark.integration

SITE = "SCMC__Supplier_Site__c"
MISSING_SITE = new_id("a3J", 999_999)


def vendor_accounts(sample: Sample, site_id: str) -> list[dict[str, Any]]:
    return sample.query(
        f"SELECT Id, Name, BillingCity, Supplier_Site_Version__c FROM Account "
        f"WHERE OIM_External_Id__c = 'SUPPLIER_SITE:{site_id}'"
    )


def test_a_batch_reports_exactly_its_malformed_and_failing_messages(sample: Sample, queues: SupplierQueues) -> None:
    stark = sample.ids["SiteStark"]
    queues.send_raw(json.dumps(site_change(stark, change_type="CREATE")), stark, "good")
    queues.send_raw('{"detail-type": "SCMC__Supplier_Site__ChangeEvent", "detail": {', "unknown", "malformed")
    queues.send_raw(json.dumps(site_change(MISSING_SITE)), MISSING_SITE, "failing")

    delivery = queues.deliver_once()

    assert delivery is not None and len(delivery.message_ids) == 3
    assert delivery.failed == delivery.message_ids[1:]
    [account] = vendor_accounts(sample, stark)
    assert account["Name"] == "Stark Fasteners"
    assert sample.get(SITE, stark)["SCMC__Account__c"] == account["Id"]


def test_a_new_site_gets_a_vendor_account_with_the_mapped_fields(sample: Sample, queues: SupplierQueues) -> None:
    stark, wayne = sample.ids["SiteStark"], sample.ids["SiteWayne"]
    queues.publish(site_change(stark, change_type="CREATE"), site_change(wayne, change_type="CREATE"))
    queues.drain()

    stark_account = sample.get("Account", sample.get(SITE, stark)["SCMC__Account__c"])
    assert stark_account["Type"] == "Vendor"
    assert stark_account["Phone"] == "+1 412 555 0100"
    assert stark_account["BillingCity"] == "Pittsburgh"
    assert stark_account["c2g__CODAAccountTradingCurrency__c"] == "USD"
    assert stark_account["c2g__CODADescription1__c"] == "2% 10 Days, Net 45 End o"  # 24 characters
    assert stark_account["c2g__CODAAccountsPayableControl__c"] == sample.ids["GlaApControl"]
    wayne_site = sample.get(SITE, wayne)
    wayne_account = sample.get("Account", wayne_site["SCMC__Account__c"])
    # Wayne has no AP control GLA: the Default AP Control GLA (2000) applies, on the account and the site.
    assert wayne_account["c2g__CODAAccountsPayableControl__c"] == sample.ids["GlaApControl"]
    assert wayne_site["SCMFFA__Accounts_Payable_Control_GLA__c"] == sample.ids["GlaApControl"]


def test_a_redelivered_message_changes_nothing(sample: Sample, queues: SupplierQueues) -> None:
    hooli = sample.ids["SiteHooli"]
    queues.publish(site_change(hooli, change_type="CREATE"))
    message = queues.sqs.receive_message(QueueUrl=queues.url, AttributeNames=["All"])["Messages"][0]
    event = {"Records": [queues.record(message)]}
    first = sample.env.invoke("vendor_accounts", event)
    [account] = vendor_accounts(sample, hooli)
    before = sample.get("Account", account["Id"])["SystemModstamp"]

    # The delete was lost: Lambda delivers the same message again.
    second = sample.env.invoke("vendor_accounts", event)

    assert first["batchItemFailures"] == second["batchItemFailures"] == []
    assert len(vendor_accounts(sample, hooli)) == 1
    assert sample.get("Account", account["Id"])["SystemModstamp"] == before


def test_the_same_change_published_twice_is_queued_once(sample: Sample, queues: SupplierQueues) -> None:
    hooli = sample.ids["SiteHooli"]
    queues.publish(site_change(hooli, change_type="CREATE"), site_change(hooli, change_type="CREATE"))
    deliveries = queues.drain()
    assert sum(len(d.message_ids) for d in deliveries) == 1


def test_an_older_change_never_overwrites_a_newer_one(sample: Sample, queues: SupplierQueues) -> None:
    stark = sample.ids["SiteStark"]
    queues.publish(site_change(stark, change_type="CREATE", commit=1))
    queues.drain()
    assert sample.env.org is not None
    sample.env.org.store.update(SITE, stark, {"SCMC__Mailing_City__c": "Erie"})
    queues.publish(site_change(stark, commit=5, changed=("SCMC__Mailing_City__c",)))
    queues.drain()
    [account] = vendor_accounts(sample, stark)
    assert account["BillingCity"] == "Erie"

    # A change committed before the one applied arrives late (another producer, a replay).
    sample.env.org.store.update(SITE, stark, {"SCMC__Mailing_City__c": "Pittsburgh"})
    queues.publish(site_change(stark, commit=3, changed=("SCMC__Mailing_City__c",)))
    queues.drain()

    [account] = vendor_accounts(sample, stark)
    assert account["BillingCity"] == "Erie"
    assert account["Supplier_Site_Version__c"].startswith(str(1_795_601_699_005))


def test_a_duplicate_supplier_is_refused_naming_the_existing_account_on_the_site_too(
    sample: Sample, queues: SupplierQueues
) -> None:
    dallas = sample.ids["SiteGlobexDallas"]
    queues.publish(site_change(dallas, change_type="CREATE"))
    queues.drain()  # 3 receives, then SQS moves it to the DLQ

    assert vendor_accounts(sample, dallas) == []
    assert sample.get(SITE, dallas)["SCMC__Account__c"] is None
    assert queues.count(queues.url) == 0
    [letter] = list_dead_letters(queues.sqs, queues.dlq_url, DynamoFailureNotes(JOBS_TABLE))
    assert letter.record_id == dallas
    assert letter.receive_count == 3
    assert letter.error == (
        f"Supplier site Globex Components - Dallas would duplicate the vendor account Globex Components "
        f"({sample.ids['VendGlobex']}), which has the same supplier name 'Globex Components': link the site to "
        "that account (Account field on the site) or correct the site, then replay its change"
    )
    # The user who saved the site sees why on the site itself (written once, not per retry).
    assert sample.get(SITE, dallas)["Vendor_Sync_Error__c"] == letter.error[:255]

    # Linked to the existing vendor, the site syncs and its error is cleared in the same transaction.
    sample.env.org.store.update(SITE, dallas, {"SCMC__Account__c": sample.ids["VendGlobex"]})
    queues.publish(site_change(dallas, commit=2))
    queues.drain()
    assert sample.get(SITE, dallas)["Vendor_Sync_Error__c"] is None


def _fail_into_dlq(sample: Sample, queues: SupplierQueues, *keys: str) -> list[str]:
    """New sites while the Default AP Control GLA names a reporting code that does not exist."""
    sample.env.save_settings(ConnectorSettings(vendor_accounts=VendorAccountSettings(default_ap_control_gla="2999")))
    sites = [sample.ids[key] for key in keys]
    queues.publish(*(site_change(site, change_type="CREATE") for site in sites))
    queues.drain()
    assert queues.count(queues.url) == 0
    assert all(vendor_accounts(sample, site) == [] for site in sites)
    return sites


def test_a_replay_after_the_fix_creates_each_vendor_exactly_once(sample: Sample, queues: SupplierQueues) -> None:
    sites = _fail_into_dlq(sample, queues, "SiteWayne", "SiteHooli")
    letters = list_dead_letters(queues.sqs, queues.dlq_url, DynamoFailureNotes(JOBS_TABLE))
    assert {letter.error for letter in letters} == {
        "Supplier site Wayne Packaging - Gotham: no general ledger account has the reporting code '2999' named by "
        "the Default AP Control GLA setting: correct the setting or create the GLA in Accounting",
        "Supplier site Hooli Logistics - Palo Alto: no general ledger account has the reporting code '2999' named "
        "by the Default AP Control GLA setting: correct the setting or create the GLA in Accounting",
    }

    sample.env.save_settings(SETTINGS)  # the fix: the GLA's real reporting code
    result = replay(queues.sqs, queues.dlq_url)  # auto: no move tasks under moto, so receive-send-delete
    queues.drain()

    assert (result.method, result.moved, result.remaining) == ("copy", 2, 0)
    assert [len(vendor_accounts(sample, site)) for site in sites] == [1, 1]


def test_a_dry_run_moves_nothing(sample: Sample, queues: SupplierQueues) -> None:
    _fail_into_dlq(sample, queues, "SiteWayne", "SiteHooli")
    result = replay(queues.sqs, "supplier-site-changes-dlq.fifo", dry_run=True)
    assert (result.would_move, result.moved, queues.count(queues.dlq_url)) == (2, 0, 2)


class _CrashOnDelete:
    """An SQS client whose process dies after sending, before deleting from the DLQ."""

    def __init__(self, sqs: Any) -> None:
        self._sqs = sqs

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sqs, name)

    def delete_message_batch(self, **kwargs: Any) -> Any:
        raise KeyboardInterrupt("interrupted")


def test_an_interrupted_replay_loses_nothing_and_creates_nothing_twice(sample: Sample, queues: SupplierQueues) -> None:
    sites = _fail_into_dlq(sample, queues, "SiteWayne", "SiteHooli")
    sample.env.save_settings(SETTINGS)
    dlq, source = resolve_queue(queues.sqs, queues.dlq_url), resolve_queue(queues.sqs, queues.url)

    with pytest.raises(KeyboardInterrupt):
        CopyMover(_CrashOnDelete(queues.sqs), visibility_seconds=1).move(dlq, source, limit=None, dry_run=False)
    queues.drain()  # what reached the source queue before the crash is applied
    assert queues.count(queues.dlq_url) == 2  # ...and is still in the DLQ: sent, not yet deleted
    time.sleep(1.1)  # the crashed run's receipts expire
    result = replay(queues.sqs, queues.dlq_url)
    queues.drain()

    assert result.remaining == 0
    assert [len(vendor_accounts(sample, site)) for site in sites] == [1, 1]


def test_accounts_to_suppliers_is_off_by_default_and_never_ping_pongs(sample: Sample, queues: SupplierQueues) -> None:
    initech_site, initech = sample.ids["SiteInitech"], sample.ids["VendInitech"]
    queues.publish(site_change(initech_site, commit=1))  # the linked account takes the site's fields once
    queues.drain()
    assert sample.env.org is not None
    sample.env.org.store.update("Account", initech, {"Phone": "+1 512 555 0199"})
    queues.publish(account_change(initech, commit=2))
    queues.drain()
    assert sample.get(SITE, initech_site)["SCMC__Office_Phone__c"] is None

    both_ways = VendorAccountSettings(default_ap_control_gla="2000", sync_accounts_to_suppliers=True)
    sample.env.save_settings(ConnectorSettings(vendor_accounts=both_ways))
    queues.publish(account_change(initech, commit=3))
    queues.drain()
    site = sample.get(SITE, initech_site)
    assert site["SCMC__Office_Phone__c"] == "+1 512 555 0199"

    # The site's own change event comes back: the account already matches, so nothing is written.
    account_before = sample.get("Account", initech)["SystemModstamp"]
    queues.publish(site_change(initech_site, commit=4, changed=("SCMC__Office_Phone__c",)))
    queues.drain()
    assert sample.get("Account", initech)["SystemModstamp"] == account_before
    assert sample.get(SITE, initech_site)["SystemModstamp"] == site["SystemModstamp"]


def test_a_new_vendor_account_gets_a_supplier_site_once_when_accounts_sync_to_suppliers(
    sample: Sample, queues: SupplierQueues
) -> None:
    assert sample.env.org is not None
    both_ways = VendorAccountSettings(default_ap_control_gla="2000", sync_accounts_to_suppliers=True)
    sample.env.save_settings(ConnectorSettings(vendor_accounts=both_ways))
    vendor = sample.env.org.store.create("Account", {"Name": "Hooli Fasteners", "Type": "Vendor",
                                                     "Phone": "+1 650 555 0101"})  # fmt: skip
    customer = sample.env.org.store.create("Account", {"Name": "Pied Piper", "Type": "Customer"})

    created = [account_change(account, commit=n, change_type="CREATE") for n, account in ((1, vendor), (2, customer))]
    queues.publish(*created)
    queues.drain()
    queues.publish(account_change(vendor, commit=3, change_type="CREATE"))  # a replay of the same change
    queues.drain()

    fields = "Id, Name, SCMC__Office_Phone__c, OIM_External_Id__c"
    (site,) = sample.query(f"SELECT {fields} FROM {SITE} WHERE SCMC__Account__c = '{vendor}'")  # one site only
    assert site["Name"] == "Hooli Fasteners" and site["SCMC__Office_Phone__c"] == "+1 650 555 0101"
    assert site["OIM_External_Id__c"] == f"SITE:{vendor}"
    assert sample.get("Account", vendor)["Supplier_Site__c"] == site["Id"]
    assert sample.query(f"SELECT Id FROM {SITE} WHERE SCMC__Account__c = '{customer}'") == []
    assert queues.count(queues.dlq_url) == 0
