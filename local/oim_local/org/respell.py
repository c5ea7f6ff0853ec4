"""An org that spells some field names its own way: the shipped data model with fields renamed.

A real customer org may name an unverified OIM field differently from the connector (an older
package, a custom field of its own). Tests build such an org from the sample: load it under the
shipped names, then rename the columns and the data model alike, so the data stays the same.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path

from oim_local.org.schema import FieldDef, ObjectDef, Schema
from oim_local.org.tables import quote

# sobject -> {shipped field name: the org's field name}
Renames = Mapping[str, Mapping[str, str]]


def _relationship(name: str) -> str:
    return name[:-3] + "__r" if name.lower().endswith("__c") else name


def _renamed_field(field: FieldDef, new: str) -> FieldDef:
    update: dict[str, object] = {"name": new}
    if field.relationship:
        update["relationship"] = _relationship(new)
    return FieldDef.model_validate({**field.model_dump(), **update})


def respelled(schema: Schema, renames: Renames) -> Schema:
    """``schema`` with each object's fields in ``renames`` under their new names (relationships too)."""
    objects: dict[str, ObjectDef] = {}
    for name, obj in schema.objects.items():
        fields_renamed = renames.get(name, {})
        unknown = set(fields_renamed) - set(obj.fields)
        if unknown:
            raise KeyError(f"{name} has no field {', '.join(sorted(unknown))}")
        fields = {fields_renamed.get(f, f): _renamed_field(d, fields_renamed[f]) if f in fields_renamed else d
                  for f, d in obj.fields.items()}  # fmt: skip
        objects[name] = ObjectDef.model_validate({**obj.model_dump(exclude={"fields"}), "fields": fields})
    return Schema(objects=objects)


def respell_database(db_path: Path, renames: Renames) -> None:
    """Rename the columns of an org database (closed) as ``respelled`` renames the data model."""
    conn = sqlite3.connect(str(db_path))
    try:
        for sobject, fields in renames.items():
            for old, new in fields.items():
                conn.execute(f"ALTER TABLE {quote(sobject)} RENAME COLUMN {quote(old)} TO {quote(new)}")
        conn.commit()
    finally:
        conn.close()
