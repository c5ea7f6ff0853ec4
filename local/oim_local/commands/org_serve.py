"""``oim-connector org serve``: serve a local org over HTTPS on 127.0.0.1 until SIGINT/SIGTERM.

It prints exactly three lines, flushed, so another process can read how to reach it:
``instance_url: ...``, ``token: ...`` and ``ca_cert: ...``.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from oim_local.commands._org_group import get_org_subparsers
from oim_local.console import emit


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    org = get_org_subparsers(subparsers)
    serve = org.add_parser("serve", help="serve a local org's REST API over HTTPS on 127.0.0.1")
    serve.add_argument("--db", required=True, type=Path, help="the local org's SQLite file (created if new)")
    serve.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    serve.add_argument("--token", help="the bearer token to accept (default: a new random one)")
    serve.add_argument("--latency-ms", type=int, default=0, help="latency added to every API request")
    serve.add_argument("--latency-ms-per-record", type=int, default=0, help="latency added per record written")
    serve.add_argument("--fault-rate", type=float, default=0.0, help="chance (0..1) that a request fails")
    serve.add_argument("--fault-seed", type=int, default=0, help="seed of the fault generator")
    serve.add_argument("--faults", default="", help="fault kinds, comma-separated (default: all kinds)")
    serve.add_argument("--daily-limit", type=int, default=5_000_000, help="API requests allowed per day")
    serve.add_argument("--client-id", help="OAuth client id accepted by /services/oauth2/token")
    serve.add_argument("--client-secret", help="OAuth client secret for the client credentials flow")
    serve.add_argument("--jwt-public-key", type=Path, help="PEM public key or certificate for the JWT flow")
    serve.add_argument("--jwt-username", help="the user a JWT assertion must name in sub")
    serve.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    from oim_local.org.runtime import start_local_org
    from oim_local.org.server.faults import FaultKind, FaultPlan, parse_fault_kinds

    try:
        plan = FaultPlan(
            seed=args.fault_seed,
            rate=args.fault_rate,
            kinds=parse_fault_kinds(args.faults) if args.faults else tuple(FaultKind),
            latency_ms_per_request=args.latency_ms,
            latency_ms_per_record=args.latency_ms_per_record,
        )
        jwt_key = args.jwt_public_key.read_bytes() if args.jwt_public_key else None
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    org = start_local_org(
        args.db,
        port=args.port,
        token=args.token,
        faults=plan,
        daily_limit=args.daily_limit,
        client_id=args.client_id,
        client_secret=args.client_secret,
        jwt_public_key_pem=jwt_key,
        jwt_username=args.jwt_username,
    )
    try:
        emit(f"instance_url: {org.instance_url}")
        emit(f"token: {org.token}")
        emit(f"ca_cert: {org.ca_cert.resolve()}")
        while not stop.wait(1.0):
            pass
    finally:
        org.stop()
    return 0
