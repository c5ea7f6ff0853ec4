"""How documents become composite graphs, and how graphs pack into requests."""

from __future__ import annotations

import datetime as dt

from oim_connector.graphs import plan_graphs
from oim_connector.mapping.defaults import default_rules
from oim_connector.mapping.sales_invoices import map_sales_invoice
from oim_connector.model.documents import PARTLY_WRITTEN_MESSAGE
from oim_connector.model.settings import GeneralSettings, SalesInvoiceSettings
from oim_connector.org.graph import Graph, lower_bound_requests, pack_graphs

from tests.unit.connector import builders as b


def _mapped(lines: int, line_limit: int = 1000):  # type: ignore[no-untyped-def]
    record = b.invoice(*[b.item_line(f"a4B{i:012d}AAA") for i in range(lines)])
    return map_sales_invoice(record, ref=b.reference(), settings=SalesInvoiceSettings(line_limit=line_limit),
                             general=GeneralSettings(), rules=default_rules("sales_invoices"),
                             today=dt.date(2026, 11, 25))  # fmt: skip


def test_a_document_and_its_write_back_are_one_graph() -> None:
    (graph,) = plan_graphs(_mapped(5))

    kinds = [(n.method, n.sobject) for n in graph.nodes]
    assert kinds[0] == ("PATCH", "c2g__codaInvoice__c")
    assert kinds.count(("PATCH", "c2g__codaInvoiceLineItem__c")) == 5
    assert kinds.count(("PATCH", "SCMC__Invoice_Line_Item__c")) == 5
    source = graph.nodes[-1]
    assert source.sobject == "SCMC__Invoicing__c"
    assert source.body == {"SCMFFA__Sales_Invoice__c": "@{h0.id}", "SCMC__Export_Status__c": "Exported",
                           "SCMC__Export_Error__c": None}  # fmt: skip
    assert graph.final


def test_a_document_too_big_for_one_graph_is_marked_incomplete_until_its_last_graph() -> None:
    graphs = plan_graphs(_mapped(600))

    assert len(graphs) == 4
    assert all(len(g.nodes) <= 500 for g in graphs)
    *parts, last = graphs
    for planned in parts:
        headers = [n for n in planned.nodes if n.reference_id == "h0"]
        assert len(headers) == 1 and headers[0].body is not None
        assert headers[0].body["OIM_Export_Incomplete__c"] is True  # the posting endpoint refuses it
        assert all(n.sobject != "SCMC__Invoicing__c" or n.reference_id == "srcpart" for n in planned.nodes)
    first_source = graphs[0].nodes[0]
    assert first_source.body == {"SCMC__Export_Error__c": PARTLY_WRITTEN_MESSAGE}
    assert [g.final for g in graphs] == [False, False, False, True]
    # The last graph clears the marker and links the source, and nothing else.
    assert [n.reference_id for n in last.nodes] == ["h0", "src"]
    assert last.nodes[0].body is not None and last.nodes[0].body["OIM_Export_Incomplete__c"] is False
    line_nodes = [n for g in graphs for n in g.nodes if n.sobject == "c2g__codaInvoiceLineItem__c"]
    assert len({n.url for n in line_nodes}) == 600


def test_the_nodes_per_graph_setting_sizes_the_graphs() -> None:
    graphs = plan_graphs(_mapped(60), max_nodes=50)

    assert all(len(g.nodes) <= 50 for g in graphs)
    assert len(graphs) == 4  # 60 lines x 2 nodes over graphs of up to 48, then the last
    assert plan_graphs(_mapped(20), max_nodes=50)[0].final


def test_packing_stays_close_to_the_lower_bound() -> None:
    graphs = [Graph(f"g{i}", plan_graphs(_mapped(5))[0].nodes) for i in range(1000)]

    requests = pack_graphs(graphs)

    assert all(sum(len(g.nodes) for g in r) <= 500 and len(r) <= 75 for r in requests)
    assert len(requests) <= 1.25 * lower_bound_requests([len(g.nodes) for g in graphs])
