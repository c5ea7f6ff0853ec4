"""A reconciliation run: per flow, the period's sources page by page against their ledger documents."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from oim_connector.errors import BadRequestError
from oim_connector.flows.base import DocumentFlow
from oim_connector.flows.registry import document_flow
from oim_connector.mapping.reference import ReferenceData
from oim_connector.mapping.rules import parse_date
from oim_connector.model.documents import EXPORT_ERROR_FIELD, EXPORT_STATUS_FIELD, Mapped
from oim_connector.model.flows import DOCUMENT_FLOWS, FlowId
from oim_connector.model.settings import ConnectorSettings
from oim_connector.org.port import OrgPort
from oim_connector.reconcile.compare import (
    Context,
    GlTally,
    LedgerDocument,
    SourceState,
    balance_findings,
    source_findings,
    stray_findings,
)
from oim_connector.reconcile.findings import Finding, FlowSummary, ReconcileReport
from oim_connector.reconcile.ledger import BOOK_LINE_FIELDS, COMPANY_FIELD, PERIOD_FIELD, SHAPES
from oim_connector.reconcile.reader import PAGE_SIZE, ReconcileReader
from oim_connector.reconcile.scope import Scope, booking_date, date_paths, resolve_scope


@dataclasses.dataclass(frozen=True)
class ReconcileRequest:
    period: str
    company: str | None = None
    flows: tuple[FlowId, ...] = DOCUMENT_FLOWS


def reconcile(
    org: OrgPort,
    settings: ConnectorSettings,
    request: ReconcileRequest,
    *,
    today: dt.date,
    page_size: int = PAGE_SIZE,
    progress: Callable[[str], None] | None = None,
) -> ReconcileReport:
    """Reads only. Raises BadRequestError for an unknown flow, period or company."""
    unknown = [f.value for f in request.flows if f not in DOCUMENT_FLOWS]
    if unknown:
        known = ", ".join(f.value for f in DOCUMENT_FLOWS)
        raise BadRequestError(f"Cannot reconcile {', '.join(unknown)}: use one of {known}")
    before = org.usage().requests_made
    report: ReconcileReport | None = None
    for flow_id in request.flows:
        flow = document_flow(flow_id)
        ref = _all_periods_open(flow.load_reference(org, settings))
        scope = resolve_scope(ref, request.period, request.company)
        if report is None:
            report = ReconcileReport(period=scope.name, company=scope.company.name if scope.company else None)
        if progress is not None:
            progress(f"reconciling {flow_id.value} for {scope.name}")
        _reconcile_flow(org, settings, flow, ref, scope, report, today=today, page_size=page_size)
    assert report is not None
    report = report.model_copy(update={"api_requests": org.usage().requests_made - before})
    return report


def _all_periods_open(ref: ReferenceData) -> ReferenceData:
    """A closed period is fine to reconcile: map as if it were open, so the values are comparable."""
    return dataclasses.replace(ref, periods=tuple(dataclasses.replace(p, closed=False) for p in ref.periods))


def _reconcile_flow(
    org: OrgPort,
    settings: ConnectorSettings,
    flow: DocumentFlow,
    ref: ReferenceData,
    scope: Scope,
    report: ReconcileReport,
    *,
    today: dt.date,
    page_size: int,
) -> None:
    shape = SHAPES[flow.flow]
    ctx = Context(flow=flow.flow, shape=shape, ref=ref, today=today)
    paths = date_paths(flow.flow, settings)
    reader = ReconcileReader(org, flow, shape, settings, scope, paths, page_size=page_size)
    rules = flow.rules(settings)
    tally = GlTally()
    summary = FlowSummary(flow=flow.flow.value)
    findings: list[Finding] = []
    seen_documents = 0
    after: str | None = None
    pending: dict[str, SourceState] = {}  # back-link -> source, for documents without a source lookup

    def ledger_side(document: LedgerDocument) -> None:
        nonlocal seen_documents
        if document.period not in scope.period_ids:
            return
        seen_documents += 1
        tally.add_ledger(document)
        findings.extend(balance_findings(ctx, document))

    for page in reader.source_pages():
        states = [_state(record, flow, ref, settings, rules, today) for record in page]
        header_fields: set[str] = set()
        line_fields: dict[str, set[str]] = {}
        for state in states:
            for target in state.mapped.documents:
                header_fields.update(shape.book_header_fields & target.fields.keys())
                for line in target.lines:
                    line_fields.setdefault(line.sobject, set()).update(BOOK_LINE_FIELDS & line.fields.keys())
        last = str(page[-1]["Id"])
        by_source: dict[str | None, list[LedgerDocument]] = {}
        for document in reader.ledger_window(after, last, header_fields, line_fields, ref):
            by_source.setdefault(document.source_id, []).append(document)
        for record, state in zip(page, states, strict=True):
            documents = by_source.pop(state.id, [])
            if _in_scope(state, record, scope, paths):
                summary = summary.model_copy(update={"sources": summary.sources + 1})
                if not documents and state.back_link:
                    pending[state.back_link] = state  # its document has no source lookup: read it by Id below
                    continue
                findings.extend(source_findings(ctx, state, documents))
                if state.mapped.ok:
                    tally.add_expected(state.mapped.documents)
            else:
                findings.extend(f for d in documents if d.period in scope.period_ids for f in stray_findings(ctx, d))
            for document in documents:
                ledger_side(document)
        for documents in by_source.values():
            for document in documents:
                if document.period in scope.period_ids:
                    findings.extend(stray_findings(ctx, document))
                ledger_side(document)
        after = last
        del page, states, by_source  # before the next page is read, so one page is held at a time
    linked = _linked_documents(reader, pending, ref)
    for document_id, state in pending.items():
        held = linked.get(document_id)
        findings.extend(source_findings(ctx, state, [held] if held else []))
        if state.mapped.ok:
            tally.add_expected(state.mapped.documents)
        if held is not None:
            ledger_side(held)
    for document in reader.ledger_outside(after, {}, ref):
        if document.id in linked:
            continue
        findings.extend(stray_findings(ctx, document))
        ledger_side(document)
    if flow.flow == FlowId.JOURNALS:
        report.gl_accounts.extend(tally.totals(ctx))
        findings.extend(tally.findings(ctx))
    report.findings.extend(findings)
    report.flows.append(summary.model_copy(update={"documents": seen_documents, "findings": len(findings)}))


def _linked_documents(
    reader: ReconcileReader, pending: Mapping[str, SourceState], ref: ReferenceData
) -> dict[str, LedgerDocument]:
    header_fields: set[str] = set()
    line_fields: dict[str, set[str]] = {}
    for state in pending.values():
        for target in state.mapped.documents:
            header_fields.update(reader.shape.book_header_fields & target.fields.keys())
            for line in target.lines:
                line_fields.setdefault(line.sobject, set()).update(BOOK_LINE_FIELDS & line.fields.keys())
    found = reader.ledger_by_ids(sorted(pending), header_fields, line_fields, ref) if pending else []
    return {document.id: document for document in found}


def _state(
    record: Mapping[str, Any],
    flow: DocumentFlow,
    ref: ReferenceData,
    settings: ConnectorSettings,
    rules: Sequence[Any],
    today: dt.date,
) -> SourceState:
    """The source as it is, and what the flow's mapping makes of its current values."""
    # Mapped as if never exported: the flow's gates would otherwise skip it as already linked.
    fresh = {**record, EXPORT_STATUS_FIELD: None, flow.back_link_field: None}
    mapped: Mapped = flow.map(fresh, ref=ref, settings=settings, rules=rules, today=today)
    link = record.get(flow.back_link_field)
    return SourceState(
        id=str(record["Id"]),
        name=record.get("Name"),
        status=record.get(EXPORT_STATUS_FIELD),
        back_link=str(link) if link else None,
        export_error=record.get(EXPORT_ERROR_FIELD),
        created=parse_date(record.get("CreatedDate")),
        mapped=mapped,
    )


def _in_scope(state: SourceState, record: Mapping[str, Any], scope: Scope, paths: tuple[str, ...]) -> bool:
    """In the period by the connector's own booking: the mapped period, else the first filled date."""
    if state.mapped.documents:
        first = state.mapped.documents[0].fields
        return str(first.get(PERIOD_FIELD)) in scope.period_ids and (
            scope.company is None or first.get(COMPANY_FIELD) == scope.company.id
        )
    day = booking_date(record, paths)
    return day is not None and scope.start <= day <= scope.end


__all__ = ["ReconcileRequest", "reconcile"]
