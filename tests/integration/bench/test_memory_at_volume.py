"""A 10,000-document run stays under 256 MB: the connector's peak is bounded by the page size,
not by the run's size. The org is served by ``oim-connector org serve`` in its own process, so
the traced peak is the connector's alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from oim_connector.model.flows import FlowId
from oim_connector.model.settings import ConnectorSettings
from oim_local.bench.dataset import prepare
from oim_local.bench.memory import MEMORY_LIMIT_MB, run_memory

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DOCUMENTS = 10_000


def test_ten_thousand_sales_invoices_stay_under_256_mb(tmp_path: Path) -> None:
    data = prepare(tmp_path, documents=DOCUMENTS, lines_per_invoice=5, flows=(FlowId.SALES_INVOICES,))

    figures = run_memory(data.fresh_org(tmp_path / "run.db"), FlowId.SALES_INVOICES, ConnectorSettings(),
                         documents=DOCUMENTS, idle_db=tmp_path / "idle.db")  # fmt: skip

    assert (figures.exported, figures.refused) == (DOCUMENTS, 0)
    assert figures.peak_memory_mb < MEMORY_LIMIT_MB, figures
