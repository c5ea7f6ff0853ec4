"""Claims on tax commits in DynamoDB (moto): one owner at a time, done stays done, a dead run's
claim is taken over once stale, a released claim is free again."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.dynamodb.models import DynamoDBBackend
from oim_connector.tax.claims import Claim, DynamoClaims

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
STALE = dt.timedelta(minutes=15)


def _atomic(put_item: Any) -> Any:
    lock = threading.Lock()

    def put(*args: Any, **kwargs: Any) -> Any:
        with lock:
            return put_item(*args, **kwargs)

    return put


@pytest.fixture
def claims(monkeypatch: pytest.MonkeyPatch) -> Iterator[DynamoClaims]:
    # DynamoDB applies a conditional write atomically; moto's in-memory stand-in checks the condition,
    # then writes, so racing threads could both pass the check. The lock makes the stand-in atomic
    # like the service (the claim's code under test is untouched).
    monkeypatch.setattr(DynamoDBBackend, "put_item", _atomic(DynamoDBBackend.put_item))
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-west-1")
        client.create_table(TableName="claims", BillingMode="PAY_PER_REQUEST",
                            AttributeDefinitions=[{"AttributeName": "claim", "AttributeType": "S"}],
                            KeySchema=[{"AttributeName": "claim", "KeyType": "HASH"}])  # fmt: skip
        yield DynamoClaims("claims", client)


def test_one_owner_then_done(claims: DynamoClaims) -> None:
    assert claims.claim("k", "run-1", NOW, STALE) == Claim.CLAIMED
    assert claims.claim("k", "run-2", NOW, STALE) == Claim.BUSY
    claims.complete("k", "run-1", NOW)
    assert claims.claim("k", "run-2", NOW + dt.timedelta(days=1), STALE) == Claim.DONE


def test_a_stale_claim_is_taken_over_and_a_released_one_is_free(claims: DynamoClaims) -> None:
    assert claims.claim("k", "dead-run", NOW, STALE) == Claim.CLAIMED
    assert claims.claim("k", "run-2", NOW + dt.timedelta(minutes=14), STALE) == Claim.BUSY
    assert claims.claim("k", "run-2", NOW + dt.timedelta(minutes=16), STALE) == Claim.CLAIMED
    claims.release("k", "dead-run")  # the dead run's late release does not free run-2's claim
    assert claims.claim("k", "run-3", NOW + dt.timedelta(minutes=17), STALE) == Claim.BUSY
    claims.release("k", "run-2")
    assert claims.claim("k", "run-3", NOW + dt.timedelta(minutes=17), STALE) == Claim.CLAIMED


def test_of_many_runs_racing_for_the_same_document_one_wins(claims: DynamoClaims) -> None:
    start = threading.Barrier(8)
    outcomes: list[Claim] = []

    def race(owner: str) -> None:
        start.wait()
        outcomes.append(claims.claim("k", owner, NOW, STALE))

    threads = [threading.Thread(target=race, args=(f"run-{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == sorted([Claim.CLAIMED] + [Claim.BUSY] * 7)
