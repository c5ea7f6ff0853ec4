"""Drift injected into an exported month, the way users and other processes cause it.

Each case edits the org's store directly (as a user in Salesforce would) and records what the
reconciliation must report for it: ``detect`` (one of these kinds must name the case's source
or document) and ``allowed`` (the consequences it may also report, such as a changed total).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from oim_connector.mapping import journals, payable_invoices, sales_invoices
from oim_connector.model.documents import EXPORT_ERROR_FIELD, EXPORT_STATUS_FIELD
from oim_connector.reconcile.findings import FindingKind as K

from oim_local.org.store import OrgStore

INVOICE, INVOICE_LINE = sales_invoices.SOURCE_OBJECT, sales_invoices.SOURCE_LINE_OBJECT
SALES_INVOICE, SALES_INVOICE_LINE = sales_invoices.HEADER_OBJECT, sales_invoices.LINE_OBJECT
VOUCHER, PAYABLE_INVOICE = payable_invoices.SOURCE_OBJECT, payable_invoices.HEADER_OBJECT
PERPETUAL, FINANCIAL = journals.SOURCE_OBJECT, journals.SOURCE_LINE_OBJECT
JOURNAL, JOURNAL_LINE = journals.HEADER_OBJECT, journals.LINE_OBJECT

KINDS = (
    "source_edited",
    "line_deleted",
    "document_discarded",
    "document_deleted",
    "exported_twice",
    "financial_records_changed",
    "unbalanced_journal",
    "export_error",
    "still_new",
    "document_without_source",
    "source_redated",
)


@dataclass(frozen=True)
class Case:
    kind: str
    flow: str
    source_id: str
    document_ids: frozenset[str]
    detect: frozenset[str]
    allowed: frozenset[str] = field(default_factory=frozenset)


def _kinds(*kinds: K) -> frozenset[str]:
    return frozenset(k.value for k in kinds)


class Injector:
    def __init__(self, store: OrgStore, seed: int = 0) -> None:
        self._store = store
        self._rng = random.Random(seed)  # noqa: S311 - test data, reproducible by design
        self._used: set[str] = set()

    def inject(self, per_kind: int, avoid: set[str] | None = None) -> list[Case]:
        """``per_kind`` cases of every kind, each on its own source (none in ``avoid``)."""
        self._used |= avoid or set()
        injectors: dict[str, Callable[[], Iterator[Case]]] = {
            "source_edited": self._source_edited,
            "line_deleted": self._line_deleted,
            "document_discarded": self._document_discarded,
            "document_deleted": self._document_deleted,
            "exported_twice": self._exported_twice,
            "financial_records_changed": self._financial_records_changed,
            "unbalanced_journal": self._unbalanced_journal,
            "export_error": lambda: self._unexported("Export Error"),
            "still_new": lambda: self._unexported("New"),
            "document_without_source": self._document_without_source,
            "source_redated": self._source_redated,
        }
        cases: list[Case] = []
        for kind in KINDS:
            made = 0
            for case in injectors[kind]():
                cases.append(case)
                made += 1
                if made == per_kind:
                    break
            if made < per_kind:
                raise ValueError(f"only {made} {kind} cases could be made: generate more documents")
        return cases

    # ------------------------------------------------------------------ picking

    def _rows(self, soql: str) -> list[dict[str, Any]]:
        rows = self._store.query(soql).records
        self._rng.shuffle(rows)
        return rows

    def _exported(self, sobject: str, back_link: str, extra: str = "") -> Iterator[dict[str, Any]]:
        soql = f"SELECT Id, {back_link}{extra} FROM {sobject} WHERE {back_link} != null"  # noqa: S608 - fixed names
        for row in self._rows(soql):
            if row["Id"] not in self._used:
                self._used.add(row["Id"])
                yield row

    def _lines(self, sobject: str, parent_field: str, parent: str, fields: str = "Id") -> list[dict[str, Any]]:
        soql = f"SELECT {fields} FROM {sobject} WHERE {parent_field} = '{parent}' ORDER BY Id"  # noqa: S608
        return self._store.query(soql).records

    # ------------------------------------------------------------------ kinds

    def _source_edited(self) -> Iterator[Case]:
        for invoice in self._exported(INVOICE, sales_invoices.BACK_LINK_FIELD):
            lines = self._lines(
                INVOICE_LINE, "SCMC__Invoicing__c", invoice["Id"], "Id, SCMC__Quantity__c, RecordType.Name"
            )
            items = [line for line in lines if (line.get("RecordType") or {}).get("Name") != "Tax"]
            if not items:
                continue
            line = items[0]
            self._store.update(INVOICE_LINE, line["Id"], {"SCMC__Quantity__c": (line["SCMC__Quantity__c"] or 1) + 1})
            yield Case(
                "source_edited",
                "sales-invoices",
                invoice["Id"],
                frozenset({invoice[sales_invoices.BACK_LINK_FIELD]}),
                _kinds(K.LINE_DIFFERS),
                _kinds(K.TOTAL_DIFFERS, K.TAX_DIFFERS),
            )

    def _line_deleted(self) -> Iterator[Case]:
        for invoice in self._exported(INVOICE, sales_invoices.BACK_LINK_FIELD):
            lines = self._lines(INVOICE_LINE, "SCMC__Invoicing__c", invoice["Id"], "Id, RecordType.Name")
            items = [line for line in lines if (line.get("RecordType") or {}).get("Name") != "Tax"]
            if len(items) < 2:
                continue
            self._store.delete(INVOICE_LINE, items[-1]["Id"])
            yield Case(
                "line_deleted",
                "sales-invoices",
                invoice["Id"],
                frozenset({invoice[sales_invoices.BACK_LINK_FIELD]}),
                _kinds(K.LINE_WITHOUT_SOURCE),
                _kinds(K.TOTAL_DIFFERS, K.TAX_DIFFERS),
            )

    def _document_discarded(self) -> Iterator[Case]:
        for voucher in self._exported(VOUCHER, payable_invoices.BACK_LINK_FIELD):
            document = voucher[payable_invoices.BACK_LINK_FIELD]
            self._store.update(PAYABLE_INVOICE, document, {"c2g__InvoiceStatus__c": "Discarded"})
            yield Case(
                "document_discarded",
                "payable-invoices",
                voucher["Id"],
                frozenset({document}),
                _kinds(K.DISCARDED_DOCUMENT),
            )

    def _document_deleted(self) -> Iterator[Case]:
        for voucher in self._exported(VOUCHER, payable_invoices.BACK_LINK_FIELD):
            document = voucher[payable_invoices.BACK_LINK_FIELD]
            self._store.delete(PAYABLE_INVOICE, document)
            yield Case(
                "document_deleted", "payable-invoices", voucher["Id"], frozenset({document}), _kinds(K.MISSING_DOCUMENT)
            )

    def _exported_twice(self) -> Iterator[Case]:
        """The retired void path booked the invoice a second time, under no connector key."""
        header_fields = (
            "c2g__Account__c",
            "c2g__OwnerCompany__c",
            "c2g__InvoiceDate__c",
            "c2g__DueDate__c",
            "c2g__InvoiceCurrency__c",
            "c2g__Period__c",
            "c2g__CustomerReference__c",
            "SCMFFA__OIM_Invoice__c",
        )
        line_fields = ("c2g__Product__c", "c2g__Quantity__c", "c2g__UnitPrice__c", "c2g__LineDescription__c")
        for invoice in self._exported(INVOICE, sales_invoices.BACK_LINK_FIELD):
            original = invoice[sales_invoices.BACK_LINK_FIELD]
            header = self._store.query(
                f"SELECT {', '.join(header_fields)} FROM {SALES_INVOICE} WHERE Id = '{original}'"  # noqa: S608
            ).records[0]
            copy = self._store.create(SALES_INVOICE, {k: header.get(k) for k in header_fields})
            for line in self._lines(SALES_INVOICE_LINE, sales_invoices.PARENT_FIELD, original, ", ".join(line_fields)):
                self._store.create(
                    SALES_INVOICE_LINE, {**{k: line.get(k) for k in line_fields}, sales_invoices.PARENT_FIELD: copy}
                )
            yield Case(
                "exported_twice",
                "sales-invoices",
                invoice["Id"],
                frozenset({original, copy}),
                _kinds(K.DUPLICATE_DOCUMENT),
            )

    def _financial_records_changed(self) -> Iterator[Case]:
        """A debit and a credit both grow by 10: still balanced, different from the journal."""
        for record in self._exported(PERPETUAL, journals.BACK_LINK_FIELD):
            rows = self._lines(
                FINANCIAL, "SCMC__Inventory_Transaction__c", record["Id"], "Id, SCMC__ICP_Value_Amount__c"
            )
            debit = next((r for r in rows if (r["SCMC__ICP_Value_Amount__c"] or 0) > 0), None)
            credit = next((r for r in rows if (r["SCMC__ICP_Value_Amount__c"] or 0) < 0), None)
            if debit is None or credit is None:
                continue
            for row, delta in ((debit, 10), (credit, -10)):
                amount = Decimal(str(row["SCMC__ICP_Value_Amount__c"])) + delta
                self._store.update(FINANCIAL, row["Id"], {"SCMC__ICP_Value_Amount__c": float(amount)})
            yield Case(
                "financial_records_changed",
                "journals",
                record["Id"],
                frozenset({record[journals.BACK_LINK_FIELD]}),
                _kinds(K.LINE_DIFFERS, K.NOT_MAPPABLE),
                _kinds(K.TOTAL_DIFFERS, K.GL_ACCOUNT_DIFFERS, K.LINE_MISSING, K.LINE_WITHOUT_SOURCE),
            )

    def _unbalanced_journal(self) -> Iterator[Case]:
        for record in self._exported(PERPETUAL, journals.BACK_LINK_FIELD):
            journal = record[journals.BACK_LINK_FIELD]
            lines = self._lines(JOURNAL_LINE, journals.PARENT_FIELD, journal, "Id, c2g__Value__c")
            line = lines[0]
            value = Decimal(str(line["c2g__Value__c"])) + Decimal("1.00")
            self._store.update(JOURNAL_LINE, line["Id"], {"c2g__Value__c": float(value)})
            yield Case(
                "unbalanced_journal",
                "journals",
                record["Id"],
                frozenset({journal}),
                _kinds(K.UNBALANCED_JOURNAL),
                _kinds(K.LINE_DIFFERS, K.TOTAL_DIFFERS, K.GL_ACCOUNT_DIFFERS),
            )

    def _unexported(self, status: str) -> Iterator[Case]:
        """The document is gone and the source is back to New, or refused on a second export."""
        for invoice in self._exported(INVOICE, sales_invoices.BACK_LINK_FIELD):
            document = invoice[sales_invoices.BACK_LINK_FIELD]
            self._store.delete(SALES_INVOICE, document)
            error = (
                "Accounting refused the sales invoice: the customer is on hold" if status == "Export Error" else None
            )
            self._store.update(
                INVOICE,
                invoice["Id"],
                {EXPORT_STATUS_FIELD: status, EXPORT_ERROR_FIELD: error, sales_invoices.BACK_LINK_FIELD: None},
            )
            kind = K.EXPORT_ERROR if status == "Export Error" else K.NOT_EXPORTED
            yield Case(
                "export_error" if status == "Export Error" else "still_new",
                "sales-invoices",
                invoice["Id"],
                frozenset({document}),
                _kinds(kind),
            )

    def _document_without_source(self) -> Iterator[Case]:
        for voucher in self._exported(VOUCHER, payable_invoices.BACK_LINK_FIELD):
            document = voucher[payable_invoices.BACK_LINK_FIELD]
            self._store.delete(VOUCHER, voucher["Id"])
            yield Case(
                "document_without_source",
                "payable-invoices",
                voucher["Id"],
                frozenset({document}),
                _kinds(K.ORPHAN_DOCUMENT),
            )

    def _source_redated(self) -> Iterator[Case]:
        """The voucher's invoice date moved to the month before: its payable invoice stays in this period."""
        for voucher in self._exported(VOUCHER, payable_invoices.BACK_LINK_FIELD, ", SCMC__Invoice_Date__c"):
            day = dt.date.fromisoformat(str(voucher["SCMC__Invoice_Date__c"])[:10])
            earlier = day.replace(day=1) - dt.timedelta(days=1)
            self._store.update(VOUCHER, voucher["Id"], {"SCMC__Invoice_Date__c": earlier.isoformat()})
            yield Case(
                "source_redated",
                "payable-invoices",
                voucher["Id"],
                frozenset({voucher[payable_invoices.BACK_LINK_FIELD]}),
                _kinds(K.SOURCE_IN_OTHER_PERIOD),
            )
