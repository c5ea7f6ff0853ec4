"""SOQL over REST: pages of at most 2,000 records and in-memory cursors for the rest.

Child records of a relationship subquery count toward a page's size, as Salesforce counts them
("Child objects count toward the number of records for the batch size", Query Options header,
REST API Developer Guide): a page holds parents until parents plus children would pass the batch
size, and always at least one parent.
"""

from __future__ import annotations

import secrets
import string
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from oim_local.org.errors import SalesforceApiError
from oim_local.org.server.limits import MAX_QUERY_PAGE, MIN_QUERY_BATCH_SIZE, QUERY_CURSOR_TTL_SECONDS

_LOCATOR_ALPHABET = string.ascii_letters + string.digits
_MAX_OPEN_CURSORS = 500


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


@dataclass
class _Cursor:
    total_size: int
    records: list[Any]
    page_size: int
    last_used: float


class QueryCursors:
    """Open query locators; each expires 15 minutes after it was last used."""

    def __init__(
        self,
        *,
        ttl_seconds: float = QUERY_CURSOR_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lock = threading.Lock()
        self._ttl = ttl_seconds
        self._clock = clock
        self._cursors: OrderedDict[str, _Cursor] = OrderedDict()

    def first_page(self, total_size: int, records: list[Any], *, size: int, next_url_prefix: str) -> dict[str, Any]:
        """The response to a query; opens a cursor when the records do not fit one page."""
        end = page_end(records, 0, size)
        if end >= len(records):
            return {"totalSize": total_size, "done": True, "records": records}
        locator = "01g" + "".join(secrets.choice(_LOCATOR_ALPHABET) for _ in range(15))
        with self._lock:
            self._expire()
            self._cursors[locator] = _Cursor(
                total_size=total_size, records=records, page_size=size, last_used=self._clock()
            )
            while len(self._cursors) > _MAX_OPEN_CURSORS:
                self._cursors.popitem(last=False)
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
            if cursor is None or offset > len(cursor.records):
                raise invalid_locator()
            cursor.last_used = self._clock()
            self._cursors.move_to_end(locator)
        end = page_end(cursor.records, offset, cursor.page_size)
        page: dict[str, Any] = {"totalSize": cursor.total_size, "done": end >= len(cursor.records)}
        if end < len(cursor.records):
            page["nextRecordsUrl"] = f"{next_url_prefix}/{locator}-{end}"
        page["records"] = cursor.records[offset:end]
        return page

    def open_count(self) -> int:
        with self._lock:
            self._expire()
            return len(self._cursors)

    def _expire(self) -> None:
        deadline = self._clock() - self._ttl
        for locator in [key for key, cursor in self._cursors.items() if cursor.last_used <= deadline]:
            del self._cursors[locator]
