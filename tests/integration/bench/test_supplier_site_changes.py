"""Supplier-site changes in the benchmark: every new site gets its vendor account through the
real handler in FIFO batches of 10, within the request bound for those batches, and the
per-record baseline writes the same accounts."""

from __future__ import annotations

from pathlib import Path

import pytest
from oim_connector.model.flows import FlowId
from oim_connector.model.settings import ConnectorSettings
from oim_local.bench.bounds import lower_bound_in_batches
from oim_local.bench.dataset import prepare
from oim_local.bench.vendor import SQS_BATCH_SIZE, run_vendor_baseline, run_vendor_connector, unlinked_sites
from oim_local.org.runtime import FaultPlan
from oim_local.org.store import OrgStore

pytestmark = pytest.mark.integration

SITES = 12  # two batches: one full, one partial


def test_site_changes_create_accounts_and_are_counted_against_the_baseline(tmp_path: Path) -> None:
    data = prepare(tmp_path, documents=SITES, lines_per_invoice=1, flows=(FlowId.VENDOR_ACCOUNTS,))
    store = OrgStore(data.fresh_org(tmp_path / "probe.db"))
    try:
        sites = unlinked_sites(store)
    finally:
        store.close()
    settings = ConnectorSettings()

    connector, (graphs, nodes) = run_vendor_connector(data.fresh_org(tmp_path / "c.db"), settings, FaultPlan(), sites)
    baseline = run_vendor_baseline(data.fresh_org(tmp_path / "b.db"), settings, FaultPlan(), sites)

    assert len(sites) >= SITES
    assert (connector.created, connector.failed) == (len(sites), 0)
    assert (baseline.created, baseline.failed) == (len(sites), 0)
    assert (graphs, nodes) == (len(sites), 2 * len(sites))  # one all-or-nothing graph a site: account + link
    assert baseline.requests_by_kind["sobject_write"] == 2 * len(sites)
    # Counted, not timed: each FIFO batch of 10 is one invocation, and it takes the fewest requests
    # any client could use for it, one read (composite) and one write (graph).
    batches = [min(SQS_BATCH_SIZE, len(sites) - start) for start in range(0, len(sites), SQS_BATCH_SIZE)]
    bound = lower_bound_in_batches(batches, graphs, nodes)
    assert (bound.reads, bound.writes) == (len(batches), len(batches))
    assert connector.api_requests == bound.requests
    assert connector.requests_by_kind == {"composite": len(batches), "graph": len(batches)}
    assert baseline.api_requests == 5 * len(sites)  # site, account by external id, duplicates, upsert, link
