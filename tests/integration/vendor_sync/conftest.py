"""The sample org and moto, as in tests/e2e, plus the supplier-site queue and its DLQ."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from oim_connector.model.settings import ConnectorSettings, VendorAccountSettings
from oim_local.runner.environment import LocalEnvironment
from oim_local.runner.supplier_queue import SupplierQueues
from oim_local.sample import load_sample

from tests.e2e.conftest import Sample

pytestmark = pytest.mark.integration

SETTINGS = ConnectorSettings(vendor_accounts=VendorAccountSettings(default_ap_control_gla="2000"))


@pytest.fixture
def sample(tmp_path: Path) -> Iterator[Sample]:
    db = tmp_path / "org.db"
    loaded = load_sample(db)
    with LocalEnvironment(db, settings=SETTINGS, quiet=True) as env:
        yield Sample(env, dict(loaded.reference_ids))


@pytest.fixture
def queues(sample: Sample) -> SupplierQueues:
    return SupplierQueues(sample.env)
