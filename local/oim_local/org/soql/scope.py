"""Resolving names in one FROM clause against the schema, and the LEFT JOINs they need.

Every parent relationship crossed by a field path (in SELECT, WHERE or ORDER BY) becomes
one LEFT JOIN, shared by all paths through it. Table and column names come from the
schema's canonical spelling, quoted; nothing from the query text reaches SQL unchecked.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count

from oim_local.org.schema import FieldDef, ObjectDef, Schema
from oim_local.org.soql.errors import SoqlError
from oim_local.org.soql.nodes import FieldPath, Position
from oim_local.org.tables import quote

_WSDL_HINT = "Please reference your WSDL or the describe call for the appropriate names."


def unknown_object(name: str, position: Position) -> SoqlError:
    return SoqlError(
        "INVALID_TYPE",
        f"sObject type '{name}' is not supported. If you are attempting to use a custom object, "
        f"be sure to append the '__c' after the entity name. {_WSDL_HINT}",
        position,
    )


def resolve_object(schema: Schema, name: str, position: Position) -> ObjectDef:
    obj = schema.object(name)
    if obj is None:
        raise unknown_object(name, position)
    return obj


@dataclass(frozen=True)
class ResolvedField:
    sql: str  # the qualified column, e.g. t2."Name"
    field: FieldDef
    owner: ObjectDef  # the object the field belongs to
    relationships: tuple[str, ...]  # canonical relationship names crossed, in order
    parents: tuple[ObjectDef, ...]  # the object each relationship reaches
    position: Position

    @property
    def path(self) -> tuple[str, ...]:
        return (*self.relationships, self.field.name)

    @property
    def label(self) -> str:
        return ".".join(self.path)


class AliasSource:
    """Unique table aliases for one SQL statement, nested subqueries included."""

    def __init__(self) -> None:
        self._numbers = count()

    def next(self) -> str:
        return f"t{next(self._numbers)}"


@dataclass
class _Join:
    alias: str
    obj: ObjectDef


class Scope:
    def __init__(
        self,
        schema: Schema,
        root: ObjectDef,
        aliases: AliasSource,
        *,
        include_deleted: bool,
        prefixes: tuple[str, ...] = (),
    ) -> None:
        self.schema = schema
        self.root = root
        self.include_deleted = include_deleted
        self._aliases = aliases
        self.root_alias = aliases.next()
        # Salesforce lets a path start with the object name or the FROM alias.
        self._prefixes = {p.lower() for p in (root.name, *prefixes)}
        self._joins: dict[tuple[str, ...], _Join] = {}
        self._join_sql: list[str] = []

    def column(self, field_name: str) -> str:
        return f"{self.root_alias}.{quote(field_name)}"

    def field(self, path: FieldPath) -> ResolvedField:
        parts = path.parts
        if len(parts) > 1 and parts[0].lower() in self._prefixes and self.root.relationship(parts[0]) is None:
            parts = parts[1:]
        obj, alias = self.root, self.root_alias
        key: tuple[str, ...] = ()
        relationships: list[str] = []
        parents: list[ObjectDef] = []
        for hop in parts[:-1]:
            reference = obj.relationship(hop)
            target = self.schema.object(reference.to) if reference and reference.to else None
            if reference is None or target is None or reference.relationship is None:
                raise SoqlError(
                    "INVALID_FIELD",
                    f"Didn't understand relationship '{hop}' in field path. If you are attempting to use "
                    f"a custom relationship, be sure to append the '__r' after the custom relationship "
                    f"name. {_WSDL_HINT}",
                    path.position,
                )
            key = (*key, hop.lower())
            alias = self._join(key, alias, reference, target)
            relationships.append(reference.relationship)
            parents.append(target)
            obj = target
        field = obj.field(parts[-1])
        if field is None:
            raise SoqlError(
                "INVALID_FIELD",
                f"No such column '{parts[-1]}' on entity '{obj.name}'. If you are attempting to use a "
                f"custom field, be sure to append the '__c' after the custom field name. {_WSDL_HINT}",
                path.position,
            )
        return ResolvedField(
            sql=f"{alias}.{quote(field.name)}",
            field=field,
            owner=obj,
            relationships=tuple(relationships),
            parents=tuple(parents),
            position=path.position,
        )

    def parent_id_sql(self, relationships: tuple[str, ...]) -> str:
        """The Id column of the parent reached through ``relationships`` (already joined)."""
        join = self._joins[tuple(r.lower() for r in relationships)]
        return f"{join.alias}.{quote('Id')}"

    def from_sql(self) -> str:
        return " ".join([f"{quote(self.root.name)} AS {self.root_alias}", *self._join_sql])

    def live_rows_sql(self) -> list[str]:
        """Conditions that keep deleted rows out, unless the query includes them (queryAll)."""
        return [] if self.include_deleted else [f"{self.column('IsDeleted')} = 0"]

    def _join(self, key: tuple[str, ...], from_alias: str, reference: FieldDef, target: ObjectDef) -> str:
        existing = self._joins.get(key)
        if existing is not None:
            return existing.alias
        alias = self._aliases.next()
        condition = f"{alias}.{quote('Id')} = {from_alias}.{quote(reference.name)}"
        if not self.include_deleted:
            # A lookup to a deleted record reads as empty, as in Salesforce.
            condition += f" AND {alias}.{quote('IsDeleted')} = 0"
        self._join_sql.append(f"LEFT JOIN {quote(target.name)} AS {alias} ON {condition}")
        self._joins[key] = _Join(alias=alias, obj=target)
        return alias
