"""Reads the Salesforce DX project under salesforce/ for the tests beside this file: metadata XML
without its namespace, the payload examples, docs/architecture.md's flow table and events/."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[3]
PROJECT = REPO / "salesforce"
DEFAULT = PROJECT / "force-app" / "main" / "default"
EVENTS = REPO / "events"
ARCHITECTURE = REPO / "docs" / "architecture.md"
NS = "{http://soap.sforce.com/2006/04/metadata}"


def xml(path: Path) -> ET.Element:
    root = ET.parse(path).getroot()  # noqa: S314 - the project's own files, not untrusted input
    for element in root.iter():
        element.tag = element.tag.removeprefix(NS)
    return root


def text(element: ET.Element, tag: str) -> str | None:
    found = element.find(tag)
    return None if found is None else (found.text or "")


def example(name: str) -> Any:
    return json.loads((DEFAULT / "staticresources" / f"{name}.json").read_text(encoding="utf-8"))


def apex(name: str) -> str:
    return (DEFAULT / "classes" / f"{name}.cls").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Flow:
    flow_id: str
    python_name: str
    source: str
    target: str


@cache
def architecture_flows() -> dict[str, Flow]:
    """The "Flows" table of docs/architecture.md, by flow id."""
    flows: dict[str, Flow] = {}
    section = ARCHITECTURE.read_text(encoding="utf-8").split("## Flows", 1)[1].split("\n## ", 1)[0]
    for line in section.splitlines():
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"[a-z]+(-[a-z]+)*", cells[0]) and cells[0] != "flow":
            flows[cells[0]] = Flow(*cells)
    return flows


def field_files() -> list[Path]:
    return sorted((DEFAULT / "objects").glob("*/fields/*.field-meta.xml"))


def event_body(python_name: str, case: str) -> dict[str, Any] | None:
    """The JSON body of events/<python_name>_<case>.json, or None while that file is not there."""
    path = EVENTS / f"{python_name}_{case}.json"
    if not path.exists():
        return None
    body = json.loads(path.read_text(encoding="utf-8"))["body"]
    parsed: dict[str, Any] = json.loads(body)
    return parsed


def event(python_name: str, case: str) -> dict[str, Any] | None:
    path = EVENTS / f"{python_name}_{case}.json"
    if not path.exists():
        return None
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded
