"""Claims on tax commits in DynamoDB: of two runs that reach the same OIM document at the same
time, exactly one commits its tax; a claim left by a run that died is taken over after a while.

One item per (source object, record, transaction code): state "claimed" (owner, since) while a
run works on it, "done" once Avalara committed it.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import boto3
from botocore.exceptions import ClientError

# Items expire (the table's TTL attribute): a done claim outlives any run that could still find its
# document uncommitted in OIM (a failed status write-back is repeated every few minutes).
DONE_KEPT = dt.timedelta(days=90)
CLAIM_KEPT = dt.timedelta(days=1)


def _expiration(now: dt.datetime, kept: dt.timedelta) -> dict[str, str]:
    return {"N": str(int((now + kept).timestamp()))}


class Claim(StrEnum):
    CLAIMED = "claimed"  # this run owns it: go ahead
    BUSY = "busy"  # another run owns it
    DONE = "done"  # committed already (only the OIM write-back may be left)


class DynamoClaims:
    def __init__(self, table_name: str, client: Any | None = None) -> None:
        self._table = table_name
        self._client = client or boto3.client("dynamodb")

    def claim(self, key: str, owner: str, now: dt.datetime, stale_after: dt.timedelta) -> Claim:
        since = now.astimezone(dt.UTC).isoformat()
        stale_before = (now - stale_after).astimezone(dt.UTC).isoformat()
        try:
            self._client.put_item(
                TableName=self._table,
                Item={
                    "claim": {"S": key},
                    "state": {"S": "claimed"},
                    "owner": {"S": owner},
                    "since": {"S": since},
                    "expiration": _expiration(now, CLAIM_KEPT),
                },
                ConditionExpression="attribute_not_exists(#c) OR (#s = :claimed AND #t < :stale)",
                ExpressionAttributeNames={"#c": "claim", "#s": "state", "#t": "since"},
                ExpressionAttributeValues={":claimed": {"S": "claimed"}, ":stale": {"S": stale_before}},
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            found = self._client.get_item(TableName=self._table, Key={"claim": {"S": key}}, ConsistentRead=True)
            state = found.get("Item", {}).get("state", {}).get("S")
            return Claim.DONE if state == "done" else Claim.BUSY
        return Claim.CLAIMED

    def complete(self, key: str, owner: str, now: dt.datetime) -> None:
        self._client.put_item(
            TableName=self._table,
            Item={"claim": {"S": key}, "state": {"S": "done"}, "owner": {"S": owner},
                  "since": {"S": now.astimezone(dt.UTC).isoformat()}, "expiration": _expiration(now, DONE_KEPT)},
        )  # fmt: skip

    def release(self, key: str, owner: str) -> None:
        """Give a claim back (Avalara unavailable): the next run tries again."""
        try:
            self._client.delete_item(
                TableName=self._table, Key={"claim": {"S": key}}, ConditionExpression="#o = :owner",
                ExpressionAttributeNames={"#o": "owner"}, ExpressionAttributeValues={":owner": {"S": owner}},
            )  # fmt: skip
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
