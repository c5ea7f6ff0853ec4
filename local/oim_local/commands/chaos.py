"""``oim-connector chaos``: faults, crashes and concurrent runs against a generated data set, then
the figures (documents, faults, crashes, duplicates, lost, stuck, wall time)."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from oim_local.console import emit

if TYPE_CHECKING:
    from collections.abc import Callable

    from oim_local.chaos.figures import OracleVerdict
    from oim_local.chaos.plan import ChaosPlan


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "chaos",
        help="prove no document is duplicated, lost or stuck under faults, crashes and concurrency",
        description="Generate documents, serve them from a local org in another process, inject faults, kill "
        "connector runs with SIGKILL, run flows concurrently, then check every source against its documents. "
        "Exit code 0 when nothing is duplicated, lost or stuck.",
    )
    parser.add_argument("--documents", type=int, default=1000, help="source documents over all flows (1000)")
    parser.add_argument("--lines", type=int, nargs=2, default=(1, 20), metavar=("MIN", "MAX"), help="lines (1 20)")
    parser.add_argument("--large-share", type=float, default=0.05,
                        help="share of sales invoices made large (0.05)")  # fmt: skip
    parser.add_argument("--large-lines", type=int, nargs=2, default=(260, 300), metavar=("MIN", "MAX"),
                        help="lines of a large document (260 300: over 500 nodes)")  # fmt: skip
    parser.add_argument("--nodes-per-graph", type=int, default=500, help="the connector's graph size (500)")
    parser.add_argument("--invalid-share", type=float, default=0.1, help="share invalid on purpose (0.1)")
    parser.add_argument("--fault-rate", type=float, default=0.1, help="share of requests that fail (0.1)")
    parser.add_argument("--latency-ms", type=int, default=2, help="latency added to every request (2)")
    parser.add_argument("--crashes", type=int, default=5, help="runs killed with SIGKILL (5)")
    parser.add_argument("--concurrent-runs", type=int, default=2, help="runs of a flow started together (2)")
    parser.add_argument("--daily-limit-after", type=int, default=6, help="requests before the daily limit (6; 0: off)")
    parser.add_argument("--edits", type=int, default=3,
                        help="pending sales invoices edited; exported ones posted, then edited (3)")  # fmt: skip
    parser.add_argument("--handler-documents", type=int, default=0,
                        help="documents and supplier sites run through the Lambda handlers too (0)")  # fmt: skip
    parser.add_argument("--handlers-only", action="store_true",
                        help="only the handler-level runs, on a data set of their own")  # fmt: skip
    parser.add_argument("--stale-claims", type=int, default=3, help="sources left 'Export in Process' (3)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--flows", nargs="+", help="flows to include (default: every implemented document flow)")
    parser.add_argument("--work-dir", type=Path, help="where data, the org and run logs go (default: a temp dir)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--judge", type=Path, metavar="WORK_DIR",
                        help="only judge a finished run's work dir against the independent oracle")  # fmt: skip
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from oim_local.chaos.harness import run_chaos
    from oim_local.chaos.plan import ChaosPlan

    if args.judge is not None:
        return _judge(args.judge, args.json)
    work_dir = args.work_dir or Path(tempfile.mkdtemp(prefix="oim-chaos-"))
    try:
        plan = ChaosPlan(
            work_dir=work_dir, documents=args.documents, lines=tuple(args.lines), invalid_share=args.invalid_share,
            fault_rate=args.fault_rate, latency_ms=args.latency_ms, crashes=args.crashes,
            concurrent_runs=args.concurrent_runs, daily_limit_after=args.daily_limit_after or None,
            stale_claims=args.stale_claims, edits=args.edits, seed=args.seed, handler_documents=args.handler_documents,
            flows=tuple(args.flows) if args.flows else None,
            large_share=args.large_share, large_lines=tuple(args.large_lines), nodes_per_graph=args.nodes_per_graph,
        )  # fmt: skip
    except ValidationError as error:
        problems = "; ".join(f"--{str(p['loc'][0]).replace('_', '-')}: {p['msg']} (given {p['input']!r:.40})"
                             if p["loc"] else str(p["msg"]) for p in error.errors())  # fmt: skip
        print(f"error: {problems}", file=sys.stderr)
        return 2
    say = lambda text: print(f"chaos: {text}", file=sys.stderr, flush=True)  # noqa: E731
    if args.handlers_only:
        return _handlers_only(plan, say, args.json)
    figures = run_chaos(plan, say=say)
    emit(figures.model_dump_json(indent=2) if args.json else figures.render())
    print(f"work dir: {work_dir}", file=sys.stderr)
    return 0 if figures.ok else 1


def _judge(work_dir: Path, as_json: bool) -> int:
    from oim_local.chaos.harness import judge_work_dir

    if not (work_dir / "ids.json").is_file():
        print(f"error: {work_dir} is not a chaos run's work dir (no ids.json): give its --work-dir", file=sys.stderr)
        return 2
    verdicts = judge_work_dir(work_dir)
    if as_json:
        emit("[" + ", ".join(v.model_dump_json() for v in verdicts) + "]")
    else:
        emit("\n".join(_judged_line(v) for v in verdicts))
    bad = sum(v.wrong + v.missing + v.false_export_errors for v in verdicts)
    return 0 if bad == 0 else 1


def _judged_line(v: OracleVerdict) -> str:
    head = (f"{v.flow}: {v.judged} judged ({v.documents} documents, {v.lines} lines, {v.refusals} refusals): "
            f"{v.right} right, {v.wrong} wrong ({v.wrong_fields} fields), {v.missing} missing, "
            f"{v.false_export_errors} false Export Errors")  # fmt: skip
    return "\n".join([head, *(f"  {p}" for p in v.problems[:10])])


def _handlers_only(plan: ChaosPlan, say: Callable[[str], None], as_json: bool) -> int:
    import time

    from oim_local.chaos.harness import run_handler_phase

    started = time.monotonic()
    figures = run_handler_phase(plan, say)
    emit(figures.model_dump_json(indent=2) if as_json else figures.render())
    print(f"wall time: {time.monotonic() - started:.1f} s; work dir: {plan.work_dir}", file=sys.stderr)
    return 0 if figures.ok else 1
