"""The document flows the engine knows: one declaration each (flows/base.py says what each field means).

A flow's rules are in its mapping module (mapping/<flow>.py); what is here is what the engine
needs besides: its objects, its settings section, its selection criteria and its reference data.
A declaration is built on first use, so a run loads its own flow's mapping module, not all five.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

from oim_connector.errors import BadRequestError
from oim_connector.flows.base import DocumentFlow, FlowDeclaration
from oim_connector.flows.reference_loader import load_payables_reference, load_reference_data
from oim_connector.model.flows import DOCUMENT_FLOWS, FlowId
from oim_connector.org.port import OrgPort
from oim_connector.org.soql import Select, eq, is_in


def _sales_invoices() -> DocumentFlow:
    from oim_connector.mapping import sales_invoices

    return FlowDeclaration(
        flow=FlowId.SALES_INVOICES,
        source_object=sales_invoices.SOURCE_OBJECT,
        target_object=sales_invoices.HEADER_OBJECT,
        lines_relationship=sales_invoices.LINES_RELATIONSHIP,
        header_fields=sales_invoices.HEADER_FIELDS,
        line_fields=sales_invoices.LINE_FIELDS,
        section=lambda settings: settings.sales_invoices,
        mapping=sales_invoices.map_sales_invoice,
        eligibility=lambda _: (
            eq("SCMC__Status__c", "Closed")
            & eq("SCMC__Proforma__c", False)
            & eq("SCMFFA__Billing_Document__c", None)
            & (
                eq("SCMC__Shipping__r.SCMC__Status__c", sales_invoices.SHIPMENT_COMPLETE)
                | eq("SCMC__Sales_Order__r.SCMC__Drop_Ship__c", True)
            )
        ),
        setting_fields=lambda section: (section.header_total_field,) if section.header_total_field else (),
    )


def _deprecated_void_route(org: OrgPort, record_ids: Sequence[str]) -> dict[str, str]:
    """An OIM invoice Id asks for the deprecated void route: refuse it and say what to do instead."""
    from oim_connector.mapping import sales_credit_notes

    invoices = org.query(
        Select(sales_credit_notes.ORIGINAL_OBJECT, ("Id", "Name"), where=is_in("Id", list(record_ids)))
    )
    messages = {str(r["Id"]): sales_credit_notes.deprecated_route_message(str(r["Name"])) for r in invoices}
    # Requests may carry 15-character ids; answer them under the id they were asked with.
    return {asked: messages[found] for asked in record_ids for found in messages if found.startswith(asked)}


def _sales_credit_notes() -> DocumentFlow:
    from oim_connector.mapping import sales_credit_notes

    return FlowDeclaration(
        flow=FlowId.SALES_CREDIT_NOTES,
        source_object=sales_credit_notes.SOURCE_OBJECT,
        target_object=sales_credit_notes.HEADER_OBJECT,
        lines_relationship=sales_credit_notes.LINES_RELATIONSHIP,
        header_fields=sales_credit_notes.HEADER_FIELDS,
        line_fields=sales_credit_notes.LINE_FIELDS,
        section=lambda settings: settings.sales_credit_notes,
        mapping=sales_credit_notes.map_sales_credit_note,
        # Credits whose original sales invoice is not posted yet stay selected: they are refused
        # with the reason on the record and picked again by the next run, once it is posted.
        eligibility=lambda _: eq("SCMFFA__Billing_Document__c", None),
        explain_missing=_deprecated_void_route,
    )


def _payable_invoices() -> DocumentFlow:
    from oim_connector.mapping import payable_invoices

    return FlowDeclaration(
        flow=FlowId.PAYABLE_INVOICES,
        source_object=payable_invoices.SOURCE_OBJECT,
        target_object=payable_invoices.HEADER_OBJECT,
        lines_relationship=payable_invoices.LINES_RELATIONSHIP,
        header_fields=payable_invoices.HEADER_FIELDS,
        line_fields=payable_invoices.LINE_FIELDS,
        section=lambda settings: settings.payable_invoices,
        mapping=payable_invoices.map_payable_invoice,
        eligibility=lambda _: eq("SCMC__Status__c", payable_invoices.MATCHED),
        reference=load_payables_reference,
        write_back=payable_invoices.posted_voucher_updates,
    )


def _payable_credit_notes() -> DocumentFlow:
    from oim_connector.mapping import payable_credit_notes

    return FlowDeclaration(
        flow=FlowId.PAYABLE_CREDIT_NOTES,
        source_object=payable_credit_notes.SOURCE_OBJECT,
        target_object=payable_credit_notes.HEADER_OBJECT,
        lines_relationship=payable_credit_notes.LINES_RELATIONSHIP,
        header_fields=payable_credit_notes.HEADER_FIELDS,
        line_fields=payable_credit_notes.LINE_FIELDS,
        section=lambda settings: settings.payable_credit_notes,
        mapping=payable_credit_notes.map_payable_credit_note,
        # connector-spec §7 list view: the credited voucher is exported; the posting of its
        # payable invoice is checked by the mapping, which says so on the record.
        eligibility=lambda _: eq("SCMC__AP_Voucher__r.SCMC__Export_Status__c", payable_credit_notes.EXPORTED),
        reference=load_payables_reference,
    )


def _journals() -> DocumentFlow:
    from oim_connector.mapping import journals

    return FlowDeclaration(
        flow=FlowId.JOURNALS,
        source_object=journals.SOURCE_OBJECT,
        target_object=journals.HEADER_OBJECT,
        lines_relationship=journals.LINES_RELATIONSHIP,
        header_fields=journals.HEADER_FIELDS,
        line_fields=journals.LINE_FIELDS,
        section=lambda settings: settings.journals,
        mapping=journals.map_journal,
        eligibility=lambda section: is_in(journals.TYPE_FIELD, journals.accounting_types(section)),
        # GL Account mappings for line GLAs, rates for conversion, reporting codes for the rounding GLA.
        reference=lambda org, section: load_reference_data(org, gl_mappings=True, exchange_rates=True, gl_accounts=True,
                                                           gl_mapping_company_field=section.gl_mapping_company_field),
    )  # fmt: skip


_DECLARATIONS: dict[FlowId, Callable[[], DocumentFlow]] = {
    FlowId.SALES_INVOICES: _sales_invoices,
    FlowId.SALES_CREDIT_NOTES: _sales_credit_notes,
    FlowId.PAYABLE_INVOICES: _payable_invoices,
    FlowId.PAYABLE_CREDIT_NOTES: _payable_credit_notes,
    FlowId.JOURNALS: _journals,
}


def implemented_flows() -> list[FlowId]:
    return [flow for flow in DOCUMENT_FLOWS if flow in _DECLARATIONS]


@cache
def document_flow(flow: FlowId) -> DocumentFlow:
    declare = _DECLARATIONS.get(flow)
    if declare is None:
        raise BadRequestError(f"The {flow.value} flow is not implemented yet")
    return declare()
