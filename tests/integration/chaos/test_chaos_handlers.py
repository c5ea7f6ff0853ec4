"""Chaos through the Lambda handlers in process: a small time budget hands runs over to
continuations, every job batch is delivered twice, a failed scheduled run is parked and replayed
from the failed-invocations queue while other jobs go on, supplier-site changes arrive duplicated
and out of order; then the independent oracle finds every document right, every site has one
vendor account (or is refused as intended), and nothing is marked Export Error falsely."""

from __future__ import annotations

from pathlib import Path

import pytest
from oim_connector.flows.registry import implemented_flows
from oim_connector.model.settings import VendorAccountSettings
from oim_local.chaos.handler_runs import run_handler_chaos
from oim_local.chaos.harness import CHAOS_SETTINGS, HANDLER_AP_CONTROL

pytestmark = pytest.mark.integration


def test_handler_runs_under_faults_duplicates_and_replays_end_exactly_as_the_oracle_intends(tmp_path: Path) -> None:
    settings = CHAOS_SETTINGS.model_copy(
        update={"vendor_accounts": VendorAccountSettings(default_ap_control_gla=HANDLER_AP_CONTROL)}
    )
    flows = tuple(f.value for f in implemented_flows())

    figures = run_handler_chaos(tmp_path, flows=flows, documents=30, fault_rate=0.3, seed=5, settings=settings)

    print("\n" + figures.render())
    assert figures.continuations > 0, "no run handed over to a continuation"
    assert figures.job_batches_delivered_twice > 0
    assert figures.invocations_parked >= 1 and figures.invocations_replayed >= 1
    assert figures.supplier_updates_before_create > 0 and figures.supplier_batches_delivered_twice > 0
    assert figures.vendor_accounts_right == figures.vendor_accounts_expected > 0
    assert figures.vendor_problems == []
    assert sum(v.judged for v in figures.oracle) >= 20  # the credit notes' originals (exported before) are not judged
    assert sum(v.wrong + v.missing + v.false_export_errors for v in figures.oracle) == 0
    assert figures.ok
