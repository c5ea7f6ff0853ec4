"""Field names checked against the org's describe, following relationship names, so nothing an
administrator types reaches SOQL or a write unchecked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

BOOLEAN = "boolean"
NUMBER_TYPES = frozenset({"int", "double", "currency", "percent", "long"})
DATE_TYPES = frozenset({"date", "datetime"})
ID_TYPES = frozenset({"id", "reference"})
NOT_WRITABLE_TYPES = frozenset({"id", "autonumber"})


class Describer(Protocol):
    def describe(self, sobject: str) -> dict[str, Any]: ...


class FieldProblem(ValueError):
    """A field name or path that the org does not know; the message says which part."""


@dataclass
class Describes:
    """Describe answers cached for one validation (one request per object)."""

    org: Describer
    _cache: dict[str, dict[str, Any]] = field(default_factory=dict)

    def fields(self, sobject: str) -> list[dict[str, Any]]:
        key = sobject.lower()
        if key not in self._cache:
            self._cache[key] = self.org.describe(sobject)
        found = self._cache[key].get("fields", [])
        return [f for f in found if isinstance(f, dict)]

    def child_object(self, sobject: str, relationship: str) -> str | None:
        self.fields(sobject)
        for child in self._cache[sobject.lower()].get("childRelationships", []):
            if str(child.get("relationshipName") or "").lower() == relationship.lower():
                return str(child["childSObject"])
        return None

    def field(self, sobject: str, name: str) -> dict[str, Any]:
        for candidate in self.fields(sobject):
            if str(candidate.get("name", "")).lower() == name.lower():
                return candidate
        raise FieldProblem(f"{sobject} has no field {name}")

    def resolve(self, sobject: str, path: str) -> dict[str, Any]:
        """The describe of the field a path such as ``SCMC__Sales_Order__r.Name`` ends at."""
        current = sobject
        parts = path.split(".")
        for part in parts[:-1]:
            lookup = next(
                (f for f in self.fields(current) if str(f.get("relationshipName") or "").lower() == part.lower()), None
            )
            if lookup is None or not lookup.get("referenceTo"):
                raise FieldProblem(f"{current} has no relationship {part} (in the path {path})")
            current = str(lookup["referenceTo"][0])
        try:
            return self.field(current, parts[-1])
        except FieldProblem:
            where = f" (in the path {path})" if len(parts) > 1 else ""
            raise FieldProblem(f"{current} has no field {parts[-1]}{where}") from None


def kind(describe: dict[str, Any]) -> str:
    """A field's value kind for type checks: boolean, number, date, id or text."""
    field_type = str(describe.get("type", "")).lower()
    if field_type == BOOLEAN:
        return "boolean"
    if field_type in NUMBER_TYPES:
        return "number"
    if field_type in DATE_TYPES:
        return "date"
    if field_type in ID_TYPES:
        return "id"
    return "text"


def assignable(source_kind: str, target_kind: str) -> bool:
    """Whether a value of one kind may be written to a field of another without surprises."""
    if source_kind == target_kind or target_kind == "text":
        return True
    return source_kind == "text" and target_kind == "id"


def writable(describe: dict[str, Any]) -> bool:
    if str(describe.get("type", "")).lower() in NOT_WRITABLE_TYPES or describe.get("calculated"):
        return False
    return bool(describe.get("createable", True))
