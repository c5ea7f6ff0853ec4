"""The sales credit note flow: OIM credit invoices -> sales credit notes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from oim_connector.flows.base import DocumentFlow
from oim_connector.flows.reference_loader import load_reference_data
from oim_connector.mapping import sales_credit_notes as rules_module
from oim_connector.mapping.reference import ReferenceData
from oim_connector.model.documents import Mapped
from oim_connector.model.flows import FlowId
from oim_connector.model.settings import ConnectorSettings, FieldRule
from oim_connector.org.port import OrgPort
from oim_connector.org.soql import Condition, Select, eq, is_in


class SalesCreditNoteFlow(DocumentFlow):
    flow = FlowId.SALES_CREDIT_NOTES
    source_object = rules_module.SOURCE_OBJECT
    target_object = rules_module.HEADER_OBJECT
    lines_relationship = rules_module.LINES_RELATIONSHIP
    header_fields = rules_module.HEADER_FIELDS
    line_fields = rules_module.LINE_FIELDS
    back_link_field = rules_module.BACK_LINK_FIELD
    document_label = "sales credit note"

    def eligibility_condition(self, settings: ConnectorSettings) -> Condition | None:
        # Credits whose original sales invoice is not posted yet stay selected: they are refused
        # with the reason on the record and picked again by the next run, once it is posted.
        return eq("SCMFFA__Billing_Document__c", None)

    def explain_missing(self, org: OrgPort, record_ids: Sequence[str]) -> dict[str, str]:
        """An OIM invoice Id asks for the deprecated void route: refuse it and say what to do instead."""
        invoices = org.query(Select(rules_module.ORIGINAL_OBJECT, ("Id", "Name"), where=is_in("Id", list(record_ids))))
        messages = {str(r["Id"]): rules_module.deprecated_route_message(str(r["Name"])) for r in invoices}
        # Requests may carry 15-character ids; answer them under the id they were asked with.
        return {asked: messages[found] for asked in record_ids for found in messages if found.startswith(asked)}

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
        return rules_module.map_sales_credit_note(
            record, ref=ref, settings=settings.sales_credit_notes, rules=rules, today=today
        )


FLOW = SalesCreditNoteFlow()
