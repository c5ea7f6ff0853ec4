"""Writing a whole data set: the tree-format files and, beside them, the manifest of its cases."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

from oim_local.datagen.manifest import ManifestEntry, ManifestWriter, expected_name
from oim_local.datagen.tree import PLAN_FILE, Record, TreeWriter, record_type, reference_id


class DataSetWriter:
    """Streams reference records and cases (a document's records plus its manifest entry)."""

    def __init__(self, out_dir: Path, *, parameters: dict[str, object], pretty: bool = False) -> None:
        self._tree = TreeWriter(out_dir, pretty=pretty)
        self._manifest = ManifestWriter(out_dir, plan=PLAN_FILE, parameters=parameters)

    @property
    def counts(self) -> dict[str, int]:
        return self._tree.counts

    def add_all(self, records: Iterable[Record]) -> None:
        self._tree.add_all(records)

    def add_case(self, records: Sequence[Record], entry: ManifestEntry) -> ManifestEntry:
        """Write one case; returns its entry with the Name the org will give the document."""
        # The org numbers records in load order, so the header's place in its file is its Name.
        same_object = [reference_id(r) for r in records if record_type(r) == entry.sobject]
        position = self._tree.counts.get(entry.sobject, 0) + same_object.index(entry.reference_id) + 1
        named = entry.model_copy(update={"expected_name": expected_name(entry.sobject, position)})
        self._tree.add_all(records)
        self._manifest.add(named)
        return named

    def close(self) -> Path:
        self._manifest.close()
        return self._tree.close()

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
            self._tree.__exit__(exc_type, exc, tb)
            self._manifest.__exit__(exc_type, exc, tb)
