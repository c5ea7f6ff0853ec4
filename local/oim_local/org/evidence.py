"""The evidence behind every OIM (SCMC__ / SCMFFA__) name of the data model.

Each such object, field and subquery child relationship carries ``source``: the Certinia data
dictionary page (product, version, object) or public code that shows it, or ``unverified``.
"""

from __future__ import annotations

from collections import Counter

from oim_local.org.schema import Schema

NAMESPACES = ("SCMC__", "SCMFFA__")
UNVERIFIED = "unverified"


def _namespace(name: str) -> str | None:
    return next((ns.rstrip("_") for ns in NAMESPACES if name.startswith(ns)), None)


def missing_evidence(schema: Schema) -> list[str]:
    """OIM names without a ``source``."""
    missing = []
    for obj in schema.objects.values():
        if _namespace(obj.name) and not obj.source:
            missing.append(obj.name)
        for field in obj.fields.values():
            if _namespace(field.name) and not field.source:
                missing.append(f"{obj.name}.{field.name}")
    return missing


def unverified_names(schema: Schema) -> list[str]:
    """Every OIM name the data model has no published evidence for (an admin can map it to the org's own)."""
    names = []
    for obj in schema.objects.values():
        if _namespace(obj.name) and (obj.source or UNVERIFIED).startswith(UNVERIFIED):
            names.append(obj.name)
        for field in obj.fields.values():
            if _namespace(field.name) and (field.source or UNVERIFIED).startswith(UNVERIFIED):
                names.append(field.name)
            if field.child_source and field.child_source.startswith(UNVERIFIED) and field.child_relationship:
                names.append(field.child_relationship)
    return sorted(set(names))


def evidence_counts(schema: Schema) -> dict[str, int]:
    """'<namespace> <kind> confirmed|unverified' -> how many names."""
    counts: Counter[str] = Counter()
    for obj in schema.objects.values():
        ns = _namespace(obj.name)
        if ns:
            counts[f"{ns} object {_verdict(obj.source)}"] += 1
        for field in obj.fields.values():
            ns = _namespace(field.name)
            if ns:
                counts[f"{ns} field {_verdict(field.source)}"] += 1
            if field.child_source and field.child_relationship:
                counts[f"{_namespace(field.child_relationship)} child relationship {_verdict(field.child_source)}"] += 1
    return dict(sorted(counts.items()))


def _verdict(source: str | None) -> str:
    return "unverified" if (source or UNVERIFIED).startswith(UNVERIFIED) else "confirmed"


if __name__ == "__main__":  # python -m oim_local.org.evidence: the counts per namespace
    from oim_local.org.schema import load_schema

    for key, count in evidence_counts(load_schema()).items():
        print(f"{key}: {count}")
