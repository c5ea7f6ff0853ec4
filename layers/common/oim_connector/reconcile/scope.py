"""Which period and company a reconciliation covers, and which source dates put a document in it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from oim_connector.errors import BadRequestError
from oim_connector.mapping import journals, sales_credit_notes
from oim_connector.mapping.reference import Company, Period, ReferenceData
from oim_connector.mapping.rules import get_path, parse_date
from oim_connector.model.flows import FlowId
from oim_connector.model.settings import ConnectorSettings
from oim_connector.org.soql import Condition, compare

PERIOD_NAME = re.compile(r"^\d{4}/\d{3}$")
_DATETIME_FIELDS = frozenset({"CreatedDate", "LastModifiedDate", "SystemModstamp"})

# The dates each mapping books a document on, first filled wins (mapping/<flow>.py: document date).
_DATE_PATHS: dict[FlowId, tuple[str, ...]] = {
    FlowId.SALES_INVOICES: ("SCMC__Invoice_Date__c", "CreatedDate"),
    FlowId.SALES_CREDIT_NOTES: (sales_credit_notes.SALES_INVOICE + "c2g__InvoiceDate__c", "CreatedDate"),
    FlowId.PAYABLE_INVOICES: ("SCMC__Invoice_Date__c", "CreatedDate"),
    FlowId.PAYABLE_CREDIT_NOTES: ("SCMC__Credit_Date__c", "CreatedDate"),
}


@dataclass(frozen=True)
class Scope:
    name: str
    company: Company | None
    periods: tuple[Period, ...]

    @property
    def start(self) -> dt.date:
        return min(p.start for p in self.periods)

    @property
    def end(self) -> dt.date:
        return max(p.end for p in self.periods)

    @property
    def period_ids(self) -> frozenset[str]:
        return frozenset(p.id for p in self.periods)


def resolve_scope(ref: ReferenceData, period: str, company: str | None) -> Scope:
    """The periods named ``period`` (of ``company`` when given); a clear error for anything unknown."""
    if not PERIOD_NAME.match(period or ""):
        raise BadRequestError(f"'{period[:40]}' is not a period name: write it as YYYY/NNN, e.g. 2026/006")
    chosen = None
    if company:
        chosen = ref.company_by_name(company)
        if chosen is None:
            known = ", ".join(sorted(c.name for c in ref.companies.values())) or "none"
            raise BadRequestError(f"No accounting company is named '{company[:80]}': use one of {known}")
    periods = tuple(p for p in ref.periods if p.name == period and (chosen is None or p.company_id == chosen.id))
    if not periods:
        names = sorted({p.name for p in ref.periods if chosen is None or p.company_id == chosen.id})
        known = f"periods run from {names[0]} to {names[-1]}" if names else "no periods exist"
        of = f" of company '{chosen.name}'" if chosen else ""
        raise BadRequestError(f"No accounting period{of} is named {period}: {known}")
    return Scope(period, chosen, periods)


def date_paths(flow: FlowId, settings: ConnectorSettings) -> tuple[str, ...]:
    if flow == FlowId.JOURNALS:
        return journals.journal_date_paths(settings.journals)
    return _DATE_PATHS[flow]


def dated_within(paths: tuple[str, ...], scope: Scope, prefix: str = "") -> Condition:
    """Any of the date paths within the scope: a superset of the period's sources (the mapped period decides)."""
    start, after_end = scope.start, scope.end + dt.timedelta(days=1)
    result: Condition | None = None
    for path in paths:
        full = prefix + path
        if path.rsplit(".", 1)[-1] in _DATETIME_FIELDS:
            low = dt.datetime.combine(start, dt.time(), dt.UTC)
            high = dt.datetime.combine(after_end, dt.time(), dt.UTC)
            condition = compare(full, ">=", low) & compare(full, "<", high)
        else:
            condition = compare(full, ">=", start) & compare(full, "<=", scope.end)
        result = condition if result is None else result | condition
    assert result is not None
    return result


def booking_date(record: Mapping[str, Any], paths: tuple[str, ...]) -> dt.date | None:
    """The first filled date: where a source that cannot be mapped would be booked."""
    for path in paths:
        day = parse_date(get_path(record, path))
        if day is not None:
            return day
    return None
