"""What the engine needs to know about a document flow, declared once per flow (flows/registry.py).

A flow is data: its objects and fields, its settings section, its eligibility criteria, its
reference data and its mapping entry point (mapping/entry.py). The methods here are the same for
every flow; a flow's own rules live in its declaration and its mapping module, nowhere else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from oim_connector.flows.reference_loader import load_reference_data
from oim_connector.mapping.avalara import tax_header_fields
from oim_connector.mapping.defaults import default_rules
from oim_connector.mapping.entry import DocumentMapping
from oim_connector.mapping.reference import ReferenceData
from oim_connector.mapping.rules import (
    IN_FLIGHT_OR_DONE,
    IN_PROCESS_VALUES,
    LAST_MODIFIED_FIELD,
    effective_rules,
    incomplete_link_path,
    source_paths,
)
from oim_connector.model.documents import EXPORT_ERROR_FIELD, EXPORT_STATUS_FIELD, Mapped
from oim_connector.model.flows import FlowId
from oim_connector.model.settings import LINE_LEVELS, AvalaraFlowSettings, ConnectorSettings, FieldRule, FlowSettings
from oim_connector.org.port import OrgPort
from oim_connector.org.soql import Condition, Select, all_of, compare, eq, is_in, not_in


def shared_reference(org: OrgPort, settings: object) -> ReferenceData:
    """The reference data every flow looks things up in, and nothing more."""
    return load_reference_data(org)


def no_setting_fields(settings: object) -> tuple[str, ...]:
    return ()


def no_explanations(org: OrgPort, record_ids: Sequence[str]) -> dict[str, str]:
    return {}


def no_write_back(source_ids: Sequence[str], settings: object, posted_on: dt.date) -> list[dict[str, Any]]:
    return []


@dataclass(frozen=True, kw_only=True)
class FlowDeclaration[S: FlowSettings]:
    """One document flow. ``S`` is its settings section's type.

    - ``section``: the flow's settings in the connector's settings;
    - ``eligibility``: the flow's own criteria for "all eligible" runs, beyond the export status gate;
    - ``reference``: the reference data its mapping looks things up in;
    - ``setting_fields``: header fields the flow's settings name (e.g. the org's own total field);
    - ``explain_missing``: messages for requested ids that are not records of the source object
      (a request refused on purpose); ids without one get the engine's "not found";
    - ``write_back``: what the flow writes on the sources whose documents were just posted.
    """

    flow: FlowId
    source_object: str
    target_object: str
    lines_relationship: str
    header_fields: tuple[str, ...]
    line_fields: tuple[str, ...]
    section: Callable[[ConnectorSettings], S]
    mapping: DocumentMapping[S]
    eligibility: Callable[[S], Condition | None]
    reference: Callable[[OrgPort, S], ReferenceData] = shared_reference
    setting_fields: Callable[[S], tuple[str, ...]] = no_setting_fields
    explain_missing: Callable[[OrgPort, Sequence[str]], dict[str, str]] = no_explanations
    write_back: Callable[[Sequence[str], S, dt.date], list[dict[str, Any]]] = no_write_back

    @property
    def back_link_field(self) -> str:
        return self.mapping.back_link_field

    @property
    def document_label(self) -> str:
        return self.mapping.document_label

    def settings_of(self, settings: ConnectorSettings) -> S:
        return self.section(settings)

    def avalara(self, settings: ConnectorSettings) -> AvalaraFlowSettings | None:
        """The flow's Avalara settings when it has them and Avalara is in use (connector-spec §10)."""
        found = getattr(self.section(settings), "avalara", None)
        return found if isinstance(found, AvalaraFlowSettings) and found.in_use else None

    def rules(self, settings: ConnectorSettings) -> list[FieldRule]:
        flow_settings = self.section(settings)
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
        # A linked source whose document a concurrent run marked incomplete again is picked up, and converged.
        return (condition & eq(self.back_link_field, None)) | eq(incomplete_link_path(self.back_link_field), True)

    def selection(self, settings: ConnectorSettings, where: Condition | None, limit: int | None = None) -> Select:
        rules = self.rules(settings)
        line_fields = tuple(dict.fromkeys((*self.line_fields, *source_paths(rules, *LINE_LEVELS))))
        header_fields = tuple(
            dict.fromkeys(
                (
                    *self.header_fields,
                    *self.setting_fields(self.section(settings)),
                    *source_paths(rules, "header"),
                    EXPORT_STATUS_FIELD,
                    EXPORT_ERROR_FIELD,
                    LAST_MODIFIED_FIELD,
                    incomplete_link_path(self.back_link_field),
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
        flow_condition = self.eligibility(self.section(settings))
        parts = [self.not_exported(stale_before), *([flow_condition] if flow_condition else []), *extra]
        return all_of(parts)

    def posted_source_updates(
        self, source_ids: Sequence[str], settings: ConnectorSettings, posted_on: dt.date
    ) -> list[dict[str, Any]]:
        return self.write_back(source_ids, self.section(settings), posted_on)

    def load_reference(self, org: OrgPort, settings: ConnectorSettings) -> ReferenceData:
        return self.reference(org, self.section(settings))

    def map(
        self,
        record: Mapping[str, Any],
        *,
        ref: ReferenceData,
        settings: ConnectorSettings,
        rules: Sequence[FieldRule],
        today: dt.date,
    ) -> Mapped:
        return self.mapping(
            record, ref=ref, settings=self.section(settings), general=settings.general, rules=rules, today=today
        )


# What the engine and the tools hold: a flow, whatever its settings section.
DocumentFlow = FlowDeclaration[Any]


def _tax_fields(avalara: AvalaraFlowSettings | None) -> tuple[str, ...]:
    return tax_header_fields(avalara) if avalara is not None else ()
