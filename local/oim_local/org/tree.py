"""Load and export data in the Salesforce CLI's tree format (``sf data import/export tree``).

A load reads plan files (or data files given directly), checks their shape before it
writes anything, then creates every record in one store transaction: any refusal rolls the
whole load back and raises ``TreeLoadError`` naming the file, the record and the field.

Lookups may hold ``@referenceId`` references or, as in an export without a plan, the Ids of
other records in the same load; both are translated to the new Ids. An optional lookup to a
record that loads later (a cycle such as a source record's back-link to its target) is set
in a second pass, so exports of cyclic data load again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from oim_local.org import tables
from oim_local.org.errors import SalesforceApiError
from oim_local.org.ids import is_valid_id, to_18
from oim_local.org.schema import FieldDef, ObjectDef, Schema
from oim_local.org.store import OrgStore
from oim_local.org.tables import quote
from oim_local.org.validation.records import AUDIT_FIELDS

PLAN_FILE = "plan.json"
# Fields a real org's `sf data export tree` writes that the org sets itself: the loader drops
# them (and says so) instead of refusing, as `sf data import tree` cannot set them either.
EXPORT_SYSTEM_FIELDS = frozenset(
    name.lower()
    for name in (
        "OwnerId",
        "CreatedById",
        "LastModifiedById",
        "RecordTypeId",
        "SystemModstamp",
        "IsDeleted",
        "MasterRecordId",
        "LastActivityDate",
        "LastViewedDate",
        "LastReferencedDate",
        "CurrencyIsoCode",
    )
)


class TreeLoadError(Exception):
    """A load that was refused; nothing of it was written."""


class PlanEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sobject: str
    saveRefs: bool = True  # the CLI's spelling
    resolveRefs: bool = True
    files: list[str]


@dataclass
class LoadReport:
    """Records created per object (in load order) and the Id each referenceId received."""

    counts: dict[str, int] = field(default_factory=dict)
    reference_ids: dict[str, str] = field(default_factory=dict)
    # "Object.Field" -> records: system fields the org sets itself, dropped.
    system_fields_dropped: dict[str, int] = field(default_factory=dict)
    # "Object.Field" -> records: fields unknown to the data model, dropped on request.
    unknown_fields_dropped: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class _Pending:
    file: Path
    obj: ObjectDef
    reference_id: str | None
    body: dict[str, Any]
    save_refs: bool
    resolve_refs: bool
    original_id: str | None = None
    parent: _Pending | None = None
    parent_field: str | None = None
    new_id: str | None = None

    def where(self, field_name: str | None = None) -> str:
        record = f"record {self.reference_id}" if self.reference_id else "a record without referenceId"
        place = f"{self.file}: {self.obj.name} {record}"
        return f"{place}, field {field_name}" if field_name else place


# ---------------------------------------------------------------------------------- load


def load_plans(store: OrgStore, plan_paths: Sequence[Path], *, ignore_unknown_fields: bool = False) -> LoadReport:
    """Load plan files (or data files given directly) into ``store``, all or nothing.

    Fields unknown to the data model are refused, every one named, unless
    ``ignore_unknown_fields``: then they are dropped and listed in the report.
    """
    if not plan_paths:
        raise TreeLoadError("no files to load: give one or more plan.json or data files")
    pending: list[_Pending] = []
    notes = _ReadNotes()
    for path in plan_paths:
        pending.extend(_read_input(store.schema, Path(path), notes))
    if notes.unknown and not ignore_unknown_fields:
        listed = "; ".join(
            f"{name} ({notes.unknown[name]} record(s), first at {notes.first_seen[name]})" for name in notes.unknown
        )
        raise TreeLoadError(
            f"the local org's data model has no field for {len(notes.unknown)} field(s): {listed}. Remove them, "
            "correct their names, or pass --ignore-unknown-fields to load without them (nothing was loaded)"
        )
    _check_reference_ids(pending)
    with store.transaction():
        report = _Loader(store, pending).run()
    report.system_fields_dropped = dict(notes.system)
    report.unknown_fields_dropped = dict(notes.unknown)
    return report


@dataclass
class _ReadNotes:
    """Fields met while reading that are not loaded: "Object.Field" -> records."""

    system: dict[str, int] = field(default_factory=dict)
    unknown: dict[str, int] = field(default_factory=dict)
    first_seen: dict[str, str] = field(default_factory=dict)  # "Object.Field" -> file, record, field

    def add(self, book: dict[str, int], item: _Pending, name: str) -> None:
        key = f"{item.obj.name}.{name}"
        book[key] = book.get(key, 0) + 1
        self.first_seen.setdefault(key, item.where(name))


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TreeLoadError(
            f"{path}: file not found; check the path (plan files name theirs relative to the plan)"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TreeLoadError(f"{path}: not a readable JSON file ({error}); fix the JSON") from error


def _read_input(schema: Schema, path: Path, notes: _ReadNotes) -> list[_Pending]:
    content = _read_json(path)
    if isinstance(content, list):
        return _read_plan(schema, path, content, notes)
    if isinstance(content, dict) and "records" in content:
        return _read_data_file(schema, path, None, save_refs=True, resolve_refs=True, content=content, notes=notes)
    raise TreeLoadError(
        f"{path}: neither a plan (a JSON list of {{sobject, files}}) nor a data file "
        '(an object with "records"); give a plan.json or a data file'
    )


def _read_plan(schema: Schema, path: Path, content: list[Any], notes: _ReadNotes) -> list[_Pending]:
    pending: list[_Pending] = []
    for index, raw in enumerate(content):
        try:
            entry = PlanEntry.model_validate(raw)
        except ValidationError as error:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'entry'}: {e['msg']}" for e in error.errors())
            raise TreeLoadError(
                f"{path}: plan entry {index + 1} is malformed ({problems}); "
                'each entry needs "sobject" and "files", optionally "saveRefs" and "resolveRefs"'
            ) from None
        obj = schema.object(entry.sobject)
        if obj is None:
            raise TreeLoadError(
                f"{path}: plan entry {index + 1} names unknown object {entry.sobject!r}; "
                "use an object of the local org's schema (objects.yaml)"
            )
        for name in entry.files:
            data_path = path.parent / name
            pending.extend(
                _read_data_file(
                    schema,
                    data_path,
                    obj,
                    save_refs=entry.saveRefs,
                    resolve_refs=entry.resolveRefs,
                    content=_read_json(data_path),
                    notes=notes,
                )
            )
    return pending


def _read_data_file(
    schema: Schema,
    path: Path,
    plan_object: ObjectDef | None,
    *,
    save_refs: bool,
    resolve_refs: bool,
    content: Any,
    notes: _ReadNotes,
) -> list[_Pending]:
    if not isinstance(content, dict) or not isinstance(content.get("records"), list):
        raise TreeLoadError(f'{path}: a data file must be an object with a "records" list; fix its shape')
    pending: list[_Pending] = []
    for index, record in enumerate(content["records"]):
        _read_record(schema, path, record, index, plan_object, None, None, save_refs, resolve_refs, pending, notes)
    return pending


def _read_record(
    schema: Schema,
    path: Path,
    record: Any,
    index: int,
    expected: ObjectDef | None,
    parent: _Pending | None,
    parent_field: str | None,
    save_refs: bool,
    resolve_refs: bool,
    out: list[_Pending],
    notes: _ReadNotes,
) -> None:
    if not isinstance(record, dict):
        raise TreeLoadError(f"{path}: record {index + 1} is not a JSON object; fix the file")
    attributes = record.get("attributes") or {}
    if not isinstance(attributes, dict):
        raise TreeLoadError(f'{path}: record {index + 1} has "attributes" that is not an object')
    reference_id = attributes.get("referenceId")
    label = f"record {reference_id}" if reference_id else f"record {index + 1}"
    type_name = attributes.get("type")
    obj = schema.object(type_name) if isinstance(type_name, str) else expected
    if obj is None:
        raise TreeLoadError(
            f"{path}: {label} has unknown type {type_name!r}; set attributes.type to an object of the schema"
        )
    if expected is not None and obj.name != expected.name:
        raise TreeLoadError(
            f"{path}: {label} is a {obj.name} but this file is loaded as {expected.name}; "
            "move the record to a file of its own object or fix attributes.type"
        )
    item = _Pending(
        file=path,
        obj=obj,
        reference_id=str(reference_id) if reference_id else None,
        body={},
        save_refs=save_refs,
        resolve_refs=resolve_refs,
        parent=parent,
        parent_field=parent_field,
    )
    children: list[tuple[str, Any]] = []
    child_index = schema.child_relationships(obj.name)
    for key, value in record.items():
        if key == "attributes":
            continue
        if key.lower() == "id":
            if isinstance(value, str) and is_valid_id(value):
                item.original_id = to_18(value)
            continue
        known = obj.field(key)
        if known is not None and not known.createable and known.name not in AUDIT_FIELDS:
            # Set by the org (SystemModstamp, an auto-number Name): a load cannot set it either.
            notes.add(notes.system, item, known.name)
        elif known is not None or (obj.relationship(key) is not None and isinstance(value, dict)):
            item.body[key] = value
        elif key.lower() in child_index:
            children.append((key, value))
        elif key.lower() in EXPORT_SYSTEM_FIELDS:
            notes.add(notes.system, item, key)
        else:
            notes.add(notes.unknown, item, key)
    out.append(item)
    for key, value in children:
        relation = child_index[key.lower()]
        child_records = value.get("records") if isinstance(value, dict) else None
        if not isinstance(child_records, list):
            raise TreeLoadError(f'{item.where(key)}: nested children must be {{"records": [...]}}')
        child_obj = schema.object(relation.child_object)
        for child_position, child in enumerate(child_records):
            _read_record(
                schema,
                path,
                child,
                child_position,
                child_obj,
                item,
                relation.field,
                save_refs,
                resolve_refs,
                out,
                notes,
            )


def _check_reference_ids(pending: Sequence[_Pending]) -> None:
    seen: dict[str, _Pending] = {}
    for item in pending:
        if item.reference_id is None:
            continue
        key = item.reference_id.lower()
        if key in seen:
            raise TreeLoadError(
                f"{item.where()}: referenceId {item.reference_id} is already used by "
                f"{seen[key].where()}; give every record its own referenceId"
            )
        seen[key] = item
    saved = {p.reference_id.lower() for p in pending if p.reference_id and p.save_refs}
    for item in pending:
        for name, value in item.body.items():
            dangling = isinstance(value, str) and value.startswith("@") and value[1:].lower() not in saved
            if item.resolve_refs and dangling:
                raise TreeLoadError(
                    f"{item.where(name)}: reference {value} matches no referenceId in this load; "
                    "fix the reference or add the record it names (with saveRefs true)"
                )


class _Unresolved:
    """A lookup whose target loads later in the same load."""


_LATER = _Unresolved()


class _Loader:
    """Creates the records of one load in order, translating references to new Ids."""

    def __init__(self, store: OrgStore, pending: Sequence[_Pending]) -> None:
        self.store = store
        self.pending = pending
        self.report = LoadReport()
        self.refs: dict[str, str] = {}
        self.id_map: dict[str, str] = {}
        self.loading_ids = {p.original_id for p in pending if p.original_id}
        self.deferred: list[tuple[_Pending, dict[str, str]]] = []

    def run(self) -> LoadReport:
        for item in self.pending:
            self._create(item)
        for item, lookups in self.deferred:
            self._set_later_lookups(item, lookups)
        return self.report

    def _create(self, item: _Pending) -> None:
        body: dict[str, Any] = {}
        later: dict[str, str] = {}
        for name, value in item.body.items():
            fdef = item.obj.field(name)
            resolved = self._resolve(fdef, value, item.resolve_refs)
            if resolved is not _LATER:
                body[name] = resolved
                continue
            assert fdef is not None  # only lookups resolve later
            if fdef.required:
                raise TreeLoadError(
                    f"{item.where(fdef.name)}: required lookup {value} names a record that loads later; "
                    "load that record's object earlier in the plan"
                )
            later[fdef.name] = value
        if item.parent is not None and item.parent_field is not None:
            body[item.parent_field] = item.parent.new_id
        try:
            item.new_id = self.store.create(item.obj.name, body, allow_audit_fields=True)
        except SalesforceApiError as error:
            raise _load_error(item, error) from error
        counts = self.report.counts
        counts[item.obj.name] = counts.get(item.obj.name, 0) + 1
        if item.reference_id and item.save_refs:
            self.refs[item.reference_id.lower()] = item.new_id
            self.report.reference_ids[item.reference_id] = item.new_id
        if item.original_id:
            self.id_map[item.original_id] = item.new_id
        if later:
            self.deferred.append((item, later))

    def _resolve(self, fdef: FieldDef | None, value: Any, resolve_refs: bool) -> Any:
        if fdef is None or not fdef.is_reference or not isinstance(value, str):
            return value
        if resolve_refs and value.startswith("@"):
            return self.refs.get(value[1:].lower(), _LATER)
        if is_valid_id(value):
            original = to_18(value)
            if original in self.id_map:
                return self.id_map[original]
            if original in self.loading_ids:
                return _LATER
        return value

    def _set_later_lookups(self, item: _Pending, lookups: Mapping[str, str]) -> None:
        body: dict[str, Any] = {}
        for name, value in lookups.items():
            target = self._resolve(item.obj.field(name), value, item.resolve_refs)
            if target is _LATER:
                raise TreeLoadError(f"{item.where(name)}: lookup {value} names no record of this load")
            body[name] = target
        try:
            self.store.update(item.obj.name, item.new_id or "", body)
        except SalesforceApiError as error:
            raise _load_error(item, error) from error


def _load_error(item: _Pending, error: SalesforceApiError) -> TreeLoadError:
    field_name = error.fields[0] if error.fields else None
    return TreeLoadError(
        f"{item.where(field_name)}: {error.error_code}: {error.message}; correct the record and load again "
        "(nothing was loaded)"
    )


# ---------------------------------------------------------------------------------- export


def export_tree(store: OrgStore, out_dir: Path, *, as_plan: bool = False) -> list[Path]:
    """One ``<Object>.json`` per object with live records; with ``as_plan`` also ``plan.json``,
    lookups as ``@referenceId`` and no Ids, ready for ``load_plans``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with store.transaction():
        # Setup objects (User, Organization) are the org's own; a load could not create them.
        rows = {obj.name: _live_rows(store, obj) for obj in store.schema.objects.values() if not obj.read_only}
    present = [name for name, found in rows.items() if found]
    order = _load_order(store.schema, present)
    reference_ids: dict[str, str] = {}
    for name in order:
        for position, row in enumerate(rows[name], start=1):
            reference_ids[row["Id"]] = f"{name}Ref{position}"
    written: list[Path] = []
    for name in order:
        obj = store.schema.objects[name]
        records = [_export_record(obj, row, reference_ids, as_plan) for row in rows[name]]
        path = out_dir / f"{name}.json"
        _write_json(path, {"records": records})
        written.append(path)
    if as_plan:
        plan = [{"sobject": n, "saveRefs": True, "resolveRefs": True, "files": [f"{n}.json"]} for n in order]
        plan_path = out_dir / PLAN_FILE
        _write_json(plan_path, plan)
        written.append(plan_path)
    return written


def _live_rows(store: OrgStore, obj: ObjectDef) -> list[dict[str, Any]]:
    cursor = store.connection.execute(
        f"SELECT * FROM {quote(obj.name)} WHERE {quote('IsDeleted')} = 0 ORDER BY {quote('Id')}"  # noqa: S608
    )
    return [{f.name: tables.from_db(f, row[f.name]) for f in obj.fields.values()} for row in cursor.fetchall()]


def _export_record(
    obj: ObjectDef, row: Mapping[str, Any], reference_ids: Mapping[str, str], as_plan: bool
) -> dict[str, Any]:
    record: dict[str, Any] = {"attributes": {"type": obj.name, "referenceId": reference_ids[row["Id"]]}}
    if not as_plan:
        record["Id"] = row["Id"]
    for fdef in obj.fields.values():
        value = row[fdef.name]
        if value is None or fdef.system or (as_plan and not fdef.createable):
            continue
        if as_plan and fdef.is_reference:
            if value not in reference_ids:
                continue  # the target is not live, so it is not exported
            value = "@" + reference_ids[value]
        record[fdef.name] = value
    return record


def _load_order(schema: Schema, names: Sequence[str]) -> list[str]:
    """Parents before children. A cycle is broken at an object that no remaining object must
    precede (only optional lookups point at it); the loader sets those lookups in a second pass."""
    remaining = sorted(names)
    edges: dict[str, dict[str, bool]] = {n: {} for n in remaining}  # child -> {parent: required}
    for name in remaining:
        for fdef in schema.objects[name].fields.values():
            if fdef.is_reference and not fdef.system and fdef.to in edges and fdef.to != name:
                parent = fdef.to
                edges[name][parent] = edges[name].get(parent, False) or fdef.required
    order: list[str] = []
    while remaining:
        ready = [n for n in remaining if not any(p in remaining for p in edges[n])]
        if not ready:
            ready = [n for n in remaining if not any(p in remaining and req for p, req in edges[n].items())]
        chosen = ready[0] if ready else remaining[0]
        order.append(chosen)
        remaining.remove(chosen)
    return order


def _write_json(path: Path, content: Any) -> None:
    path.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
