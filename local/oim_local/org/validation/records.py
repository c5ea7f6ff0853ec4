"""Check a record body against its object before it is written: names, writability,
types (through ``fields.coerce``), defaults and required fields."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from oim_local.org.errors import SalesforceApiError, invalid_field
from oim_local.org.ids import is_valid_id, to_18
from oim_local.org.schema import FieldDef, ObjectDef
from oim_local.org.validation.fields import coerce

Operation = Literal["create", "update"]
# The "Set Audit Fields upon Record Creation" permission opens these to the loader.
AUDIT_FIELDS = frozenset({"CreatedDate", "LastModifiedDate"})


@dataclass(frozen=True)
class ForeignKey:
    """A lookup given by the parent's external id: ``"c2g__Account__r": {"Ext__c": "V-1"}``."""

    field: FieldDef
    external_id_field: str
    value: str


@dataclass
class RecordInput:
    values: dict[str, Any] = field(default_factory=dict)
    foreign_keys: list[ForeignKey] = field(default_factory=list)


def read_body(
    obj: ObjectDef,
    body: Mapping[str, Any],
    *,
    operation: Operation,
    record_id: str | None = None,
    allow_audit_fields: bool = False,
) -> RecordInput:
    """Field names resolved to their canonical spelling and values coerced for storage."""
    result = RecordInput()
    not_writable: list[str] = []
    for raw_name, raw_value in body.items():
        if raw_name == "attributes":
            continue
        fdef = obj.field(raw_name)
        if fdef is None:
            foreign_key = _foreign_key(obj, raw_name, raw_value)
            result.foreign_keys.append(foreign_key)
            continue
        if fdef.name in result.values:
            raise SalesforceApiError(
                400, "JSON_PARSER_ERROR", f"Duplicate field {fdef.name} in the record body", [fdef.name]
            )
        if fdef.name == "Id":
            _check_body_id(obj, raw_value, operation, record_id)
            continue
        # A master-detail field that does not allow reparenting is checked against the stored
        # value by the store (repeating the same master is harmless; changing it is refused).
        if not fdef.createable and not (allow_audit_fields and fdef.name in AUDIT_FIELDS):
            not_writable.append(fdef.name)
            continue
        result.values[fdef.name] = coerce(fdef, raw_value)
    if not_writable:
        raise SalesforceApiError(
            400,
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            f"Unable to create/update fields: {', '.join(not_writable)}. Please check the security "
            "settings of this field and verify that it is read/write for your profile or permission set.",
            not_writable,
        )
    return result


def _foreign_key(obj: ObjectDef, name: str, value: Any) -> ForeignKey:
    relation = obj.relationship(name)
    if relation is None or relation.to is None:
        raise invalid_field(obj.name, name)
    if not isinstance(value, Mapping):
        raise SalesforceApiError(
            400,
            "JSON_PARSER_ERROR",
            f"{relation.relationship} must be an object naming one external id field of "
            f'{relation.to}, e.g. {{"OIM_External_Id__c": "..."}}',
            [relation.name],
        )
    keys = [key for key in value if key != "attributes"]
    if len(keys) != 1 or not isinstance(value[keys[0]], str):
        raise SalesforceApiError(
            400,
            "INVALID_FIELD",
            f"{relation.relationship} must name exactly one external id field of {relation.to} with a text value",
            [relation.name],
        )
    return ForeignKey(field=relation, external_id_field=keys[0], value=value[keys[0]])


def _check_body_id(obj: ObjectDef, value: Any, operation: Operation, record_id: str | None) -> None:
    """An update may repeat its own Id in the body (collections do); nothing else may set Id."""
    if (
        operation == "update"
        and record_id is not None
        and isinstance(value, str)
        and is_valid_id(value)
        and to_18(value) == record_id
    ):
        return
    message = (
        "Record ID: cannot specify Id in an insert call"
        if operation == "create"
        else f"Id in the body ({value}) does not match the record being updated on {obj.name}"
    )
    raise SalesforceApiError(400, "INVALID_FIELD_FOR_INSERT_UPDATE", message, ["Id"])


def apply_defaults(obj: ObjectDef, values: dict[str, Any]) -> None:
    """Fill the schema defaults of fields the body leaves out (create only)."""
    for fdef in obj.fields.values():
        if fdef.name in values or not fdef.createable:
            continue
        if fdef.default is not None:
            values[fdef.name] = coerce(fdef, fdef.default)
        elif fdef.type == "boolean":
            values[fdef.name] = False


def check_required(obj: ObjectDef, values: Mapping[str, Any], *, operation: Operation) -> None:
    """On create every required field needs a value; on update none may be set to null."""
    missing = [
        fdef.name
        for fdef in obj.fields.values()
        if fdef.required
        and fdef.createable
        and (fdef.name in values if operation == "update" else True)
        and values.get(fdef.name) is None
    ]
    if missing:
        raise SalesforceApiError(
            400, "REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(missing)}]", missing
        )


def check_reparenting(obj: ObjectDef, values: Mapping[str, Any], current: Mapping[str, Any]) -> None:
    """An update may not move a detail record to another master unless the field allows it
    (Salesforce's "Allow reparenting"; the field describes as not updateable)."""
    moved = [
        fdef.name
        for fdef in obj.fields.values()
        if fdef.master_detail
        and not fdef.reparentable
        and fdef.name in values
        and values[fdef.name] != current[fdef.name]
    ]
    if moved:
        raise SalesforceApiError(
            400,
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            f"Unable to create/update fields: {', '.join(moved)}. {obj.name} is the detail of a master-detail "
            "relationship that does not allow reparenting: a record keeps the master it was created with.",
            moved,
        )
