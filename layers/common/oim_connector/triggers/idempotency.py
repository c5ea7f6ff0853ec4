"""Powertools idempotency around a unit of work, keyed by what makes a request the same.

A double click, a Scheduler retry or a redelivered event with the same key gets the first
answer back instead of running again. (Exactly-once writes do not depend on this: external
ids and in-graph write-backs guarantee them; this saves the repeated work.)
"""

from __future__ import annotations

import os
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


class KeyedOnce:
    """The same guarantee as :func:`once` for work done for many keys at once (a batch).

    ``claim`` each key first: it answers the saved result of a key already done, or ``None`` when
    the key is now this caller's to do (a key in progress elsewhere raises, so its message is
    retried later). Then ``complete`` each claimed key with its result or ``release`` it on failure.
    Without an idempotency table every key is new and nothing is kept.
    """

    def __init__(self, name: str, context: Any, *, expires_after_seconds: int) -> None:
        table = environment().IDEMPOTENCY_TABLE
        self._context = context if hasattr(context, "get_remaining_time_in_millis") else None
        self._store: Any = _keyed_store(table, record_prefix(name), expires_after_seconds) if table else None

    def claim(self, key: dict[str, Any]) -> dict[str, Any] | None:
        if self._store is None:
            return None
        from aws_lambda_powertools.utilities.idempotency.exceptions import (
            IdempotencyAlreadyInProgressError,
            IdempotencyItemAlreadyExistsError,
            IdempotencyItemNotFoundError,
        )
        from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import STATUS_CONSTANTS

        remaining = self._context.get_remaining_time_in_millis() if self._context is not None else None
        for _ in range(2):  # a record that expires or vanishes between the two calls is claimed again
            try:
                self._store.save_inprogress(data=key, remaining_time_in_millis=remaining)
                return None
            except IdempotencyItemAlreadyExistsError as exists:
                try:
                    record = exists.old_data_record or self._store.get_record(data=key)
                except IdempotencyItemNotFoundError:
                    continue
            if record.status == STATUS_CONSTANTS["COMPLETED"]:
                saved: dict[str, Any] = record.response_json_as_dict() or {}
                return saved
            if record.status == STATUS_CONSTANTS["INPROGRESS"] and not _in_progress_expired(record):
                raise IdempotencyAlreadyInProgressError(f"Work for {key} is already in progress")
        raise IdempotencyAlreadyInProgressError(f"Work for {key} could not be claimed")

    def complete(self, key: dict[str, Any], result: dict[str, Any]) -> None:
        if self._store is not None:
            self._store.save_success(data=key, result=result)

    def release(self, key: dict[str, Any], error: Exception) -> None:
        if self._store is not None:
            self._store.delete_record(data=key, exception=error)


def record_prefix(name: str) -> str:
    """Records are kept apart per function: each key starts with the Lambda function's name, as
    powertools does for :func:`once`, so one function can never answer another's request."""
    return f"{os.environ.get('AWS_LAMBDA_FUNCTION_NAME', 'local')}.{name}"


@cache
def _keyed_store(table: str, name: str, expires_after_seconds: int) -> Any:
    """One store per kind of work, kept for the execution environment (a client costs ~50 ms to make).
    Its own store: a powertools store keeps the first configuration it is given."""
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    store = DynamoDBPersistenceLayer(table_name=table)
    store.configure(_config(expires_after_seconds), key_prefix=name)
    return store


def _in_progress_expired(record: Any) -> bool:
    import time

    expiry = record.in_progress_expiry_timestamp
    return expiry is not None and expiry < int(time.time() * 1000)
