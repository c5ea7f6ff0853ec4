"""The journal flow: inventory transaction perpetual records -> journals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from oim_connector.flows.base import DocumentFlow
from oim_connector.flows.reference_loader import load_reference_data
from oim_connector.mapping import journals as rules_module
from oim_connector.mapping.reference import ReferenceData
from oim_connector.model.documents import Mapped
from oim_connector.model.flows import FlowId
from oim_connector.model.settings import ConnectorSettings, FieldRule
from oim_connector.org.port import OrgPort
from oim_connector.org.soql import Condition, is_in


class JournalFlow(DocumentFlow):
    flow = FlowId.JOURNALS
    source_object = rules_module.SOURCE_OBJECT
    target_object = rules_module.HEADER_OBJECT
    lines_relationship = rules_module.LINES_RELATIONSHIP
    header_fields = rules_module.HEADER_FIELDS
    line_fields = rules_module.LINE_FIELDS
    back_link_field = rules_module.BACK_LINK_FIELD
    document_label = "journal"

    def eligibility_condition(self, settings: ConnectorSettings) -> Condition | None:
        return is_in(rules_module.TYPE_FIELD, rules_module.accounting_types(settings.journals))

    def load_reference(self, org: OrgPort, settings: ConnectorSettings) -> ReferenceData:
        # GL Account mappings for line GLAs, rates for conversion, reporting codes for the rounding GLA.
        return load_reference_data(org, gl_mappings=True, exchange_rates=True, gl_accounts=True,
                                   gl_mapping_company_field=settings.journals.gl_mapping_company_field)  # fmt: skip

    def map(
        self,
        record: Mapping[str, Any],
        *,
        ref: ReferenceData,
        settings: ConnectorSettings,
        rules: Sequence[FieldRule],
        today: dt.date,
    ) -> Mapped:
        return rules_module.map_journal(
            record, ref=ref, settings=settings.journals, general=settings.general, rules=rules, today=today
        )


FLOW = JournalFlow()
