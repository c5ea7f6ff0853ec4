"""The c2g part of the local org's data model, checked against Certinia Accounting's published fields.

``schema/certinia-accounting-objects.json`` is a copy of the field definitions of the Certinia
Accounting (c2g) managed objects as public Metadata API dumps of orgs with the package show them
(see its ``about`` and ``sources``). Every c2g object and every ``c2g__`` field of the local
model must agree with it: name (case-insensitively, as Salesforce compares API names), type,
length, precision and scale, picklist values, lookup target, master-detail and child
relationship name. The connector's own fields and other namespaces are not Accounting's and are
not checked here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from oim_local.org.schema import SCHEMA_FILE, FieldDef, ObjectDef, Schema

PUBLISHED_FILE = SCHEMA_FILE.parent / "certinia-accounting-objects.json"
NAMESPACE = "c2g__"
TEXT_AREA_LENGTH = 255  # a Salesforce TextArea holds 255 characters; the dumps do not repeat it

# published type -> the local model's type
_TYPES = {
    "Text": "string",
    "TextArea": "textarea",
    "LongTextArea": "textarea",
    "Html": "textarea",
    "Number": "number",
    "Summary": "number",
    "Lookup": "reference",
    "MasterDetail": "reference",
    "Checkbox": "boolean",
    "Date": "date",
    "DateTime": "datetime",
    "Picklist": "picklist",
    "MultiselectPicklist": "multipicklist",
    "Url": "url",
    "Phone": "phone",
    "Email": "email",
    "Percent": "percent",
    "AutoNumber": "autonumber",
}


@cache
def load_published(path: Path = PUBLISHED_FILE) -> dict[str, dict[str, dict[str, Any]]]:
    """Object name -> field name -> published definition."""
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    objects: dict[str, dict[str, dict[str, Any]]] = data["objects"]
    return objects


def differences(schema: Schema, published: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> list[str]:
    """Every disagreement between the local model's c2g names and the published ones, one line each."""
    by_lower = {name.lower(): (name, fields) for name, fields in published.items()}
    problems: list[str] = []
    for obj in schema.objects.values():
        entry = by_lower.get(obj.name.lower())
        if obj.name.lower().startswith(NAMESPACE.lower()) and entry is None:
            problems.append(f"{obj.name}: no such object in Certinia Accounting")
            continue
        if entry is None:
            continue  # a standard or OIM object: its c2g fields are not in the published file
        problems.extend(_object_differences(obj, entry[1]))
    return problems


def _object_differences(obj: ObjectDef, published_fields: Mapping[str, Mapping[str, Any]]) -> list[str]:
    fields_lower = {name.lower(): spec for name, spec in published_fields.items()}
    problems: list[str] = []
    for field in obj.fields.values():
        if not field.name.lower().startswith(NAMESPACE.lower()):
            continue  # standard, connector-owned or other-namespace fields
        spec = fields_lower.get(field.name.lower())
        where = f"{obj.name}.{field.name}"
        if spec is None:
            problems.append(f"{where}: no such field in Certinia Accounting")
            continue
        problems.extend(f"{where}: {p}" for p in field_differences(field, spec))
    return problems


def field_differences(field: FieldDef, spec: Mapping[str, Any]) -> list[str]:
    published_type = str(spec["type"])
    expected = _TYPES.get(published_type)
    if expected is None:
        return [f"published type {published_type} is not modelled"]
    if field.type != expected:
        return [f"type {field.type}, published {published_type} ({expected})"]
    problems: list[str] = []
    if published_type == "Text" and "length" in spec and field.length != int(spec["length"]):
        problems.append(f"length {field.length}, published {spec['length']}")
    if published_type == "TextArea" and field.length != TEXT_AREA_LENGTH:
        problems.append(f"length {field.length}, published TextArea ({TEXT_AREA_LENGTH})")
    if published_type in ("LongTextArea", "Html") and field.length != int(spec["length"]):
        problems.append(f"length {field.length}, published {spec['length']}")
    if published_type == "Number" and "precision" in spec:
        local = (field.precision, field.scale)
        wanted = (int(spec["precision"]), int(spec.get("scale", 0)))
        if local != wanted:
            problems.append(f"precision/scale {local[0]},{local[1]}, published {wanted[0]},{wanted[1]}")
    if published_type in ("Picklist", "MultiselectPicklist"):
        problems.extend(_picklist_differences(field, spec))
    if published_type in ("Lookup", "MasterDetail"):
        problems.extend(_reference_differences(field, spec, master_detail=published_type == "MasterDetail"))
    return problems


def _picklist_differences(field: FieldDef, spec: Mapping[str, Any]) -> list[str]:
    published = list(spec.get("values") or [])
    extra = [v for v in field.values if v not in published]
    missing = [v for v in published if v not in field.values]
    problems = []
    if extra:
        problems.append(f"picklist values not published: {', '.join(extra)}")
    if missing:
        problems.append(f"published picklist values missing: {', '.join(missing)}")
    if published and not field.restricted:
        problems.append("picklist not restricted to its published values")
    return problems


def _reference_differences(field: FieldDef, spec: Mapping[str, Any], *, master_detail: bool) -> list[str]:
    problems = []
    target = str(spec.get("referenceTo") or "")
    if (field.to or "").lower() != target.lower():
        problems.append(f"looks up to {field.to}, published {target}")
    if field.master_detail != master_detail:
        problems.append(f"master-detail {field.master_detail}, published {master_detail}")
    relationship = spec.get("relationshipName")
    if relationship:
        wanted = f"{NAMESPACE}{relationship}__r"
        if (field.child_relationship or "").lower() != wanted.lower():
            problems.append(f"child relationship {field.child_relationship}, published {wanted}")
    return problems
