"""The local org's record store: SQLite behind the validation a real org applies.

Requests are served concurrently, as Salesforce serves them: each unit of work (a call, or a whole
``transaction()``) borrows its own SQLite connection (WAL) from a pool, so reads never wait for
writes. A write transaction holds its locks until it commits; SQLite has one writer lock per
database, so a write waits for any write transaction in flight (a lock coarser than Salesforce's
row locks: every record is one row for this purpose), up to ``LOCK_WAIT_SECONDS`` (Salesforce's
10 s), then fails with UNABLE_TO_LOCK_ROW. Every write validates first and raises
``SalesforceApiError`` with Salesforce's codes, so nothing invalid reaches the tables.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oim_local.org import tables
from oim_local.org.errors import SalesforceApiError, invalid_field, not_found
from oim_local.org.identity import ORGANIZATION_RECORD, USER_RECORD
from oim_local.org.ids import is_valid_id, new_id, to_18
from oim_local.org.schema import FieldDef, ObjectDef, Schema, load_schema
from oim_local.org.tables import quote
from oim_local.org.validation import posting
from oim_local.org.validation.fields import coerce, format_datetime, max_length
from oim_local.org.validation.records import (
    ForeignKey,
    apply_defaults,
    check_reparenting,
    check_required,
    read_body,
)

if TYPE_CHECKING:
    from oim_local.org.soql import QueryResult

META_TABLE = "_oim_meta"
LOCK_WAIT_SECONDS = 10.0  # Salesforce waits this long for a locked row, then UNABLE_TO_LOCK_ROW
DEFAULT_API_VERSION = "59.0"
_DESCRIBE_TYPES = {"number": "double", "autonumber": "string"}


class OrgStore:
    def __init__(
        self,
        db_path: str | Path,
        schema: Schema | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
        lock_wait_seconds: float = LOCK_WAIT_SECONDS,
    ) -> None:
        self.schema = schema or load_schema()
        self._clock = clock or (lambda: datetime.now(UTC))
        self._path = str(db_path)
        self.lock_wait_seconds = lock_wait_seconds
        self._local = threading.local()  # the connection this thread's unit of work borrowed, and its depth
        self._pool: list[sqlite3.Connection] = []
        self._pool_lock = threading.Lock()
        # Write transactions of this process queue here, in turn, rather than in SQLite's busy handler,
        # whose growing sleeps (up to 100 ms a try) left the file idle while requests waited for it.
        self._writer = threading.Lock()
        self._closed = False
        # Used outside any unit of work (single-threaded callers such as exports): the first connection.
        self._main = self._open()
        self._main.execute("PRAGMA journal_mode=WAL")
        with self.transaction():
            tables.create_tables(self._conn, self.schema)
            self._conn.execute(
                f"CREATE TABLE IF NOT EXISTS {META_TABLE} (sobject TEXT PRIMARY KEY, "
                "id_serial INTEGER NOT NULL DEFAULT 0, autonumber INTEGER NOT NULL DEFAULT 0)"
            )
            self._seed_setup_records()

    def _seed_setup_records(self) -> None:
        """The org's one Organization and integration User (read-only objects), once."""
        for name, record in (("Organization", ORGANIZATION_RECORD), ("User", USER_RECORD)):
            obj = self.schema.object(name)
            if obj is None or self._row(obj, record["Id"]) is not None:
                continue  # a schema without setup objects (unit tests' own schemas)
            now = self._now()
            values = {k: coerce(obj.fields[k], v) if k != "Id" and v is not None else v for k, v in record.items()}
            values.update(CreatedDate=now, LastModifiedDate=now, SystemModstamp=now, IsDeleted=False)
            self._insert(obj, values)

    # ------------------------------------------------------------------ plumbing

    def _open(self) -> sqlite3.Connection:
        # Autocommit mode: this class issues BEGIN/SAVEPOINT itself.
        conn = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None,
                               timeout=self.lock_wait_seconds)  # fmt: skip
        conn.row_factory = sqlite3.Row
        # WAL with NORMAL sync survives a process crash (not a power cut): enough for a stand-in org.
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(f"PRAGMA busy_timeout={int(self.lock_wait_seconds * 1000)}")
        return conn

    @property
    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        return conn if conn is not None else self._main

    @property
    def connection(self) -> sqlite3.Connection:
        """The raw connection, for read-only use under ``transaction()`` (the SOQL engine)."""
        return self._conn

    @contextmanager
    def _lock(self) -> Iterator[None]:
        """One unit of work: this thread borrows a pooled connection for it (nested calls share it)."""
        if getattr(self._local, "conn", None) is not None:
            yield
            return
        with self._pool_lock:
            conn = self._pool.pop() if self._pool else None
        conn = conn or self._open()
        self._local.conn, self._local.depth = conn, 0
        try:
            yield
        finally:
            self._local.conn = None
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            with self._pool_lock:
                if self._closed:
                    conn.close()
                else:
                    self._pool.append(conn)

    def close(self) -> None:
        with self._pool_lock:
            self._closed = True
            pool, self._pool = self._pool, []
        for conn in pool:
            conn.close()
        self._main.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing: commits on success, rolls back on any exception; nesting uses savepoints."""
        with self._lock():
            conn = self._conn
            depth = self._local.depth
            savepoint = f"sp_{depth}"
            if depth == 0:
                if not self._writer.acquire(timeout=self.lock_wait_seconds):
                    raise _unable_to_lock(self.lock_wait_seconds)
                try:
                    _begin_waiting_for_locks(conn, self.lock_wait_seconds)
                except BaseException:
                    self._writer.release()
                    raise
            else:
                conn.execute(f"SAVEPOINT {savepoint}")
            self._local.depth += 1
            try:
                yield
            except BaseException:
                self._local.depth -= 1
                if depth == 0:
                    try:
                        conn.execute("ROLLBACK")
                    finally:
                        self._writer.release()
                else:
                    conn.execute(f"ROLLBACK TO {savepoint}")
                    conn.execute(f"RELEASE {savepoint}")
                raise
            self._local.depth -= 1
            if depth == 0:
                try:
                    conn.execute("COMMIT")
                finally:
                    self._writer.release()
            else:
                conn.execute(f"RELEASE {savepoint}")

    def _now(self) -> str:
        return format_datetime(self._clock())

    def object_def(self, sobject: str) -> ObjectDef:
        """The object named ``sobject`` (any case); 404 NOT_FOUND as the sobject routes answer."""
        obj = self.schema.object(sobject)
        if obj is None:
            raise not_found()
        return obj

    def sobject_for_id(self, record_id: str) -> str | None:
        if not isinstance(record_id, str) or not is_valid_id(record_id):
            return None
        obj = self.schema.by_key_prefix(record_id[:3])
        return obj.name if obj else None

    def _record_id(self, obj: ObjectDef, record_id: str) -> str:
        if not is_valid_id(record_id):
            raise SalesforceApiError(
                400, "MALFORMED_ID", f"{obj.name} ID: id value of incorrect type: {record_id}", ["Id"]
            )
        if record_id[:3] != obj.key_prefix:
            raise not_found()
        return to_18(record_id)

    def _row(self, obj: ObjectDef, record_id: str) -> sqlite3.Row | None:
        sql = f"SELECT * FROM {quote(obj.name)} WHERE {quote('Id')} = ?"  # noqa: S608 (schema names)
        cursor = self._conn.execute(sql, (record_id,))
        row: sqlite3.Row | None = cursor.fetchone()
        return row

    def _live_row(self, obj: ObjectDef, record_id: str) -> sqlite3.Row:
        row = self._row(obj, record_id)
        if row is None:
            raise not_found()
        if row["IsDeleted"]:
            raise SalesforceApiError(404, "ENTITY_IS_DELETED", "entity is deleted", [])
        return row

    def _next_counter(self, obj: ObjectDef, column: str) -> int:
        self._conn.execute(f"INSERT OR IGNORE INTO {META_TABLE} (sobject) VALUES (?)", (obj.name,))  # noqa: S608
        self._conn.execute(
            f"UPDATE {META_TABLE} SET {column} = {column} + 1 WHERE sobject = ?",  # noqa: S608 (fixed names)
            (obj.name,),
        )
        row = self._conn.execute(
            f"SELECT {column} FROM {META_TABLE} WHERE sobject = ?",  # noqa: S608 (fixed names)
            (obj.name,),
        ).fetchone()
        return int(row[0])

    # ------------------------------------------------------------------ writes

    def create(self, sobject: str, fields: Mapping[str, Any], *, allow_audit_fields: bool = False) -> str:
        """Insert a record and return its 18-character Id.

        ``allow_audit_fields`` lets CreatedDate/LastModifiedDate be set, like the "Set Audit
        Fields upon Record Creation" permission; only the data loader uses it.
        """
        with self.transaction():
            obj = self.object_def(sobject)
            _refuse_read_only(obj, "inserted")
            body = read_body(obj, fields, operation="create", allow_audit_fields=allow_audit_fields)
            values = body.values
            self._resolve_foreign_keys(obj, body.foreign_keys, values)
            apply_defaults(obj, values)
            check_required(obj, values, operation="create")
            self._check_references(obj, values)
            self._check_unique(obj, values, record_id=None)
            if not allow_audit_fields:  # the data loader may load posted history
                self._refuse_posted(obj, None, values)
            record_id = new_id(obj.key_prefix, self._next_counter(obj, "id_serial"))
            name_field = obj.fields["Name"]
            if name_field.type == "autonumber":
                values["Name"] = _autonumber(name_field, self._next_counter(obj, "autonumber"))
            now = self._now()
            values["Id"] = record_id
            values.setdefault("CreatedDate", now)
            values.setdefault("LastModifiedDate", values["CreatedDate"])
            values["SystemModstamp"] = now
            values["IsDeleted"] = False
            self._insert(obj, values)
            return record_id

    def update(self, sobject: str, record_id: str, fields: Mapping[str, Any]) -> None:
        with self.transaction():
            obj = self.object_def(sobject)
            _refuse_read_only(obj, "updated")
            record_id = self._record_id(obj, record_id)
            current = self._live_row(obj, record_id)
            self._refuse_posted(obj, record_id, fields)
            body = read_body(obj, fields, operation="update", record_id=record_id)
            values = body.values
            self._resolve_foreign_keys(obj, body.foreign_keys, values)
            check_reparenting(obj, values, {n: tables.from_db(obj.fields[n], current[n]) for n in values})
            check_required(obj, values, operation="update")
            self._check_references(obj, values)
            self._check_unique(obj, values, record_id=record_id)
            now = self._now()
            values["LastModifiedDate"] = now
            values["SystemModstamp"] = now
            self._write(obj, record_id, values)

    def upsert(
        self, sobject: str, external_id_field: str, external_id: str, fields: Mapping[str, Any]
    ) -> tuple[str, bool]:
        """Update the record whose external id is ``external_id``, or create it; (Id, created)."""
        with self.transaction():
            obj = self.object_def(sobject)
            key_field = obj.field(external_id_field)
            if key_field is None or not (key_field.external_id or key_field.name == "Id"):
                raise not_found(f"Provided external ID field does not exist or is not accessible: {external_id_field}")
            if key_field.name == "Id":
                return self._upsert_by_id(obj, external_id, fields)
            body_value = _body_value(obj, fields, key_field)
            if body_value is not None and str(body_value).lower() != external_id.lower():
                raise SalesforceApiError(
                    400,
                    "INVALID_FIELD",
                    f"{key_field.name} in the body ({body_value}) does not match the external id in the "
                    f"URL ({external_id}); remove it from the body or make them equal",
                    [key_field.name],
                )
            matches = self.find_by_external_id(obj.name, key_field.name, external_id)
            if len(matches) > 1:
                raise SalesforceApiError(
                    300,
                    "MULTIPLE_CHOICES",
                    f"More than one {obj.name} record has {key_field.name} = {external_id}: {', '.join(matches)}",
                    [key_field.name],
                )
            body = {k: v for k, v in fields.items() if obj.field(k) is not key_field}
            if matches:
                self.update(obj.name, matches[0], body)
                return matches[0], False
            body[key_field.name] = external_id
            return self.create(obj.name, body), True

    def _upsert_by_id(self, obj: ObjectDef, record_id: str, fields: Mapping[str, Any]) -> tuple[str, bool]:
        record_id = self._record_id(obj, record_id)
        body = {k: v for k, v in fields.items() if k.lower() != "id"}
        self.update(obj.name, record_id, body)
        return record_id, False

    def delete(self, sobject: str, record_id: str) -> None:
        """Soft delete (IsDeleted = 1); master-detail children are deleted with their parent."""
        with self.transaction():
            obj = self.object_def(sobject)
            _refuse_read_only(obj, "deleted")
            record_id = self._record_id(obj, record_id)
            self._live_row(obj, record_id)
            self._refuse_posted(obj, record_id, {})
            self._soft_delete(obj, record_id, self._now())

    def _soft_delete(self, obj: ObjectDef, record_id: str, now: str) -> None:
        for child in self.schema.objects.values():
            for fdef in child.fields.values():
                if fdef.master_detail and fdef.to and fdef.to.lower() == obj.name.lower():
                    rows = self._conn.execute(
                        f"SELECT {quote('Id')} FROM {quote(child.name)} "  # noqa: S608 (schema names)
                        f"WHERE {quote(fdef.name)} = ? AND {quote('IsDeleted')} = 0",
                        (record_id,),
                    ).fetchall()
                    for row in rows:
                        self._soft_delete(child, row[0], now)
        self._release_lookups(obj, record_id, now)
        self._conn.execute(
            f"UPDATE {quote(obj.name)} SET {quote('IsDeleted')} = 1, "  # noqa: S608 (schema names)
            f"{quote('LastModifiedDate')} = ?, {quote('SystemModstamp')} = ? WHERE {quote('Id')} = ?",
            (now, now, record_id),
        )

    def _release_lookups(self, obj: ObjectDef, record_id: str, now: str) -> None:
        """As Salesforce: optional lookups to a deleted record are cleared; a required one blocks it."""
        for other in self.schema.objects.values():
            for fdef in other.fields.values():
                if fdef.master_detail or not fdef.is_reference or fdef.system:
                    continue
                if (fdef.to or "").lower() != obj.name.lower():
                    continue
                where = f"WHERE {quote(fdef.name)} = ? AND {quote('IsDeleted')} = 0"
                if fdef.required:
                    blocker = self._conn.execute(
                        f"SELECT {quote('Id')} FROM {quote(other.name)} {where} LIMIT 1",  # noqa: S608
                        (record_id,),
                    ).fetchone()
                    if blocker is not None:
                        raise SalesforceApiError(
                            400,
                            "DELETE_FAILED",
                            f"Your attempt to delete {obj.name} {record_id} could not be completed because "
                            f"{other.name} {blocker[0]} still refers to it in {fdef.name}; "
                            "delete or repoint that record first",
                        )
                    continue
                self._conn.execute(
                    f"UPDATE {quote(other.name)} SET {quote(fdef.name)} = NULL, "  # noqa: S608
                    f"{quote('SystemModstamp')} = ? {where}",
                    (now, record_id),
                )

    def _insert(self, obj: ObjectDef, values: Mapping[str, Any]) -> None:
        names = list(values)
        columns = ", ".join(quote(n) for n in names)
        marks = ", ".join("?" for _ in names)
        params = [tables.to_db(obj.fields[n], values[n]) for n in names]
        self._execute_write(
            obj,
            f"INSERT INTO {quote(obj.name)} ({columns}) VALUES ({marks})",  # noqa: S608 (schema names)
            params,
        )

    def _write(self, obj: ObjectDef, record_id: str, values: Mapping[str, Any]) -> None:
        assignments = ", ".join(f"{quote(n)} = ?" for n in values)
        params = [tables.to_db(obj.fields[n], values[n]) for n in values]
        self._execute_write(
            obj,
            f"UPDATE {quote(obj.name)} SET {assignments} WHERE {quote('Id')} = ?",  # noqa: S608
            [*params, record_id],
        )

    def _execute_write(self, obj: ObjectDef, sql: str, params: Sequence[Any]) -> None:
        try:
            self._conn.execute(sql, params)
        except sqlite3.IntegrityError as error:  # the unique index caught what the check missed
            raise SalesforceApiError(400, "DUPLICATE_VALUE", f"duplicate value found on {obj.name}: {error}") from error

    # ------------------------------------------------------------------ write checks

    def _refuse_posted(self, obj: ObjectDef, record_id: str | None, values: Mapping[str, Any]) -> None:
        """As Accounting: a posted (Complete) document and its lines are never changed."""
        kind = posting.POSTABLE.get(obj.name)
        if kind is not None and record_id is not None:
            row = self._live_row(obj, record_id)
            if row[kind.status_field] == posting.COMPLETE:
                raise SalesforceApiError(400, "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                                         posting.posted_change_refusal(kind, str(row["Name"])))  # fmt: skip
            return
        for fdef in obj.fields.values():
            if not (fdef.master_detail and fdef.to in posting.POSTABLE):
                continue
            parent_id = values.get(fdef.name)
            if parent_id is None and record_id is not None:
                parent_id = self._live_row(obj, record_id)[fdef.name]
            parent_kind = posting.POSTABLE[fdef.to]
            parent_obj = self.schema.object(fdef.to)
            parent = self._row(parent_obj, str(parent_id)) if parent_id and parent_obj else None
            if parent is not None and parent[parent_kind.status_field] == posting.COMPLETE:
                raise SalesforceApiError(400, "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                                         posting.posted_change_refusal(parent_kind, str(parent["Name"])))  # fmt: skip

    def _resolve_foreign_keys(self, obj: ObjectDef, foreign_keys: Sequence[ForeignKey], values: dict[str, Any]) -> None:
        for key in foreign_keys:
            target = self.object_def(key.field.to or "")
            key_field = target.field(key.external_id_field)
            if key_field is None or not (key_field.external_id or key_field.name == "Id"):
                raise SalesforceApiError(
                    400,
                    "INVALID_FIELD",
                    f"{key.external_id_field} is not an external id field of {target.name}; "
                    f"use one of: {', '.join(target.external_id_fields) or 'none'}",
                    [key.field.name],
                )
            matches = self.find_by_external_id(target.name, key_field.name, key.value)
            if not matches:
                raise SalesforceApiError(
                    400,
                    "INVALID_FIELD",
                    f"Foreign key external ID: {key.value} not found for field {key_field.name} "
                    f"in entity {target.name}",
                    [key.field.name],
                )
            if len(matches) > 1:
                raise SalesforceApiError(
                    300,
                    "MULTIPLE_CHOICES",
                    f"Foreign key external ID: {key.value} matched more than one record for field "
                    f"{key_field.name} in entity {target.name}",
                    [key.field.name],
                )
            values[key.field.name] = matches[0]

    def _check_references(self, obj: ObjectDef, values: Mapping[str, Any]) -> None:
        for name, value in values.items():
            fdef = obj.fields[name]
            if value is None or not fdef.is_reference or fdef.system:
                continue
            target = self.schema.object(fdef.to or "")
            live = (
                target is not None
                and value[:3] == target.key_prefix
                and self._conn.execute(
                    f"SELECT 1 FROM {quote(target.name)} "  # noqa: S608 (schema names)
                    f"WHERE {quote('Id')} = ? AND {quote('IsDeleted')} = 0",
                    (value,),
                ).fetchone()
                is not None
            )
            if not live:
                raise SalesforceApiError(
                    400,
                    "INVALID_CROSS_REFERENCE_KEY",
                    f"invalid cross reference id: {name} = {value} is not a live {fdef.to} record",
                    [name],
                )

    def _check_unique(self, obj: ObjectDef, values: Mapping[str, Any], *, record_id: str | None) -> None:
        for name, value in values.items():
            fdef = obj.fields[name]
            if value is None or not fdef.unique or fdef.system:
                continue
            row = self._conn.execute(
                f"SELECT {quote('Id')} FROM {quote(obj.name)} "  # noqa: S608 (schema names)
                f"WHERE {quote(name)} = ? COLLATE NOCASE AND {quote('IsDeleted')} = 0 "
                f"AND {quote('Id')} IS NOT ? LIMIT 1",
                (value, record_id),
            ).fetchone()
            if row is not None:
                raise SalesforceApiError(
                    400,
                    "DUPLICATE_VALUE",
                    f"duplicate value found: {name} duplicates value on record with id: {row[0]}",
                    [name],
                )

    # ------------------------------------------------------------------ reads

    def find_by_external_id(self, sobject: str, field: str, value: str) -> list[str]:
        """Ids of live records whose ``field`` equals ``value`` (case-insensitive, as Salesforce)."""
        with self._lock():
            obj = self.object_def(sobject)
            fdef = obj.field(field)
            if fdef is None:
                raise invalid_field(obj.name, field)
            rows = self._conn.execute(
                f"SELECT {quote('Id')} FROM {quote(obj.name)} "  # noqa: S608 (schema names)
                f"WHERE {quote(fdef.name)} = ? COLLATE NOCASE AND {quote('IsDeleted')} = 0 "
                f"ORDER BY {quote('Id')}",
                (value,),
            ).fetchall()
            return [str(r[0]) for r in rows]

    def get(
        self,
        sobject: str,
        record_id: str,
        fields: Sequence[str] | None = None,
        *,
        api_version: str = DEFAULT_API_VERSION,
    ) -> dict[str, Any]:
        """One live record in REST shape: ``attributes`` then the fields, canonical names."""
        with self._lock():
            obj = self.object_def(sobject)
            record_id = self._record_id(obj, record_id)
            row = self._row(obj, record_id)
            if row is None or row["IsDeleted"]:
                raise not_found()
            chosen: list[FieldDef] = []
            for name in fields if fields is not None else list(obj.fields):
                fdef = obj.field(name)
                if fdef is None:
                    raise invalid_field(obj.name, name)
                chosen.append(fdef)
            record: dict[str, Any] = {"attributes": _attributes(obj, record_id, api_version)}
            for fdef in chosen:
                record[fdef.name] = tables.from_db(fdef, row[fdef.name])
            return record

    def query(self, soql: str, *, include_deleted: bool = False, api_version: str = DEFAULT_API_VERSION) -> QueryResult:
        """Run SOQL through ``oim_local.org.soql`` (imported here: it is built separately)."""
        from oim_local.org import soql as soql_engine

        with self._lock():
            return soql_engine.execute(
                self._conn,
                self.schema,
                soql,
                include_deleted=include_deleted,
                api_version=api_version,
                today=self._clock().astimezone(UTC).date(),  # TODAY follows the org's clock
            )

    def live_record_count(self) -> int:
        """Records not deleted, over every object (for the DataStorageMB limit)."""
        with self.transaction():
            total = 0
            for obj in self.schema.objects.values():
                sql = f"SELECT COUNT(*) FROM {quote(obj.name)} WHERE {quote('IsDeleted')} = 0"  # noqa: S608
                total += int(self._conn.execute(sql).fetchone()[0])
            return total

    def describe(self, sobject: str, *, api_version: str = DEFAULT_API_VERSION) -> dict[str, Any]:
        obj = self.object_def(sobject)
        children = [
            {
                "childSObject": child.name,
                "field": fdef.name,
                "relationshipName": fdef.child_relationship,
                "cascadeDelete": fdef.master_detail,
            }
            for child in self.schema.objects.values()
            for fdef in child.fields.values()
            if fdef.to and fdef.to.lower() == obj.name.lower()
        ]
        return {
            **_object_summary(obj, api_version),
            "fields": [_describe_field(fdef) for fdef in obj.fields.values()],
            "childRelationships": children,
        }

    def describe_global(self, *, api_version: str = DEFAULT_API_VERSION) -> dict[str, Any]:
        return {
            "encoding": "UTF-8",
            "maxBatchSize": 200,
            "sobjects": [_object_summary(obj, api_version) for obj in self.schema.objects.values()],
        }

    # ------------------------------------------------------------------ Accounting

    def post_documents(self, refs: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
        """Post each (sobject, id): In Progress -> Complete, or a per-document refusal."""
        results: list[dict[str, Any]] = []
        for sobject, record_id in refs:
            try:
                with self.transaction():
                    status = self._post_one(sobject, record_id)
                results.append({"id": record_id, "success": True, "status": status, "error": None})
            except _PostingRefused as refusal:
                results.append({"id": record_id, "success": False, "status": refusal.status, "error": str(refusal)})
            except SalesforceApiError as error:
                results.append({"id": record_id, "success": False, "status": None, "error": error.message})
        return results

    def _post_one(self, sobject: str, record_id: str) -> str:
        obj = self.schema.object(sobject)
        kind = posting.POSTABLE.get(obj.name) if obj else None
        if obj is None or kind is None:
            raise _PostingRefused(posting.not_postable_reason(sobject), None)
        record_id = self._record_id(obj, record_id)
        row = self._live_row(obj, record_id)
        name = str(row["Name"])
        status = row[kind.status_field]
        refusal = posting.status_refusal(kind, name, status) or posting.incomplete_refusal(
            kind, name, bool(row[posting.INCOMPLETE_FIELD])
        )
        if refusal:
            raise _PostingRefused(refusal, status)
        period = self._posting_period(obj, kind, row)
        lines = self._line_rows(obj, record_id)
        if not lines:
            raise _PostingRefused(posting.no_lines_refusal(kind, name), status)
        if obj.name == posting.JOURNAL:
            refusal = posting.journal_balance_refusal(name, [line[posting.JOURNAL_LINE_VALUE] for line in lines])
            if refusal:
                raise _PostingRefused(refusal, status)
        now = self._now()
        self._write(
            obj,
            record_id,
            {
                kind.status_field: posting.COMPLETE,
                "c2g__Period__c": period.id,
                "LastModifiedDate": now,
                "SystemModstamp": now,
            },
        )
        return posting.COMPLETE

    def _posting_period(self, obj: ObjectDef, kind: posting.PostableKind, row: sqlite3.Row) -> posting.Period:
        name = str(row["Name"])
        period_table = quote("c2g__codaPeriod__c")
        columns = "Id, Name, c2g__StartDate__c, c2g__EndDate__c, c2g__Closed__c"
        if row["c2g__Period__c"]:
            period_row = self._conn.execute(
                f"SELECT {columns} FROM {period_table} WHERE Id = ?",  # noqa: S608 (fixed names)
                (row["c2g__Period__c"],),
            ).fetchone()
            period = _period(period_row)
            refusal = posting.closed_period_refusal(kind, name, period)
            if refusal:
                raise _PostingRefused(refusal, row[kind.status_field])
            return period
        # Certinia dates an undated document today when it saves it.
        document_date = row[kind.date_field] or self._clock().astimezone(UTC).date().isoformat()
        candidates = [
            _period(r)
            for r in self._conn.execute(
                f"SELECT {columns} FROM {period_table} WHERE c2g__OwnerCompany__c = ? "  # noqa: S608
                "AND IsDeleted = 0 AND c2g__StartDate__c <= ? AND c2g__EndDate__c >= ?",
                (row["c2g__OwnerCompany__c"], document_date, document_date),
            ).fetchall()
        ]
        chosen, refusal = posting.choose_period(kind, name, document_date, candidates)
        if chosen is None:
            raise _PostingRefused(refusal or "no period", row[kind.status_field])
        return chosen

    def _line_rows(self, obj: ObjectDef, record_id: str) -> list[sqlite3.Row]:
        lines: list[sqlite3.Row] = []
        for child in self.schema.objects.values():
            for fdef in child.fields.values():
                if fdef.master_detail and fdef.to == obj.name:
                    lines.extend(
                        self._conn.execute(
                            f"SELECT * FROM {quote(child.name)} "  # noqa: S608 (schema names)
                            f"WHERE {quote(fdef.name)} = ? AND {quote('IsDeleted')} = 0",
                            (record_id,),
                        ).fetchall()
                    )
        return lines


def _begin_waiting_for_locks(conn: sqlite3.Connection, wait_seconds: float) -> None:
    """BEGIN IMMEDIATE takes the writer lock, waiting up to the busy timeout, then UNABLE_TO_LOCK_ROW."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if "locked" not in str(error) and "busy" not in str(error):
            raise
        raise _unable_to_lock(wait_seconds) from None


def _unable_to_lock(wait_seconds: float) -> SalesforceApiError:
    return SalesforceApiError(
        400,
        "UNABLE_TO_LOCK_ROW",
        "unable to obtain exclusive access to this record or 1 records: another transaction held it "
        f"for more than {wait_seconds:g} seconds",
    )


class _PostingRefused(Exception):
    def __init__(self, message: str, status: str | None) -> None:
        super().__init__(message)
        self.status = status


def _period(row: sqlite3.Row) -> posting.Period:
    return posting.Period(id=str(row[0]), name=str(row[1]), start=str(row[2]), end=str(row[3]), closed=bool(row[4]))


def _autonumber(fdef: FieldDef, number: int) -> str:
    """``SIN{000000}`` and 7 -> ``SIN000007``."""
    fmt = fdef.format or "{0}"
    start, end = fmt.find("{"), fmt.find("}")
    if start < 0 or end < start:
        return f"{fmt}{number}"
    width = end - start - 1
    return fmt[:start] + str(number).zfill(width) + fmt[end + 1 :]


def _body_value(obj: ObjectDef, fields: Mapping[str, Any], target: FieldDef) -> Any:
    for key, value in fields.items():
        if obj.field(key) is target:
            return value
    return None


def _refuse_read_only(obj: ObjectDef, operation: str) -> None:
    if obj.read_only:
        raise SalesforceApiError(
            400,
            "INVALID_TYPE_FOR_OPERATION",
            f"entity type cannot be {operation}: {obj.name} is a setup object the API only reads",
        )


def _attributes(obj: ObjectDef, record_id: str, api_version: str) -> dict[str, str]:
    return {"type": obj.name, "url": f"/services/data/v{api_version}/sobjects/{obj.name}/{record_id}"}


def _object_summary(obj: ObjectDef, api_version: str) -> dict[str, Any]:
    base = f"/services/data/v{api_version}/sobjects/{obj.name}"
    return {
        "name": obj.name,
        "label": obj.label,
        "labelPlural": obj.label + "s",
        "keyPrefix": obj.key_prefix,
        "custom": obj.name.endswith("__c"),
        "queryable": True,
        "createable": not obj.read_only,
        "updateable": not obj.read_only,
        "deletable": not obj.read_only,
        "urls": {"sobject": base, "describe": f"{base}/describe", "rowTemplate": f"{base}/{{ID}}"},
    }


def _field_label(name: str) -> str:
    core = name.removesuffix("__c")
    if "__" in core:
        core = core.split("__", 1)[1]
    return core.replace("_", " ")


def _describe_field(fdef: FieldDef) -> dict[str, Any]:
    text_like = fdef.type not in ("boolean", "int", "number", "currency", "percent", "date", "datetime")
    default = fdef.default
    return {
        "name": fdef.name,
        "type": _DESCRIBE_TYPES.get(fdef.type, fdef.type),
        "label": _field_label(fdef.name),
        "length": (max_length(fdef) or (18 if fdef.type in ("id", "reference") else 255)) if text_like else 0,
        "precision": fdef.precision or 0,
        "scale": fdef.scale or 0,
        "nillable": not fdef.required and fdef.type != "boolean" and fdef.name != "Id",
        "externalId": fdef.external_id,
        "unique": fdef.unique,
        "autoNumber": fdef.type == "autonumber",
        "calculated": False,
        "custom": fdef.name.endswith("__c"),
        "nameField": fdef.name == "Name",
        "cascadeDelete": fdef.master_detail,
        "referenceTo": [fdef.to] if fdef.to else [],
        "relationshipName": fdef.relationship,
        "picklistValues": [{"value": v, "label": v, "active": True, "defaultValue": v == default} for v in fdef.values],
        "restrictedPicklist": fdef.type in ("picklist", "multipicklist") and fdef.restricted,
        "defaultValue": default,
        "updateable": fdef.updateable,
        "createable": fdef.createable,
    }
