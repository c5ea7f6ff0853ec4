"""``oim-connector org load`` and ``org export``: tree-format data in and out of a local org."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from oim_local.commands._org_group import get_org_subparsers
from oim_local.console import UsageError, emit


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    org = get_org_subparsers(subparsers)
    load = org.add_parser("load", help="load plan files (sf data import tree format) into a local org")
    load.add_argument("plans", nargs="+", type=Path, metavar="PLAN.json", help="plan or data files")
    load.add_argument("--db", required=True, type=Path, help="the local org's SQLite file (created if new)")
    load.add_argument(
        "--ignore-unknown-fields",
        action="store_true",
        help="drop fields the local org's data model does not have (each is listed) instead of refusing the load",
    )
    load.set_defaults(handler=run_load)

    export = org.add_parser("export", help="export a local org's records (sf data export tree format)")
    export.add_argument("--db", required=True, type=Path, help="the local org's SQLite file")
    export.add_argument("--out", required=True, type=Path, help="directory to write the JSON files to")
    export.add_argument("--plan", action="store_true", help="write plan.json and @reference lookups")
    export.set_defaults(handler=run_export)


def run_load(args: argparse.Namespace) -> int:
    from oim_local.org.store import OrgStore
    from oim_local.org.tree import TreeLoadError, load_plans

    for plan in args.plans:
        if not Path(plan).is_file():
            raise UsageError(f"{plan}: no such file: check the path")
    store = OrgStore(args.db)
    try:
        report = load_plans(store, args.plans, ignore_unknown_fields=args.ignore_unknown_fields)
    except TreeLoadError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        store.close()
    for sobject, count in report.counts.items():
        emit(f"{sobject}: {count}")
    if report.system_fields_dropped:
        names = ", ".join(report.system_fields_dropped)
        emit(f"system fields set by the org, not loaded: {names}")
    if report.unknown_fields_dropped:
        names = ", ".join(f"{name} ({count})" for name, count in report.unknown_fields_dropped.items())
        emit(f"unknown fields dropped (--ignore-unknown-fields): {names}")
    emit(f"loaded {report.total} records into {args.db}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from oim_local.org.store import OrgStore
    from oim_local.org.tree import export_tree

    if not args.db.exists():
        raise UsageError(f"{args.db} does not exist: give the SQLite file of a local org")
    store = OrgStore(args.db)
    try:
        paths = export_tree(store, args.out, as_plan=args.plan)
    finally:
        store.close()
    for path in paths:
        emit(path)
    return 0
