"""The wall-time floor: the heaviest lock key or the in-flight limit, whichever binds, after the first read."""

from __future__ import annotations

from oim_local.bench.figures import Floor


def _floor(keys: int, heaviest_nodes: int, heaviest_requests: int) -> Floor:
    return Floor(latency_ms_per_request=100, latency_ms_per_record=2, max_in_flight=4, lock_keys=keys,
                 heaviest_key_nodes=heaviest_nodes, heaviest_key_requests=heaviest_requests, bound_requests=28,
                 nodes=12_299)  # fmt: skip


def test_three_accounts_bind_the_floor_to_the_heaviest_one() -> None:
    floor = _floor(3, 4266, 9)  # 1,000 sales invoices over three customers

    assert floor.all_requests_seconds == 27.398
    assert floor.heaviest_key_seconds == 9.432
    assert round(floor.seconds, 3) == 0.1 + 9.432


def test_many_keys_bind_the_floor_to_the_in_flight_limit() -> None:
    floor = _floor(1000, 13, 1)  # 1,000 journals, each its own key

    assert round(floor.seconds, 4) == round(0.1 + 27.398 / 4, 4)
