"""End-to-end tests: the sample data in a fresh local org, handlers invoked as Lambda would,
through the adapter, HTTPS and the local org; AWS from moto."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from oim_connector.model.settings import ConnectorSettings
from oim_local.runner.environment import LocalEnvironment
from oim_local.sample import load_sample

pytestmark = pytest.mark.e2e


@dataclass
class Sample:
    """The sample org: ``ids[referenceId]`` is the Id of any record of the sample plan."""

    env: LocalEnvironment
    ids: dict[str, str]

    def query(self, soql: str) -> list[dict[str, Any]]:
        assert self.env.org is not None
        return self.env.org.store.query(soql).records

    def get(self, sobject: str, record_id: str) -> dict[str, Any]:
        assert self.env.org is not None
        return self.env.org.store.get(sobject, record_id)


@pytest.fixture
def sample(tmp_path: Path) -> Iterator[Sample]:
    db = tmp_path / "org.db"
    loaded = load_sample(db)
    with LocalEnvironment(db, settings=ConnectorSettings(), quiet=True) as env:
        yield Sample(env, dict(loaded.reference_ids))
