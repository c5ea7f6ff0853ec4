"""The competent client: the way a careful integration writes the same documents without graphs.

simple-salesforce against the same org and latency model, with the connector's own mapping,
so both write the same records:

- reads: the reference queries ride in one composite call (at most 5 queries of its 25
  subrequests), the sources with their lines in one query paged at 2,000 rows;
- writes: sObject collections of 200 records, one sObject type a call: headers upserted by
  external id, then lines (their parent set to the header Ids the first calls answered), then
  the source lines' back-links, then the source headers' write-back (Export Status, link), only
  for documents whose header and every line were saved;
- one call after another: a collection of 200 records spans many parent accounts, so two at
  once would contend for the same parent locks (UNABLE_TO_LOCK_ROW); a careful integration
  does not run them in parallel.

It is not atomic per document (a crash between the calls leaves headers without their
write-back), which is what the connector's graphs add; here it only sets the request count and
the wall time a competent client needs.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oim_connector.flows.registry import document_flow
from oim_connector.graphs import plan_graphs
from oim_connector.model.documents import (
    EXPORT_ERROR_FIELD,
    EXPORT_STATUS_FIELD,
    EXTERNAL_ID_FIELD,
    INCOMPLETE_FIELD,
    Mapped,
)
from oim_connector.model.flows import FlowId
from oim_connector.model.settings import ConnectorSettings
from simple_salesforce.api import Salesforce

from oim_local.bench.baseline import _clients
from oim_local.bench.figures import RunFigures
from oim_local.org.process import served_org
from oim_local.org.runtime import FaultPlan

COLLECTION_SIZE = 200


@dataclass(frozen=True)
class KeyWork:
    """What one lock key (a parent account, or the document itself) needs written."""

    key: str
    graphs: int
    nodes: int


def run_competent(
    db_path: Path, flow_id: FlowId, settings: ConnectorSettings, faults: FaultPlan, *, today: Any
) -> tuple[RunFigures, list[KeyWork]]:
    """Figures of the competent client over every eligible document, and the data's work per lock key."""
    flow = document_flow(flow_id)
    with served_org(db_path, faults) as org:
        client, adapter = _clients(org)
        started = time.perf_counter()
        reference = flow.load_reference(adapter, settings)
        records = list(adapter.query(flow.selection(settings, flow.eligible_where(settings))))
        rules = flow.rules(settings)
        mapped = [flow.map(r, ref=reference, settings=settings, rules=rules, today=today) for r in records]
        good = [m for m in mapped if not m.errors and not m.skip_reason and not m.not_eligible]
        written = _write(client, good)
        wall = time.perf_counter() - started
        counters = org.counters()
    figures = RunFigures(
        documents=len(records),
        created=written,
        failed=len(records) - written,
        api_requests=counters.total_requests,
        requests_by_kind=counters.requests_by_kind,
        wall_seconds=wall,
    )
    return figures, lock_key_work(good)


def lock_key_work(mapped: Iterable[Mapped]) -> list[KeyWork]:
    """Graphs and nodes per lock key, heaviest first: the floor's inputs."""
    work: dict[str, list[int]] = {}
    for item in mapped:
        entry = work.setdefault(item.lock_key or item.source_id, [0, 0])
        for plan in plan_graphs(item):
            entry[0] += 1
            entry[1] += len(plan.nodes)
    return sorted((KeyWork(k, g, n) for k, (g, n) in work.items()), key=lambda w: -w.nodes)


def _write(client: Salesforce, documents: Sequence[Mapped]) -> int:
    """Headers, lines, line back-links, then source write-backs; the number of documents written whole."""
    broken: set[str] = set()
    header_rows = [
        (m.source_id, index, d.sobject, {EXTERNAL_ID_FIELD: d.external_id, **d.fields, INCOMPLETE_FIELD: False})
        for m in documents
        for index, d in enumerate(m.documents)
    ]
    header_ids: dict[tuple[str, int], str] = {}
    for (source_id, index, _, _), record_id in zip(header_rows, _upsert(client, header_rows), strict=True):
        if record_id is None:
            broken.add(source_id)
        else:
            header_ids[(source_id, index)] = record_id
    line_rows = []
    for m in documents:
        for index, d in enumerate(m.documents):
            parent = header_ids.get((m.source_id, index))
            for line in d.lines:
                if parent is not None:
                    body = {EXTERNAL_ID_FIELD: line.external_id, **line.fields, line.parent_field: parent}
                    line_rows.append((m.source_id, line, line.sobject, body))
    links = []
    for (source_id, line, _, _), record_id in zip(line_rows, _upsert(client, line_rows), strict=True):
        if record_id is None:
            broken.add(source_id)
            continue
        for link in line.source_links:
            links.append((source_id, link.sobject, {"Id": link.record_id, link.field: record_id, **link.extra_fields}))
    links = [row for row in links if row[0] not in broken]
    broken |= {row[0] for row in links} - _update(client, links)
    whole = [m for m in documents if m.source_id not in broken and (m.source_id, 0) in header_ids]
    sources = []
    for m in whole:
        header = m.header_link
        assert header is not None
        sources.append((m.source_id, header.sobject, {
            "Id": header.record_id, header.field: header_ids[(m.source_id, 0)], EXPORT_STATUS_FIELD: "Exported",
            EXPORT_ERROR_FIELD: None, **m.header_updates,
        }))  # fmt: skip
    saved = _update(client, sources)
    return len(saved)


def _upsert(client: Salesforce, rows: Sequence[tuple[str, Any, str, dict[str, Any]]]) -> list[str | None]:
    """Upserts by external id, in collections of 200 of one sObject; each row's Id, or None if refused."""
    ids: list[str | None] = [None] * len(rows)
    by_type: dict[str, list[int]] = {}
    for position, row in enumerate(rows):
        by_type.setdefault(row[2], []).append(position)
    for sobject, positions in by_type.items():
        for start in range(0, len(positions), COLLECTION_SIZE):
            chunk = positions[start : start + COLLECTION_SIZE]
            body = {"allOrNone": False,
                    "records": [{"attributes": {"type": sobject}, **rows[p][3]} for p in chunk]}  # fmt: skip
            answer = client.restful(f"composite/sobjects/{sobject}/{EXTERNAL_ID_FIELD}", method="PATCH", json=body)
            for p, result in zip(chunk, answer or [], strict=False):
                ids[p] = result.get("id") if result.get("success") else None
    return ids


def _update(client: Salesforce, rows: Sequence[tuple[str, str, dict[str, Any]]]) -> set[str]:
    """Updates in collections of 200 of one sObject; the sources whose every update was saved."""
    failed: set[str] = set()
    by_type: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for row in rows:
        by_type.setdefault(row[1], []).append(row)
    for sobject, typed in by_type.items():
        for start in range(0, len(typed), COLLECTION_SIZE):
            chunk = typed[start : start + COLLECTION_SIZE]
            body = {"allOrNone": False,
                    "records": [{"attributes": {"type": sobject}, **row[2]} for row in chunk]}  # fmt: skip
            answer = client.restful("composite/sobjects", method="PATCH", json=body)
            for row, result in zip(chunk, answer or [], strict=False):
                if not result.get("success"):
                    failed.add(row[0])
    return {row[0] for row in rows} - failed
