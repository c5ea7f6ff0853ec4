"""A local org served over HTTPS on 127.0.0.1 for each test, and a session that trusts it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from oim_local.org.runtime import RunningOrg, start_local_org


@pytest.fixture
def org(tmp_path: Path) -> Iterator[RunningOrg]:
    with start_local_org(tmp_path / "org.db") as running:
        yield running


def trusting_session(org: RunningOrg, token: str | None = None) -> requests.Session:
    session = requests.Session()
    # requests lets REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE from the environment override
    # Session.verify; ignore the environment so the org's own certificate is what is trusted.
    session.trust_env = False
    session.verify = str(org.ca_cert)
    session.headers["Authorization"] = f"Bearer {token or org.token}"
    return session


@pytest.fixture
def session(org: RunningOrg) -> Iterator[requests.Session]:
    with trusting_session(org) as http:
        yield http
