"""Rules every document flow shares: export status gates, company, currency, period,
field mappings and document splitting. Pure functions: no I/O, no clock, no globals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from oim_connector.mapping.reference import AccountingCurrency, Company, Period, ReferenceData
from oim_connector.model.documents import EXPORT_STATUS_FIELD, INCOMPLETE_FIELD
from oim_connector.model.settings import FieldRule

IN_PROCESS = "Export in Process"
# OIM publishes the in-flight export status under two spellings: "Export in Progress" on the Invoicing object
# (SCM Accounting Connector help 2023.1/2023.2 "Invoicing Fields"), "Export in Process" on Credit Invoice (SCM help
# 2022.3 "Credit Invoice Fields"), AP Voucher (OIM DD 2023.1) and perpetual records (OIM DD 2024.1).
IN_PROGRESS = "Export in Progress"
IN_PROCESS_VALUES = (IN_PROCESS, IN_PROGRESS)
IN_FLIGHT_OR_DONE = ("Exported", *IN_PROCESS_VALUES, "Exported as Billing Document")
_IN_PROCESS_BY_OBJECT = {"scmc__invoicing__c": IN_PROGRESS}


def in_process_value(sobject: str) -> str:
    """The in-flight export status value the source object's picklist publishes."""
    return _IN_PROCESS_BY_OBJECT.get(sobject.lower(), IN_PROCESS)


LAST_MODIFIED_FIELD = "LastModifiedDate"


class MappingError(Exception):
    """A refusal a finance user can act on; the message says what to change."""


def get_path(record: Mapping[str, Any] | None, path: str) -> Any:
    """The value at a field path such as ``SCMC__Sales_Order__r.SCMC__Customer_Account__c``."""
    current: Any = record
    for part in path.split("."):
        if not isinstance(current, Mapping):
            return None
        current = _get_ci(current, part)
    return current


def _get_ci(record: Mapping[str, Any], key: str) -> Any:
    if key in record:
        return record[key]
    lowered = key.lower()
    for candidate, value in record.items():
        if candidate.lower() == lowered:
            return value
    return None


def children(record: Mapping[str, Any], relationship: str) -> list[dict[str, Any]]:
    block = _get_ci(record, relationship)
    if isinstance(block, Mapping):
        records = block.get("records")
        if isinstance(records, list):
            return [r for r in records if isinstance(r, dict)]
    return []


def incomplete_link_path(back_link_field: str) -> str:
    """The linked document's large-document marker, read through the source's back-link."""
    return f"{back_link_field.removesuffix('__c')}__r.{INCOMPLETE_FIELD}"


def skip_reason(record: Mapping[str, Any], back_link_field: str, document_label: str) -> str | None:
    """Records already exported, in process or linked are skipped, never exported twice.

    Except one whose linked document is still marked incomplete: two runs wrote one large document
    at once, and the slower one marked it again after the faster one had linked it. It is written
    again (converged) instead of staying half written behind an Exported source.
    """
    status = record.get(EXPORT_STATUS_FIELD)
    linked = record.get(back_link_field)
    if linked and get_path(record, incomplete_link_path(back_link_field)) is True:
        return None
    if linked:
        target_name = get_path(record, back_link_field.removesuffix("__c") + "__r.Name")
        return f"Already linked to {document_label} {target_name or linked}"
    if status in IN_FLIGHT_OR_DONE:
        return f"Export Status is '{status}'"
    return None


def is_stale_claim(record: Mapping[str, Any], stale_before: dt.datetime) -> bool:
    """'Export in Process' left behind by a process that died: untouched since ``stale_before``."""
    if record.get(EXPORT_STATUS_FIELD) not in IN_PROCESS_VALUES:
        return False
    modified = parse_datetime(record.get(LAST_MODIFIED_FIELD))
    return modified is not None and modified < stale_before


def release_stale_claim(record: Mapping[str, Any], stale_before: dt.datetime) -> Mapping[str, Any]:
    """The record as if its stale claim were gone, so the flow's own rules decide again."""
    if not is_stale_claim(record, stale_before):
        return record
    return {**record, EXPORT_STATUS_FIELD: None}


def parse_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if not isinstance(value, str):
        return None
    text = value.strip().replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = f"{text[:-2]}:{text[-2:]}"  # Salesforce writes +0000
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class CompanyAndCurrency:
    company: Company
    currency: AccountingCurrency


NO_COMPANY_NAME = "N/A"  # the Company Name picklist's shipped placeholder


def company_and_currency(
    ref: ReferenceData,
    *,
    company_id: str | None,
    currency_id: str | None,
    currency_iso: str | None,
    default_company: str | None,
    record_label: str,
    company_name: str | None = None,
) -> CompanyAndCurrency:
    """Company and currency follow the OIM records, then the default company; never the user's.

    With the Accounting Company lookups empty, the record's Company Name picklist (connector-spec
    §3.1: "choosing a picklist value sets the lookup when an Accounting company of that exact name
    exists") names the company; its shipped placeholder "N/A" names none."""
    company = ref.companies.get(company_id) if company_id else None
    if company is None and not company_id and company_name and company_name != NO_COMPANY_NAME:
        company = ref.company_by_name(company_name)
        if company is None:
            raise MappingError(
                f"The Company Name '{company_name}' of {record_label} names no Accounting company: choose the "
                "name of an existing company (the picklist values must match the companies' names exactly)"
            )
    if company is None and not company_id:
        company = ref.company_by_name(default_company)
    if company is None:
        if company_id:
            raise MappingError(f"{record_label} points to an accounting company that does not exist ({company_id})")
        raise MappingError(
            f"{record_label} has no Accounting Company and no default company is set: set the company on the "
            "order (Company Name) or choose a default company in the connector settings"
        )
    currency = ref.currencies.get(currency_id) if currency_id else None
    if currency is not None and currency.company_id != company.id:
        currency = ref.currency_for(company.id, currency.iso_code)
    if currency is None:
        currency = ref.currency_for(company.id, currency_iso)
    if currency is None:
        iso = currency_iso or "the document's currency"
        raise MappingError(
            f"Company '{company.name}' has no accounting currency {iso}: create it in Accounting or correct "
            f"the currency on {record_label}"
        )
    return CompanyAndCurrency(company, currency)


def open_period(ref: ReferenceData, company: Company, day: dt.date, record_label: str) -> Period:
    period = ref.period_for(company.id, day)
    if period is None:
        raise MappingError(
            f"No accounting period of company '{company.name}' covers {day.isoformat()} ({record_label}): "
            "create the period in Accounting"
        )
    if period.closed:
        raise MappingError(
            f"Period {period.name} of company '{company.name}' is closed, so {record_label} dated "
            f"{day.isoformat()} cannot be booked: reopen the period or change the document date"
        )
    return period


def effective_rules(defaults: Sequence[FieldRule], custom: Sequence[FieldRule], use_custom: bool) -> list[FieldRule]:
    """Default mapping, with an admin's rules replacing defaults of the same target and level."""
    if not use_custom or not custom:
        return list(defaults)
    overridden = {(r.level, r.target.lower()) for r in custom}
    kept = [r for r in defaults if (r.level, r.target.lower()) not in overridden]
    return kept + list(custom)


def apply_rules(
    rules: Iterable[FieldRule], level: str, source: Mapping[str, Any], derived: Mapping[str, Any]
) -> dict[str, Any]:
    """Target field values from a mapping: source paths, constants and derived values."""
    values: dict[str, Any] = {}
    for rule in rules:
        if rule.level != level:
            continue
        if rule.transform is not None:
            if rule.transform not in derived:
                raise MappingError(
                    f"The field mapping for {rule.target} names the value '{rule.transform}', which this flow "
                    f"does not compute; known values: {', '.join(sorted(derived))}"
                )
            value = derived[rule.transform]
        elif rule.source is not None:
            value = get_path(source, rule.source)
        else:
            value = rule.constant
        values[rule.target] = value
    return values


def source_paths(rules: Iterable[FieldRule], *levels: str) -> list[str]:
    return [r.source for r in rules if r.level in levels and r.source is not None]


def map_all[S, T](items: Iterable[S], map_one: Callable[[S], T]) -> list[T]:
    """Map every item; if any can't be mapped, refuse with every reason at once, so a user fixes
    all of a document's lines in one go."""
    mapped: list[T] = []
    errors: list[str] = []
    for item in items:
        try:
            mapped.append(map_one(item))
        except MappingError as error:
            errors.append(str(error))
    if errors:
        raise MappingError("; ".join(errors))
    return mapped


def chunk[T](items: Sequence[T], size: int) -> list[Sequence[T]]:
    """Split a document's lines by the line limit: the connector makes one document per chunk."""
    if not items:
        return [items]
    return [items[i : i + size] for i in range(0, len(items), size)]


def part_external_id(base: str, part: int) -> str:
    return base if part == 1 else f"{base}:{part}"
