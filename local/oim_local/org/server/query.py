"""SOQL over REST: pages of at most 2,000 records and in-memory cursors for the rest.

Child records of a relationship subquery count toward a page's size, as Salesforce counts them
("Child objects count toward the number of records for the batch size", Query Options header,
REST API Developer Guide): a page holds parents until parents plus children would pass the batch
size, and always at least one parent.
"""

from __future__ import annotations

import json
import secrets
import string
import tempfile
import threading
import time
from array import array
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from oim_local.org.errors import SalesforceApiError
from oim_local.org.server.limits import MAX_QUERY_PAGE, MIN_QUERY_BATCH_SIZE, QUERY_CURSOR_TTL_SECONDS

_LOCATOR_ALPHABET = string.ascii_letters + string.digits
# The local org's disk, not Salesforce's: cursors past this many bytes of spooled records are dropped.
DEFAULT_SPOOL_BYTES = 2 * 1024**3


def page_size(query_options: str | None) -> int:
    """``Sforce-Query-Options: batchSize=N``: N within 200..2000; the default is 2000."""
    for option in (query_options or "").split(","):
        name, _, value = option.strip().partition("=")
        if name.strip().lower() == "batchsize":
            try:
                wanted = int(value.strip())
            except ValueError:
                raise SalesforceApiError(
                    400, "INVALID_QUERY_OPTIONS", f"batchSize must be a number, got {value.strip()!r}"
                ) from None
            return max(MIN_QUERY_BATCH_SIZE, min(MAX_QUERY_PAGE, wanted))
    return MAX_QUERY_PAGE


def record_weight(record: Any) -> int:
    """How many rows a record counts for in a page: itself and the children it carries."""
    weight = 1
    if isinstance(record, dict):
        for value in record.values():
            if isinstance(value, dict) and isinstance(value.get("records"), list):
                weight += len(value["records"])
    return weight


def page_end(records: list[Any], start: int, size: int) -> int:
    """The index after the last record of the page starting at ``start``."""
    end, rows = start, 0
    while end < len(records):
        rows += record_weight(records[end])
        if rows > size and end > start:
            break
        end += 1
    return end


def invalid_locator() -> SalesforceApiError:
    return SalesforceApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")


class _Cursor:
    """A query's records, one JSON line each in a spool file: only their offsets stay in memory.

    A cursor over a few hundred large documents holds hundreds of thousands of line records; kept as
    Python objects for as long as Salesforce keeps a locator, a 10,000-document chaos run held tens
    of gigabytes of them."""

    def __init__(self, path: Path, total_size: int, records: list[Any], page_size: int, now: float) -> None:
        self.path = path
        self.total_size = total_size
        self.page_size = page_size
        self.created = now
        self.last_used = now
        self.drained = False
        self.offsets = array("Q", [0])  # byte offset of each record, and the end of the last
        self.weights = array("I")  # rows each record counts for in a page (itself and its children)
        with path.open("wb") as spool:
            for record in records:
                line = json.dumps(record, separators=(",", ":")).encode("utf-8") + b"\n"
                spool.write(line)
                self.offsets.append(self.offsets[-1] + len(line))
                self.weights.append(record_weight(record))

    @property
    def size_bytes(self) -> int:
        return int(self.offsets[-1])

    def __len__(self) -> int:
        return len(self.weights)

    def page_end(self, start: int) -> int:
        end, rows = start, 0
        while end < len(self.weights):
            rows += self.weights[end]
            if rows > self.page_size and end > start:
                break
            end += 1
        return end

    def records(self, start: int, end: int) -> list[Any]:
        if start >= end:
            return []
        with self.path.open("rb") as spool:
            spool.seek(self.offsets[start])
            chunk = spool.read(self.offsets[end] - self.offsets[start])
        return [json.loads(line) for line in chunk.splitlines()]


class QueryCursors:
    """Open query locators, kept as Salesforce keeps them: each for 2 days after its query ran, with no
    limit on how many are open ("Cursors and their related query results are available for 2 days ...
    There isn't a limit on the number of open cursors", API Query Cursor Limits, Salesforce App Limits
    Cheatsheet; "Each locator and its associated results are available for two days after the initial
    query executes", Help article 000384958). Before API 56.0 it was 10 per user, 15 minutes idle.

    Their records are spooled to disk. Salesforce's disk is not this machine's, so the spool has a
    budget (``max_spool_bytes``): past it, cursors already read to their last page go first, then the
    least recently used; a locator dropped that way answers INVALID_QUERY_LOCATOR, as an expired one does.
    """

    def __init__(
        self,
        *,
        ttl_seconds: float = QUERY_CURSOR_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        spool_dir: Path | None = None,
        max_spool_bytes: int = DEFAULT_SPOOL_BYTES,
    ) -> None:
        self._lock = threading.Lock()
        self._ttl = ttl_seconds
        self._clock = clock
        self._max_bytes = max_spool_bytes
        self._spool_bytes = 0
        self._cursors: OrderedDict[str, _Cursor] = OrderedDict()
        self._own_dir = tempfile.TemporaryDirectory(prefix="oim-org-cursors-") if spool_dir is None else None
        self._dir: Path = Path(self._own_dir.name) if self._own_dir else Path(str(spool_dir))

    def first_page(self, total_size: int, records: list[Any], *, size: int, next_url_prefix: str) -> dict[str, Any]:
        """The response to a query; opens a cursor when the records do not fit one page."""
        end = page_end(records, 0, size)
        if end >= len(records):
            return {"totalSize": total_size, "done": True, "records": records}
        # "A query locator is 18 characters long and begins with the prefix 0r8" (Help article 000384958).
        locator = "0r8" + "".join(secrets.choice(_LOCATOR_ALPHABET) for _ in range(15))
        cursor = _Cursor(self._dir / locator, total_size, records, size, self._clock())
        with self._lock:
            self._expire()
            self._cursors[locator] = cursor
            self._spool_bytes += cursor.size_bytes
            self._keep_within_budget(keep=locator)
        return {
            "totalSize": total_size,
            "done": False,
            "nextRecordsUrl": f"{next_url_prefix}/{locator}-{end}",
            "records": records[:end],
        }

    def next_page(self, locator_and_offset: str, *, next_url_prefix: str) -> dict[str, Any]:
        locator, _, offset_text = locator_and_offset.rpartition("-")
        if not locator or not offset_text.isdigit():
            raise invalid_locator()
        offset = int(offset_text)
        with self._lock:
            self._expire()
            cursor = self._cursors.get(locator)
            if cursor is None or offset > len(cursor):
                raise invalid_locator()
            cursor.last_used = self._clock()
            self._cursors.move_to_end(locator)
            end = cursor.page_end(offset)
            cursor.drained = cursor.drained or end >= len(cursor)
            try:
                records = cursor.records(offset, end)
            except OSError:
                raise invalid_locator() from None
        page: dict[str, Any] = {"totalSize": cursor.total_size, "done": end >= len(cursor)}
        if end < len(cursor):
            page["nextRecordsUrl"] = f"{next_url_prefix}/{locator}-{end}"
        page["records"] = records
        return page

    def open_count(self) -> int:
        with self._lock:
            self._expire()
            return len(self._cursors)

    def spool_bytes(self) -> int:
        with self._lock:
            return self._spool_bytes

    def close(self) -> None:
        with self._lock:
            for locator in list(self._cursors):
                self._drop(locator)
        if self._own_dir is not None:
            self._own_dir.cleanup()

    def _expire(self) -> None:
        deadline = self._clock() - self._ttl
        for locator in [key for key, cursor in self._cursors.items() if cursor.created <= deadline]:
            self._drop(locator)

    def _keep_within_budget(self, *, keep: str) -> None:
        while self._spool_bytes > self._max_bytes:
            candidates = [k for k in self._cursors if k != keep]
            if not candidates:
                return
            drained = [k for k in candidates if self._cursors[k].drained]
            self._drop((drained or candidates)[0])  # in least-recently-used order

    def _drop(self, locator: str) -> None:
        cursor = self._cursors.pop(locator)
        self._spool_bytes -= cursor.size_bytes
        cursor.path.unlink(missing_ok=True)
