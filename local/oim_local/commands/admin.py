"""``oim-connector admin serve``: the admin API and page on http://127.0.0.1:PORT/admin/page,
served by the real admin handler against a local org and moto (the browser test uses it).

``POST /local/run/<flow>`` runs the flow as its schedule would (the local stand-in for
EventBridge Scheduler), so a changed setting can be seen to take effect in the next run.

Every request needs the random token printed at start: the printed page URL carries it
(``?token=``), which sets an HttpOnly, SameSite=Strict cookie for the page's own calls; other
clients send ``Authorization: Bearer <token>``. Host, Origin and JSON-only writes are checked
too (oim_local.local_guard), so no other web page can drive it.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import tempfile
import urllib.parse
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import parse_qs

import boto3
from oim_connector.model.flows import DOCUMENT_FLOWS, FlowId

from oim_local.console import UsageError, emit
from oim_local.local_guard import new_token, request_problem, same_token
from oim_local.runner import events
from oim_local.runner.aws import REGION
from oim_local.runner.environment import LocalEnvironment
from oim_local.sample import load_sample

SCHEDULE_GROUP = "oim-connector"
TOKEN_COOKIE = "oim_admin_token"  # noqa: S105 - the cookie's name, not a secret


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("admin", help="the admin API and page, locally")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    serve = actions.add_parser("serve", help="serve the admin page and API on 127.0.0.1 against a local org")
    serve.add_argument("--db", type=Path, help="local org database (default: a fresh one with the sample data)")
    serve.add_argument("--port", type=int, default=8400, help="port (0 picks a free one)")
    serve.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="oim-admin-") as scratch:
        db = args.db
        if db is not None and not db.exists():
            raise UsageError(f"{db} does not exist: load data first with 'oim-connector org load PLAN --db FILE', "
                             "or leave out --db for the sample data")  # fmt: skip
        if db is None:
            db = Path(scratch) / "org.db"
            load_sample(db)
        with LocalEnvironment(db, quiet=True) as env:
            _local_scheduler()
            token = new_token()
            server = HTTPServer(("127.0.0.1", args.port), _handler_for(env, token))
            # Stop on SIGINT or SIGTERM even when started in the background, where the shell
            # leaves SIGINT ignored (a test's or a script's `kill -INT` was lost and it served on).
            # Installed before the URL is printed, so a signal sent on reading it finds them.
            signal.signal(signal.SIGINT, _stop)
            signal.signal(signal.SIGTERM, _stop)
            try:
                emit(f"admin page: http://127.0.0.1:{server.server_port}/admin/page?token={token}")
                emit(f"admin token: {token} (send it as Authorization: Bearer <token>)")
                server.serve_forever()
            except KeyboardInterrupt:
                pass
            finally:
                server.server_close()
    return 0


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _local_scheduler() -> None:
    """The scheduler settings the stack gives the admin function, pointed at moto (this process
    serves until it ends, so the variables need no restoring)."""
    boto3.client("scheduler", region_name=REGION).create_schedule_group(Name=SCHEDULE_GROUP)
    arns = {f.value: f"arn:aws:lambda:{REGION}:123456789012:function:oim-connector-{f.value}" for f in DOCUMENT_FLOWS}
    os.environ["SCHEDULE_GROUP"] = SCHEDULE_GROUP
    os.environ["SCHEDULER_ROLE_ARN"] = "arn:aws:iam::123456789012:role/oim-connector-scheduler"
    os.environ["FLOW_FUNCTION_ARNS"] = json.dumps(arns)


def _handler_for(env: LocalEnvironment, token: str) -> type[BaseHTTPRequestHandler]:
    class AdminRequests(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._answer("GET")

        def do_PUT(self) -> None:
            self._answer("PUT")

        def do_POST(self) -> None:
            self._answer("POST")

        def do_DELETE(self) -> None:
            self._answer("DELETE")

        def _answer(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            path, _, query = self.path.partition("?")
            problem = request_problem(method, dict(self.headers.items()), port=int(self.connection.getsockname()[1]),
                                      scheme="http")  # fmt: skip
            if problem:
                self._send(
                    403, {"Content-Type": "application/json"}, json.dumps({"error": "FORBIDDEN", "message": problem})
                )
                return
            from_query: str | None = next(iter(parse_qs(query).get("token", [])), None)
            if not self._token_given(from_query):
                message = "This server needs the token printed when it started: open the printed admin page URL"
                self._send(
                    401, {"Content-Type": "application/json"}, json.dumps({"error": "UNAUTHORIZED", "message": message})
                )
                return
            cookie = {"Set-Cookie": f"{TOKEN_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/"} if from_query else {}
            body = raw.decode("utf-8", "surrogateescape") if raw else None
            if method == "POST" and path.startswith("/local/run/"):
                status, headers, text = _run(env, path.removeprefix("/local/run/"))
            else:
                event = events.api_event(method, path, body)
                # As API Gateway passes it (the reconciliation view asks ?period=...).
                event["queryStringParameters"] = dict(urllib.parse.parse_qsl(query)) or None
                answer = env.invoke("admin", event)
                status, headers, text = answer["statusCode"], answer.get("headers") or {}, answer.get("body") or ""
            self._send(status, {**headers, **cookie}, text)

        def _token_given(self, from_query: str | None) -> bool:
            bearer = (self.headers.get("Authorization") or "").removeprefix("Bearer ").strip() or None
            jar = SimpleCookie(self.headers.get("Cookie") or "")
            from_cookie = jar[TOKEN_COOKIE].value if TOKEN_COOKIE in jar else None
            return any(same_token(given, token) for given in (from_query, bearer, from_cookie))

        def _refuse(self, status: int, code: str, message: str) -> None:
            self._send(status, {"Content-Type": "application/json"}, json.dumps({"error": code, "message": message}))

        def _send(self, status: int, headers: dict[str, Any], text: str) -> None:
            data = text.encode("utf-8", "backslashreplace")
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() != "content-length":
                    self.send_header(name, str(value))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return  # the page polls; keep the terminal for the URL

    return AdminRequests


def _run(env: LocalEnvironment, flow_name: str) -> tuple[int, dict[str, str], str]:
    try:
        flow = FlowId(flow_name)
    except ValueError:
        return 404, {"Content-Type": "application/json"}, json.dumps({"message": f"no flow {flow_name[:40]}"})
    report = env.invoke(flow.python_name, events.schedule_event(flow.value))
    return 200, {"Content-Type": "application/json"}, json.dumps(report)
