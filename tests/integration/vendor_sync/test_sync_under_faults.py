"""Supplier site batches under the org's faults (503s before and after commit, dropped connections
after commit, row locks, the concurrency limit): every site ends with exactly one vendor account,
linked, however often its batch was retried."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from oim_local.org.runtime import FaultPlan
from oim_local.runner.environment import LocalEnvironment
from oim_local.runner.supplier_queue import SupplierQueues, site_change
from oim_local.sample import load_sample

from tests.e2e.conftest import Sample
from tests.integration.vendor_sync.conftest import SETTINGS
from tests.integration.vendor_sync.test_batched_sync import new_site
from tests.integration.vendor_sync.test_vendor_sync_queue import SITE

pytestmark = pytest.mark.integration

SITES = 40


@pytest.fixture
def faulty(tmp_path: Path) -> Iterator[Sample]:
    db = tmp_path / "org.db"
    loaded = load_sample(db)
    with LocalEnvironment(db, settings=SETTINGS, faults=FaultPlan(seed=11, rate=0.3), quiet=True) as env:
        yield Sample(env, dict(loaded.reference_ids))


def test_every_site_gets_exactly_one_linked_vendor_account_under_faults(
    faulty: Sample, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert faulty.env.org is not None
    # Two attempts a request: some batches fail whole and come back from the queue, not only from retries.
    monkeypatch.setenv("SALESFORCE_RETRY_ATTEMPTS", "2")
    sites = [new_site(faulty, f"Faulty {n:02d} - Reno", f"Faulty Supplier {n:02d}") for n in range(SITES)]
    queues = SupplierQueues(faulty.env, max_receives=20)
    fields = {site: {"SCMC__Supplier_Name__c": f"Faulty Supplier {n:02d}"} for n, site in enumerate(sites)}
    faulty.env.org.set_faults(FaultPlan())  # the events reach the queue; the faults are the org's, when syncing
    queues.publish(*(site_change(site, change_type="CREATE", fields=fields[site]) for site in sites))
    faulty.env.org.set_faults(FaultPlan(seed=11, rate=0.3))

    deliveries = queues.drain(max_batches=200)
    faulty.env.org.set_faults(FaultPlan())

    assert queues.count(queues.url) == 0 and queues.count(queues.dlq_url) == 0
    assert sum(faulty.env.org.counters().faults_injected.values()) > 0, "no fault was injected"
    accounts = faulty.query("SELECT Id, Name, OIM_External_Id__c FROM Account WHERE Name LIKE 'Faulty%'")
    assert sorted(a["Name"] for a in accounts) == [f"Faulty Supplier {n:02d}" for n in range(SITES)]
    by_external_id = {a["OIM_External_Id__c"]: a["Id"] for a in accounts}
    assert [faulty.get(SITE, site)["SCMC__Account__c"] for site in sites] == [
        by_external_id[f"SUPPLIER_SITE:{site}"] for site in sites
    ]
    assert sum(len(d.failed) for d in deliveries) > 0, "no batch was redelivered"
