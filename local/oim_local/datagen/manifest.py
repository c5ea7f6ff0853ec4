"""The manifest of a data set: every source document, its flow and its expected outcome.

``manifest.json`` sits beside ``plan.json``. The chaos harness and the tests compare the
connector's run reports against it; ``locator`` finds a document in the org without knowing
its Id (an exact match of one text field on the document or, for documents whose header has
no text field, on its first line).
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import IO, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from oim_local.org.schema import load_schema

MANIFEST_FILE = "manifest.json"

Flow = Literal[
    "sales-invoices",
    "sales-credit-notes",
    "payable-invoices",
    "payable-credit-notes",
    "journals",
    "vendor-accounts",
]
# The run report's words: "failed" is a refusal with errors on the source record.
Outcome = Literal["created", "updated", "skipped", "not_eligible", "failed"]


class Locator(BaseModel):
    """``SELECT ... FROM <sobject> WHERE <field> = '<value>'`` finds the document (or its first line)."""

    model_config = ConfigDict(frozen=True)

    sobject: str
    field: str
    value: str


class ManifestEntry(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    flow: Flow
    sobject: str
    reference_id: str = Field(alias="referenceId")
    locator: Locator
    case: str = Field(description="what the document is there to show")
    outcome: Outcome
    reason: str = Field(default="", description="why it is skipped or refused, or a note on its outcome")
    expected_name: str | None = Field(
        default=None,
        alias="expectedName",
        description="the autonumber Name the org gives it when this plan alone is loaded into a fresh org",
    )

    @property
    def expect_success(self) -> bool:
        return self.outcome in ("created", "updated")


class Manifest(BaseModel):
    model_config = ConfigDict(frozen=True)

    plan: str
    parameters: dict[str, object]
    documents: list[ManifestEntry]
    counts: dict[str, dict[str, int]]


def autonumber_name(display_format: str, number: int) -> str:
    """``INV-{000000}`` and 7 -> ``INV-000007``: the Name the org gives the 7th record."""
    head, _, rest = display_format.partition("{")
    digits, _, tail = rest.partition("}")
    return f"{head}{number:0{len(digits)}d}{tail}"


def expected_name(sobject: str, position: int) -> str | None:
    """The Name of the ``position``-th record (from 1) of ``sobject`` in a fresh org, when it
    is an autonumber; None when the data set sets the Name itself."""
    display_format = _autonumber_format(sobject)
    return autonumber_name(display_format, position) if display_format else None


@cache
def _autonumber_format(sobject: str) -> str | None:
    obj = load_schema().object(sobject)
    name = obj.field("Name") if obj else None
    return name.format if name is not None and name.type == "autonumber" else None


def read_manifest(path: Path) -> Manifest:
    return Manifest.model_validate_json(path.read_text(encoding="utf-8"))


class ManifestWriter:
    """Streams entries into ``manifest.json`` (documents first, counts per flow last)."""

    def __init__(self, out_dir: Path, *, plan: str, parameters: dict[str, object]) -> None:
        self.path = out_dir / MANIFEST_FILE
        self._counts: Counter[tuple[str, str]] = Counter()
        self._first = True
        self._handle: IO[str] = self.path.open("w", encoding="utf-8")
        head = json.dumps({"plan": plan, "parameters": parameters})
        self._handle.write(head[:-1] + ', "documents": [\n')

    def add(self, entry: ManifestEntry) -> None:
        if not self._first:
            self._handle.write(",\n")
        self._first = False
        self._handle.write(entry.model_dump_json(by_alias=True))
        self._counts[(entry.flow, entry.outcome)] += 1

    def close(self) -> Path:
        counts: dict[str, dict[str, int]] = {}
        for (flow, outcome), n in sorted(self._counts.items()):
            counts.setdefault(flow, {})[outcome] = n
        self._handle.write("\n], " + json.dumps({"counts": counts})[1:] + "\n")
        self._handle.close()
        return self.path

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self._handle.close()
