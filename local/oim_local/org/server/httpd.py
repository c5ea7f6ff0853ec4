"""HTTPS on 127.0.0.1: a threading HTTP/1.1 server (keep-alive) that hands each request to
``OrgApp``. The TLS handshake runs in the connection's own thread, so a slow client cannot
hold up the accept loop."""

from __future__ import annotations

import contextlib
import json
import socket
import ssl
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from oim_local.local_guard import request_problem
from oim_local.org.server.app import OrgApp
from oim_local.org.server.wire import ApiRequest

LOOPBACK = "127.0.0.1"
_HANDSHAKE_TIMEOUT_SECONDS = 10.0
_IDLE_TIMEOUT_SECONDS = 120.0


class OrgHttpServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, port: int, ssl_context: ssl.SSLContext) -> None:
        super().__init__((LOOPBACK, port), _RequestHandler)
        self.ssl_context = ssl_context
        self.app: OrgApp | None = None

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def finish_request(self, request: Any, client_address: Any) -> None:
        plain: socket.socket = request
        plain.settimeout(_HANDSHAKE_TIMEOUT_SECONDS)
        try:
            tls = self.ssl_context.wrap_socket(plain, server_side=True)
        except (ssl.SSLError, OSError):
            return  # a failed handshake (e.g. an untrusting client) ends only this connection
        try:
            _RequestHandler(tls, client_address, self)
        finally:
            tls.close()


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, delayed ACKs held each answer ~40 ms.
    disable_nagle_algorithm = True
    timeout = _IDLE_TIMEOUT_SECONDS
    server: OrgHttpServer

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self) -> None:
        app = self.server.app
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        if app is None:
            self.send_error(503)
            return
        problem = request_problem(self.command, dict(self.headers.items()), port=self.server.port, scheme="https",
                                  json_writes=False)  # fmt: skip
        if problem:
            self._refuse(problem)
            return
        request = ApiRequest.build(self.command, self.path, dict(self.headers.items()), body)
        response = app.handle(request)
        if response.drop_connection:
            # The work is done; the client never hears about it.
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        payload = response.encoded_body()
        self.send_response(response.status)
        if response.body is not None:
            self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def _refuse(self, message: str) -> None:
        payload = json.dumps([{"errorCode": "FORBIDDEN", "message": message}]).encode("utf-8")
        self.send_response(403)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        # Quiet by default: request lines would flood test output and the CLI's stdout.
        return
