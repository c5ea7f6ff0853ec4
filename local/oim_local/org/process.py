"""The local org in a process of its own (``oim-connector org serve``), so a connector run can be
killed without taking the org down, and its CPU is not the client's (as Salesforce's servers are
not), plus its test-control API (faults, counters)."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import requests

from oim_local.org.server.counters import Counters
from oim_local.org.server.faults import FAULT_PLAN_ADAPTER, FaultPlan


@dataclass(frozen=True)
class OrgEndpoint:
    instance_url: str
    token: str
    ca_cert: Path


class OrgProcess:
    def __init__(self, db: Path, log_file: Path) -> None:
        self._db = db
        self._log_file = log_file
        self._process: subprocess.Popen[str] | None = None
        self.endpoint: OrgEndpoint | None = None

    def start(self) -> OrgEndpoint:
        log = self._log_file.open("a", encoding="utf-8")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "oim_local.cli", "org", "serve", "--db", str(self._db)],
            stdout=subprocess.PIPE, stderr=log, text=True,
        )  # fmt: skip
        assert self._process.stdout is not None
        found: dict[str, str] = {}
        for line in self._process.stdout:
            key, _, value = line.strip().partition(": ")
            found[key] = value
            if {"instance_url", "token", "ca_cert"} <= found.keys():
                break
        if "ca_cert" not in found:
            raise RuntimeError(f"'org serve' did not start; see {self._log_file}")
        self.endpoint = OrgEndpoint(found["instance_url"], found["token"], Path(found["ca_cert"]))
        return self.endpoint

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=_TIMEOUT)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def __enter__(self) -> OrgEndpoint:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


# A busy org (a 10,000-document run holding its write lock) may take a while to answer the control API.
_TIMEOUT = 120


class _PatientSession(requests.Session):
    """Retries the control API on a timeout or a dropped connection: the harness must not die of a slow org."""

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        for attempt in range(4):
            try:
                return super().request(*args, **kwargs)
            except (requests.ConnectionError, requests.Timeout):
                if attempt == 3:
                    raise
        raise AssertionError("unreachable")


class OrgControl:
    """The local org's ``/__local/`` API: fault plans and counters."""

    def __init__(self, endpoint: OrgEndpoint) -> None:
        self._base = endpoint.instance_url.rstrip("/") + "/__local/"
        self._http = _PatientSession()
        self._http.trust_env = False  # else REQUESTS_CA_BUNDLE would override verify
        self._http.verify = str(endpoint.ca_cert)
        self._http.headers["Authorization"] = f"Bearer {endpoint.token}"

    def set_faults(self, plan: dict[str, Any] | None) -> None:
        if plan is None:
            response = self._http.delete(self._base + "faults", timeout=_TIMEOUT)
        else:
            response = self._http.put(self._base + "faults", json=plan, timeout=_TIMEOUT)
        response.raise_for_status()

    def counters(self) -> dict[str, Any]:
        response = self._http.get(self._base + "counters", timeout=_TIMEOUT)
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        return body

    def arm_strike(self, place: str) -> None:
        """The org holds its answer at the next write of that place (strike.py)."""
        self._http.put(self._base + "strike", json={"place": place}, timeout=_TIMEOUT).raise_for_status()

    def strike_status(self) -> dict[str, Any]:
        response = self._http.get(self._base + "strike", timeout=_TIMEOUT)
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        return body

    def reset_counters(self) -> None:
        self._http.post(self._base + "counters/reset", timeout=_TIMEOUT).raise_for_status()

    def release_strike(self) -> None:
        self._http.delete(self._base + "strike", timeout=_TIMEOUT).raise_for_status()


@dataclass(frozen=True)
class ServedOrg:
    """A local org served from its own process: where it is, and its counters."""

    endpoint: OrgEndpoint
    control: OrgControl

    @property
    def instance_url(self) -> str:
        return self.endpoint.instance_url

    @property
    def token(self) -> str:
        return self.endpoint.token

    @property
    def ca_cert(self) -> Path:
        return self.endpoint.ca_cert

    def counters(self) -> Counters:
        return Counters.model_validate(self.control.counters())

    def reset_counters(self) -> None:
        self.control.reset_counters()

    def secret(self, api_version: str = "62.0") -> dict[str, Any]:
        """The connector's Salesforce secret reaching this org."""
        return {
            "auth": "token",
            "instance_url": self.instance_url,
            "access_token": self.token,
            "ca_bundle": self.ca_cert.read_text(encoding="utf-8"),
            "api_version": api_version,
        }


@contextlib.contextmanager
def served_org(db: Path, faults: FaultPlan | None = None, *, log_file: Path | None = None) -> Iterator[ServedOrg]:
    """``oim-connector org serve`` on ``db`` in a child process, with ``faults`` (latency included) set."""
    log = log_file or db.with_name(db.name + ".log")
    with OrgProcess(db, log) as endpoint:
        control = OrgControl(endpoint)
        if faults is not None:
            control.set_faults(FAULT_PLAN_ADAPTER.dump_python(faults, mode="json"))
        yield ServedOrg(endpoint, control)
