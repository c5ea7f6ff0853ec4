"""sObject row operations, shared by the REST routes, graph nodes and composite subrequests.

Each operation answers an ``ApiResponse`` as the sObject resource would, or raises
``SalesforceApiError``; the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from oim_local.org.errors import SalesforceApiError, not_found
from oim_local.org.ids import is_valid_id
from oim_local.org.server.counters import WriteTally
from oim_local.org.server.faults import unable_to_lock_row
from oim_local.org.server.wire import ApiResponse
from oim_local.org.store import OrgStore

WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})


@dataclass(frozen=True)
class SObjectTarget:
    """``sobjects/X``, ``sobjects/X/<id>`` or ``sobjects/X/<ExtField>/<value>``."""

    sobject: str
    record_id: str | None = None
    external_field: str | None = None
    external_value: str | None = None

    @property
    def is_collection(self) -> bool:
        return self.record_id is None and self.external_field is None


def parse_target(segments: list[str]) -> SObjectTarget | None:
    """The target named by the path segments after ``sobjects/``; None if it names none."""
    parts = [unquote(segment) for segment in segments]
    if len(parts) == 1 and parts[0]:
        return SObjectTarget(parts[0])
    if len(parts) == 2 and parts[0] and parts[1] and parts[1].lower() != "describe":
        return SObjectTarget(parts[0], record_id=parts[1])
    if len(parts) == 3 and parts[0] and parts[1]:
        return SObjectTarget(parts[0], external_field=parts[1], external_value=parts[2])
    return None


@dataclass
class WriteContext:
    """What one unit of work writes through: the store, the tally of records written, and
    whether the next write must fail with UNABLE_TO_LOCK_ROW (a fault drawn for this unit)."""

    store: OrgStore
    api_version: str
    tally: WriteTally = field(default_factory=WriteTally)
    fail_next_write_with_lock: bool = False

    def before_write(self, locked_id: str | None) -> None:
        if self.fail_next_write_with_lock:
            self.fail_next_write_with_lock = False
            raise unable_to_lock_row(locked_id or "")

    def record_url(self, sobject: str, record_id: str) -> str:
        name = self.store.object_def(sobject).name
        return f"/services/data/v{self.api_version}/sobjects/{name}/{record_id}"


def execute(
    context: WriteContext, method: str, target: SObjectTarget, body: Any, fields: list[str] | None
) -> ApiResponse:
    """Run one sObject request; raises ``SalesforceApiError`` for a refusal."""
    if target.external_field is not None:
        return _by_external_id(context, method, target, body, fields)
    if target.record_id is not None:
        if method == "GET":
            return ApiResponse(200, _read(context, target.sobject, target.record_id, fields))
        if method == "PATCH":
            update(context, target.sobject, target.record_id, body)
            return ApiResponse(204)
        if method == "DELETE":
            delete(context, target.sobject, target.record_id)
            return ApiResponse(204)
        raise method_not_allowed(method, "GET,PATCH,DELETE")
    if method == "POST":
        record_id = create(context, target.sobject, body)
        return ApiResponse(
            201,
            {"id": record_id, "success": True, "errors": []},
            {"Location": context.record_url(target.sobject, record_id)},
        )
    if method == "GET":
        context.store.object_def(target.sobject)  # 404 for an unknown object
        return ApiResponse(200, {"objectDescribe": _summary(context, target.sobject), "recentItems": []})
    raise method_not_allowed(method, "GET,POST")


def create(context: WriteContext, sobject: str, body: Any) -> str:
    fields = record_fields(body)
    context.before_write(_first_id_in(fields))
    record_id = context.store.create(sobject, fields)
    context.tally.add()
    return record_id


def update(context: WriteContext, sobject: str, record_id: str, body: Any) -> None:
    fields = record_fields(body)
    context.before_write(record_id)
    context.store.update(sobject, record_id, fields)
    context.tally.add()


def delete(context: WriteContext, sobject: str, record_id: str) -> None:
    context.before_write(record_id)
    context.store.delete(sobject, record_id)
    context.tally.add()


def upsert(context: WriteContext, sobject: str, external_field: str, value: str, body: Any) -> tuple[str, bool]:
    fields = record_fields(body)
    context.before_write(_first_id_in(fields) or (value if is_valid_id(value) else None))
    record_id, created = context.store.upsert(sobject, external_field, value, fields)
    context.tally.add()
    return record_id, created


def upsert_response(record_id: str, created: bool) -> ApiResponse:
    return ApiResponse(201 if created else 200, {"id": record_id, "success": True, "errors": [], "created": created})


def _by_external_id(
    context: WriteContext, method: str, target: SObjectTarget, body: Any, fields: list[str] | None
) -> ApiResponse:
    sobject, field_name = target.sobject, target.external_field or ""
    value = target.external_value or ""
    if method == "PATCH":
        try:
            record_id, created = upsert(context, sobject, field_name, value, body)
        except SalesforceApiError as error:
            if error.status != 300:
                raise
            # Salesforce answers 300 with the urls of the records that match.
            return ApiResponse(
                300, [context.record_url(sobject, match) for match in _matches(context, sobject, field_name, value)]
            )
        return upsert_response(record_id, created)
    if method == "POST":
        # POST by external id only inserts: an existing match is a duplicate, not an update.
        if _matches(context, sobject, field_name, value):
            raise SalesforceApiError(
                400,
                "DUPLICATE_VALUE",
                f"duplicate value found: {field_name} duplicates value {value} on an existing record",
                [field_name],
            )
        record_id, created = upsert(context, sobject, field_name, value, body)
        return upsert_response(record_id, created)
    if method in ("GET", "DELETE"):
        matches = _matches(context, sobject, field_name, value)
        if not matches:
            raise not_found()
        if len(matches) > 1:
            return ApiResponse(300, [context.record_url(sobject, match) for match in matches])
        if method == "GET":
            return ApiResponse(200, _read(context, sobject, matches[0], fields))
        delete(context, sobject, matches[0])
        return ApiResponse(204)
    raise method_not_allowed(method, "GET,PATCH,POST,DELETE")


def _matches(context: WriteContext, sobject: str, field_name: str, value: str) -> list[str]:
    obj = context.store.object_def(sobject)
    key = obj.field(field_name)
    if key is None or not (key.external_id or key.name == "Id"):
        raise not_found(f"Provided external ID field does not exist or is not accessible: {field_name}")
    if key.name == "Id":
        return [value] if context.store.sobject_for_id(value) == obj.name else []
    return context.store.find_by_external_id(obj.name, key.name, value)


def _read(context: WriteContext, sobject: str, record_id: str, fields: list[str] | None) -> dict[str, Any]:
    return context.store.get(sobject, record_id, fields, api_version=context.api_version)


def _summary(context: WriteContext, sobject: str) -> dict[str, Any]:
    wanted = context.store.object_def(sobject).name
    for summary in context.store.describe_global(api_version=context.api_version)["sobjects"]:
        if summary["name"] == wanted:
            return dict(summary)
    raise not_found()


def record_fields(body: Any) -> dict[str, Any]:
    """The field values of a record body, without its ``attributes``."""
    if not isinstance(body, dict):
        raise SalesforceApiError(
            400, "JSON_PARSER_ERROR", "The record body must be a JSON object of field names and values."
        )
    return {name: value for name, value in body.items() if name != "attributes"}


def method_not_allowed(method: str, allowed: str) -> SalesforceApiError:
    return SalesforceApiError(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{method}' not allowed. Allowed are {allowed}")


def _first_id_in(fields: dict[str, Any]) -> str | None:
    # Salesforce locks the parent rows a write looks up; name the first one in the error.
    for value in fields.values():
        if isinstance(value, str) and is_valid_id(value):
            return value
    return None
