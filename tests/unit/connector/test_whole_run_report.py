"""A run handed over by continuations is reported as one: totals summed, earlier failures carried."""

from __future__ import annotations

from oim_connector.model.report import (
    MAX_CARRIED_FAILURES,
    Outcome,
    RunReport,
    SourceResult,
    carry,
    whole_run,
)


def part(run_id: str, created: int, failed: int, requests: int) -> RunReport:
    report = RunReport(flow="sales-invoices", trigger="schedule", run_id=run_id, api_requests=requests)
    for n in range(created):
        report.add(SourceResult(source_id=f"{run_id}-ok-{n}", outcome=Outcome.CREATED))
    for n in range(failed):
        report.add(SourceResult(source_id=f"{run_id}-bad-{n}", outcome=Outcome.FAILED, errors=["x" * 2000]))
    return report


def test_the_last_part_reports_the_whole_run() -> None:
    earlier = carry(carry(None, part("nightly", 10, 2, 3)), part("nightly:1", 10, 1, 2))

    whole = whole_run(earlier, part("nightly:2", 5, 0, 2))

    assert whole.run_id == "nightly" and earlier.parts == 2
    assert (whole.counts.created, whole.counts.failed, whole.api_requests) == (25, 3, 7)
    failed = [r.source_id for r in whole.results if r.outcome == Outcome.FAILED]
    assert failed == ["nightly-bad-0", "nightly-bad-1", "nightly:1-bad-0"]
    assert all(len(e) <= 500 for r in whole.results for e in r.errors)


def test_a_continuation_carries_a_bounded_number_of_failures_and_counts_the_rest() -> None:
    earlier = carry(None, part("nightly", 0, MAX_CARRIED_FAILURES + 7, 1))
    earlier = carry(earlier, part("nightly:1", 0, 3, 1))

    assert len(earlier.failures) == MAX_CARRIED_FAILURES
    assert earlier.failures_not_carried == 10
    assert earlier.counts.failed == MAX_CARRIED_FAILURES + 10
    assert len(earlier.model_dump_json(by_alias=True)) < 64_000  # well inside an SQS message
