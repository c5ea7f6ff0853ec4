"""The bench's ratios: what the connector saved against the baseline, and the most any client could."""

from __future__ import annotations

import pytest
from oim_local.bench.bounds import lower_bound, lower_bound_in_batches
from oim_local.bench.figures import FlowFigures, RunFigures, VolumeRun


def run(documents: int, requests: int, seconds: float) -> RunFigures:
    return RunFigures(documents=documents, created=documents, failed=0, api_requests=requests,
                      requests_by_kind={}, wall_seconds=seconds)  # fmt: skip


def test_site_changes_in_batches_of_ten_cannot_save_more_than_the_bound_allows() -> None:
    bound = lower_bound_in_batches([10] * 100, graphs=1000, nodes=2000)
    flow = FlowFigures(flow="vendor-accounts", implemented=True, bound=bound,
                       connector=run(1000, 200, 30.0), baseline=run(1000, 5000, 510.0))  # fmt: skip

    assert (bound.reads, bound.writes) == (100, 100)
    assert flow.requests_over_bound() == 1.0
    assert flow.baseline_request_ratio() == flow.best_request_ratio() == 25.0
    assert flow.baseline_time_ratio() == pytest.approx(17.0)


def test_a_batch_past_the_graph_limit_needs_a_second_write() -> None:
    assert lower_bound_in_batches([80], graphs=80, nodes=160).writes == 2  # 75 graphs a request
    assert lower_bound_in_batches([10, 3], graphs=13, nodes=26).requests == 4


def _volume(exported: int, documents: int = 100_000, peak_mb: float = 137.3) -> VolumeRun:
    return VolumeRun(flow="sales-invoices", documents=documents, continuations=2, wall_seconds=736.0,
                     peak_memory_mb=peak_mb, limit_mb=256, api_requests=2149, requests_by_kind={},
                     bound=lower_bound(600_000, 74_000, 910_056), latency_ms_per_request=0, latency_ms_per_record=0,
                     exported=exported, refused=0, exported_without_document=0, accounting_documents=exported,
                     distinct_external_ids=exported)  # fmt: skip


def test_a_volume_run_that_left_documents_behind_says_so() -> None:
    assert _volume(exported=74_000).problems() == ["26000 documents were neither exported nor refused"]
    assert _volume(exported=100_000).problems() == []
    assert _volume(exported=100_000, peak_mb=300.0).problems() == ["peak memory 300.0 MB is over 256 MB"]
