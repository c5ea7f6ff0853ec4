"""Calculate Tax before export: the OIM documents that need it go to AvaTax, and the answer is
written back on OIM's tax fields, from where the flow's mapping takes its summarised Tax line."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from oim_connector.errors import OrgError, TransientOrgError
from oim_connector.mapping.avalara import (
    CREDIT_INVOICE_HEADER,
    CREDIT_INVOICE_LINES,
    SALES_INVOICE_HEADER,
    SALES_INVOICE_LINES,
    VOUCHER_HEADER,
    VOUCHER_LINES,
    TaxDocument,
    calculated_tax,
    calculated_write_back,
    credit_invoice_document,
    sales_invoice_document,
    transaction_model,
    voucher_document,
)
from oim_connector.model.flows import FlowId
from oim_connector.model.settings import AvalaraFlowSettings, AvalaraSettings
from oim_connector.org.port import OrgPort
from oim_connector.org.soql import Select, is_in
from oim_connector.tax.port import TaxPort, TaxServiceError, TaxServiceUnavailableError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TaxSource:
    """Where a flow's tax document lives in OIM and how it reads as a tax request."""

    sobject: str
    line_object: str
    lines_relationship: str
    header_fields: tuple[str, ...]
    line_fields: tuple[str, ...]
    read: Callable[[Mapping[str, Any]], TaxDocument]
    line_tax_field: str | None
    label: str  # the OIM document, as its users call it


TAX_SOURCES: dict[FlowId, TaxSource] = {
    FlowId.SALES_INVOICES: TaxSource("SCMC__Invoicing__c", "SCMC__Invoice_Line_Item__c",
                                     "SCMC__Invoice_Line_Items__r", SALES_INVOICE_HEADER, SALES_INVOICE_LINES,
                                     sales_invoice_document, "SCMC__Tax__c", "invoice"),
    FlowId.SALES_CREDIT_NOTES: TaxSource("SCMC__Credit_Invoice__c", "SCMC__Credit_Invoice_Line__c",
                                         "SCMC__Credit_Invoice_Lines__r", CREDIT_INVOICE_HEADER,
                                         CREDIT_INVOICE_LINES, credit_invoice_document, "SCMC__Tax__c",
                                         "credit invoice"),
    # Consumer use tax is the voucher's; OIM's voucher lines carry it in their Avalara breakdown fields.
    FlowId.PAYABLE_INVOICES: TaxSource("SCMC__AP_Voucher__c", "SCMC__AP_Voucher_Line__c", "SCMC__AP_Voucher_Lines__r",
                                       VOUCHER_HEADER, VOUCHER_LINES, voucher_document, None, "AP voucher"),
}  # fmt: skip


@dataclass
class CalculationOutcome:
    calculated: list[str]
    # source id -> why its tax could not be calculated (the source is not exported)
    failed: dict[str, str]
    requests: int = 0


def calculate_tax(
    flow: FlowId,
    source_ids: Sequence[str],
    *,
    org: OrgPort,
    tax: TaxPort | None,
    avalara: AvalaraFlowSettings,
    shared: AvalaraSettings,
    now: dt.datetime,
) -> CalculationOutcome:
    outcome = CalculationOutcome([], {})
    source = TAX_SOURCES.get(flow)
    if not source_ids or source is None:
        return outcome
    if tax is None:
        why = ("Calculate Tax was asked for but the connector has no Avalara connection: "
               "set AVALARA_SECRET_ARN (an admin task)")  # fmt: skip
        outcome.failed = dict.fromkeys(source_ids, why)
        return outcome
    before = tax.requests_made()
    lines = Select(source.lines_relationship, source.line_fields, order_by=("Id",))
    select = Select(source.sobject, source.header_fields, where=is_in("Id", list(source_ids)), order_by=("Id",),
                    children=(lines,))  # fmt: skip
    headers: dict[str, dict[str, Any]] = {}
    line_owner: dict[str, str] = {}
    line_updates: list[dict[str, Any]] = []
    for record in org.query(select):
        document = source.read(record)
        try:
            answer = tax.create_or_adjust(transaction_model(document, shared.company_code, shared.origin))
        except TaxServiceUnavailableError as error:
            outcome.failed[document.source_id] = (
                f"{error.message}: the tax was not calculated and the document was not exported; try again later"
            )
            continue
        except (TaxServiceError, ValueError) as error:
            message = error.message if isinstance(error, TaxServiceError) else str(error)
            outcome.failed[document.source_id] = f"Avalara could not calculate the tax of {document.name}: {message}"
            continue
        header, lines_written = calculated_write_back(document, calculated_tax(answer), avalara, now,
                                                      line_tax_field=source.line_tax_field)  # fmt: skip
        headers[document.source_id] = header
        line_updates.extend(lines_written)
        line_owner.update((str(line["Id"]), document.source_id) for line in lines_written)
    outcome.requests = tax.requests_made() - before
    # Lines first, header last: a header marked Calculated always has its line taxes.
    for line_id in _write(org, source.line_object, line_updates):
        headers.pop(line_owner[line_id], None)
        outcome.failed[line_owner[line_id]] = _NOT_WRITTEN
    failed_headers = _write(org, source.sobject, list(headers.values()))
    for source_id in headers:
        if source_id in failed_headers:
            outcome.failed[source_id] = _NOT_WRITTEN
        else:
            outcome.calculated.append(source_id)
    return outcome


_NOT_WRITTEN = "the calculated tax could not be written back on the OIM record: not exported; try again"


def _write(org: OrgPort, sobject: str, records: list[dict[str, Any]]) -> set[str]:
    """The ids that could not be written."""
    if not records:
        return set()
    try:
        results = org.update_records(sobject, records)
    except (TransientOrgError, OrgError) as error:
        log.warning("could not write the calculated tax back: %s", error.message)
        return {str(r["Id"]) for r in records}
    # Results come in the order of the records (sObject collections).
    return {str(record["Id"]) for record, result in zip(records, results, strict=False) if not result.success}
