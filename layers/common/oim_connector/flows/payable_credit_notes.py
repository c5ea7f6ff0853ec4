"""The payable credit note flow: AP voucher credits -> payable credit notes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from oim_connector.flows.base import DocumentFlow
from oim_connector.flows.payable_invoices import load_payables_reference
from oim_connector.mapping import payable_credit_notes as rules_module
from oim_connector.mapping.reference import ReferenceData
from oim_connector.model.documents import Mapped
from oim_connector.model.flows import FlowId
from oim_connector.model.settings import ConnectorSettings, FieldRule
from oim_connector.org.port import OrgPort
from oim_connector.org.soql import Condition, eq


class PayableCreditNoteFlow(DocumentFlow):
    flow = FlowId.PAYABLE_CREDIT_NOTES
    source_object = rules_module.SOURCE_OBJECT
    target_object = rules_module.HEADER_OBJECT
    lines_relationship = rules_module.LINES_RELATIONSHIP
    header_fields = rules_module.HEADER_FIELDS
    line_fields = rules_module.LINE_FIELDS
    back_link_field = rules_module.BACK_LINK_FIELD
    document_label = "payable credit note"

    def eligibility_condition(self, settings: ConnectorSettings) -> Condition | None:
        # connector-spec §7 list view: the credited voucher is exported; the posting of its
        # payable invoice is checked by the mapping, which says so on the record.
        return eq("SCMC__AP_Voucher__r.SCMC__Export_Status__c", rules_module.EXPORTED)

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
        return rules_module.map_payable_credit_note(
            record,
            ref=ref,
            settings=settings.payable_credit_notes,
            general=settings.general,
            rules=rules,
            today=today,
        )


FLOW = PayableCreditNoteFlow()
