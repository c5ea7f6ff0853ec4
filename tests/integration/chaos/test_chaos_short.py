"""The short chaos run in the default test run: faults, SIGKILLed runs, concurrent runs and a
record action, the daily limit partway; then nothing may be duplicated, lost or stuck."""

from __future__ import annotations

from pathlib import Path

import pytest
from oim_local.chaos.harness import run_chaos
from oim_local.chaos.plan import ChaosPlan

pytestmark = pytest.mark.integration


def test_faults_crashes_and_concurrency_lose_nothing_and_duplicate_nothing(tmp_path: Path) -> None:
    # Large documents of 30-40 lines in graphs of 40 nodes: several graphs each, cheaply.
    plan = ChaosPlan(work_dir=tmp_path, documents=150, fault_rate=0.1, crashes=3, seed=7,
                     large_share=0.1, large_lines=(30, 40), nodes_per_graph=40)  # fmt: skip

    figures = run_chaos(plan)

    print("\n" + figures.render())  # the figures CI shows (pytest -s, or in the failure report)
    assert figures.crashes == 3
    # The kills land at writes: between the graphs of a large document, and after a commit.
    assert figures.kills_by_place.get("between_large_graphs", 0) >= 1
    assert figures.kills_by_place.get("after_commit", 0) >= 1
    assert sum(figures.faults_injected.values()) > 0
    assert figures.total("duplicates") == 0
    assert figures.total("lost") == 0
    assert figures.total("stuck") == 0
    assert figures.total("unmarked_failures") == 0
    assert figures.total("orphans") == 0
    assert figures.total("wrong_totals") == 0
    assert figures.total("created") + figures.total("manifest_disagreements") >= figures.total("expected_created")
    assert figures.daily_limit_stopped, "a run stopped by the daily limit must say so"
    assert figures.daily_limit_problem is None
    assert figures.ok
