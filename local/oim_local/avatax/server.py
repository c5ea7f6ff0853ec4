"""Serve the stand-in over HTTPS on 127.0.0.1 with the same kind of self-signed certificate as
the local org, plus a local-only control path (/_local/...) for state and faults."""

from __future__ import annotations

import json
import secrets
import socket
import ssl
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import TracebackType
from typing import Any

from oim_local.avatax.service import Answer, AvaTaxService, Fault, error
from oim_local.org.server.httpd import OrgHttpServer
from oim_local.org.server.tls import ensure_certificate, server_context

CONTROL_PREFIX = "/_local/"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = 60
    server: _AvaTaxHttpServer

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > 1_000_000:
            answer = error(413, "RequestTooLarge", "The request body is larger than 1 MB", number=413)
        else:
            body = self.rfile.read(length) if length > 0 else b""
            headers = dict(self.headers.items())
            if self.path.startswith(CONTROL_PREFIX):
                answer = self.server.control(self.command, self.path, headers, body)
            else:
                answer = self.server.service.handle(self.command, self.path, headers, body)
        payload = json.dumps(answer.body).encode() if answer.body is not None else b""
        self.send_response(answer.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        # AvaTax answers every request with a correlation id (the SDK's logger reads it).
        self.send_header("x-correlation-id", str(uuid.uuid4()))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        return


class _AvaTaxHttpServer(OrgHttpServer):
    def __init__(self, port: int, context: Any, service: AvaTaxService, control_token: str) -> None:
        super().__init__(port, context)
        self.service = service
        self.control_token = control_token

    def finish_request(self, request: Any, client_address: Any) -> None:
        plain: socket.socket = request
        plain.settimeout(10.0)
        try:
            tls = self.ssl_context.wrap_socket(plain, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            _Handler(tls, client_address, self)
        finally:
            tls.close()

    def control(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
        token = next((v for k, v in headers.items() if k.lower() == "x-local-control-token"), "")
        if not secrets.compare_digest(token, self.control_token):
            return error(403, "AuthorizationException", "The control path needs X-Local-Control-Token", number=-1)
        if method == "GET" and path == CONTROL_PREFIX + "state":
            return Answer(200, self.service.state())
        if method == "POST" and path == CONTROL_PREFIX + "faults":
            try:
                data = json.loads(body or b"{}")
                fault = Fault(status=int(data.get("status", 503)), times=int(data.get("times", 1)),
                              match=str(data.get("match", "")))  # fmt: skip
            except (ValueError, TypeError, AttributeError):
                return error(400, "InvalidJson", 'Send {"status": 503, "times": 1, "match": "commit"}', number=12)
            self.service.add_fault(fault)
            return Answer(200, {"faults": len(self.service.faults)})
        return error(404, "EntityNotFoundError", f"No such control endpoint: {method} {path}", number=4)


@dataclass
class RunningAvaTax:
    """A serving stand-in. Use ``url`` as the SDK's environment and trust ``ca_cert``."""

    url: str
    ca_cert: Path
    account_id: str
    license_key: str
    control_token: str
    service: AvaTaxService
    _server: _AvaTaxHttpServer = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def secret(self, company_code: str = "DEFAULT") -> dict[str, Any]:
        """The Avalara secret's JSON that points the connector at this stand-in."""
        return {"account_id": self.account_id, "license_key": self.license_key, "environment": self.url,
                "ca_bundle": self.ca_cert.read_text(encoding="utf-8")}  # fmt: skip

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> RunningAvaTax:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self.stop()


def start_avatax(tls_base: Path, *, port: int = 0, company_codes: frozenset[str] = frozenset({"DEFAULT"}),
                 account_id: str = "2000134479") -> RunningAvaTax:  # fmt: skip
    """Start the stand-in on 127.0.0.1 (``port`` 0: any free port); its certificate lives beside ``tls_base``."""
    files = ensure_certificate(tls_base)
    license_key = secrets.token_hex(16)
    service = AvaTaxService(account_id=account_id, license_key=license_key, company_codes=company_codes)
    control_token = secrets.token_urlsafe(24)
    server = _AvaTaxHttpServer(port, server_context(files), service, control_token)
    thread = threading.Thread(target=server.serve_forever, name="avatax-stand-in", daemon=True)
    thread.start()
    return RunningAvaTax(url=f"https://127.0.0.1:{server.port}", ca_cert=files.cert, account_id=account_id,
                         license_key=license_key, control_token=control_token, service=service, _server=server,
                         _thread=thread)  # fmt: skip
