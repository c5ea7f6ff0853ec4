"""After the dust settles: every eligible source has exactly one complete document, every
refusal is marked on its record, nothing else was written and nothing is left in process.

The expected documents come from the flow's own mapping, applied again to the source as it
was before export (no back-link, no status); the org's records are compared with them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from decimal import Decimal
from typing import Any

from oim_connector.flows.base import DocumentFlow
from oim_connector.mapping.rules import IN_PROCESS_VALUES
from oim_connector.model.documents import (
    EXPORT_ERROR_FIELD,
    EXPORT_STATUS_FIELD,
    EXTERNAL_ID_FIELD,
    Mapped,
    TargetDocument,
)
from oim_connector.model.settings import ConnectorSettings
from oim_connector.org.port import OrgPort
from oim_connector.org.soql import Select, is_in

from oim_local.chaos.figures import FlowVerdict
from oim_local.datagen.manifest import ManifestEntry

_CHUNK = 200
_TOLERANCE = Decimal("0.000001")


def check_flow(
    org: OrgPort, flow: DocumentFlow, entries: list[ManifestEntry], ids: Mapping[str, str],
    baseline_headers: set[str], settings: ConnectorSettings, frozen: AbstractSet[str] = frozenset(),
) -> FlowVerdict:  # fmt: skip
    verdict = FlowVerdict(flow=flow.flow.value, documents=sum(1 for e in entries if e.sobject == flow.source_object))
    own = [e for e in entries if e.sobject == flow.source_object]
    source_ids = [ids[e.reference_id] for e in own]
    sources = _by_id(org.query(flow.selection(settings, is_in("Id", chunk))) for chunk in _chunks(source_ids))
    marks = _by_id(org.query(Select(flow.source_object, ("Id", EXPORT_ERROR_FIELD), where=is_in("Id", chunk)))
                   for chunk in _chunks(source_ids))  # fmt: skip
    for source_id, source in sources.items():
        source[EXPORT_ERROR_FIELD] = marks.get(source_id, {}).get(EXPORT_ERROR_FIELD)
    headers = [h for h in _all(org, flow.target_object, ("Id", EXTERNAL_ID_FIELD)) if h["Id"] not in baseline_headers]
    by_external_id: dict[str, list[str]] = defaultdict(list)
    for header in headers:
        by_external_id[str(header[EXTERNAL_ID_FIELD])].append(str(header["Id"]))
    reference = flow.load_reference(org, settings)
    rules = flow.rules(settings)
    expected_headers: set[str] = set()
    for entry in own:
        source_id = ids[entry.reference_id]
        record = sources.get(source_id)
        if record is None:
            verdict.lost += 1
            verdict.problems.append(f"{entry.reference_id} ({source_id}) is gone from the org")
            continue
        if record.get(EXPORT_STATUS_FIELD) in IN_PROCESS_VALUES:
            verdict.stuck += 1
            verdict.problems.append(f"{entry.reference_id} is still 'Export in Process'")
        if entry.outcome == "created":
            verdict.expected_created += 1
            mapped = flow.map(_as_before_export(record, flow), ref=reference, settings=settings, rules=rules,
                              today=dt.date.today())  # fmt: skip
            expected_headers.update(d.external_id for d in mapped.documents)
            # A source edited after its export keeps its document as written: the oracle judges its lines.
            _check_created(org, flow, entry, record, mapped, by_external_id, verdict, lines=source_id not in frozen)
        elif entry.outcome == "failed":
            verdict.expected_failed += 1
            _check_refused(entry, record, source_id, by_external_id, verdict)
    for external_id, header_ids in by_external_id.items():
        if external_id not in expected_headers:
            verdict.orphans += len(header_ids)
            verdict.problems.append(f"document {external_id} was written but no eligible source expects it")
    return verdict


def _as_before_export(record: Mapping[str, Any], flow: DocumentFlow) -> dict[str, Any]:
    relationship = flow.back_link_field.removesuffix("__c") + "__r"
    return {**record, flow.back_link_field: None, relationship: None, EXPORT_STATUS_FIELD: None}


def _check_created(
    org: OrgPort, flow: DocumentFlow, entry: ManifestEntry, record: Mapping[str, Any], mapped: Mapped,
    by_external_id: Mapping[str, list[str]], verdict: FlowVerdict, *, lines: bool = True,
) -> None:  # fmt: skip
    name = entry.reference_id
    if not mapped.ok:
        # The data set expected a document the flow refuses: no loss if the record says why.
        if record.get(EXPORT_STATUS_FIELD) == "Export Error" and record.get(EXPORT_ERROR_FIELD):
            verdict.manifest_disagreements += 1
            verdict.notes.append(f"{name}: the data set expects a document, the flow refuses it and says why")
            return
        verdict.lost += 1
        verdict.problems.append(f"{name}: refused ({'; '.join(mapped.errors)}) without saying so on the record")
        return
    if record.get(EXPORT_STATUS_FIELD) != "Exported":
        verdict.lost += 1
        verdict.problems.append(f"{name}: Export Status is {record.get(EXPORT_STATUS_FIELD)!r}, not 'Exported'")
    first_header: str | None = None
    for document in mapped.documents:
        found = by_external_id.get(document.external_id, [])
        if len(found) > 1:
            verdict.duplicates += len(found) - 1
            verdict.problems.append(f"{name}: {len(found)} documents with external id {document.external_id}")
        if not found:
            verdict.lost += 1
            verdict.problems.append(f"{name}: no document {document.external_id}")
            continue
        first_header = first_header or found[0]
        verdict.created += 1
        if lines:
            _check_lines(org, document, found[0], name, verdict)
    linked = record.get(flow.back_link_field)
    if first_header is not None and linked != first_header:
        verdict.lost += 1
        verdict.problems.append(f"{name}: back-link {linked!r} does not point at its document {first_header}")


def _check_lines(org: OrgPort, document: TargetDocument, header_id: str, name: str, verdict: FlowVerdict) -> None:
    expected = {line.external_id: line for line in document.lines}
    numeric: dict[str, set[str]] = defaultdict(set)
    for line in document.lines:
        numeric[line.sobject].update(f for f, v in line.fields.items() if _is_number(v))
    found: Counter[str] = Counter()
    wrong = 0
    for sobject, parent_field in {(line.sobject, line.parent_field) for line in document.lines}:
        fields = ("Id", EXTERNAL_ID_FIELD, *sorted(numeric[sobject]))
        for written in org.query(Select(sobject, fields, where=is_in(parent_field, [header_id]))):
            external_id = str(written[EXTERNAL_ID_FIELD])
            found[external_id] += 1
            want = expected.get(external_id)
            if want is not None and any(not _same(written.get(f), v) for f, v in want.fields.items() if _is_number(v)):
                wrong += 1
    verdict.target_lines += sum(found.values())
    missing = [e for e in expected if found[e] == 0]
    extra = sum(n for e, n in found.items() if e not in expected) + sum(n - 1 for n in found.values() if n > 1)
    if missing:
        verdict.lost += 1
        verdict.problems.append(f"{name}: {len(missing)} of {len(expected)} lines missing on {document.external_id}")
    if extra:
        verdict.duplicates += extra
        verdict.problems.append(f"{name}: {extra} extra lines on {document.external_id}")
    if wrong:
        verdict.wrong_totals += 1
        verdict.problems.append(f"{name}: {wrong} lines of {document.external_id} differ from the mapping")


def _check_refused(
    entry: ManifestEntry, record: Mapping[str, Any], source_id: str, by_external_id: Mapping[str, list[str]],
    verdict: FlowVerdict,
) -> None:  # fmt: skip
    written = [e for e in by_external_id if source_id in e]
    if written:
        verdict.orphans += len(written)
        verdict.problems.append(f"{entry.reference_id} should be refused ({entry.reason}) but has {written[0]}")
    if record.get(EXPORT_STATUS_FIELD) != "Export Error" or not record.get(EXPORT_ERROR_FIELD):
        verdict.unmarked_failures += 1
        verdict.problems.append(
            f"{entry.reference_id} should say why it is refused ({entry.reason}); status "
            f"{record.get(EXPORT_STATUS_FIELD)!r}, error {record.get(EXPORT_ERROR_FIELD)!r}"
        )


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _same(actual: object, wanted: object) -> bool:
    if not _is_number(actual) or not _is_number(wanted):
        return False
    return abs(Decimal(str(actual)) - Decimal(str(wanted))) <= _TOLERANCE


def _all(org: OrgPort, sobject: str, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    return list(org.query(Select(sobject, fields)))


def _by_id(pages: Iterable[Iterable[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {str(r["Id"]): r for page in pages for r in page}


def _chunks(values: list[str]) -> list[list[str]]:
    return [values[i : i + _CHUNK] for i in range(0, len(values), _CHUNK)] or [[]]


def existing_headers(org: OrgPort, flow: DocumentFlow) -> set[str]:
    return {str(r["Id"]) for r in _all(org, flow.target_object, ("Id",))}
