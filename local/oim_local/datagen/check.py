"""A schema check of a tree-format data set against the local org's data model.

It finds, without an org, what a load would refuse: unknown objects or fields, system or
autonumber fields that are set, missing required fields, values of the wrong type, picklist
values that are not allowed, text too long, numbers with more decimals than the field keeps,
duplicate values in unique fields, and ``@references`` that do not resolve to an earlier
record of the lookup's target object.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from oim_local.org.schema import FieldDef, ObjectDef, Schema, load_schema

_TEXT_TYPES = frozenset({"string", "textarea", "phone", "email", "url"})
_NUMBER_TYPES = frozenset({"number", "currency", "percent"})
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_plan(plan_path: Path, schema: Schema | None = None) -> list[str]:
    """Every problem found in the data set of ``plan_path``; an empty list means it loads."""
    schema = schema or load_schema()
    problems: list[str] = []
    saved: dict[str, str] = {}  # referenceId -> sobject, of records in earlier plan entries
    for sobject, records in _plan_records(plan_path, problems):
        obj = schema.object(sobject)
        if obj is None:
            problems.append(f"{sobject}: not an object of the schema")
            continue
        in_this_entry: dict[str, str] = {}
        unique_values: dict[str, set[str]] = {}
        for rec in records:
            rid = _check_attributes(obj, rec, problems)
            where = f"{obj.name} {rid}"
            if rid in saved or rid in in_this_entry:
                problems.append(f"{where}: referenceId used twice")
            for name, value in rec.items():
                if name != "attributes":
                    problems.extend(f"{where}.{name}: {p}" for p in _field_problems(obj, name, value, saved))
            problems.extend(f"{where}: {p}" for p in _missing_required(obj, rec))
            problems.extend(f"{where}: {p}" for p in _duplicates(obj, rec, unique_values))
            in_this_entry[rid] = obj.name
        saved.update(in_this_entry)
    return problems


def _plan_records(plan_path: Path, problems: list[str]) -> Iterator[tuple[str, list[dict[str, object]]]]:
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    for entry in plan:
        sobject = entry["sobject"]
        if not (entry.get("saveRefs") and entry.get("resolveRefs")):
            problems.append(f"{sobject}: plan entry should save and resolve references")
        records: list[dict[str, object]] = []
        for file_name in entry["files"]:
            data = json.loads((plan_path.parent / file_name).read_text(encoding="utf-8"))
            records.extend(data["records"])
        yield sobject, records


def _check_attributes(obj: ObjectDef, rec: dict[str, object], problems: list[str]) -> str:
    attributes = rec.get("attributes")
    if not isinstance(attributes, dict):
        problems.append(f"{obj.name}: a record has no attributes")
        return "?"
    rid = attributes.get("referenceId")
    if attributes.get("type") != obj.name:
        problems.append(f"{obj.name} {rid}: attributes.type is {attributes.get('type')!r}")
    if not isinstance(rid, str) or not rid:
        problems.append(f"{obj.name}: a record has no referenceId")
        return "?"
    return rid


def _field_problems(obj: ObjectDef, name: str, value: object, saved: dict[str, str]) -> list[str]:
    field = obj.field(name)
    if field is None:
        return ["not a field of the object"]
    if field.name != name:
        return [f"spelled {field.name} in the schema"]
    if not field.createable:
        return [f"{field.type} field: the org sets it, the data must not"]
    if value is None:
        return []
    return _value_problems(field, value, saved)


def _value_problems(field: FieldDef, value: object, saved: dict[str, str]) -> list[str]:
    if field.type in ("reference", "id"):
        return _reference_problems(field, value, saved)
    if field.type == "boolean":
        return [] if isinstance(value, bool) else [f"{value!r} is not a boolean"]
    if field.type in _NUMBER_TYPES or field.type == "int":
        return _number_problems(field, value)
    if not isinstance(value, str):
        return [f"{value!r} is not text"]
    if field.type == "picklist":
        allowed = not field.restricted or value in field.values
        return [] if allowed else [f"{value!r} is not one of the picklist values"]
    if field.type == "multipicklist":
        bad = [v for v in value.split(";") if field.restricted and v not in field.values]
        return [f"{v!r} is not one of the picklist values" for v in bad]
    if field.type == "date":
        return [] if _is_date(value) else [f"{value!r} is not a date (YYYY-MM-DD)"]
    if field.type == "datetime":
        return [] if _is_datetime(value) else [f"{value!r} is not a datetime"]
    if field.type in _TEXT_TYPES and field.length is not None and len(value) > field.length:
        return [f"{len(value)} characters, the field holds {field.length}"]
    return []


def _reference_problems(field: FieldDef, value: object, saved: dict[str, str]) -> list[str]:
    if not isinstance(value, str) or not value.startswith("@"):
        return [f"{value!r} is not an @reference"]
    target = saved.get(value[1:])
    if target is None:
        return [f"{value} does not resolve to a record of an earlier plan entry"]
    if field.to is not None and target.lower() != field.to.lower():
        return [f"{value} is a {target}, the lookup points at {field.to}"]
    return []


def _number_problems(field: FieldDef, value: object) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return [f"{value!r} is not a number"]
    if field.type == "int" and not isinstance(value, int):
        return [f"{value!r} is not a whole number"]
    problems: list[str] = []
    scale = field.scale
    if scale is not None and not math.isclose(round(value, scale), value, rel_tol=0, abs_tol=1e-12):
        problems.append(f"{value!r} has more than {scale} decimals")
    if field.precision is not None and abs(value) >= 10 ** (field.precision - (scale or 0)):
        problems.append(f"{value!r} has too many digits for precision {field.precision}")
    return problems


def _missing_required(obj: ObjectDef, rec: dict[str, object]) -> list[str]:
    return [
        f"required field {f.name} is not set"
        for f in obj.fields.values()
        if f.required and f.createable and rec.get(f.name) is None
    ]


def _duplicates(obj: ObjectDef, rec: dict[str, object], seen: dict[str, set[str]]) -> list[str]:
    problems: list[str] = []
    for field in obj.fields.values():
        value = rec.get(field.name)
        if not field.unique or field.name == "Id" or value is None:
            continue
        key = str(value).lower()  # unique fields compare case-insensitively in Salesforce
        values = seen.setdefault(field.name, set())
        if key in values:
            problems.append(f"{field.name} {value!r} is not unique")
        values.add(key)
    return problems


def _is_date(value: str) -> bool:
    if not _DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_datetime(value: str) -> bool:
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True
