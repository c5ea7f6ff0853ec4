"""``oim-connector reconcile-bench``: the month-end reconciliation on a generated month with drift."""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from oim_local.console import emit
from oim_local.drift.bench import run_drift_bench


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "reconcile-bench",
        help="`make reconcile-bench`: drift injected into an exported month, found by the reconciliation",
        description="Generates a month of OIM documents, exports them with the connector, injects every kind "
        "of drift, reconciles with the org in its own process and reports cases found, false findings, "
        "API requests against the read bound and the connector's CPU time. Exit status 1 when a target is missed.",
    )
    parser.add_argument("--documents", type=int, default=10_000, help="documents in the month (default 10,000)")
    parser.add_argument("--per-kind", type=int, default=50, help="drift cases of each kind (default 50)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work-dir", type=Path, help="keep the data and the org here (default: a temporary dir)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.set_defaults(handler=_bench)


def _bench(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="oim-reconcile-") as scratch:
        figures = run_drift_bench(
            args.work_dir or Path(scratch), documents=args.documents, per_kind=args.per_kind, seed=args.seed
        )
    if args.json:
        emit(
            json.dumps(
                {
                    "documents": figures.documents,
                    "exported": figures.exported,
                    "cases": figures.verdict.cases,
                    "missed": len(figures.verdict.missed),
                    "falseFindings": len(figures.verdict.false_findings),
                    "findings": figures.verdict.findings,
                    "requests": figures.requests,
                    "readBound": figures.read_bound,
                    "requestsOverBound": round(figures.requests_over_bound, 3),
                    "rowsRead": figures.rows_read,
                    "cpuSeconds": round(figures.cpu_seconds, 2),
                    "wallSeconds": round(figures.wall_seconds, 2),
                    "peakMemoryMb": round(figures.peak_memory_mb, 1),
                    "withinTargets": figures.within_targets,
                },
                indent=2,
            )
        )
    else:
        emit(figures.describe())
    return 0 if figures.within_targets else 1
