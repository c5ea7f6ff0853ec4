"""An org that spells an unverified OIM name differently: the admin's override, applied at the org's edge."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pytest
from oim_connector.model.settings import ConnectorSettings
from oim_connector.org.graph import Graph, GraphResult, update_node
from oim_connector.org.port import ApiUsage, PostResult, SaveResult
from oim_connector.org.renamed import renamed
from oim_connector.org.soql import Select, eq
from pydantic import ValidationError


class RecordingOrg:
    """Answers in the org's own names and remembers what was sent."""

    api_version = "62.0"

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.soql: list[str] = []
        self.updates: list[tuple[str, list[dict[str, Any]]]] = []
        self.graphs: list[Graph] = []

    def query(self, select: Select) -> Iterator[dict[str, Any]]:
        self.soql.append(select.render())
        yield from self.rows

    def query_batch(self, selects: Sequence[Select]) -> list[list[dict[str, Any]]]:
        return [list(self.query(s)) for s in selects]

    def run_graphs(self, graphs: Sequence[Graph]) -> list[GraphResult]:
        self.graphs.extend(graphs)
        return []

    def update_records(self, sobject: str, records: Sequence[Mapping[str, Any]]) -> list[SaveResult]:
        self.updates.append((sobject, [dict(r) for r in records]))
        return []

    def post_documents(self, documents: Sequence[tuple[str, str]]) -> list[PostResult]:
        return []

    def describe(self, sobject: str) -> dict[str, Any]:
        return {}

    def usage(self) -> ApiUsage:
        return ApiUsage(0, None, None)


NAMES = {"SCMC__Total_Amount__c": "SCMC__Org_Total__c", "SCMC__Item__c": "SCMC__Item_Master__c"}


def test_queries_go_out_in_the_orgs_names_and_records_come_back_in_the_connectors() -> None:
    raw = RecordingOrg([{"Id": "a4E1", "SCMC__Org_Total__c": 110.0,
                         "SCMC__Lines__r": {"records": [{"SCMC__Item_Master__r": {"Name": "WID-100"}}]}}])  # fmt: skip
    org = renamed(raw, NAMES)
    lines = Select("SCMC__Lines__r", ("SCMC__Item__r.Name",))
    select = Select("SCMC__AP_Voucher__c", ("Id", "SCMC__Total_Amount__c"), where=eq("SCMC__Total_Amount__c", 1),
                    children=(lines,))  # fmt: skip

    (record,) = list(org.query(select))

    assert raw.soql == [
        "SELECT Id, SCMC__Org_Total__c, (SELECT SCMC__Item_Master__r.Name FROM SCMC__Lines__r) "
        "FROM SCMC__AP_Voucher__c WHERE SCMC__Org_Total__c = 1"
    ]
    assert record == {"Id": "a4E1", "SCMC__Total_Amount__c": 110.0,
                      "SCMC__Lines__r": {"records": [{"SCMC__Item__r": {"Name": "WID-100"}}]}}  # fmt: skip


def test_updates_and_graph_writes_go_out_in_the_orgs_names() -> None:
    raw = RecordingOrg([])
    org = renamed(raw, {"SCMFFA__OIM_Invoice__c": "OIM_Invoice__c"})

    org.update_records("SCMC__Invoicing__c", [{"Id": "a4A1", "SCMFFA__OIM_Invoice__c": "x"}])
    org.run_graphs([Graph("g1", (update_node("c2g__codaInvoice__c", "a2A1", "n1", {"SCMFFA__OIM_Invoice__c": "y"}),))])

    assert raw.updates == [("SCMC__Invoicing__c", [{"Id": "a4A1", "OIM_Invoice__c": "x"}])]
    assert raw.graphs[0].nodes[0].body == {"OIM_Invoice__c": "y"}


def test_no_override_leaves_the_org_as_it_is_and_bad_names_are_refused() -> None:
    raw = RecordingOrg([])
    assert renamed(raw, {}) is raw
    names = {"SCMC__Export_Status__c": "SCMC__Org_Export_Status__c", "SCMC__Item__c": "SCMC__Item_Master__c"}
    assert ConnectorSettings.model_validate({"general": {"field_names": names}}).general.field_names == names
    with pytest.raises(ValidationError, match="is not a valid API name"):
        ConnectorSettings.model_validate({"general": {"field_names": {"SCMC__Export_Status__c": "Total; DROP"}}})
