"""The short chaos run in the default test run: faults, SIGKILLed runs, concurrent runs and a
record action, the daily limit partway; then nothing may be duplicated, lost or stuck."""

from __future__ import annotations

from pathlib import Path

import pytest
from oim_local.chaos.harness import judge_work_dir, run_chaos
from oim_local.chaos.plan import ChaosPlan
from oim_local.org.store import OrgStore
from oim_local.org.tables import quote

pytestmark = pytest.mark.integration


def test_faults_crashes_and_concurrency_lose_nothing_and_duplicate_nothing(tmp_path: Path) -> None:
    # Large documents of 30-40 lines in graphs of 40 nodes: several graphs each, cheaply.
    # 15% invalid: one refusal per flow at 8 documents a flow.
    plan = ChaosPlan(work_dir=tmp_path, documents=40, fault_rate=0.1, crashes=2, seed=7, concurrent_runs=2,
                     invalid_share=0.15, large_share=0.25, large_lines=(30, 40), nodes_per_graph=40,
                     settle_rounds=2)  # fmt: skip

    figures = run_chaos(plan)

    print("\n" + figures.render())  # the figures CI shows (pytest -s, or in the failure report)
    assert figures.crashes == 2
    # The kills land at writes: between the graphs of a large document, and after a commit.
    assert figures.kills_by_place.get("between_large_graphs", 0) >= 1
    assert figures.kills_by_place.get("after_commit", 0) >= 1
    assert sum(figures.faults_injected.values()) > 0
    # Sources edited between runs (the oracle follows them), documents posted and their sources edited after.
    assert figures.edits["pending sources edited"] >= 1 and figures.edits["lines deleted"] >= 1
    assert figures.edits["documents posted"] >= 1
    assert figures.total("duplicates") == 0
    assert figures.total("lost") == 0
    assert figures.total("stuck") == 0
    assert figures.total("unmarked_failures") == 0
    assert figures.total("orphans") == 0
    assert figures.total("wrong_totals") == 0
    assert figures.total("created") + figures.total("manifest_disagreements") >= figures.total("expected_created")
    assert figures.daily_limit_stopped, "a run stopped by the daily limit must say so"
    assert figures.daily_limit_problem is None
    # The independent oracle judged every source field by field and found nothing wrong.
    assert figures.oracle_total("judged") >= figures.total("expected_created")
    assert figures.oracle_total("wrong") == 0
    assert figures.oracle_total("missing") == 0
    assert figures.oracle_total("refusals") >= 5
    assert figures.oracle_total("false_export_errors") == 0
    assert figures.ok
    _the_oracle_sees_a_wrong_field(tmp_path)


def _the_oracle_sees_a_wrong_field(work_dir: Path) -> None:
    """One line's quantity changed behind the connector's back: the oracle names the line and field."""
    store = OrgStore(work_dir / "org.db")
    try:
        with store.transaction():
            line = "c2g__codaInvoiceLineItem__c"
            (row,) = store.connection.execute(
                f"SELECT {quote('Id')} FROM {quote(line)} ORDER BY {quote('Id')} DESC LIMIT 1"
            ).fetchall()
            store.connection.execute(
                f"UPDATE {quote(line)} SET {quote('c2g__Quantity__c')} = 9999 WHERE {quote('Id')} = ?",
                (row[0],),
            )
    finally:
        store.close()

    (sales,) = [v for v in judge_work_dir(work_dir, ("sales-invoices",))]
    assert sales.wrong == 1
    assert any("c2g__Quantity__c" in p and "9999" in p for p in sales.problems), sales.problems
