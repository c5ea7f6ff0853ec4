"""The local org's data model, loaded from ``schema/objects.yaml``.

Salesforce API names are case-insensitive, so every lookup here is too; the canonical
spelling from the schema file is what the org returns.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema" / "objects.yaml"

FieldType = Literal[
    "id",
    "string",
    "textarea",
    "picklist",
    "multipicklist",
    "boolean",
    "int",
    "number",
    "currency",
    "percent",
    "date",
    "datetime",
    "phone",
    "email",
    "url",
    "reference",
    "autonumber",
]
Confidence = Literal["C", "I", "D"]

SYSTEM_FIELDS = ("Id", "CreatedDate", "LastModifiedDate", "SystemModstamp", "IsDeleted")


class FieldDef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = ""
    type: FieldType
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    required: bool = False
    unique: bool = False
    external_id: bool = False
    default: str | int | float | bool | None = None
    values: tuple[str, ...] = ()
    restricted: bool = True
    to: str | None = None
    relationship: str | None = None
    child_relationship: str | None = None
    master_detail: bool = False
    # Master-detail only: "Allow reparenting" (Salesforce's default is off: a detail record keeps
    # its master; a change is refused as INVALID_FIELD_FOR_INSERT_UPDATE).
    reparentable: bool = False
    format: str | None = None
    conf: Confidence | None = None
    description: str | None = None
    # Evidence for an OIM (SCMC__/SCMFFA__) name: the published data dictionary or code that shows it, or
    # "unverified" (an admin can map such a name to the org's own in the field mapping settings).
    source: str | None = None
    child_source: str | None = None  # the same for the child relationship name, when subqueries use it
    system: bool = False

    @model_validator(mode="after")
    def _reparentable_needs_master_detail(self) -> FieldDef:
        if self.reparentable and not self.master_detail:
            raise ValueError(f"{self.name}: reparentable applies to master-detail fields only")
        return self

    @property
    def is_reference(self) -> bool:
        return self.type in ("reference", "id") and self.to is not None

    @property
    def createable(self) -> bool:
        return not self.system and self.type != "autonumber"

    @property
    def updateable(self) -> bool:
        return self.createable and not (self.master_detail and not self.reparentable)


class ChildRelationship(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    child_object: str
    field: str


class ObjectDef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    label: str
    key_prefix: str = Field(min_length=3, max_length=3)
    conf: Confidence = "C"
    source: str | None = None
    # Setup objects the API only reads (User, Organization): inserts, updates and deletes are refused.
    read_only: bool = False
    fields: dict[str, FieldDef]
    _indexes: tuple[dict[str, FieldDef], dict[str, FieldDef]] | None = PrivateAttr(default=None)

    def field(self, name: str) -> FieldDef | None:
        return _lower_index(self).get(name.lower())

    def relationship(self, name: str) -> FieldDef | None:
        """The reference field whose relationship name is ``name`` (``SCMC__Item__r``)."""
        return _relationship_index(self).get(name.lower())

    @property
    def external_id_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields.values() if f.external_id)


def _lower_index(obj: ObjectDef) -> dict[str, FieldDef]:
    return _indexes(obj)[0]


def _relationship_index(obj: ObjectDef) -> dict[str, FieldDef]:
    return _indexes(obj)[1]


def _indexes(obj: ObjectDef) -> tuple[dict[str, FieldDef], dict[str, FieldDef]]:
    if obj._indexes is None:
        by_name = {name.lower(): f for name, f in obj.fields.items()}
        by_rel = {f.relationship.lower(): f for f in obj.fields.values() if f.relationship}
        obj._indexes = (by_name, by_rel)
    return obj._indexes


class Schema(BaseModel):
    model_config = ConfigDict(frozen=True)

    objects: dict[str, ObjectDef]
    _index: dict[str, ObjectDef] | None = PrivateAttr(default=None)

    def object(self, name: str) -> ObjectDef | None:
        return self._lower().get(name.lower())

    def by_key_prefix(self, prefix: str) -> ObjectDef | None:
        for obj in self.objects.values():
            if obj.key_prefix == prefix:
                return obj
        return None

    def child_relationships(self, parent: str) -> dict[str, ChildRelationship]:
        """Child relationship name (lower case) -> relationship, for subqueries."""
        out: dict[str, ChildRelationship] = {}
        parent_l = parent.lower()
        for obj in self.objects.values():
            for f in obj.fields.values():
                if f.to and f.to.lower() == parent_l and f.child_relationship:
                    out[f.child_relationship.lower()] = ChildRelationship(
                        name=f.child_relationship, child_object=obj.name, field=f.name
                    )
        return out

    def _lower(self) -> dict[str, ObjectDef]:
        # Looked up on every request: build the case-insensitive index once per schema.
        if self._index is None:
            self._index = {name.lower(): o for name, o in self.objects.items()}
        return self._index


def _system_fields() -> dict[str, FieldDef]:
    return {
        "Id": FieldDef(name="Id", type="id", system=True, unique=True),
        "CreatedDate": FieldDef(name="CreatedDate", type="datetime", system=True),
        "LastModifiedDate": FieldDef(name="LastModifiedDate", type="datetime", system=True),
        "SystemModstamp": FieldDef(name="SystemModstamp", type="datetime", system=True),
        "IsDeleted": FieldDef(name="IsDeleted", type="boolean", system=True, default=False),
    }


def parse_schema(raw: dict[str, object]) -> Schema:
    objects: dict[str, ObjectDef] = {}
    raw_objects = raw["objects"]
    assert isinstance(raw_objects, dict)
    for obj_name, spec in raw_objects.items():
        conf = spec.get("conf", "C")
        fields = _system_fields()
        name_spec = dict(spec["name"])
        fields["Name"] = FieldDef(name="Name", conf=conf, **name_spec)
        for field_name, field_spec in (spec.get("fields") or {}).items():
            fs = dict(field_spec)
            fs.setdefault("conf", conf)
            fields[field_name] = FieldDef(name=field_name, **fs)
        objects[obj_name] = ObjectDef(
            name=obj_name,
            label=spec["label"],
            key_prefix=spec["key_prefix"],
            conf=conf,
            source=spec.get("source"),
            read_only=bool(spec.get("read_only", False)),
            fields=fields,
        )
    return Schema(objects=objects)


@cache
def load_schema(path: Path = SCHEMA_FILE) -> Schema:
    with path.open(encoding="utf-8") as handle:
        # libyaml's parser when PyYAML has it: about 0.05 s instead of 0.35 s in every process that serves an org
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return parse_schema(yaml.load(handle, Loader=loader))  # noqa: S506 - a safe loader
