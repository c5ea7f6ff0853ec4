"""The competent client really writes the documents the connector would, in collections of 200."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from oim_connector.model.flows import FlowId
from oim_connector.model.settings import ConnectorSettings
from oim_local.bench.competent import run_competent
from oim_local.bench.dataset import prepare
from oim_local.org.runtime import FaultPlan
from oim_local.org.store import OrgStore

pytestmark = pytest.mark.integration

DOCUMENTS = 30


def test_the_competent_client_writes_every_invoice_with_its_lines_and_write_back(tmp_path: Path) -> None:
    data = prepare(tmp_path, documents=DOCUMENTS, lines_per_invoice=5, flows=(FlowId.SALES_INVOICES,))
    db = data.fresh_org(tmp_path / "org.db")

    figures, work = run_competent(db, FlowId.SALES_INVOICES, ConnectorSettings(), FaultPlan(),
                                  today=dt.date(2026, 9, 15))  # fmt: skip

    store = OrgStore(db)
    try:
        invoices = store.query("SELECT COUNT() FROM c2g__codaInvoice__c").total_size
        lines = store.query("SELECT COUNT() FROM c2g__codaInvoiceLineItem__c").total_size
        exported = store.query(
            "SELECT COUNT() FROM SCMC__Invoicing__c WHERE SCMC__Export_Status__c = 'Exported' "
            "AND SCMFFA__Sales_Invoice__c != null"
        ).total_size
        source_lines = store.query("SELECT COUNT() FROM SCMC__Invoice_Line_Item__c").total_size
        linked_lines = store.query(
            "SELECT COUNT() FROM SCMC__Invoice_Line_Item__c WHERE SCMFFA__Sales_Invoice_Line_Item__c != null"
        ).total_size
    finally:
        store.close()
    assert figures.created == invoices == exported == DOCUMENTS
    assert linked_lines == source_lines == 5 * DOCUMENTS  # every source line links to its accounting line
    assert lines >= source_lines  # (the mapping adds lines of its own, e.g. freight)
    # One composite of reference queries, one query, then one collection per kind of record (30 headers,
    # about 160 lines, as many source-line links, 30 source headers: each fits one collection of 200).
    assert figures.requests_by_kind == {"composite": 1, "query": 1, "collections": 4}
    assert sum(w.graphs for w in work) == DOCUMENTS
    assert len(work) == 3  # the generated invoices' three customer accounts
