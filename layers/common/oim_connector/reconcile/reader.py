"""Reading both sides of a reconciliation through the org port: reads only, page by page.

Sources come in keyset pages of ``page_size`` (the flow's own selection, so its field names
are the ones the flows read). Each page's ledger documents come in one query over the
source-lookup range the page covers, so the requests per object stay ceil(rows / 2,000) plus
one query for the period's documents outside every range.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from oim_connector.flows.base import DocumentFlow
from oim_connector.mapping.reference import ReferenceData
from oim_connector.model.documents import EXPORT_ERROR_FIELD, EXTERNAL_ID_FIELD
from oim_connector.model.settings import ConnectorSettings
from oim_connector.org.port import OrgPort
from oim_connector.org.soql import Condition, Select, compare, eq, gt, is_in
from oim_connector.reconcile.compare import LedgerDocument, LedgerLine, line_amount
from oim_connector.reconcile.ledger import AMOUNT_FIELDS, COMPANY_FIELD, PERIOD_FIELD, LedgerShape
from oim_connector.reconcile.scope import Scope, dated_within

PAGE_SIZE = 2000  # the most rows one query page returns
IDS_PER_QUERY = 300  # keeps a GET query well inside the 16 KB URI limit


class ReconcileReader:
    def __init__(
        self,
        org: OrgPort,
        flow: DocumentFlow,
        shape: LedgerShape,
        settings: ConnectorSettings,
        scope: Scope,
        date_paths: tuple[str, ...],
        *,
        page_size: int = PAGE_SIZE,
    ) -> None:
        self._org = org
        self._flow = flow
        self._shape = shape
        self.shape = shape
        self._settings = settings
        self._scope = scope
        self._date_paths = date_paths
        self._page_size = page_size

    # ------------------------------------------------------------------ sources

    def source_pages(self) -> Iterator[list[dict[str, Any]]]:
        after: str | None = None
        dated = dated_within(self._date_paths, self._scope)
        while True:
            where = dated & gt("Id", after) if after else dated
            select = self._flow.selection(self._settings, where, limit=self._page_size)
            extra = (EXPORT_ERROR_FIELD, "CreatedDate", *self._date_paths)
            select = replace(select, fields=tuple(dict.fromkeys((*select.fields, *extra))))
            page = list(self._org.query(select))
            full, after = len(page) == self._page_size, str(page[-1]["Id"]) if page else None
            if page:
                yield page
            del page  # one page in memory at a time: the caller has let go of it too
            if not full:
                return

    # ------------------------------------------------------------------ ledger

    def ledger_window(
        self,
        after: str | None,
        last: str,
        header_fields: set[str],
        line_fields: Mapping[str, set[str]],
        ref: ReferenceData,
    ) -> list[LedgerDocument]:
        """Documents whose source lookup is in (after, last] and that belong to the period or whose
        source is dated in it (so a document moved to another period is found too)."""
        lookup = self._shape.source_lookup
        in_range = compare(lookup, "<=", last)
        if after:
            in_range = in_range & gt(lookup, after)
        relevant = self._in_period() | dated_within(
            self._date_paths, self._scope, self._shape.source_relationship + "."
        )
        return self._ledger(in_range & relevant, header_fields, line_fields, ref)

    def ledger_outside(
        self, after: str | None, line_fields: Mapping[str, set[str]], ref: ReferenceData
    ) -> list[LedgerDocument]:
        """The period's documents after the last range, or with no source at all."""
        lookup = self._shape.source_lookup
        outside = eq(lookup, None) | gt(lookup, after) if after else None
        where = self._in_period() & outside if outside is not None else self._in_period()
        return self._ledger(where, set(), line_fields, ref)

    def ledger_by_ids(
        self, ids: list[str], header_fields: set[str], line_fields: Mapping[str, set[str]], ref: ReferenceData
    ) -> list[LedgerDocument]:
        """Documents a source links to but whose source lookup is blank (written before the lookup
        was mapped, or by the source product): only these, IDS_PER_QUERY at a time."""
        found: list[LedgerDocument] = []
        for start in range(0, len(ids), IDS_PER_QUERY):
            chunk = ids[start : start + IDS_PER_QUERY]
            found += self._ledger(is_in("Id", chunk), header_fields, line_fields, ref)
        return found

    def _in_period(self) -> Condition:
        return is_in(PERIOD_FIELD, sorted(self._scope.period_ids))

    def _ledger(
        self, where: Condition, header_fields: set[str], line_fields: Mapping[str, set[str]], ref: ReferenceData
    ) -> list[LedgerDocument]:
        shape = self._shape
        relationship = shape.source_relationship
        base = (
            "Id",
            "Name",
            EXTERNAL_ID_FIELD,
            shape.status_field,
            shape.currency_field,
            shape.source_lookup,
            f"{relationship}.Id",
            f"{relationship}.Name",
            PERIOD_FIELD,
            COMPANY_FIELD,
        )
        children = tuple(
            Select(
                line.relationship,
                tuple(
                    dict.fromkeys(
                        (
                            "Id",
                            "Name",
                            EXTERNAL_ID_FIELD,
                            *AMOUNT_FIELDS[line.amount],
                            *sorted(line_fields.get(line.sobject, ())),
                        )
                    )
                ),
                order_by=("Id",),
            )
            for line in shape.lines
        )
        fields = tuple(dict.fromkeys((*base, *sorted(header_fields))))
        select = Select(shape.header, fields, where=where, order_by=(shape.source_lookup, "Id"), children=children)
        return [self._document(record, ref) for record in self._org.query(select)]

    def _document(self, record: Mapping[str, Any], ref: ReferenceData) -> LedgerDocument:
        shape = self._shape
        currency = ref.currencies.get(str(record.get(shape.currency_field) or ""))
        dp = currency.decimal_places if currency else 2
        lines = []
        for line in shape.lines:
            block = record.get(line.relationship)
            rows = block.get("records", []) if isinstance(block, Mapping) else []
            for row in rows:
                values = {k: v for k, v in row.items() if k != "attributes"}
                gla = values.get("c2g__GeneralLedgerAccount__c")
                lines.append(
                    LedgerLine(
                        id=str(row["Id"]),
                        name=row.get("Name"),
                        external_id=row.get(EXTERNAL_ID_FIELD),
                        fields=values,
                        amount=line_amount(line.amount, values, dp),
                        gl_account=str(gla) if gla else None,
                    )
                )
        source = record.get(shape.source_relationship)
        header = {k: v for k, v in record.items() if k != "attributes" and not isinstance(v, Mapping)}
        lookup = record.get(shape.source_lookup)
        return LedgerDocument(
            id=str(record["Id"]),
            name=record.get("Name"),
            external_id=record.get(EXTERNAL_ID_FIELD),
            source_id=str(lookup) if lookup else None,
            source_exists=bool(lookup) and isinstance(source, Mapping) and bool(source.get("Id")),
            status=record.get(shape.status_field),
            fields=header,
            lines=tuple(lines),
            source_name=source.get("Name") if isinstance(source, Mapping) else None,
            journal=any(line.amount == "value" for line in shape.lines),
        )
