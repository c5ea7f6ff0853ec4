"""Turning mapped header fields and lines into documents, split by the line limit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from oim_connector.mapping.rules import MappingError, chunk, part_external_id
from oim_connector.model.documents import Mapped, SourceLink, TargetDocument, TargetLine


def assemble_documents(
    *,
    sobject: str,
    external_id: str,
    header_fields: Mapping[str, Any],
    lines: Sequence[TargetLine],
    line_limit: int,
    name_hint: str | None,
) -> tuple[TargetDocument, ...]:
    if not lines:
        raise MappingError(f"{name_hint or 'The document'} has no lines to export: add lines in OIM first")
    documents = []
    for part, part_lines in enumerate(chunk(lines, line_limit), start=1):
        total = sum((line.amount for line in part_lines), Decimal(0))
        documents.append(
            TargetDocument(
                sobject=sobject,
                external_id=part_external_id(external_id, part),
                fields=dict(header_fields),
                lines=tuple(part_lines),
                total=total,
                part=part,
                name_hint=name_hint,
            )
        )
    return tuple(documents)


def mapped_documents(
    *,
    source: SourceLink,
    source_name: str,
    sobject: str,
    external_id: str,
    header_fields: Mapping[str, Any],
    lines: Sequence[TargetLine],
    line_limit: int,
    name_hint: str,
    lock_key: str | None,
) -> Mapped:
    """A source document mapped: its documents (split by the line limit) and the back-link its
    source record gets when they are written."""
    documents = assemble_documents(sobject=sobject, external_id=external_id, header_fields=header_fields,
                                   lines=lines, line_limit=line_limit, name_hint=name_hint)  # fmt: skip
    return Mapped(source.record_id, source_name, documents=documents, header_link=source, lock_key=lock_key)
