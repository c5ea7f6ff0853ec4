"""The reconciliation rules: one source against its ledger documents, pure functions.

The expected side is what the flow's own mapping makes of the source's current values (so
"equal" means "what the connector would write now"); the ledger side is what Accounting holds.
No I/O, no clock: the reader brings both sides, ``today`` comes in as an argument.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from oim_connector.mapping.journal_balance import debits
from oim_connector.mapping.money import round_money
from oim_connector.mapping.reference import ReferenceData
from oim_connector.mapping.tax import TAX_LINE_SUFFIX
from oim_connector.model.documents import Mapped, TargetDocument, TargetLine
from oim_connector.model.flows import FlowId
from oim_connector.reconcile.findings import Finding, FindingKind, GlAccountTotal
from oim_connector.reconcile.ledger import BOOK_LINE_FIELDS, COMPANY_FIELD, DISCARDED, PERIOD_FIELD, LedgerShape

NUMBER_TOLERANCE = Decimal("0.000000005")  # below the 9 decimals Accounting keeps on unit prices
EXPORTED = "Exported"
EXPORT_ERROR = "Export Error"
NOT_EXPORTED_STATUSES = (None, "", "New", EXPORT_ERROR)
BLANK = "(blank)"


@dataclass(frozen=True)
class LedgerLine:
    id: str
    name: str | None
    external_id: str | None
    fields: Mapping[str, Any]
    amount: Decimal
    gl_account: str | None = None


@dataclass(frozen=True)
class LedgerDocument:
    id: str
    name: str | None
    external_id: str | None
    source_id: str | None
    source_exists: bool
    status: str | None
    fields: Mapping[str, Any]
    lines: tuple[LedgerLine, ...]
    source_name: str | None = None
    # A journal's total is its debits (as the journal mapping counts it); other documents sum their lines.
    journal: bool = False

    @property
    def live(self) -> bool:
        return self.status != DISCARDED

    @property
    def balance(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def total(self) -> Decimal:
        return debits([line.amount for line in self.lines]) if self.journal else self.balance

    @property
    def company(self) -> str | None:
        value = self.fields.get(COMPANY_FIELD)
        return str(value) if value else None

    @property
    def period(self) -> str | None:
        value = self.fields.get(PERIOD_FIELD)
        return str(value) if value else None


@dataclass(frozen=True)
class SourceState:
    id: str
    name: str | None
    status: str | None
    back_link: str | None
    export_error: str | None
    created: dt.date | None
    mapped: Mapped


@dataclass(frozen=True)
class Context:
    flow: FlowId
    shape: LedgerShape
    ref: ReferenceData
    today: dt.date


def line_amount(kind: str, fields: Mapping[str, Any], decimal_places: int) -> Decimal:
    """A ledger line's amount as the mapping computes its ``TargetLine.amount``."""
    if kind == "value":
        return _number(fields.get("c2g__Value__c")) or Decimal(0)
    if kind == "net":
        return _number(fields.get("c2g__NetValue__c")) or Decimal(0)
    quantity = _number(fields.get("c2g__Quantity__c"))
    price = _number(fields.get("c2g__UnitPrice__c")) or Decimal(0)
    return round_money((Decimal(1) if quantity is None else quantity) * price, decimal_places)


# ------------------------------------------------------------------ values


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return Decimal(str(value))


def same(expected: Any, actual: Any) -> bool:
    if expected in (None, "") and actual in (None, ""):
        return True
    if isinstance(expected, bool) or isinstance(actual, bool):
        return bool(expected) == bool(actual) and (isinstance(expected, bool) and isinstance(actual, bool))
    left, right = _number(expected), _number(actual)
    if left is not None and right is not None:
        return abs(left - right) < NUMBER_TOLERANCE
    return str(expected) == str(actual)


def show(ctx: Context, field_name: str | None, value: Any) -> str:
    """A value as a finance user reads it: period and company by name, numbers as written."""
    if value in (None, ""):
        return BLANK
    text = str(value)
    if field_name == PERIOD_FIELD:
        return next((p.name for p in ctx.ref.periods if p.id == text), text)
    if field_name == COMPANY_FIELD:
        company = ctx.ref.companies.get(text)
        return company.name if company else text
    if field_name == ctx.shape.currency_field:
        currency = ctx.ref.currencies.get(text)
        return currency.iso_code if currency else text
    number = _number(value)
    if number is not None:
        return format(number.normalize(), "f") if number == number.to_integral() else format(number, "f")
    return text


def money(value: Decimal) -> str:
    """An amount with at least two decimals, as Accounting shows it."""
    return format(value if value.as_tuple().exponent < -2 else value.quantize(Decimal("0.01")), "f")  # type: ignore[operator]


# ------------------------------------------------------------------ one source


def source_findings(ctx: Context, source: SourceState, documents: Sequence[LedgerDocument]) -> list[Finding]:
    """Everything wrong between one source of the period and the ledger documents that point at it."""
    live = [d for d in documents if d.live]
    mapped = source.mapped
    exported = bool(source.back_link) or source.status == EXPORTED
    if not live and not exported:
        return _not_exported(ctx, source, documents)
    if not mapped.ok:
        refused = [
            _finding(
                ctx,
                FindingKind.NOT_MAPPABLE,
                source,
                live[0] if live else None,
                action=f"The connector would refuse {_label(source)} today: "
                f"{'; '.join(mapped.errors) or mapped.skip_reason}. Correct the OIM record, "
                "then check its document in Accounting",
            )
        ]
        return refused + _duplicates(ctx, source, live[1:], keep=live[:1])
    expected = list(mapped.documents)
    by_external_id = {d.external_id: d for d in live if d.external_id}
    paired: list[tuple[TargetDocument, LedgerDocument]] = []
    unpaired: list[TargetDocument] = []
    for document in expected:
        match = by_external_id.get(document.external_id)
        if match is None:
            unpaired.append(document)
        else:
            paired.append((document, match))
    leftovers = [d for d in live if all(d is not m for _, m in paired)]
    if not paired and leftovers and unpaired:
        # A document the connector wrote under another key: compare it, the rest are duplicates.
        paired.append((unpaired.pop(0), leftovers.pop(0)))
    findings: list[Finding] = []
    for document in unpaired:
        findings.append(_missing(ctx, source, document, documents))
    findings += _duplicates(ctx, source, leftovers, keep=[m for _, m in paired])
    for document, ledger in paired:
        findings += document_findings(ctx, source, document, ledger)
    return findings


def _not_exported(ctx: Context, source: SourceState, documents: Sequence[LedgerDocument]) -> list[Finding]:
    mapped = source.mapped
    if source.status not in NOT_EXPORTED_STATUSES or mapped.skip_reason:
        # In flight ("Export in Process"), exported through another route, or not for export at all.
        return []
    age = (ctx.today - source.created).days if source.created else None
    if source.status == EXPORT_ERROR:
        return [
            _finding(
                ctx,
                FindingKind.EXPORT_ERROR,
                source,
                None,
                field="SCMC__Export_Status__c",
                source_value=source.export_error or EXPORT_ERROR,
                age_days=age,
                action=f"Correct what the error on {_label(source)} says, then export it again ({ctx.flow.value})",
            )
        ]
    reasons = "; ".join((*mapped.not_eligible, *mapped.errors))
    action = f"It cannot be exported yet: {reasons}" if reasons else f"Export it: it is eligible ({ctx.flow.value})"
    discarded = next((d for d in documents if not d.live), None)
    return [
        _finding(
            ctx,
            FindingKind.NOT_EXPORTED,
            source,
            discarded,
            field="SCMC__Export_Status__c",
            source_value=source.status or "New",
            age_days=age,
            action=action,
        )
    ]


def _missing(
    ctx: Context, source: SourceState, document: TargetDocument, documents: Sequence[LedgerDocument]
) -> Finding:
    discarded = next((d for d in documents if not d.live and d.external_id == document.external_id), None)
    discarded = discarded or next((d for d in documents if not d.live), None)
    again = f"reset its Export Status to New, clear its {ctx.shape.label} link and run {ctx.flow.value}"
    if discarded is not None:
        return _finding(
            ctx,
            FindingKind.DISCARDED_DOCUMENT,
            source,
            discarded,
            field=ctx.shape.status_field,
            source_value=EXPORTED,
            ledger_value=DISCARDED,
            action=f"The {ctx.shape.label} was discarded: to book {_label(source)} again, {again}; "
            "if it should not be booked, cancel it in OIM",
        )
    linked = f" (linked to {source.back_link}, which no longer exists)" if source.back_link else ""
    return _finding(
        ctx,
        FindingKind.MISSING_DOCUMENT,
        source,
        None,
        field="OIM_External_Id__c",
        source_value=document.external_id,
        ledger_value="(no document)",
        action=f"{_label(source)} is marked exported{linked} but no {ctx.shape.label} holds it: {again}",
    )


def _duplicates(
    ctx: Context, source: SourceState, extra: Sequence[LedgerDocument], keep: Sequence[LedgerDocument]
) -> list[Finding]:
    kept = ", ".join(_doc_label(d) for d in keep) or "another document"
    return [
        _finding(
            ctx,
            FindingKind.DUPLICATE_DOCUMENT,
            source,
            document,
            field="OIM_External_Id__c",
            source_value=keep[0].external_id if keep else None,
            ledger_value=document.external_id or BLANK,
            action=f"{_label(source)} is booked twice: discard {_doc_label(document)} in Accounting (cancel it "
            f"with a credit note or cancelling journal if posted); {kept} stays",
        )
        for document in extra
    ]


def document_findings(
    ctx: Context, source: SourceState, expected: TargetDocument, ledger: LedgerDocument
) -> list[Finding]:
    """Header fields, lines, tax and total of one document against what the mapping makes now."""
    findings: list[Finding] = []
    fix = "correct it in Accounting (post a correcting document if it is posted) or restore the OIM value"
    for name, value in expected.fields.items():
        if name not in ctx.shape.book_header_fields or same(value, ledger.fields.get(name)):
            continue
        findings.append(
            _finding(
                ctx,
                FindingKind.FIELD_DIFFERS,
                source,
                ledger,
                field=name,
                source_value=show(ctx, name, value),
                ledger_value=show(ctx, name, ledger.fields.get(name)),
                action=f"{_label(source)} changed after export: {fix}",
            )
        )
    ledger_lines = {line.external_id: line for line in ledger.lines if line.external_id}
    # Lines written without the connector's keys (by the source product) pair by amount instead.
    unkeyed = [line for line in ledger.lines if not line.external_id]
    paired_ids: set[str] = set()
    for line in expected.lines:
        found = ledger_lines.pop(line.external_id, None)
        if found is None:
            found = next((u for u in unkeyed if same(u.amount, line.amount)), None)
            if found is not None:
                unkeyed.remove(found)
        if found is not None:
            paired_ids.add(found.id)
        findings += _line_findings(ctx, source, ledger, line, found)
    for extra in ledger.lines:
        if extra.id in paired_ids:
            continue
        kind = FindingKind.TAX_DIFFERS if _is_tax(extra.external_id) else FindingKind.LINE_WITHOUT_SOURCE
        findings.append(
            _finding(
                ctx,
                kind,
                source,
                ledger,
                field=extra.name or extra.external_id or extra.id,
                source_value="(no line)",
                ledger_value=money(extra.amount),
                action=f"The OIM line of {extra.name or extra.id} was deleted after export: remove the "
                f"line from {_doc_label(ledger)} in Accounting or restore it in OIM",
            )
        )
    dp = _decimal_places(ctx, ledger)
    if round_money(expected.total, dp) != round_money(ledger.total, dp):
        findings.append(
            _finding(
                ctx,
                FindingKind.TOTAL_DIFFERS,
                source,
                ledger,
                field="total",
                source_value=money(expected.total),
                ledger_value=money(ledger.total),
                action=f"The total of {_doc_label(ledger)} differs from {_label(source)} by "
                f"{money(ledger.total - expected.total)}: see its line "
                "findings and correct the document or the OIM record",
            )
        )
    return findings


def _line_findings(
    ctx: Context, source: SourceState, ledger: LedgerDocument, line: TargetLine, found: LedgerLine | None
) -> list[Finding]:
    tax = _is_tax(line.external_id)
    if found is None:
        kind = FindingKind.TAX_DIFFERS if tax else FindingKind.LINE_MISSING
        return [
            _finding(
                ctx,
                kind,
                source,
                ledger,
                field=line.external_id,
                source_value=money(line.amount),
                ledger_value="(no line)",
                action=f"{_label(source)} has a line that {_doc_label(ledger)} lacks: add it in Accounting "
                "or remove it in OIM",
            )
        ]
    if tax:
        if same(line.amount, found.amount):
            return []
        return [
            _finding(
                ctx,
                FindingKind.TAX_DIFFERS,
                source,
                ledger,
                field="tax",
                source_value=money(line.amount),
                ledger_value=money(found.amount),
                action=f"OIM's tax on {_label(source)} changed after export: correct the tax line "
                f"{found.name or found.id} in Accounting",
            )
        ]
    return [
        _finding(
            ctx,
            FindingKind.LINE_DIFFERS,
            source,
            ledger,
            field=f"{found.name or found.id}.{name}",
            source_value=show(ctx, name, value),
            ledger_value=show(ctx, name, found.fields.get(name)),
            action=f"The OIM line of {found.name or found.id} changed after export: correct the line in "
            "Accounting or restore the OIM value",
        )
        for name, value in line.fields.items()
        if name in BOOK_LINE_FIELDS and not same(value, found.fields.get(name))
    ]


def _is_tax(external_id: str | None) -> bool:
    return bool(external_id) and str(external_id).endswith(f":{TAX_LINE_SUFFIX}")


def _decimal_places(ctx: Context, ledger: LedgerDocument) -> int:
    currency = ctx.ref.currencies.get(str(ledger.fields.get(ctx.shape.currency_field) or ""))
    return currency.decimal_places if currency else 2


# ------------------------------------------------------------------ ledger documents on their own


def balance_findings(ctx: Context, ledger: LedgerDocument) -> list[Finding]:
    """A live journal whose lines do not sum to zero."""
    if ctx.flow != FlowId.JOURNALS or not ledger.live or ledger.balance == 0:
        return []
    return [
        Finding(
            kind=FindingKind.UNBALANCED_JOURNAL,
            flow=ctx.flow.value,
            source_id=ledger.source_id,
            source_name=ledger.source_name,
            document_id=ledger.id,
            document_name=ledger.name,
            field="c2g__Value__c",
            source_value="0.00",
            ledger_value=money(ledger.balance),
            action=f"Journal {_doc_label(ledger)} does not balance (debits minus credits = "
            f"{money(ledger.balance)}): correct its lines in Accounting before posting",
        )
    ]


def stray_findings(ctx: Context, ledger: LedgerDocument) -> list[Finding]:
    """A live document of the period whose source is not a source of the period."""
    if not ledger.live:
        return []
    if not ledger.source_exists:
        return [
            Finding(
                kind=FindingKind.ORPHAN_DOCUMENT,
                flow=ctx.flow.value,
                source_id=ledger.source_id,
                document_id=ledger.id,
                document_name=ledger.name,
                field=ctx.shape.source_lookup,
                source_value="(no OIM record)",
                ledger_value=ledger.external_id or BLANK,
                action=f"No OIM record is linked to {_doc_label(ledger)} (it was deleted, or the document was made "
                "another way, such as the retired void process): discard it in Accounting (cancel it if posted), "
                "or restore the OIM record",
            )
        ]
    source_name = ledger.source_name
    return [
        Finding(
            kind=FindingKind.SOURCE_IN_OTHER_PERIOD,
            flow=ctx.flow.value,
            source_id=ledger.source_id,
            source_name=source_name,
            document_id=ledger.id,
            document_name=ledger.name,
            field=PERIOD_FIELD,
            source_value="(another period)",
            ledger_value=show(ctx, PERIOD_FIELD, ledger.period),
            action=f"{source_name or ledger.source_id} is dated outside this period now: correct its date in "
            f"OIM or move {_doc_label(ledger)} to the right period",
        )
    ]


# ------------------------------------------------------------------ per GL account


@dataclass
class GlTally:
    """Journal line values per (company, GL account): OIM's (as mapped now) against the ledger's."""

    oim: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    ledger: dict[tuple[str, str], Decimal] = field(default_factory=dict)

    def add_expected(self, documents: Iterable[TargetDocument]) -> None:
        for document in documents:
            company = str(document.fields.get(COMPANY_FIELD) or "")
            for line in document.lines:
                key = (company, str(line.fields.get("c2g__GeneralLedgerAccount__c") or ""))
                self.oim[key] = self.oim.get(key, Decimal(0)) + line.amount

    def add_ledger(self, document: LedgerDocument) -> None:
        if not document.live:
            return
        for line in document.lines:
            key = (document.company or "", line.gl_account or "")
            self.ledger[key] = self.ledger.get(key, Decimal(0)) + line.amount

    def totals(self, ctx: Context) -> list[GlAccountTotal]:
        names = {gla: code for code, gla in ctx.ref.gla_by_reporting_code.items()}
        rows = []
        for company, gla in sorted(set(self.oim) | set(self.ledger)):
            oim = self.oim.get((company, gla), Decimal(0))
            ledger = self.ledger.get((company, gla), Decimal(0))
            rows.append(
                GlAccountTotal(
                    company=show(ctx, COMPANY_FIELD, company),
                    gl_account=f"{names[gla]} ({gla})" if gla in names else gla or BLANK,
                    oim=money(oim),
                    ledger=money(ledger),
                )
            )
        return rows

    def findings(self, ctx: Context) -> list[Finding]:
        return [
            Finding(
                kind=FindingKind.GL_ACCOUNT_DIFFERS,
                flow=ctx.flow.value,
                field=row.gl_account,
                source_value=row.oim,
                ledger_value=row.ledger,
                action=f"Journals of {row.company} on GL account {row.gl_account} sum to {row.ledger} in the "
                f"ledger but {row.oim} in OIM's financial records: the journal findings (not exported, changed, "
                "unbalanced) say which records make the difference",
            )
            for row in self.totals(ctx)
            if not same(Decimal(row.oim), Decimal(row.ledger))
        ]


# ------------------------------------------------------------------ helpers


def _label(source: SourceState) -> str:
    return source.name or source.id


def _doc_label(document: LedgerDocument) -> str:
    return document.name or document.id


def _finding(
    ctx: Context,
    kind: FindingKind,
    source: SourceState,
    document: LedgerDocument | None,
    *,
    action: str,
    field: str | None = None,
    source_value: str | None = None,
    ledger_value: str | None = None,
    age_days: int | None = None,
) -> Finding:
    return Finding(
        kind=kind,
        flow=ctx.flow.value,
        source_id=source.id,
        source_name=source.name,
        document_id=document.id if document else None,
        document_name=document.name if document else None,
        field=field,
        source_value=source_value,
        ledger_value=ledger_value,
        age_days=age_days,
        action=action,
    )
