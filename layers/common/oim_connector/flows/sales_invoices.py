"""The sales invoice flow: OIM invoices -> sales invoices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from oim_connector.flows.base import DocumentFlow
from oim_connector.flows.reference_loader import load_reference_data
from oim_connector.mapping import sales_invoices as rules_module
from oim_connector.mapping.reference import ReferenceData
from oim_connector.model.documents import Mapped
from oim_connector.model.flows import FlowId
from oim_connector.model.settings import ConnectorSettings, FieldRule
from oim_connector.org.port import OrgPort
from oim_connector.org.soql import Condition, eq


class SalesInvoiceFlow(DocumentFlow):
    flow = FlowId.SALES_INVOICES
    source_object = rules_module.SOURCE_OBJECT
    target_object = rules_module.HEADER_OBJECT
    lines_relationship = rules_module.LINES_RELATIONSHIP
    header_fields = rules_module.HEADER_FIELDS
    line_fields = rules_module.LINE_FIELDS
    back_link_field = rules_module.BACK_LINK_FIELD
    document_label = "sales invoice"

    def setting_fields(self, settings: ConnectorSettings) -> tuple[str, ...]:
        total = settings.sales_invoices.header_total_field
        return (total,) if total else ()

    def eligibility_condition(self, settings: ConnectorSettings) -> Condition | None:
        shipped = eq("SCMC__Shipping__r.SCMC__Status__c", rules_module.SHIPMENT_COMPLETE) | eq(
            "SCMC__Sales_Order__r.SCMC__Drop_Ship__c", True
        )
        return (
            eq("SCMC__Status__c", "Closed")
            & eq("SCMC__Proforma__c", False)
            & eq("SCMFFA__Billing_Document__c", None)
            & shipped
        )

    def load_reference(self, org: OrgPort, settings: ConnectorSettings) -> ReferenceData:
        return load_reference_data(org)

    def map(
        self,
        record: Mapping[str, Any],
        *,
        ref: ReferenceData,
        settings: ConnectorSettings,
        rules: Sequence[FieldRule],
        today: dt.date,
    ) -> Mapped:
        return rules_module.map_sales_invoice(
            record,
            ref=ref,
            settings=settings.sales_invoices,
            general=settings.general,
            rules=rules,
            today=today,
        )


FLOW = SalesInvoiceFlow()
