"""What the engine needs to know about a document flow. One subclass per flow."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any

from oim_connector.mapping.avalara import tax_header_fields
from oim_connector.mapping.defaults import default_rules
from oim_connector.mapping.reference import ReferenceData
from oim_connector.mapping.rules import (
    IN_FLIGHT_OR_DONE,
    IN_PROCESS_VALUES,
    LAST_MODIFIED_FIELD,
    effective_rules,
    source_paths,
)
from oim_connector.model.documents import EXPORT_ERROR_FIELD, EXPORT_STATUS_FIELD, Mapped
from oim_connector.model.flows import FlowId
from oim_connector.model.settings import LINE_LEVELS, AvalaraFlowSettings, ConnectorSettings, FieldRule, FlowSettings
from oim_connector.org.port import OrgPort
from oim_connector.org.soql import Condition, Select, all_of, compare, eq, is_in, not_in


class DocumentFlow(ABC):
    flow: FlowId
    source_object: str
    target_object: str
    lines_relationship: str
    header_fields: tuple[str, ...]
    line_fields: tuple[str, ...]
    back_link_field: str
    document_label: str

    def settings_of(self, settings: ConnectorSettings) -> FlowSettings:
        return settings.flow(self.flow)

    def avalara(self, settings: ConnectorSettings) -> AvalaraFlowSettings | None:
        """The flow's Avalara settings when it has them and Avalara is in use (connector-spec §10)."""
        found = getattr(self.settings_of(settings), "avalara", None)
        return found if isinstance(found, AvalaraFlowSettings) and found.in_use else None

    def rules(self, settings: ConnectorSettings) -> list[FieldRule]:
        flow_settings = self.settings_of(settings)
        return effective_rules(
            default_rules(self.flow.python_name),
            flow_settings.custom_mappings,
            flow_settings.use_custom_mappings,
        )

    def not_exported(self, stale_before: dt.datetime | None = None) -> Condition:
        condition = not_in(EXPORT_STATUS_FIELD, IN_FLIGHT_OR_DONE) | eq(EXPORT_STATUS_FIELD, None)
        if stale_before is not None:
            # A claim nobody touched since stale_before belongs to a process that died.
            condition = condition | (
                is_in(EXPORT_STATUS_FIELD, IN_PROCESS_VALUES) & compare(LAST_MODIFIED_FIELD, "<", stale_before)
            )
        return condition & eq(self.back_link_field, None)

    def setting_fields(self, settings: ConnectorSettings) -> tuple[str, ...]:
        """Header fields the flow's settings name (e.g. the org's own total field)."""
        return ()

    @abstractmethod
    def eligibility_condition(self, settings: ConnectorSettings) -> Condition | None:
        """The flow's own criteria for "all eligible" runs, beyond the export status gate."""

    def selection(self, settings: ConnectorSettings, where: Condition | None, limit: int | None = None) -> Select:
        rules = self.rules(settings)
        line_fields = tuple(dict.fromkeys((*self.line_fields, *source_paths(rules, *LINE_LEVELS))))
        header_fields = tuple(
            dict.fromkeys(
                (
                    *self.header_fields,
                    *self.setting_fields(settings),
                    *source_paths(rules, "header"),
                    EXPORT_STATUS_FIELD,
                    EXPORT_ERROR_FIELD,
                    LAST_MODIFIED_FIELD,
                    *_tax_fields(self.avalara(settings)),
                )
            )
        )
        lines = Select(self.lines_relationship, line_fields, order_by=("Id",))
        return Select(self.source_object, header_fields, where=where, order_by=("Id",), limit=limit,
                      children=(lines,))  # fmt: skip

    def eligible_where(
        self, settings: ConnectorSettings, extra: Sequence[Condition] = (), stale_before: dt.datetime | None = None
    ) -> Condition | None:
        flow_condition = self.eligibility_condition(settings)
        parts = [self.not_exported(stale_before), *([flow_condition] if flow_condition else []), *extra]
        return all_of(parts)

    def explain_missing(self, org: OrgPort, record_ids: Sequence[str]) -> dict[str, str]:
        """Messages for requested ids that are not records of this flow's source object (by Id).

        A flow overrides it to answer a request it refuses on purpose (the sales credit note
        flow asked for an OIM invoice); ids without a message get the engine's "not found".
        """
        return {}

    def posted_source_updates(
        self, source_ids: Sequence[str], settings: ConnectorSettings, posted_on: dt.date
    ) -> list[dict[str, Any]]:
        """What the flow writes back on the sources whose documents the connector just posted."""
        return []

    @abstractmethod
    def load_reference(self, org: OrgPort, settings: ConnectorSettings) -> ReferenceData: ...

    @abstractmethod
    def map(
        self,
        record: Mapping[str, Any],
        *,
        ref: ReferenceData,
        settings: ConnectorSettings,
        rules: Sequence[FieldRule],
        today: dt.date,
    ) -> Mapped: ...


def _tax_fields(avalara: AvalaraFlowSettings | None) -> tuple[str, ...]:
    return tax_header_fields(avalara) if avalara is not None else ()
