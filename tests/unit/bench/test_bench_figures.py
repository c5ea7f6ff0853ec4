"""The bench's ratios: what the connector saved against the baseline, and the most any client could."""

from __future__ import annotations

import pytest
from oim_local.bench.bounds import lower_bound_in_batches
from oim_local.bench.figures import FlowFigures, RunFigures


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
