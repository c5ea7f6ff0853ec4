"""An org whose OIM field names differ from the connector's: the admin's field name overrides, applied at the edge.

Some OIM names the connector uses were never seen in a published data dictionary (``unverified``
in the local data model). When an org spells one differently, the admin maps it in the settings
(``general.field_names``: connector name -> org name) and every query, update and write goes out
with the org's name while records come back under the connector's: no code change.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from oim_connector.org.graph import Graph, GraphResult
from oim_connector.org.port import ApiUsage, OrgPort, PostResult, SaveResult
from oim_connector.org.soql import Condition, Select

_TOKEN = re.compile(r"\b[A-Za-z][A-Za-z0-9_]*__[cCrR]\b")


def _pairs(names: Mapping[str, str]) -> list[tuple[str, str]]:
    """(connector name, org name), each custom field's relationship name (__r) included."""
    pairs = []
    for old, new in names.items():
        pairs.append((old, new))
        if old.lower().endswith("__c") and new.lower().endswith("__c"):
            pairs.append((old[:-3] + "__r", new[:-3] + "__r"))
    return pairs


class RenamedOrg:
    """An OrgPort that speaks the org's names outward and the connector's inward."""

    def __init__(self, org: OrgPort, names: Mapping[str, str]) -> None:
        self._org = org
        self.api_version = org.api_version
        self._out = {old.lower(): new for old, new in _pairs(names)}
        self._in = {new.lower(): old for old, new in _pairs(names)}

    # -- translation -------------------------------------------------------------------------
    def _name_out(self, text: str) -> str:
        return _TOKEN.sub(lambda m: self._out.get(m.group(0).lower(), m.group(0)), text)

    def _select_out(self, select: Select) -> Select:
        return dataclasses.replace(
            select,
            sobject=self._name_out(select.sobject),
            fields=tuple(self._name_out(f) for f in select.fields),
            where=Condition(self._name_out(select.where.text)) if select.where is not None else None,
            order_by=tuple(self._name_out(o) for o in select.order_by),
            children=tuple(self._select_out(c) for c in select.children),
        )

    def _record_out(self, record: Mapping[str, Any]) -> dict[str, Any]:
        return {self._out.get(k.lower(), k): v for k, v in record.items()}

    def _record_in(self, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {self._in.get(str(k).lower(), k): self._record_in(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._record_in(v) for v in value]
        return value

    def _graph_out(self, graph: Graph) -> Graph:
        nodes = tuple(
            dataclasses.replace(
                node,
                url=self._name_out(node.url),
                body=self._record_out(node.body) if node.body is not None else None,
            )
            for node in graph.nodes
        )
        return dataclasses.replace(graph, nodes=nodes)

    # -- OrgPort -----------------------------------------------------------------------------
    def query(self, select: Select) -> Iterator[dict[str, Any]]:
        for record in self._org.query(self._select_out(select)):
            yield self._record_in(record)

    def query_batch(self, selects: Sequence[Select]) -> list[list[dict[str, Any]]]:
        answers = self._org.query_batch([self._select_out(s) for s in selects])
        return [[self._record_in(r) for r in rows] for rows in answers]

    def run_graphs(self, graphs: Sequence[Graph]) -> list[GraphResult]:
        return self._org.run_graphs([self._graph_out(g) for g in graphs])

    def update_records(self, sobject: str, records: Sequence[Mapping[str, Any]]) -> list[SaveResult]:
        return self._org.update_records(self._name_out(sobject), [self._record_out(r) for r in records])

    def delete_records(self, record_ids: Sequence[str]) -> list[SaveResult]:
        return self._org.delete_records(record_ids)  # ids carry no field names

    def post_documents(self, documents: Sequence[tuple[str, str]]) -> list[PostResult]:
        return self._org.post_documents(documents)

    def describe(self, sobject: str) -> dict[str, Any]:
        return self._org.describe(self._name_out(sobject))

    def usage(self) -> ApiUsage:
        return self._org.usage()


def renamed(org: OrgPort, names: Mapping[str, str]) -> OrgPort:
    """``org`` itself when no name is overridden."""
    return RenamedOrg(org, names) if names else org
