"""Powertools idempotency around a unit of work, keyed by what makes a request the same.

A double click, a Scheduler retry or a redelivered event with the same key gets the first
answer back instead of running again. (Exactly-once writes do not depend on this: external
ids and in-graph write-backs guarantee them; this saves the repeated work.)
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from oim_connector.config import environment


@cache
def _persistence(table: str) -> Any:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    return DynamoDBPersistenceLayer(table_name=table)


@cache
def _config(expires_after_seconds: int) -> Any:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

    return IdempotencyConfig(expires_after_seconds=expires_after_seconds)


def once(
    key: dict[str, Any], work: Callable[[], dict[str, Any]], context: Any, *, expires_after_seconds: int = 3600
) -> dict[str, Any]:
    """Run ``work`` once per ``key``; without an idempotency table, just run it."""
    table = environment().IDEMPOTENCY_TABLE
    if not table:
        return work()
    from aws_lambda_powertools.utilities.idempotency import idempotent_function

    config = _config(expires_after_seconds)
    if context is not None and hasattr(context, "get_remaining_time_in_millis"):
        config.register_lambda_context(context)

    @idempotent_function(data_keyword_argument="request_key", persistence_store=_persistence(table), config=config)
    def guarded(request_key: dict[str, Any]) -> dict[str, Any]:
        return work()

    answer: dict[str, Any] = guarded(request_key=key)
    return answer
