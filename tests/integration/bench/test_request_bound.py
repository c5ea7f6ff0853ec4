"""API requests for a fixed data set stay within 1.25x of the lower bound the composite APIs allow.

Counted by the local org (every request it answered), not timed: 1,000 sales invoices of 5
lines, read at 2,000 rows a page and written at 500 nodes and 75 graphs a request at best.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from oim_connector.flows.registry import document_flow
from oim_connector.model.flows import FlowId
from oim_connector.model.settings import ConnectorSettings
from oim_local.bench.bounds import eligible_rows, lower_bound
from oim_local.bench.connector import run_connector
from oim_local.bench.dataset import prepare
from oim_local.org.runtime import FaultPlan
from oim_local.org.store import OrgStore

pytestmark = pytest.mark.integration

DOCUMENTS = 1000


def test_sales_invoices_stay_within_a_quarter_of_the_lower_bound(tmp_path: Path) -> None:
    data = prepare(tmp_path, documents=DOCUMENTS, lines_per_invoice=5, flows=(FlowId.SALES_INVOICES,))
    db = data.fresh_org(tmp_path / "run.db")
    settings = ConnectorSettings()
    store = OrgStore(db)
    try:
        documents, rows = eligible_rows(store, document_flow(FlowId.SALES_INVOICES), settings)
    finally:
        store.close()

    figures, (graphs, nodes) = run_connector(db, FlowId.SALES_INVOICES, settings, FaultPlan(), documents=documents)

    bound = lower_bound(rows, graphs, nodes)
    assert figures.created == documents == DOCUMENTS
    assert (bound.reads, bound.writes) == (3, 25)  # 6,000 rows; 12,299 nodes in 1,000 graphs
    assert figures.api_requests <= 1.25 * bound.requests, figures.requests_by_kind
