"""``GET query?q=...&columns=true``: the column metadata of a query, without its records.

Undocumented but stable: the Developer Console and the Salesforce CLI (``sf data query``,
plugin-data ``retrieveColumns``) read ``columnMetadata``; a parent field is a column whose
``joinColumns`` hold the fields reached through it, a child subquery an ``aggregate`` column
whose ``joinColumns`` are the subquery's columns.
"""

from __future__ import annotations

from typing import Any

from oim_local.org.schema import FieldDef, ObjectDef
from oim_local.org.soql import nodes, parse
from oim_local.org.soql.errors import SoqlError
from oim_local.org.store import OrgStore

_APEX_TYPES = {
    "id": "Id",
    "reference": "Id",
    "boolean": "Boolean",
    "int": "Integer",
    "number": "Double",
    "currency": "Double",
    "percent": "Double",
    "date": "Date",
    "datetime": "Datetime",
}


def column_metadata(store: OrgStore, soql: str) -> dict[str, Any]:
    query = parse(soql)
    root = _object(store, query.object_name, query.object_position)
    columns: list[dict[str, Any]] = []
    for item in query.select:
        if isinstance(item, nodes.FieldPath):
            columns.append(_path_column(store, root, _without_alias(query, item.parts), item, ""))
        elif isinstance(item, nodes.ChildQuery):
            columns.append(_child_column(store, root, item))
        else:  # COUNT(): an aggregate with no field
            columns.append(_column("expr0", "COUNT()", None, aggregate=True))
    return {
        "columnMetadata": columns,
        "entityName": root.name,
        "groupBy": False,
        "idSelected": any(
            isinstance(i, nodes.FieldPath) and [p.lower() for p in i.parts] == ["id"] for i in query.select
        ),
        "keyPrefix": root.key_prefix,
    }


def _without_alias(query: nodes.Query, parts: tuple[str, ...]) -> tuple[str, ...]:
    if query.alias and len(parts) > 1 and parts[0].lower() == query.alias.lower():
        return parts[1:]
    return parts


def _object(store: OrgStore, name: str, position: nodes.Position) -> ObjectDef:
    obj = store.schema.object(name)
    if obj is None:
        raise SoqlError("INVALID_TYPE", f"sObject type '{name}' is not supported.", position)
    return obj


def _path_column(
    store: OrgStore, obj: ObjectDef, parts: tuple[str, ...], item: nodes.FieldPath, prefix: str
) -> dict[str, Any]:
    if len(parts) == 1:
        fdef = obj.field(parts[0])
        if fdef is None:
            raise SoqlError("INVALID_FIELD", f"No such column '{parts[0]}' on entity '{obj.name}'.", item.position)
        return _column(fdef.name, prefix + fdef.name, fdef)
    relation = obj.relationship(parts[0])
    if relation is None or relation.to is None or relation.relationship is None:
        raise SoqlError("INVALID_FIELD", f"Didn't understand relationship '{parts[0]}' on '{obj.name}'.", item.position)
    parent = _object(store, relation.to, item.position)
    name = relation.relationship
    column = _column(name, prefix + name, None)
    column["joinColumns"] = [_path_column(store, parent, parts[1:], item, f"{prefix}{name}.")]
    return column


def _child_column(store: OrgStore, root: ObjectDef, item: nodes.ChildQuery) -> dict[str, Any]:
    relation = store.schema.child_relationships(root.name).get(item.query.object_name.lower())
    if relation is None:
        raise SoqlError(
            "INVALID_TYPE", f"Didn't understand relationship '{item.query.object_name}' in FROM part.", item.position
        )
    child = _object(store, relation.child_object, item.position)
    column = _column(relation.name, relation.name, None, aggregate=True)
    column["joinColumns"] = [
        _path_column(store, child, _without_alias(item.query, sub.parts), sub, "")
        for sub in item.query.select
        if isinstance(sub, nodes.FieldPath)
    ]
    return column


def _column(name: str, display: str, fdef: FieldDef | None, *, aggregate: bool = False) -> dict[str, Any]:
    kind = fdef.type if fdef else None
    return {
        "aggregate": aggregate,
        "apexType": _APEX_TYPES.get(kind, "String") if kind else None,
        "booleanType": kind == "boolean",
        "columnName": name,
        "custom": name.endswith(("__c", "__r")),
        "displayName": display,
        "foreignKeyName": None,
        "insertable": bool(fdef and fdef.createable),
        "joinColumns": [],
        "numberType": kind in ("int", "number", "currency", "percent"),
        "textType": kind in ("string", "textarea", "picklist", "multipicklist", "phone", "email", "url", "autonumber"),
        "updatable": bool(fdef and fdef.updateable),
    }
