"""Graphs streamed into requests: as many in flight as allowed, never two sharing a lock key.

Documents that lock the same parent record (a sales invoice locks its account) must not be
written by two requests at once, or Salesforce answers UNABLE_TO_LOCK_ROW. So graphs queue
per lock key, and each request is built from keys no request in flight holds: the key with
the most work waiting first (it is the run's critical path), then others to fill the request
up to the graph API's limits (500 nodes, 75 graphs, 15 node types).

A request goes out only when it is full, or when nothing more can come for what it carries:
the caller waits on a batch whose graphs are in it, or has said no more batches follow; even
then a remainder waits for a lane in flight whose own remainder would fit beside it.
Until then, a partly filled request waits for the next batch's graphs, so graphs pack across
batch boundaries while the next batch is being read and mapped.

Tasks (a large document converging graph by graph) run in a slot holding their key alone.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial

from oim_connector.org.graph import MAX_GRAPHS_PER_REQUEST, MAX_NODE_TYPES_PER_REQUEST, MAX_NODES_PER_REQUEST, Graph


class Ticket:
    """The units of one batch: ``wait`` returns once each is answered (or dropped after a failure)."""

    def __init__(self, lanes: LockLanes, units: int) -> None:
        self._lanes = lanes
        self.outstanding = units
        self.waited = False

    def wait(self) -> None:
        self._lanes._wait(self)


@dataclass
class _Unit:
    key: str
    ticket: Ticket
    graph: Graph | None = None
    task: Callable[[], None] | None = None

    @property
    def nodes(self) -> int:
        return len(self.graph.nodes) if self.graph is not None else 0


@dataclass
class _Lane:
    units: deque[_Unit] = field(default_factory=deque)
    nodes: int = 0


class LockLanes:
    """``send(graphs)`` writes one request; it runs in a worker thread, at most ``max_parallel`` at a time."""

    def __init__(self, send: Callable[[list[Graph]], None], max_parallel: int) -> None:
        self._send = send
        self._max_parallel = max(1, max_parallel)
        self._lanes: dict[str, _Lane] = {}
        self._held: set[str] = set()
        self._running = 0
        self._final = False
        self._failure: BaseException | None = None
        self._condition = threading.Condition()
        self._pool = ThreadPoolExecutor(max_workers=self._max_parallel, thread_name_prefix="lock-lane")
        self.requests = 0  # graph requests sent, for tests and figures

    # -- the caller's side ------------------------------------------------------------------
    def add(self, graphs: Sequence[tuple[str, Graph]], tasks: Sequence[tuple[str, Callable[[], None]]] = ()) -> Ticket:
        """Queue ``(lock key, graph)`` pairs and ``(lock key, task)`` pairs as one batch."""
        with self._condition:
            ticket = Ticket(self, len(graphs) + len(tasks))
            for key, graph in graphs:
                self._queue(_Unit(key, ticket, graph=graph))
            for key, task in tasks:
                self._queue(_Unit(key, ticket, task=task))
            self._dispatch()
            self._condition.notify_all()
            return ticket

    def finish(self) -> None:
        """No more batches follow: partly filled requests may go."""
        with self._condition:
            self._final = True
            self._dispatch()

    def close(self) -> None:
        """Drop what was not sent, wait for what is in flight."""
        with self._condition:
            for lane in self._lanes.values():
                for unit in lane.units:
                    unit.ticket.outstanding -= 1
            self._lanes.clear()
            self._condition.notify_all()
        self._pool.shutdown(wait=True)

    def __enter__(self) -> LockLanes:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _wait(self, ticket: Ticket) -> None:
        with self._condition:
            ticket.waited = True
            self._dispatch()
            while ticket.outstanding > 0 and self._failure is None:
                self._condition.wait()
            if self._failure is not None:
                raise self._failure

    # -- scheduling (under the condition's lock) --------------------------------------------
    def _queue(self, unit: _Unit) -> None:
        lane = self._lanes.setdefault(unit.key, _Lane())
        lane.units.append(unit)
        lane.nodes += unit.nodes

    def _dispatch(self) -> None:
        while self._failure is None and self._running < self._max_parallel:
            picked = self._next_request()
            if picked is None:
                return
            keys, units = picked
            self._held |= keys
            self._running += 1
            self.requests += units[0].task is None
            future: Future[None] = self._pool.submit(self._run, units)
            future.add_done_callback(partial(self._done, keys=keys, units=units))

    def _next_request(self) -> tuple[set[str], list[_Unit]] | None:
        free = [key for key in self._lanes if key not in self._held]
        if not free:
            return None
        free.sort(key=lambda k: (self._lanes[k].units[0].task is None, -self._lanes[k].nodes))
        first = self._lanes[free[0]]
        if first.units[0].task is not None:
            return {free[0]}, [self._take(free[0])]
        units: list[_Unit] = []
        keys: set[str] = set()
        nodes, types = 0, set[tuple[str, str]]()
        full = False
        for key in free:
            lane = self._lanes[key]
            while lane.units and lane.units[0].graph is not None:
                graph = lane.units[0].graph
                if len(units) >= MAX_GRAPHS_PER_REQUEST or nodes + len(graph.nodes) > MAX_NODES_PER_REQUEST:
                    full = True
                    break
                if len(types | graph.node_types()) > MAX_NODE_TYPES_PER_REQUEST:
                    break  # another key's graphs may still fit
                units.append(self._take(key))
                keys.add(key)
                nodes += len(graph.nodes)
                types |= graph.node_types()
            if full:
                break
        if not units:
            return None
        if full or ((self._final or any(u.ticket.waited for u in units)) and not self._joinable(nodes)):
            return keys, units
        for unit in reversed(units):  # not worth a request yet: back to the front of its lane
            self._lanes.setdefault(unit.key, _Lane()).units.appendleft(unit)
            self._lanes[unit.key].nodes += unit.nodes
        return None

    def _joinable(self, nodes: int) -> bool:
        """A lane in flight has a remainder that fits beside these nodes: once its request is answered, both go in
        one request instead of two (at most one request's wait, for a request fewer)."""
        return any(key in self._held and lane.units[0].graph is not None and nodes + lane.nodes <= MAX_NODES_PER_REQUEST
                   for key, lane in self._lanes.items())  # fmt: skip

    def _take(self, key: str) -> _Unit:
        lane = self._lanes[key]
        unit = lane.units.popleft()
        lane.nodes -= unit.nodes
        if not lane.units:
            del self._lanes[key]
        return unit

    # -- the workers' side ------------------------------------------------------------------
    def _run(self, units: list[_Unit]) -> None:
        if units[0].task is not None:
            units[0].task()
            return
        self._send([u.graph for u in units if u.graph is not None])

    def _done(self, future: Future[None], *, keys: set[str], units: list[_Unit]) -> None:
        with self._condition:
            self._running -= 1
            self._held -= keys
            for unit in units:
                unit.ticket.outstanding -= 1
            error = future.exception()
            if error is not None and self._failure is None:
                self._failure = error
            self._dispatch()
            self._condition.notify_all()
