"""Fixtures for the record store tests: a fresh org per test with a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from oim_local.org.store import OrgStore

from tests.unit.local_org.store.org_helpers import Books, SteppingClock, make_books


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock()


@pytest.fixture
def store(tmp_path: Path, clock: SteppingClock) -> Iterator[OrgStore]:
    org = OrgStore(tmp_path / "org.db", clock=clock)
    yield org
    org.close()


@pytest.fixture
def books(store: OrgStore) -> Books:
    return make_books(store)
