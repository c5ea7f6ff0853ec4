"""``oim-connector invoke FUNCTION --event FILE``: invoke a handler as ``sam local invoke`` would,
against the local org and moto, in this process."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from oim_connector.settings_store import parse_settings

from oim_local.console import emit
from oim_local.runner.environment import LocalEnvironment
from oim_local.runner.handlers import function_names
from oim_local.sample import load_sample


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "invoke",
        help="invoke a handler with an event, against the local org and moto",
        description="Invoke functions/<FUNCTION>/app.py with an event file, as SAM would, on this machine.",
    )
    parser.add_argument("function", choices=function_names())
    parser.add_argument("--event", type=Path, required=True, help="event JSON file (see events/)")
    parser.add_argument("--db", type=Path, help="local org database (default: a fresh one with the sample data)")
    parser.add_argument("--settings", type=Path, help="connector settings JSON")
    parser.set_defaults(handler=_invoke)


def _invoke(args: argparse.Namespace) -> int:
    try:
        event = json.loads(args.event.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"error: cannot read the event {args.event}: {error}", file=sys.stderr)
        return 2
    settings = parse_settings(args.settings.read_text(encoding="utf-8")) if args.settings else None
    with tempfile.TemporaryDirectory(prefix="oim-invoke-") as scratch:
        db = args.db
        if db is None:
            db = Path(scratch) / "org.db"
            load_sample(db)
        with LocalEnvironment(db, settings=settings) as env:
            result = env.invoke(args.function, event)
    emit(json.dumps(result, indent=2, default=str))
    return 0
