"""Unit fixtures for the local org's server: ``OrgApp`` over a fresh store, no sockets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from oim_local.org.server.app import OrgApp, OrgSettings
from oim_local.org.store import OrgStore

from tests.unit.local_org.server.server_helpers import TOKEN, Books, make_books


@pytest.fixture(autouse=True)
def _no_sockets(socket_disabled: None) -> None:
    """Unit tests of the server never open a socket: they call ``OrgApp.handle`` directly."""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[OrgStore]:
    org = OrgStore(tmp_path / "org.db")
    yield org
    org.close()


@pytest.fixture
def books(store: OrgStore) -> Books:
    return make_books(store)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def app(store: OrgStore, sleeps: list[float]) -> OrgApp:
    settings = OrgSettings(instance_url="https://127.0.0.1:8443", static_token=TOKEN)
    return OrgApp(store, settings, sleep=sleeps.append)
