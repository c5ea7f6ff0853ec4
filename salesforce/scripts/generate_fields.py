"""Writes the connector's custom field files from local/oim_local/schema/objects.yaml.

Run from the repository root after objects.yaml changes:
    .venv/bin/python salesforce/scripts/generate_fields.py
tests/unit/salesforce/test_fields_match_schema.py checks the committed files against the schema,
so a stale file fails `make check-salesforce`.

Which fields: on an SCMC__ object or Account, and on the Accounting (c2g__) header and line objects
the connector writes (those with OIM_External_Id__c), every field of the earlier connector package
(SCMFFA__) and every field of the connector's own, which has no namespace (no org can create
components in another package's namespace).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from oim_local.org.schema import FieldDef, ObjectDef, load_schema

ROOT = Path(__file__).resolve().parents[2]
OBJECTS_DIR = ROOT / "salesforce" / "force-app" / "main" / "default" / "objects"
PREFIX = "SCMFFA__"
EXTERNAL_ID = "OIM_External_Id__c"


def is_connector_field(name: str) -> bool:
    """The earlier package's (SCMFFA__) or the connector's own: a custom field without a namespace."""
    own = name.endswith("__c") and "__" not in name.removesuffix("__c")
    return name.startswith(PREFIX) or own


def connector_fields(obj: ObjectDef) -> list[FieldDef]:
    owned = obj.name.startswith("SCMC__") or obj.name == "Account"
    target = obj.name.startswith("c2g__") and obj.field(EXTERNAL_ID) is not None
    if not (owned or target):
        return []
    return [f for f in obj.fields.values() if is_connector_field(f.name)]


def label_of(field_name: str) -> str:
    return field_name.removeprefix(PREFIX).removesuffix("__c").replace("_", " ")


def child_relationship_name(f: FieldDef) -> str:
    """Metadata spells the child relationship without namespace and without __r."""
    assert f.child_relationship
    return f.child_relationship.removeprefix(PREFIX).removesuffix("__r")


def type_lines(f: FieldDef) -> list[str]:
    if f.type == "string":
        lines = [f"<length>{f.length}</length>", "<type>Text</type>"]
        if f.external_id:
            lines.insert(0, "<externalId>true</externalId>")
        if f.unique:
            lines.insert(0, "<caseSensitive>false</caseSensitive>")
            lines.append("<unique>true</unique>")
        return lines
    if f.type == "boolean":
        return [f"<defaultValue>{'true' if f.default else 'false'}</defaultValue>", "<type>Checkbox</type>"]
    if f.type == "date":
        return ["<type>Date</type>"]
    if f.type == "reference":
        assert f.to
        return [
            "<deleteConstraint>SetNull</deleteConstraint>",
            f"<referenceTo>{f.to}</referenceTo>",
            f"<relationshipLabel>{escape(label_of(child_relationship_name(f)))}</relationshipLabel>",
            f"<relationshipName>{child_relationship_name(f)}</relationshipName>",
            "<type>Lookup</type>",
        ]
    if f.type == "picklist":
        values = []
        for v in f.values:
            values.append(
                "<value>"
                f"<fullName>{escape(v)}</fullName>"
                f"<default>{'true' if f.default == v else 'false'}</default>"
                f"<label>{escape(v)}</label>"
                "</value>"
            )
        return [
            "<type>Picklist</type>",
            "<valueSet>",
            f"    <restricted>{'true' if f.restricted else 'false'}</restricted>",
            "    <valueSetDefinition>",
            "        <sorted>false</sorted>",
            *[f"        {v}" for v in values],
            "    </valueSetDefinition>",
            "</valueSet>",
        ]
    raise ValueError(f"no metadata mapping for {f.name} of type {f.type}")


def _tag(line: str) -> str:
    match = re.match(r"<(\w+)>", line.strip())
    assert match, line
    return match.group(1)


def field_xml(f: FieldDef) -> str:
    """fullName first, then the elements in alphabetical order, as a retrieve writes them."""
    lines = [f"<label>{escape(label_of(f.name))}</label>", "<trackTrending>false</trackTrending>"]
    if f.description:
        lines.append(f"<description>{escape(f.description)}</description>")
    if f.type != "boolean":
        lines.append(f"<required>{'true' if f.required else 'false'}</required>")
    blocks: list[list[str]] = [[line] for line in lines]
    typed = type_lines(f)
    if typed[-1] == "</valueSet>":
        start = typed.index("<valueSet>")
        blocks.append(typed[start:])
        typed = typed[:start]
    blocks.extend([line] for line in typed)
    blocks.sort(key=lambda block: _tag(block[0]))
    body = [f"<fullName>{f.name}</fullName>"] + [line for block in blocks for line in block]
    inner = "\n".join(f"    {line}" for line in body)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">\n'
        f"{inner}\n"
        "</CustomField>\n"
    )


def main() -> int:
    written = 0
    for obj in load_schema().objects.values():
        for f in connector_fields(obj):
            path = OBJECTS_DIR / obj.name / "fields" / f"{f.name}.field-meta.xml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(field_xml(f), encoding="utf-8")
            written += 1
    print(f"wrote {written} field files under {OBJECTS_DIR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
