"""``POST composite/tree/<sObject>``: create up to 200 records, with nested children, in one
all-or-nothing call (the API behind ``sf data import tree``).

Each record carries ``attributes.type`` and ``attributes.referenceId``; children sit under their
child relationship name as ``{"records": [...]}`` and get their parent's new Id. Success answers
201 with every referenceId and its Id; a failure rolls everything back and answers 400 with the
referenceId of the record that failed and its errors (sObject Tree Response Body, REST API
Developer Guide).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from oim_local.org.errors import SalesforceApiError
from oim_local.org.server import sobjects
from oim_local.org.server.sobjects import WriteContext
from oim_local.org.server.wire import ApiResponse

MAX_TREE_RECORDS = 200
MAX_TREE_DEPTH = 5


@dataclass
class _Node:
    sobject: str
    reference_id: str
    fields: dict[str, Any]
    parent: _Node | None
    parent_field: str | None
    new_id: str | None = None


class _TreeRefused(Exception):
    def __init__(self, reference_id: str, error: SalesforceApiError) -> None:
        super().__init__(error.message)
        self.reference_id = reference_id
        self.error = error


def create_tree(context: WriteContext, sobject: str, payload: Any) -> ApiResponse:
    root = context.store.object_def(sobject)  # 404 for an unknown object
    records = payload.get("records") if isinstance(payload, dict) else None
    if not isinstance(records, list) or not records:
        raise SalesforceApiError(
            400, "JSON_PARSER_ERROR", 'The body must be {"records": [...]} with one record or more.'
        )
    nodes: list[_Node] = []
    for record in records:
        _read(context, root.name, record, None, None, 1, nodes)
    if len(nodes) > MAX_TREE_RECORDS:
        raise SalesforceApiError(
            400,
            "LIMIT_EXCEEDED",
            f"The request has {len(nodes)} records; an sObject tree request can create at most {MAX_TREE_RECORDS}.",
        )
    refused = _duplicate_reference_ids(nodes)
    if refused:
        return ApiResponse(400, {"hasErrors": True, "results": refused})
    try:
        with context.store.transaction():
            for node in nodes:
                _create(context, node)
    except _TreeRefused as refusal:
        context.tally.count = 0  # rolled back: nothing was written
        error = refusal.error
        result = {
            "referenceId": refusal.reference_id,
            "errors": [{"statusCode": error.error_code, "message": error.message, "fields": list(error.fields)}],
        }
        return ApiResponse(400, {"hasErrors": True, "results": [result]})
    return ApiResponse(
        201, {"hasErrors": False, "results": [{"referenceId": n.reference_id, "id": n.new_id} for n in nodes]}
    )


def _read(
    context: WriteContext,
    expected: str,
    record: Any,
    parent: _Node | None,
    parent_field: str | None,
    depth: int,
    out: list[_Node],
) -> None:
    if depth > MAX_TREE_DEPTH:
        raise SalesforceApiError(400, "INVALID_INPUT", f"An sObject tree can be at most {MAX_TREE_DEPTH} levels deep.")
    if not isinstance(record, dict):
        raise SalesforceApiError(400, "JSON_PARSER_ERROR", "Each record must be a JSON object.")
    attributes = record.get("attributes")
    if not isinstance(attributes, dict) or not attributes.get("type") or not attributes.get("referenceId"):
        raise SalesforceApiError(400, "INVALID_INPUT", "Each record needs attributes with a type and a referenceId.")
    obj = context.store.object_def(str(attributes["type"]))
    if obj.name != context.store.object_def(expected).name:
        raise SalesforceApiError(
            400, "INVALID_INPUT", f"Record {attributes['referenceId']} is a {obj.name}; expected {expected} here."
        )
    children = context.store.schema.child_relationships(obj.name)
    node = _Node(obj.name, str(attributes["referenceId"]), {}, parent, parent_field)
    nested: list[tuple[str, str, list[Any]]] = []
    for name, value in record.items():
        if name == "attributes":
            continue
        relation = children.get(name.lower())
        if relation is not None and isinstance(value, dict):
            child_records = value.get("records")
            if not isinstance(child_records, list):
                raise SalesforceApiError(400, "JSON_PARSER_ERROR", f'{name} must be {{"records": [...]}}.')
            nested.append((relation.child_object, relation.field, child_records))
        else:
            node.fields[name] = value
    out.append(node)
    for child_object, field_name, child_records in nested:
        for child in child_records:
            _read(context, child_object, child, node, field_name, depth + 1, out)


def _duplicate_reference_ids(nodes: list[_Node]) -> list[dict[str, Any]]:
    seen: dict[str, int] = {}
    for node in nodes:
        seen[node.reference_id] = seen.get(node.reference_id, 0) + 1
    return [
        {
            "referenceId": node.reference_id,
            "errors": [
                {
                    "statusCode": "INVALID_INPUT",
                    "message": f"Duplicate ReferenceId provided in the request: {node.reference_id}",
                    "fields": [],
                }
            ],
        }
        for node in nodes
        if seen[node.reference_id] > 1
    ]


def _create(context: WriteContext, node: _Node) -> None:
    fields = dict(node.fields)
    if node.parent is not None and node.parent_field is not None:
        fields[node.parent_field] = node.parent.new_id
    try:
        node.new_id = sobjects.create(context, node.sobject, fields)
    except SalesforceApiError as error:
        raise _TreeRefused(node.reference_id, error) from error
