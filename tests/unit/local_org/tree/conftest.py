"""Fixtures for the tree-format tests: fresh orgs and a helper that writes JSON files."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from oim_local.org.store import OrgStore

from tests.unit.local_org.store.org_helpers import SteppingClock

WriteJson = Callable[[str, Any], Path]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[OrgStore]:
    org = OrgStore(tmp_path / "org.db", clock=SteppingClock())
    yield org
    org.close()


@pytest.fixture
def write_json(tmp_path: Path) -> WriteJson:
    def write(name: str, content: Any) -> Path:
        path = tmp_path / "data" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content), encoding="utf-8")
        return path

    return write
