"""``oim-connector bench``: the connector against a per-record baseline on generated data."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from oim_local.console import EXIT_FAILED, EXIT_OK, UsageError, emit, err, progress


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="benchmark: API requests per document, throughput, memory, cold start",
        description="Run every implemented document flow on generated data against a local org with a latency "
        "model, beside a one-request-per-record baseline; print both and their ratios and write them as JSON.",
    )
    parser.add_argument("--documents", type=int, default=1000, help="documents per flow (default 1000)")
    parser.add_argument("--lines", type=int, default=5, help="lines per sales and payable invoice (default 5)")
    parser.add_argument("--latency-ms", type=int, default=100, help="latency per API request (default 100)")
    parser.add_argument("--record-latency-ms", type=int, default=2, help="latency per record written (default 2)")
    parser.add_argument(
        "--baseline-documents",
        type=int,
        default=50,
        help="documents the baseline runs (its wall time is scaled to the whole set; 0 skips it; default 50)",
    )
    parser.add_argument("--no-competent", action="store_true", help="skip the competent client (collections of 200)")
    parser.add_argument("--flows", nargs="+", metavar="FLOW", help="only these flows")
    parser.add_argument("--no-memory", action="store_true", help="skip the traced memory pass")
    parser.add_argument(
        "--memory-documents",
        type=int,
        default=0,
        help="also run this many sales invoices with the org in its own process and report the connector's traced "
        "peak memory against 256 MB (the issue asks for 10000; default 0 skips it)",
    )
    parser.add_argument("--cold-start-runs", type=int, default=3, help="imports per handler (0 skips; default 3)")
    parser.add_argument("--work-dir", type=Path, help="where data and org copies go (default: a temporary directory)")
    parser.add_argument(
        "--out", type=Path, default=Path("bench.json"), help="write the figures here (default bench.json)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of tables")
    parser.set_defaults(handler=_run)
    volume = subparsers.add_parser(
        "bench-volume",
        help="one scheduled run at volume through its continuations: duplicates, missing, requests, memory, wall",
        description="Generate DOCUMENTS source documents of one flow, run the flow's schedule through the real "
        "handler (the org in its own process, a short Lambda budget so the run goes through continuations), then "
        "read the org back: no duplicate, none missing, requests against the lower bound, peak memory, wall time.",
    )
    volume.add_argument("--documents", type=int, default=100_000, help="source documents (default 100000)")
    volume.add_argument("--flow", default="sales-invoices", help="the flow (default sales-invoices)")
    volume.add_argument("--lines", type=int, default=5, help="lines per invoice (default 5)")
    volume.add_argument("--latency-ms", type=int, default=0, help="latency per API request (default 0)")
    volume.add_argument("--record-latency-ms", type=int, default=0, help="latency per record written (default 0)")
    volume.add_argument(
        "--timeout-seconds",
        type=float,
        default=300.0,
        help="the Lambda budget of each invocation (default 300: continuations every ~4 minutes)",
    )
    volume.add_argument("--work-dir", type=Path, help="where data and the org go (default: a temporary directory)")
    volume.add_argument(
        "--out", type=Path, default=Path("bench-volume.json"), help="figures (default bench-volume.json)"
    )
    volume.set_defaults(handler=_run_volume)


def _run_volume(args: argparse.Namespace) -> int:
    from oim_connector.model.flows import parse_flow

    from oim_local.bench.render import render_volume
    from oim_local.bench.volume import run_volume

    try:
        flow = parse_flow(args.flow)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if args.documents < 1:
        raise UsageError(f"--documents {args.documents}: give at least 1")
    if args.timeout_seconds <= 60:
        raise UsageError(f"--timeout-seconds {args.timeout_seconds}: give more than 60 (the safety margin)")
    with tempfile.TemporaryDirectory(prefix="oim-bench-volume-") as scratch:
        err().print(f"... generating {args.documents} documents and running {flow.value} through continuations",
                    soft_wrap=True)  # fmt: skip
        figures = run_volume(Path(args.work_dir or scratch), documents=args.documents, flow=flow,
                             lines_per_invoice=args.lines, latency_ms=args.latency_ms,
                             latency_ms_per_record=args.record_latency_ms,
                             timeout_seconds=args.timeout_seconds)  # fmt: skip
    args.out.write_text(figures.model_dump_json(indent=2) + "\n", encoding="utf-8")
    emit(render_volume(figures))
    if figures.problems():
        err().print(f"error: {'; '.join(figures.problems())}", soft_wrap=True)
        return EXIT_FAILED
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    from oim_connector.model.flows import parse_flow

    from oim_local.bench.render import render
    from oim_local.bench.runner import BENCHED_FLOWS, BenchOptions, run_bench

    try:
        flows = tuple(parse_flow(name) for name in args.flows) if args.flows else BENCHED_FLOWS
    except ValueError as error:
        raise UsageError(str(error)) from None
    if args.documents < 1:
        raise UsageError(f"--documents {args.documents}: give at least 1")
    with tempfile.TemporaryDirectory(prefix="oim-bench-") as scratch:
        options = BenchOptions(
            work_dir=args.work_dir or Path(scratch),
            documents=args.documents,
            lines_per_invoice=args.lines,
            latency_ms_per_request=args.latency_ms,
            latency_ms_per_record=args.record_latency_ms,
            baseline_documents=args.baseline_documents,
            flows=flows,
            memory=not args.no_memory,
            cold_start_runs=args.cold_start_runs,
            memory_documents=args.memory_documents,
            competent=not args.no_competent,
        )
        report = run_bench(
            options,
            progress=lambda message: err().print(f"... {message}", soft_wrap=True),
            counter=lambda description, total: progress(description, total, unit="documents"),
        )
    args.out.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    if args.json:
        emit(report.model_dump_json(indent=2))
        return EXIT_OK
    emit(render(report))
    err().print(f"figures written to {args.out}", soft_wrap=True)
    return EXIT_OK
