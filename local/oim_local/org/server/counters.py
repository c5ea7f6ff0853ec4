"""What the org has done since the counters were last reset, for tests and benchmarks."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

RequestKind = Literal[
    "query",
    "query_more",
    "sobject_read",
    "sobject_write",
    "graph",
    "collections",
    "composite",
    "tree",
    "describe",
    "limits",
    "apex",
    "token",
    "identity",
    "other",
]


class Counters(BaseModel):
    """A snapshot: requests by kind, records written (created + updated + deleted, committed
    only), and graphs and nodes processed."""

    model_config = ConfigDict(frozen=True)

    requests_by_kind: dict[str, int]
    total_requests: int
    records_written: int
    graphs: int
    nodes: int
    # Faults the fault plan injected, by kind (filled in by the app, not the book).
    faults_injected: dict[str, int] = Field(default_factory=dict)


class CounterBook:
    """Thread-safe counters the request handlers add to."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: Counter[str] = Counter()
        self._records_written = 0
        self._graphs = 0
        self._nodes = 0

    def count_request(self, kind: RequestKind) -> None:
        with self._lock:
            self._requests[kind] += 1

    def add_records_written(self, count: int) -> None:
        if count:
            with self._lock:
                self._records_written += count

    def add_graphs(self, graphs: int, nodes: int) -> None:
        with self._lock:
            self._graphs += graphs
            self._nodes += nodes

    def snapshot(self) -> Counters:
        with self._lock:
            return Counters(
                requests_by_kind=dict(self._requests),
                total_requests=sum(self._requests.values()),
                records_written=self._records_written,
                graphs=self._graphs,
                nodes=self._nodes,
            )

    def reset(self) -> None:
        with self._lock:
            self._requests.clear()
            self._records_written = 0
            self._graphs = 0
            self._nodes = 0


class WriteTally:
    """Records written by one unit of work; added to the book only once the unit commits."""

    def __init__(self) -> None:
        self.count = 0

    def add(self, count: int = 1) -> None:
        self.count += count
