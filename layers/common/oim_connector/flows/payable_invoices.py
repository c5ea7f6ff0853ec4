"""The payable invoice flow: AP vouchers -> payable invoices."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from oim_connector.flows.base import DocumentFlow
from oim_connector.flows.reference_loader import load_reference_data
from oim_connector.mapping import payable_invoices as rules_module
from oim_connector.mapping.payables import PayablesReference
from oim_connector.mapping.reference import ReferenceData
from oim_connector.model.documents import Mapped
from oim_connector.model.flows import FlowId
from oim_connector.model.settings import ConnectorSettings, FieldRule
from oim_connector.org.port import OrgPort
from oim_connector.org.soql import Condition, eq


def load_payables_reference(org: OrgPort) -> PayablesReference:
    """The shared reference data plus the purchase analysis GLAs of the line-type products,
    which expense tax lines are booked to (read with the line-type mappings)."""
    base = load_reference_data(org)
    products = dict(base.line_type_product_details)
    fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
    return PayablesReference(**fields, products=products)


class PayableInvoiceFlow(DocumentFlow):
    flow = FlowId.PAYABLE_INVOICES
    source_object = rules_module.SOURCE_OBJECT
    target_object = rules_module.HEADER_OBJECT
    lines_relationship = rules_module.LINES_RELATIONSHIP
    header_fields = rules_module.HEADER_FIELDS
    line_fields = rules_module.LINE_FIELDS
    back_link_field = rules_module.BACK_LINK_FIELD
    document_label = "payable invoice"

    def eligibility_condition(self, settings: ConnectorSettings) -> Condition | None:
        return eq("SCMC__Status__c", rules_module.MATCHED)

    def posted_source_updates(
        self, source_ids: Sequence[str], settings: ConnectorSettings, posted_on: dt.date
    ) -> list[dict[str, Any]]:
        return rules_module.posted_voucher_updates(source_ids, settings=settings.payable_invoices, posted_on=posted_on)

    def load_reference(self, org: OrgPort, settings: ConnectorSettings) -> ReferenceData:
        return load_payables_reference(org)

    def map(
        self,
        record: Mapping[str, Any],
        *,
        ref: ReferenceData,
        settings: ConnectorSettings,
        rules: Sequence[FieldRule],
        today: dt.date,
    ) -> Mapped:
        return rules_module.map_payable_invoice(
            record,
            ref=ref,
            settings=settings.payable_invoices,
            general=settings.general,
            rules=rules,
            today=today,
        )


FLOW = PayableInvoiceFlow()
