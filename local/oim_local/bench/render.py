"""The benchmark as a text table: connector and baseline side by side, with their ratios."""

from __future__ import annotations

from oim_local.bench.figures import BenchReport, FlowFigures, RunFigures, VolumeRun


def _number(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}x"


def _target_ratio(value: float | None) -> str:
    """Two decimals where a figure is held against a target: 2.96x must not print as 3.0x."""
    return "-" if value is None else f"{value:.2f}x"


def _run_rows(label: str, run: RunFigures) -> list[str]:
    scaled = f" (wall scaled from {run.extrapolated_from} documents)" if run.extrapolated_from else ""
    return [
        f"  {label:<10} requests {run.api_requests:>7}  per document {run.requests_per_document:>8.4f}  "
        f"docs/s {run.documents_per_second:>8.1f}  wall {run.wall_seconds:>8.1f} s  "
        f"peak {_number(run.peak_memory_mb, 1)} MB  created {run.created} failed {run.failed}{scaled}",
        f"  {'':<10} by kind {dict(sorted(run.requests_by_kind.items()))}",
    ]


def _flow_rows(flow: FlowFigures) -> list[str]:
    if not flow.implemented or flow.connector is None:
        return [f"{flow.flow}: {flow.note or 'not run'}"]
    rows = [f"{flow.flow}: {flow.connector.documents} documents"]
    if flow.bound is not None:
        bound = flow.bound
        per_doc = bound.requests / flow.connector.documents
        rows.append(
            f"  lower bound {bound.requests} requests ({bound.reads} reads of {bound.rows} rows, {bound.writes} "
            f"writes of {bound.nodes} nodes in {bound.graphs} graphs) = {per_doc:.4f} per document"
        )
    if flow.note:
        rows.append(f"  note       {flow.note}")
    if flow.floor is not None:
        f = flow.floor
        rows.append(
            f"  floor      {f.seconds:.1f} s = {f.latency_ms_per_request} ms first read + max(all {f.bound_requests} "
            f"requests' latency {f.all_requests_seconds:.1f} s / {f.max_in_flight} in flight, heaviest of "
            f"{f.lock_keys} lock keys {f.heaviest_key_seconds:.1f} s = {f.heaviest_key_requests} requests x "
            f"{f.latency_ms_per_request} ms + {f.heaviest_key_nodes} records x {f.latency_ms_per_record} ms)"
        )
    rows += _run_rows("connector", flow.connector)
    if flow.competent is not None:
        rows += _run_rows("competent", flow.competent)
    if flow.baseline is not None:
        rows += _run_rows("baseline", flow.baseline)
    if flow.floor is not None or flow.competent is not None:
        rows.append(
            f"  targets    requests/bound {_target_ratio(flow.requests_over_bound())} (<= 1.1x)   wall/floor "
            f"{_target_ratio(flow.wall_over_floor())} (<= 1.25x)   competent/connector requests "
            f"{_target_ratio(flow.competent_request_ratio())} (>= 2x), wall "
            f"{_target_ratio(flow.competent_time_ratio())} (>= 3x)"
        )
    rows.append(
        f"  ratios     connector/bound {_ratio(flow.requests_over_bound())} (target <= 1.25x)   "
        f"baseline/connector requests {_ratio(flow.baseline_request_ratio())} (target >= 100x; "
        f"{_ratio(flow.best_request_ratio())} at the bound)   "
        f"wall time {_ratio(flow.baseline_time_ratio())} (target >= 20x)"
    )
    return rows


def render(report: BenchReport) -> str:
    s = report.settings
    lines = [
        f"bench: {s.documents} documents per flow, {s.lines_per_invoice} lines per invoice; latency "
        f"{s.latency_ms_per_request} ms a request + {s.latency_ms_per_record} ms a record written; "
        f"max_parallel_requests {s.max_parallel_requests}; baseline over {s.baseline_documents} documents",
        "",
    ]
    for flow in report.flows:
        lines += [*_flow_rows(flow), ""]
    if report.volume_memory is not None:
        v = report.volume_memory
        verdict = "within" if v.within_limit else "OVER"
        lines += [
            f"memory at volume ({v.flow}, org in its own process): {v.documents} documents, exported {v.exported} "
            f"refused {v.refused}, connector peak {v.peak_memory_mb:.1f} MB ({verdict} {v.limit_mb} MB), "
            f"wall {v.wall_seconds:.1f} s",
            "",
        ]
    if report.cold_starts:
        lines.append("cold start (handler import, fresh interpreter, median of wall and CPU time; target < 150 ms):")
        lines += [f"  {c.function:<22} {c.import_ms:>7.1f} ms wall {_number(c.import_cpu_ms, 1):>7} ms CPU"
                  for c in report.cold_starts]  # fmt: skip
    return "\n".join(lines)


def render_volume(v: VolumeRun) -> str:
    b = v.bound
    verdict = "within" if v.peak_memory_mb < v.limit_mb else "OVER"
    return "\n".join([
        f"volume: {v.flow}, {v.documents} documents in one scheduled run and {v.continuations} continuations; "
        f"latency {v.latency_ms_per_request} ms a request + {v.latency_ms_per_record} ms a record",
        f"  exported {v.exported}  refused {v.refused}  accounting documents {v.accounting_documents}  "
        f"duplicates {v.duplicates}  missing {v.missing}",
        f"  requests {v.api_requests} against a lower bound of {b.requests} ({b.reads} reads of {b.rows} rows, "
        f"{b.writes} writes of {b.nodes} nodes in {b.graphs} graphs) = {v.requests_over_bound():.3f}x (target <= 1.1x)",
        f"  by kind {dict(sorted(v.requests_by_kind.items()))}",
        f"  peak memory {v.peak_memory_mb:.1f} MB ({verdict} {v.limit_mb} MB)  wall {v.wall_seconds:.1f} s "
        f"({v.documents / v.wall_seconds if v.wall_seconds else 0:.1f} documents/s)",
    ])  # fmt: skip
