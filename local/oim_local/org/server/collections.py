"""sObject collections: create, update, upsert, retrieve and delete up to 200 records per call.

With ``allOrNone`` every record is rolled back when one fails; without it each record stands
alone (its own savepoint). The call itself answers 200 either way, with one result per record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oim_local.org.errors import SalesforceApiError
from oim_local.org.server import sobjects
from oim_local.org.server.limits import MAX_COLLECTION_RECORDS
from oim_local.org.server.sobjects import WriteContext
from oim_local.org.server.wire import ApiResponse

ROLLED_BACK = {
    "statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "message": "Record rolled back because not all records were valid and the request was using AllOrNone header",
    "fields": [],
}


class _RollBack(Exception):
    """Raised inside the outer transaction to undo an allOrNone call that had a failure."""


def too_many_records() -> SalesforceApiError:
    return SalesforceApiError(
        400,
        "EXCEEDED_ID_LIMIT",
        f"record limit reached. cannot submit more than {MAX_COLLECTION_RECORDS} records into this call",
    )


class Collections:
    """The tally in the context ends up counting only the records that were committed."""

    def create(self, context: WriteContext, payload: Any) -> ApiResponse:
        records, all_or_none = _records_and_mode(payload)

        def create_one(record: dict[str, Any]) -> dict[str, Any]:
            record_id = sobjects.create(context, _record_type(record), record)
            return {"id": record_id, "success": True, "errors": []}

        return self._run(context, records, all_or_none, create_one)

    def update(self, context: WriteContext, payload: Any) -> ApiResponse:
        records, all_or_none = _records_and_mode(payload)

        def update_one(record: dict[str, Any]) -> dict[str, Any]:
            record_id = _record_id(record)
            body = {name: value for name, value in record.items() if name.lower() != "id"}
            sobjects.update(context, _record_type(record), record_id, body)
            return {"id": record_id, "success": True, "errors": []}

        return self._run(context, records, all_or_none, update_one)

    def upsert(self, context: WriteContext, sobject: str, external_field: str, payload: Any) -> ApiResponse:
        records, all_or_none = _records_and_mode(payload)
        key = context.store.object_def(sobject).field(external_field)
        key_name = key.name if key else external_field

        def upsert_one(record: dict[str, Any]) -> dict[str, Any]:
            record_type = _record_type(record)
            if context.store.object_def(record_type).name != context.store.object_def(sobject).name:
                raise SalesforceApiError(
                    400, "INVALID_TYPE", f"Every record must be of type {sobject}; got {record_type}."
                )
            value = _field_value(record, key_name)
            if value is None or value == "":
                raise SalesforceApiError(
                    400, "MISSING_ARGUMENT", f"{key_name} not specified: every record needs it", [key_name]
                )
            record_id, created = sobjects.upsert(context, sobject, key_name, str(value), record)
            return {"id": record_id, "success": True, "errors": [], "created": created}

        return self._run(context, records, all_or_none, upsert_one)

    def delete(self, context: WriteContext, ids: list[str], all_or_none: bool) -> ApiResponse:
        _check_size(ids)

        def delete_one(record_id: str) -> dict[str, Any]:
            sobject = context.store.sobject_for_id(record_id)
            if sobject is None:
                raise SalesforceApiError(400, "MALFORMED_ID", f"malformed id {record_id}", ["Id"])
            sobjects.delete(context, sobject, record_id)
            return {"id": record_id, "success": True, "errors": []}

        return self._run(context, ids, all_or_none, delete_one)

    def retrieve(self, context: WriteContext, sobject: str, ids: list[str], fields: list[str]) -> ApiResponse:
        _check_size(ids)
        if not fields:
            raise SalesforceApiError(400, "MISSING_ARGUMENT", "fields: specify the fields to retrieve")
        records: list[dict[str, Any] | None] = []
        for record_id in ids:
            try:
                records.append(context.store.get(sobject, record_id, fields, api_version=context.api_version))
            except SalesforceApiError as error:
                if error.status != 404:
                    raise
                records.append(None)
        return ApiResponse(200, records)

    def _run[T](
        self,
        context: WriteContext,
        items: list[T],
        all_or_none: bool,
        write_one: Callable[[T], dict[str, Any]],
    ) -> ApiResponse:
        results: list[dict[str, Any]] = []
        failed = False
        written_at_start = context.tally.count
        try:
            with context.store.transaction():
                for item in items:
                    written_before = context.tally.count
                    try:
                        with context.store.transaction():  # a savepoint per record
                            results.append(write_one(item))
                    except SalesforceApiError as error:
                        context.tally.count = written_before
                        failed = True
                        results.append({"success": False, "errors": [_record_error(error)]})
                if failed and all_or_none:
                    raise _RollBack
        except _RollBack:
            results = [result if not result["success"] else _rolled_back(result) for result in results]
            context.tally.count = written_at_start
        return ApiResponse(200, results)


def _rolled_back(result: dict[str, Any]) -> dict[str, Any]:
    return {"id": result.get("id"), "success": False, "errors": [ROLLED_BACK]}


def _record_error(error: SalesforceApiError) -> dict[str, Any]:
    return {"statusCode": error.error_code, "message": error.message, "fields": list(error.fields)}


def _check_size(items: list[Any]) -> None:
    if len(items) > MAX_COLLECTION_RECORDS:
        raise too_many_records()


def _records_and_mode(payload: Any) -> tuple[list[dict[str, Any]], bool]:
    if not isinstance(payload, dict) or not isinstance(payload.get("records"), list):
        raise SalesforceApiError(400, "JSON_PARSER_ERROR", 'The body must be {"allOrNone": bool, "records": [...]}.')
    records = payload["records"]
    _check_size(records)
    for record in records:
        if not isinstance(record, dict):
            raise SalesforceApiError(400, "JSON_PARSER_ERROR", "Each record must be a JSON object.")
    return records, bool(payload.get("allOrNone", False))


def _record_type(record: dict[str, Any]) -> str:
    attributes = record.get("attributes")
    record_type = attributes.get("type") if isinstance(attributes, dict) else None
    if not isinstance(record_type, str) or not record_type:
        raise SalesforceApiError(400, "INVALID_TYPE", "Must provide the record's type in attributes.type")
    return record_type


def _record_id(record: dict[str, Any]) -> str:
    value = _field_value(record, "Id")
    if not isinstance(value, str) or not value:
        raise SalesforceApiError(400, "MISSING_ARGUMENT", "Id not specified in an update call", ["Id"])
    return value


def _field_value(record: dict[str, Any], name: str) -> Any:
    lowered = name.lower()
    for key, value in record.items():
        if key.lower() == lowered:
            return value
    return None
