"""Each kind of reconciliation finding, from the flows' own mapping against a ledger document."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from oim_connector.errors import BadRequestError
from oim_connector.flows.registry import document_flow
from oim_connector.model.documents import Mapped, TargetDocument
from oim_connector.model.flows import FlowId
from oim_connector.model.settings import ConnectorSettings
from oim_connector.reconcile.compare import (
    Context,
    GlTally,
    LedgerDocument,
    LedgerLine,
    SourceState,
    balance_findings,
    line_amount,
    source_findings,
    stray_findings,
)
from oim_connector.reconcile.findings import Finding, FindingKind
from oim_connector.reconcile.ledger import SHAPES
from oim_connector.reconcile.scope import resolve_scope

from tests.unit.connector import builders as b
from tests.unit.connector import journal_builders as jb

SALES_INVOICES = document_flow(FlowId.SALES_INVOICES)
JOURNALS = document_flow(FlowId.JOURNALS)

TODAY = dt.date(2026, 12, 3)
SETTINGS = ConnectorSettings()
DOC_ID = "a2A000000000001AAA"


def _mapped_invoice(record: dict[str, Any]) -> Mapped:
    ref = b.reference()
    fresh = {**record, "SCMC__Export_Status__c": None, "SCMFFA__Sales_Invoice__c": None}
    return SALES_INVOICES.map(fresh, ref=ref, settings=SETTINGS, rules=SALES_INVOICES.rules(SETTINGS), today=TODAY)


def _invoice(**overrides: Any) -> dict[str, Any]:
    lines = (
        b.item_line("a4B000000000001AAA", quantity=2, price=10.0),
        b.item_line("a4B000000000002AAA", quantity=1, price=5.5),
    )
    return b.invoice(*lines, **{"SCMC__Total_Tax__c": 1.55, **overrides})


def _ledger(
    expected: TargetDocument, *, doc_id: str = DOC_ID, status: str = "In Progress", dp: int = 2
) -> LedgerDocument:
    """The document exactly as the connector wrote it."""
    shape = SHAPES[FlowId.JOURNALS if expected.sobject == JOURNALS.target_object else FlowId.SALES_INVOICES]
    kind = shape.lines[0].amount
    lines = tuple(
        LedgerLine(
            id=f"LINE{i}",
            name=f"SINL{i:07d}",
            external_id=line.external_id,
            fields=dict(line.fields),
            amount=line_amount(kind, line.fields, dp),
            gl_account=line.fields.get("c2g__GeneralLedgerAccount__c"),
        )
        for i, line in enumerate(expected.lines)
    )
    return LedgerDocument(
        id=doc_id,
        name="SIN000001",
        external_id=expected.external_id,
        source_id=str(expected.fields.get(shape.source_lookup)),
        source_exists=True,
        status=status,
        fields=dict(expected.fields),
        lines=lines,
        journal=kind == "value",
    )


def _state(
    mapped: Mapped,
    *,
    status: str | None = "Exported",
    link: str | None = DOC_ID,
    error: str | None = None,
    created: dt.date | None = dt.date(2026, 11, 20),
) -> SourceState:
    return SourceState(
        id=mapped.source_id,
        name=mapped.source_name,
        status=status,
        back_link=link,
        export_error=error,
        created=created,
        mapped=mapped,
    )


def _ctx(flow: FlowId = FlowId.SALES_INVOICES, ref: Any = None) -> Context:
    return Context(flow=flow, shape=SHAPES[flow], ref=ref or b.reference(), today=TODAY)


def _kinds(findings: list[Finding]) -> list[str]:
    return sorted(f.kind.value for f in findings)


def _edit_line(document: LedgerDocument, index: int, **fields: Any) -> LedgerDocument:
    lines = list(document.lines)
    changed = {**lines[index].fields, **fields}
    lines[index] = dataclasses.replace(lines[index], fields=changed, amount=line_amount("price", changed, 2))
    return dataclasses.replace(document, lines=tuple(lines))


def test_a_document_written_as_mapped_has_no_finding() -> None:
    mapped = _mapped_invoice(_invoice())
    assert mapped.ok
    assert source_findings(_ctx(), _state(mapped), [_ledger(mapped.documents[0])]) == []


def test_a_source_edited_after_export_names_the_line_field_both_values_and_the_total() -> None:
    written = _ledger(_mapped_invoice(_invoice()).documents[0])
    edited = _invoice()
    edited["SCMC__Invoice_Line_Items__r"]["records"][0]["SCMC__Quantity__c"] = 3
    findings = source_findings(_ctx(), _state(_mapped_invoice(edited)), [written])
    assert _kinds(findings) == ["line_differs", "total_differs"]
    line = findings[0]
    assert (line.field, line.source_value, line.ledger_value) == ("SINL0000000.c2g__Quantity__c", "3", "2")
    assert (line.source_name, line.document_name) == ("INV-000001", "SIN000001")
    assert "correct the line in Accounting" in line.action
    total = findings[1]
    assert (total.source_value, total.ledger_value) == ("37.05", "27.05")


def test_a_header_field_changed_names_the_period_by_name() -> None:
    mapped = _mapped_invoice(_invoice())
    moved = _mapped_invoice(_invoice(SCMC__Invoice_Date__c="2026-10-30"))
    findings = source_findings(_ctx(), _state(moved), [_ledger(mapped.documents[0])])
    by_field = {f.field: f for f in findings}
    assert by_field["c2g__Period__c"].kind == FindingKind.FIELD_DIFFERS
    assert (by_field["c2g__Period__c"].source_value, by_field["c2g__Period__c"].ledger_value) == (
        "2026/010",
        "2026/011",
    )
    assert set(by_field) == {"c2g__Period__c"}  # the date itself is not a book field; its period is


def test_descriptions_and_references_are_not_compared_amounts_are() -> None:
    written = _ledger(_mapped_invoice(_invoice()).documents[0])
    renamed = dataclasses.replace(written, fields={**written.fields, "c2g__CustomerReference__c": "typed by hand"})
    assert (
        source_findings(
            _ctx(),
            _state(_mapped_invoice(_invoice())),
            [_edit_line(renamed, 0, c2g__LineDescription__c="edited in Accounting")],
        )
        == []
    )


def test_lines_written_without_the_connector_keys_pair_by_amount() -> None:
    written = _ledger(_mapped_invoice(_invoice()).documents[0])
    legacy = dataclasses.replace(
        written, lines=tuple(dataclasses.replace(line, external_id=None) for line in written.lines)
    )
    assert source_findings(_ctx(), _state(_mapped_invoice(_invoice())), [legacy]) == []


def test_a_company_changed_names_both_companies() -> None:
    written = _ledger(_mapped_invoice(_invoice()).documents[0])
    ledger = dataclasses.replace(written, fields={**written.fields, "c2g__OwnerCompany__c": b.COMPANY_UK})
    findings = source_findings(_ctx(), _state(_mapped_invoice(_invoice())), [ledger])
    assert [(f.kind, f.source_value, f.ledger_value) for f in findings] == [
        (FindingKind.FIELD_DIFFERS, "Acme Industries US", "Acme UK")
    ]


def test_a_line_deleted_in_oim_is_a_ledger_line_without_source() -> None:
    written = _ledger(_mapped_invoice(_invoice()).documents[0])
    edited = _invoice()
    del edited["SCMC__Invoice_Line_Items__r"]["records"][1]
    findings = source_findings(_ctx(), _state(_mapped_invoice(edited)), [written])
    assert _kinds(findings) == ["line_without_source", "total_differs"]
    assert findings[0].ledger_value == "5.50"
    assert "was deleted after export" in findings[0].action


def test_a_line_added_in_oim_is_a_missing_line() -> None:
    written = _ledger(_mapped_invoice(_invoice()).documents[0])
    lines = list(written.lines)
    del lines[1]
    findings = source_findings(
        _ctx(), _state(_mapped_invoice(_invoice())), [dataclasses.replace(written, lines=tuple(lines))]
    )
    assert _kinds(findings) == ["line_missing", "total_differs"]
    assert findings[0].source_value == "5.50" and findings[0].ledger_value == "(no line)"


def test_tax_changed_in_oim_is_a_tax_finding() -> None:
    written = _ledger(_mapped_invoice(_invoice()).documents[0])
    findings = source_findings(_ctx(), _state(_mapped_invoice(_invoice(SCMC__Total_Tax__c=2.10))), [written])
    assert _kinds(findings) == ["tax_differs", "total_differs"]
    assert (findings[0].field, findings[0].source_value, findings[0].ledger_value) == ("tax", "2.10", "1.55")


def test_an_exported_source_without_document_is_missing() -> None:
    findings = source_findings(_ctx(), _state(_mapped_invoice(_invoice()), link=None), [])
    assert _kinds(findings) == ["missing_document"]
    assert "reset its Export Status to New" in findings[0].action


def test_a_discarded_document_is_reported_as_discarded() -> None:
    mapped = _mapped_invoice(_invoice())
    findings = source_findings(_ctx(), _state(mapped), [_ledger(mapped.documents[0], status="Discarded")])
    assert _kinds(findings) == ["discarded_document"]
    assert findings[0].ledger_value == "Discarded" and findings[0].document_id == DOC_ID


def test_a_source_with_two_live_documents_is_a_duplicate() -> None:
    mapped = _mapped_invoice(_invoice())
    original = _ledger(mapped.documents[0])
    second = dataclasses.replace(original, id="a2A000000000009AAA", name="SIN000009", external_id=None)
    findings = source_findings(_ctx(), _state(mapped), [original, second])
    assert _kinds(findings) == ["duplicate_document"]
    assert findings[0].document_name == "SIN000009" and "SIN000001 stays" in findings[0].action


def test_a_record_in_export_error_reports_the_error_and_its_age() -> None:
    mapped = _mapped_invoice(_invoice())
    state = _state(mapped, status="Export Error", link=None, error="the customer is on hold")
    [finding] = source_findings(_ctx(), state, [])
    assert finding.kind == FindingKind.EXPORT_ERROR
    assert (finding.source_value, finding.age_days) == ("the customer is on hold", 13)


def test_a_record_still_new_reports_its_age_and_why_it_is_not_exported() -> None:
    [eligible] = source_findings(_ctx(), _state(_mapped_invoice(_invoice()), status="New", link=None), [])
    assert (eligible.kind, eligible.age_days) == (FindingKind.NOT_EXPORTED, 13)
    assert "it is eligible" in eligible.action
    [open_one] = source_findings(
        _ctx(), _state(_mapped_invoice(_invoice(SCMC__Status__c="Open")), status="New", link=None), []
    )
    assert "only closed OIM invoices can be exported" in open_one.action


def test_a_source_the_connector_would_now_refuse_is_not_mappable() -> None:
    mapped = _mapped_invoice(_invoice())
    refused = _mapped_invoice(_invoice(SCMC__Customer__r={"Name": "Globex"}))
    [finding] = source_findings(_ctx(), _state(refused), [_ledger(mapped.documents[0])])
    assert finding.kind == FindingKind.NOT_MAPPABLE
    assert "no accounts receivable control GLA" in finding.action


def _journal() -> tuple[Context, Mapped]:
    ref = jb.reference()
    record = jb.perpetual_record(
        jb.financial_record(1, "Inventory", 250.0, gla=jb.GLA_INVENTORY),
        jb.financial_record(2, "Accrued Purchases", -250.0, gla=jb.GLA_ACCRUED),
    )
    mapped = JOURNALS.map(
        {**record, "SCMC__Export_Status__c": None},
        ref=ref,
        settings=SETTINGS,
        rules=JOURNALS.rules(SETTINGS),
        today=TODAY,
    )
    assert mapped.ok, mapped.errors
    return _ctx(FlowId.JOURNALS, ref), mapped


def test_an_unbalanced_journal_is_reported_with_its_difference() -> None:
    ctx, mapped = _journal()
    written = _ledger(mapped.documents[0])
    lines = list(written.lines)
    lines[0] = dataclasses.replace(lines[0], fields={**lines[0].fields, "c2g__Value__c": 251.0}, amount=Decimal(251))
    [finding] = balance_findings(ctx, dataclasses.replace(written, lines=tuple(lines)))
    assert finding.kind == FindingKind.UNBALANCED_JOURNAL and finding.ledger_value == "1.00"
    assert balance_findings(ctx, written) == []


def test_journal_totals_per_gl_account_show_where_the_ledger_differs_from_oim() -> None:
    ctx, mapped = _journal()
    written = _ledger(mapped.documents[0])
    lines = list(written.lines)
    lines[0] = dataclasses.replace(lines[0], amount=Decimal("240"))
    lines[1] = dataclasses.replace(lines[1], amount=Decimal("-240"))
    tally = GlTally()
    tally.add_expected(mapped.documents)
    tally.add_ledger(dataclasses.replace(written, lines=tuple(lines)))
    findings = tally.findings(ctx)
    assert _kinds(findings) == ["gl_account_differs", "gl_account_differs"]
    inventory = next(f for f in findings if f.field and jb.GLA_INVENTORY in f.field)
    assert (inventory.source_value, inventory.ledger_value) == ("250.00", "240.00")


def test_a_document_whose_source_was_deleted_is_an_orphan() -> None:
    written = _ledger(_mapped_invoice(_invoice()).documents[0])
    [finding] = stray_findings(_ctx(), dataclasses.replace(written, source_id=None, source_exists=False))
    assert finding.kind == FindingKind.ORPHAN_DOCUMENT and "No OIM record is linked to SIN000001" in finding.action


def test_a_document_of_the_period_whose_source_moved_to_another_period() -> None:
    written = _ledger(_mapped_invoice(_invoice()).documents[0])
    [finding] = stray_findings(_ctx(), dataclasses.replace(written, source_name="INV-000001"))
    assert finding.kind == FindingKind.SOURCE_IN_OTHER_PERIOD and finding.ledger_value == "2026/011"


def test_an_unknown_period_or_company_is_a_clear_error_and_a_closed_period_is_fine() -> None:
    ref = b.reference(closed_months=(11,))
    with pytest.raises(BadRequestError, match=r"No accounting period is named 2027/001: periods run from 2026/001"):
        resolve_scope(ref, "2027/001", None)
    with pytest.raises(BadRequestError, match=r"No accounting company is named 'Initech': use one of Acme"):
        resolve_scope(ref, "2026/011", "Initech")
    with pytest.raises(BadRequestError, match=r"write it as YYYY/NNN"):
        resolve_scope(ref, "11/2026", None)
    scope = resolve_scope(ref, "2026/011", "Acme UK")
    assert [p.closed for p in scope.periods] == [True] and scope.company is not None
    assert (scope.start, scope.end) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
