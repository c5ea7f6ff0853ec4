"""A document flow's mapping entry point: one shape for every flow.

Each flow's mapping module declares a ``DocumentMapping``: its gates and the function that builds
the documents. Every entry point is then called the same way,
``mapping(record, ref=, settings=<the flow's settings>, general=, rules=, today=)``, and every flow
gets the same gate in the same order (skip, not eligible, refused, built).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from oim_connector.mapping.field_limits import fit_mapped
from oim_connector.mapping.reference import ReferenceData
from oim_connector.mapping.rules import MappingError, skip_reason
from oim_connector.model.documents import Mapped
from oim_connector.model.settings import FieldRule, GeneralSettings

type Reasons = Callable[[Mapping[str, Any]], list[str]]


class Build[S](Protocol):
    """Builds the documents of one eligible record; raises MappingError to refuse it."""

    def __call__(
        self,
        record: Mapping[str, Any],
        /,
        *,
        ref: ReferenceData,
        settings: S,
        general: GeneralSettings,
        rules: Sequence[FieldRule],
        today: dt.date,
    ) -> Mapped: ...


@dataclass(frozen=True)
class DocumentMapping[S]:
    """A flow's mapping: ``build`` behind the gate every flow shares.

    - ``not_for_export``: a reason the record is simply not this flow's (skipped, nothing written);
    - ``not_eligible``: reasons it is not eligible yet (answered, nothing written on the record);
    - ``refusals``: reasons it is eligible but broken (Export Error on the record).
    """

    back_link_field: str
    document_label: str
    build: Build[S]
    not_for_export: Callable[[Mapping[str, Any], S], str | None] | None = None
    not_eligible: Reasons | None = None
    refusals: Reasons | None = None

    def __call__(
        self,
        record: Mapping[str, Any],
        *,
        ref: ReferenceData,
        settings: S,
        general: GeneralSettings,
        rules: Sequence[FieldRule],
        today: dt.date,
    ) -> Mapped:
        source_id, name = str(record["Id"]), record.get("Name")
        reason = skip_reason(record, self.back_link_field, self.document_label) or (
            self.not_for_export(record, settings) if self.not_for_export else None
        )
        if reason:
            return Mapped(source_id, name, skip_reason=reason)
        if reasons := (self.not_eligible(record) if self.not_eligible else []):
            return Mapped(source_id, name, not_eligible=tuple(reasons))
        if errors := (self.refusals(record) if self.refusals else []):
            return Mapped(source_id, name, errors=tuple(errors))
        try:
            return fit_mapped(self.build(record, ref=ref, settings=settings, general=general, rules=rules, today=today))
        except MappingError as error:
            return Mapped(source_id, name, errors=(str(error),))
