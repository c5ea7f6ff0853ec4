"""Bounded parallel requests that never hold the same parent records at once.

Graphs are packed into as few requests as the limits allow first (documents sorted by lock
key, so one parent's documents share requests), then the requests run up to ``max_parallel``
at a time; a request starts only when no request in flight carries a lock key it carries,
and no earlier one still waiting carries an order key it carries (the graphs of a document
spread over several requests go in order). That keeps UNABLE_TO_LOCK_ROW away without the
partly filled requests that one packing per lane leaves behind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait


def run_without_shared_locks[T](
    requests: Sequence[T],
    keys_of: Callable[[T], frozenset[str]],
    max_parallel: int,
    send: Callable[[T], None],
    order_keys_of: Callable[[T], frozenset[str]] = lambda _: frozenset(),
) -> None:
    """Send every request; an exception from any of them is raised once those in flight have finished."""
    if max_parallel <= 1 or len(requests) <= 1:
        for request in requests:
            send(request)
        return
    pending = [(request, keys_of(request), order_keys_of(request)) for request in requests]
    running: dict[Future[None], frozenset[str]] = {}
    failure: BaseException | None = None
    with ThreadPoolExecutor(max_workers=max_parallel) as pool:
        while (pending and failure is None) or running:
            if failure is None:
                _start_ready(pending, running, max_parallel, pool, send)
            done, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for future in done:
                running.pop(future)
                error = future.exception()
                if error is not None and failure is None:
                    failure = error
    if failure is not None:
        raise failure


def _start_ready[T](
    pending: list[tuple[T, frozenset[str], frozenset[str]]],
    running: dict[Future[None], frozenset[str]],
    max_parallel: int,
    pool: ThreadPoolExecutor,
    send: Callable[[T], None],
) -> None:
    held: set[str] = set().union(*running.values()) if running else set()
    waiting: set[str] = set()  # order keys of earlier requests still pending
    index = 0
    while index < len(pending) and len(running) < max_parallel:
        request, keys, order_keys = pending[index]
        if keys.isdisjoint(held) and order_keys.isdisjoint(waiting):
            running[pool.submit(send, request)] = keys
            held |= keys
            pending.pop(index)
            continue
        waiting |= order_keys
        index += 1
