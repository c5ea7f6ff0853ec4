"""Where each selected value sits in a result row, and how rows become REST records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from oim_local.org.schema import FieldDef
from oim_local.org.tables import from_db


@dataclass(frozen=True)
class FieldSlot:
    key: str
    column: int
    field: FieldDef


@dataclass
class ParentSlot:
    key: str  # relationship name, e.g. SCMC__Sales_Order__r
    object_name: str
    id_column: int  # NULL when the lookup is empty
    entries: list[Slot] = field(default_factory=list)


@dataclass(frozen=True)
class ChildSlot:
    key: str  # child relationship name, e.g. SCMC__Invoice_Line_Items__r
    index: int  # which child plan fills it


Slot = FieldSlot | ParentSlot | ChildSlot


@dataclass
class RecordShape:
    object_name: str
    id_column: int
    entries: list[Slot] = field(default_factory=list)


ChildRecords = dict[str, list[dict[str, Any]]]  # parent Id -> child records, in query order


class RecordBuilder:
    def __init__(self, api_version: str) -> None:
        self._sobjects_url = f"/services/data/v{api_version}/sobjects/"

    def record(
        self, row: tuple[Any, ...], shape: RecordShape, children: list[ChildRecords] | None = None
    ) -> dict[str, Any]:
        record_id = row[shape.id_column]
        out = {"attributes": self._attributes(shape.object_name, record_id)}
        self._fill(out, row, shape.entries, record_id, children or [])
        return out

    def _fill(
        self,
        out: dict[str, Any],
        row: tuple[Any, ...],
        entries: list[Slot],
        record_id: str,
        children: list[ChildRecords],
    ) -> None:
        for slot in entries:
            if isinstance(slot, FieldSlot):
                out[slot.key] = _value(slot.field, row[slot.column])
            elif isinstance(slot, ParentSlot):
                parent_id = row[slot.id_column]
                if parent_id is None:
                    out[slot.key] = None
                    continue
                parent = {"attributes": self._attributes(slot.object_name, parent_id)}
                self._fill(parent, row, slot.entries, parent_id, children)
                out[slot.key] = parent
            else:
                found = children[slot.index].get(record_id)
                out[slot.key] = {"totalSize": len(found), "done": True, "records": found} if found else None

    def _attributes(self, object_name: str, record_id: str) -> dict[str, str]:
        return {"type": object_name, "url": f"{self._sobjects_url}{object_name}/{record_id}"}


def _value(field: FieldDef, stored: object) -> object:
    if stored is None and field.type == "boolean":
        return False  # a Salesforce checkbox is never null
    return from_db(field, stored)
