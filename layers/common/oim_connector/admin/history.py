"""Run history in the jobs table: one item per finished background run, newest first per flow."""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from oim_connector.model.report import RunReport
from oim_connector.model.settings import GeneralSettings

log = logging.getLogger(__name__)
HISTORY_TTL_SECONDS = 90 * 24 * 3600


class RunHistory:
    """A run listener (see notifications.RunListener) and the status view's reader."""

    def __init__(self, table_name: str, client: Any | None = None, clock: Any = None) -> None:
        import boto3

        self._table = table_name
        self._client = client or boto3.client("dynamodb")
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))

    def run_finished(self, report: RunReport, general: GeneralSettings) -> None:
        finished = self._clock().isoformat(timespec="seconds")
        counts = report.counts
        try:
            self._client.put_item(
                TableName=self._table,
                Item={
                    "pk": {"S": f"RUNS#{report.flow}"},
                    "sk": {"S": f"{finished}#{report.run_id}"},
                    "flow": {"S": report.flow},
                    "trigger": {"S": report.trigger},
                    "runId": {"S": report.run_id},
                    "finishedAt": {"S": finished},
                    "created": {"N": str(counts.created)},
                    "updated": {"N": str(counts.updated)},
                    "skipped": {"N": str(counts.skipped)},
                    "notEligible": {"N": str(counts.not_eligible)},
                    "failed": {"N": str(counts.failed)},
                    "stoppedReason": {"S": report.stopped_reason or ""},
                    "expiration": {"N": str(int(time.time()) + HISTORY_TTL_SECONDS)},
                },
            )
        except Exception as error:  # history must never fail a run that already wrote documents
            log.warning("could not record the run history: %s", error.__class__.__name__)

    def recent(self, flow: str, limit: int = 10) -> list[dict[str, Any]]:
        answer = self._client.query(
            TableName=self._table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"RUNS#{flow}"}},
            ScanIndexForward=False,
            Limit=limit,
        )
        return [
            {
                "runId": item["runId"]["S"],
                "trigger": item["trigger"]["S"],
                "finishedAt": item["finishedAt"]["S"],
                "counts": {
                    k: int(item[k]["N"])
                    for k in ("created", "updated", "skipped", "notEligible", "failed")
                    if k in item
                },
                "stoppedReason": item["stoppedReason"]["S"] or None,
            }
            for item in answer.get("Items", [])
        ]
