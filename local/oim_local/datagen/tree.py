"""Writing Salesforce CLI tree-format data sets (`sf data import tree --plan`).

A data set is a directory with ``plan.json`` (one entry per object, parents first, see
``order.LOAD_ORDER``) and one ``<sobject>.json`` file per object holding
``{"records": [{"attributes": {"type", "referenceId"}, field: value, lookup: "@refId"}]}``.

``TreeWriter`` streams each record straight to its object's file, so a data set of any size
is written in constant memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from oim_local.datagen.order import LOAD_ORDER

Record = dict[str, object]

PLAN_FILE = "plan.json"


def ref(reference_id: str) -> str:
    """A lookup value that the loader resolves to the Id of the record saved as ``reference_id``."""
    return "@" + reference_id


def record(sobject: str, reference_id: str, fields: Mapping[str, object]) -> Record:
    """A tree-format record; fields whose value is None are left out (not set)."""
    out: Record = {"attributes": {"type": sobject, "referenceId": reference_id}}
    out.update({name: value for name, value in fields.items() if value is not None})
    return out


def record_type(rec: Record) -> str:
    attributes = rec["attributes"]
    assert isinstance(attributes, dict)
    sobject = attributes["type"]
    assert isinstance(sobject, str)
    return sobject


def reference_id(rec: Record) -> str:
    attributes = rec["attributes"]
    assert isinstance(attributes, dict)
    rid = attributes["referenceId"]
    assert isinstance(rid, str)
    return rid


class TreeWriter:
    """Streams records into one file per object and writes the plan on close.

    Records of one object keep the order in which they are added; objects follow
    ``LOAD_ORDER`` whatever order they are added in.
    """

    def __init__(self, out_dir: Path, *, pretty: bool = False) -> None:
        self.out_dir = out_dir
        self._pretty = pretty
        self._files: dict[str, IO[str]] = {}
        self._counts: dict[str, int] = {}
        out_dir.mkdir(parents=True, exist_ok=True)

    @property
    def counts(self) -> dict[str, int]:
        """Records written so far, per object."""
        return dict(self._counts)

    def add(self, rec: Record) -> None:
        sobject = record_type(rec)
        handle = self._files.get(sobject)
        if handle is None:
            if sobject not in LOAD_ORDER:
                raise ValueError(f"{sobject} has no place in the load order (oim_local.datagen.order)")
            handle = (self.out_dir / f"{sobject}.json").open("w", encoding="utf-8")
            handle.write('{"records": [\n')
            self._files[sobject] = handle
            self._counts[sobject] = 0
        else:
            handle.write(",\n")
        handle.write(self._encode(rec))
        self._counts[sobject] += 1

    def add_all(self, records: Iterable[Record]) -> None:
        for rec in records:
            self.add(rec)

    def close(self) -> Path:
        """Finish every file and write the plan; returns the plan's path."""
        for handle in self._files.values():
            handle.write("\n]}\n")
            handle.close()
        plan = [
            {"sobject": sobject, "saveRefs": True, "resolveRefs": True, "files": [f"{sobject}.json"]}
            for sobject in LOAD_ORDER
            if sobject in self._files
        ]
        self._files = {}
        plan_path = self.out_dir / PLAN_FILE
        plan_path.write_text(json.dumps(plan, indent=2) + "\n", encoding="utf-8")
        return plan_path

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
            for handle in self._files.values():
                handle.close()

    def _encode(self, rec: Record) -> str:
        if not self._pretty:
            return json.dumps(rec, ensure_ascii=False, separators=(",", ":"))
        text = json.dumps(rec, ensure_ascii=False, indent=2)
        return "\n".join("  " + line for line in text.splitlines())
