"""Lock lanes: requests as full as the graph API allows, as many in flight as allowed, never two sharing a key.

The requests are sent to a recorder that sleeps like the latency model (a fixed cost per request plus
one per node), so what is measured is the schedule, not the machine.
"""

from __future__ import annotations

import threading
import time

from oim_connector.lock_lanes import LockLanes
from oim_connector.org.graph import Graph, GraphNode

PER_REQUEST = 0.02
PER_NODE = 0.0002


def _graph(graph_id: str, nodes: int = 10) -> Graph:
    return Graph(graph_id, tuple(GraphNode("PATCH", "Obj__c", f"sobjects/Obj__c/{i}", f"n{i}") for i in range(nodes)))


class Recorder:
    def __init__(self, key_of: dict[str, str]) -> None:
        self.key_of = key_of
        self.lock = threading.Lock()
        self.in_flight: list[set[str]] = []
        self.most_in_flight = 0
        self.requests: list[list[str]] = []
        self.clash = False

    def send(self, graphs: list[Graph]) -> None:
        keys = {self.key_of[g.graph_id] for g in graphs}
        with self.lock:
            self.clash |= any(keys & other for other in self.in_flight)
            self.in_flight.append(keys)
            self.most_in_flight = max(self.most_in_flight, len(self.in_flight))
            self.requests.append([g.graph_id for g in graphs])
        time.sleep(PER_REQUEST + PER_NODE * sum(len(g.nodes) for g in graphs))
        with self.lock:
            self.in_flight.remove(keys)


def _batch(start: int, count: int, keys: list[str], key_of: dict[str, str]) -> list[tuple[str, Graph]]:
    pairs = []
    for n in range(start, start + count):
        key = keys[n % len(keys)]
        key_of[f"g{n}"] = key
        pairs.append((key, _graph(f"g{n}")))
    return pairs


def test_four_accounts_keep_four_requests_in_flight_and_every_request_full() -> None:
    key_of: dict[str, str] = {}
    recorder = Recorder(key_of)
    keys = ["acc1", "acc2", "acc3", "acc4"]
    started = time.perf_counter()
    with LockLanes(recorder.send, max_parallel=4) as lanes:
        first = lanes.add(_batch(0, 500, keys, key_of))
        second = lanes.add(_batch(500, 500, keys, key_of))
        lanes.finish()
        first.wait()
        second.wait()
    wall = time.perf_counter() - started

    assert not recorder.clash
    assert recorder.most_in_flight == 4
    # 10,000 nodes: 20 requests of 500 at best; each account's 2,500 nodes fill 5 requests of its own.
    assert len(recorder.requests) == 20
    assert sorted(g for r in recorder.requests for g in r) == sorted(key_of)
    per_key = 5 * PER_REQUEST + 2500 * PER_NODE  # each account's requests, one after another: the floor
    one_at_a_time = 4 * per_key
    assert per_key <= wall < one_at_a_time / 2  # (measured 1.0-1.1x the floor on a quiet machine)


def test_a_partly_filled_request_waits_for_the_next_batch_instead_of_going_half_empty() -> None:
    key_of: dict[str, str] = {}
    recorder = Recorder(key_of)
    with LockLanes(recorder.send, max_parallel=4) as lanes:
        first = lanes.add(_batch(0, 30, ["acc1"], key_of))  # 300 nodes: not a full request
        time.sleep(0.05)
        assert recorder.requests == []  # held back: more may come
        second = lanes.add(_batch(30, 30, ["acc1"], key_of))
        first.wait()  # the first batch is waited for: its graphs go, with as many of the next as fit
        second.wait()

    assert [len(r) for r in recorder.requests] == [50, 10]


def test_many_small_keys_share_requests_and_run_in_parallel() -> None:
    key_of: dict[str, str] = {}
    recorder = Recorder(key_of)
    keys = [f"journal{n}" for n in range(400)]
    with LockLanes(recorder.send, max_parallel=4) as lanes:
        ticket = lanes.add(_batch(0, 400, keys, key_of))
        ticket.wait()

    assert len(recorder.requests) == 8  # 4,000 nodes in requests of 500
    assert recorder.most_in_flight == 4
    assert not recorder.clash


def test_a_failed_request_stops_the_rest_and_is_raised_to_the_waiting_batch() -> None:
    sent: list[int] = []

    def send(graphs: list[Graph]) -> None:
        sent.append(len(graphs))
        raise RuntimeError("daily limit")

    with LockLanes(send, max_parallel=1) as lanes:
        ticket = lanes.add([("acc1", _graph(f"g{n}")) for n in range(200)])
        try:
            ticket.wait()
        except RuntimeError as error:
            assert str(error) == "daily limit"
        else:
            raise AssertionError("the failure was not raised")
    assert sent == [50]  # nothing more was sent after it
