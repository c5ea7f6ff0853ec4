"""How the local org lays its objects out in SQLite.

One table per object, named exactly as the object's API name; one column per field, named
exactly as the field's API name (quoted, since names like ``Name`` or ``Type`` are SQL words).
The SOQL compiler and the record store both rely on this layout and on the value encoding:

- text-like types, references and ids: TEXT
- boolean: INTEGER 0/1
- int: INTEGER; number, currency, percent: REAL
- date: TEXT ``YYYY-MM-DD``; datetime: TEXT ``YYYY-MM-DDTHH:MM:SS.000+0000`` (both sort as text)
"""

from __future__ import annotations

import sqlite3

from oim_local.org.schema import FieldDef, ObjectDef, Schema

_REAL_TYPES = frozenset({"number", "currency", "percent"})
_INTEGER_TYPES = frozenset({"boolean", "int"})


def quote(identifier: str) -> str:
    """Quote an identifier for SQLite; identifiers come from the schema, never from users."""
    return '"' + identifier.replace('"', '""') + '"'


def column_type(field: FieldDef) -> str:
    if field.type in _REAL_TYPES:
        return "REAL"
    if field.type in _INTEGER_TYPES:
        return "INTEGER"
    return "TEXT"


def table_ddl(obj: ObjectDef) -> list[str]:
    columns = []
    for field in obj.fields.values():
        col = f"{quote(field.name)} {column_type(field)}"
        if field.name == "Id":
            col += " PRIMARY KEY"
        columns.append(col)
    statements = [f"CREATE TABLE IF NOT EXISTS {quote(obj.name)} ({', '.join(columns)})"]
    for field in obj.fields.values():
        if field.unique and field.name != "Id":
            # Unique in Salesforce means case-insensitive unique among live records.
            statements.append(
                f"CREATE UNIQUE INDEX IF NOT EXISTS {quote('ux_' + obj.name + '_' + field.name)} "
                f"ON {quote(obj.name)} ({quote(field.name)} COLLATE NOCASE) "
                f"WHERE {quote(field.name)} IS NOT NULL AND {quote('IsDeleted')} = 0"
            )
        elif field.type == "reference":
            statements.append(
                f"CREATE INDEX IF NOT EXISTS {quote('ix_' + obj.name + '_' + field.name)} "
                f"ON {quote(obj.name)} ({quote(field.name)})"
            )
    return statements


def create_tables(conn: sqlite3.Connection, schema: Schema) -> None:
    for obj in schema.objects.values():
        for statement in table_ddl(obj):
            conn.execute(statement)


def to_db(field: FieldDef, value: object) -> object:
    """Encode an already validated API value for its column."""
    if value is None:
        return None
    if field.type == "boolean":
        return 1 if value else 0
    return value


def from_db(field: FieldDef, value: object) -> object:
    """Decode a column value into what the REST API returns."""
    if value is None:
        return None
    if field.type == "boolean":
        return bool(value)
    if field.type == "int" and isinstance(value, float):
        return int(value)
    return value
