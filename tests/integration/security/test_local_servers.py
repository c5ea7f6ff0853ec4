"""Attack: a web page the user visits drives the local servers on 127.0.0.1. A cross-origin
text/plain POST ran a flow and created documents; a DNS-rebinding Host was answered. Now
`admin serve` needs the token it prints, and both servers check Host and Origin."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from oim_local.org.runtime import RunningOrg

from tests.integration.local_org.conftest import org, trusting_session  # noqa: F401 - the org fixture
from tests.integration.local_org.test_org_serve_command import read_lines

pytestmark = pytest.mark.integration
RUN = "/local/run/sales-invoices"


@pytest.fixture(scope="module")
def admin_serve() -> Iterator[tuple[str, str]]:
    command = [sys.executable, "-m", "oim_local.cli", "admin", "serve", "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        lines = read_lines(process.stdout, 2, timeout=120)
        match = re.search(r"(http://127\.0\.0\.1:\d+)/admin/page\?token=(\S+)", lines[0] if lines else "")
        assert match, f"admin serve did not start: {lines}"
        assert lines[1].startswith(f"admin token: {match.group(2)}")
        yield match.group(1), match.group(2)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def _http(method: str, url: str, **kwargs: Any) -> requests.Response:
    with requests.Session() as session:
        session.trust_env = False
        return session.request(method, url, timeout=120, **kwargs)


def test_a_cross_origin_text_plain_post_changes_nothing(admin_serve: tuple[str, str]) -> None:
    base, token = admin_serve
    # What a hostile page's <form enctype="text/plain"> or fetch(no-cors) sends: no token (the
    # SameSite=Strict cookie stays home), its own Origin, text/plain.
    page = {"Origin": "https://evil.example", "Content-Type": "text/plain"}
    assert _http("POST", base + RUN, headers=page, data="x").status_code == 403
    # Even with the token, a simple (non-JSON) write is refused.
    simple = {"Authorization": f"Bearer {token}", "Content-Type": "text/plain"}
    refused = _http("POST", base + RUN, headers=simple, data="x")
    assert refused.status_code == 403 and "Content-Type: application/json" in refused.json()["message"]

    json_headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    report = _http("POST", base + RUN, headers=json_headers).json()
    created = [r for r in report["results"] if r["documents"]]
    assert created, "the refused requests ran the flow: nothing was left for the real run"


def test_every_request_needs_the_printed_token(admin_serve: tuple[str, str]) -> None:
    base, token = admin_serve
    refused = _http("GET", base + "/admin/settings")
    assert refused.status_code == 401 and "token printed when it started" in refused.json()["message"]
    assert _http("GET", base + "/admin/settings", headers={"Authorization": "Bearer wrong"}).status_code == 401

    page = _http("GET", f"{base}/admin/page?token={token}")
    assert page.status_code == 200
    cookie = page.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    name_value = cookie.split(";", 1)[0]
    assert _http("GET", base + "/admin/settings", headers={"Cookie": name_value}).status_code == 200


def test_a_dns_rebinding_host_or_a_foreign_origin_is_refused_by_admin_serve(admin_serve: tuple[str, str]) -> None:
    base, token = admin_serve
    port = base.rsplit(":", 1)[1]
    auth = {"Authorization": f"Bearer {token}"}
    rebound = _http("GET", base + "/admin/settings", headers={**auth, "Host": f"attacker.example:{port}"})
    assert rebound.status_code == 403 and "is not this server" in rebound.json()["message"]
    foreign = _http("GET", base + "/admin/settings", headers={**auth, "Origin": "http://attacker.example"})
    assert foreign.status_code == 403
    assert _http("GET", base + "/admin/settings", headers={**auth, "Host": f"localhost:{port}"}).status_code == 200


def test_the_local_org_refuses_a_rebound_host_and_a_foreign_origin(org: RunningOrg) -> None:  # noqa: F811
    port = org.instance_url.rsplit(":", 1)[1]
    limits = org.instance_url + "/services/data/v60.0/limits"
    with trusting_session(org) as session:
        assert session.get(limits, timeout=10).status_code == 200
        rebound = session.get(limits, headers={"Host": f"attacker.example:{port}"}, timeout=10)
        assert rebound.status_code == 403 and "is not this server" in rebound.json()[0]["message"]
        foreign = session.get(limits, headers={"Origin": "https://attacker.example"}, timeout=10)
        assert foreign.status_code == 403


def test_the_guard_is_the_same_for_both(tmp_path: Path) -> None:
    from oim_local.local_guard import request_problem

    good = {"Host": "127.0.0.1:8400", "Content-Type": "application/json"}
    assert request_problem("PUT", good, port=8400, scheme="http") is None
    assert request_problem("PUT", {**good, "Origin": "http://127.0.0.1:8400"}, port=8400, scheme="http") is None
    assert request_problem("GET", {"Host": "127.0.0.1:8401"}, port=8400, scheme="http")
