"""The vendor-accounts function's two entry points.

- An EventBridge change event (CDC relayed from Salesforce) is put on the FIFO queue, one
  message per record: message group = the record (changes of one site are applied in order),
  deduplication id = record + change version (a re-sent event is dropped by SQS).
- An SQS batch from that queue is applied with powertools batch processing: each failed
  message is reported in ``batchItemFailures`` and retried alone; with FIFO, only the later
  messages of the failing site wait (``skip_group_on_error``), every other site goes on.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    SqsFifoPartialProcessor,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from oim_connector.config import environment
from oim_connector.dlq.notes import DynamoFailureNotes, FailureNote, FailureNotes, now_iso
from oim_connector.errors import BadRequestError, ConfigurationError, ConnectorError
from oim_connector.observability import logger, metrics
from oim_connector.triggers.idempotency import KeyedOnce
from oim_connector.vendor_sync.messages import KNOWN_DETAIL_TYPES, RecordChange, changes_of_event, parse_changes
from oim_connector.vendor_sync.sync import SyncResult, VendorSync

IDEMPOTENCY_SECONDS = 7 * 24 * 3600  # longer than a message can live in the queue (4 days)

SyncFactory = Callable[[], VendorSync]


def is_change_event(event: dict[str, Any]) -> bool:
    return event.get("detail-type") in KNOWN_DETAIL_TYPES and isinstance(event.get("detail"), dict)


def enqueue_changes(event: dict[str, Any], queue_url: str | None, sqs: Any | None = None) -> dict[str, Any]:
    """EventBridge -> FIFO queue. Answers what was queued."""
    if not queue_url:
        raise ConfigurationError("JOBS_QUEUE_URL is not set: the supplier site changes queue is unknown")
    changes = changes_of_event(event)
    if sqs is None:
        import boto3

        sqs = boto3.client("sqs")
    for change in changes:
        sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(_one_record(event, change)),
                         MessageGroupId=change.record_id,
                         MessageDeduplicationId=f"{change.record_id}:{change.version}")  # fmt: skip
    logger.info("changes queued", extra={"records": [c.record_id for c in changes]})
    return {"queued": len(changes), "recordIds": [c.record_id for c in changes]}


def _one_record(event: dict[str, Any], change: RecordChange) -> dict[str, Any]:
    """The event narrowed to one record, so each message group carries only its own record."""
    single = copy.deepcopy(event)
    header = single["detail"]["payload"].get("ChangeEventHeader")
    if isinstance(header, dict):
        header["recordIds"] = [change.record_id]
    return single


def failure_notes() -> FailureNotes | None:
    table = environment().JOBS_TABLE
    return _notes_in(table) if table else None


@cache
def _notes_in(table: str) -> FailureNotes:
    return DynamoFailureNotes(table)  # its client is kept for the execution environment


def process_batch(event: dict[str, Any], context: Any, sync: SyncFactory, notes: FailureNotes | None) -> dict[str, Any]:
    records = event.get("Records") or []
    fifo = bool(records) and str(records[0].get("eventSourceARN", "")).endswith(".fifo")
    processor = SqsFifoPartialProcessor(skip_group_on_error=True) if fifo else BatchProcessor(EventType.SQS)
    # A batch whose every message failed is answered like any other: each failure listed, none hidden
    # behind an exception (Lambda retries exactly the listed messages either way).
    processor.raise_on_entire_batch_failure = False
    # The whole batch is applied first, together (a few requests for all its sites); the processor
    # then reports each message from its outcome, keeping FIFO's skip-the-rest-of-the-group rule.
    outcomes = apply_messages(records, context, sync, fifo=fifo)

    def handle(record: SQSRecord) -> None:
        outcome = outcomes[record.message_id]
        if outcome.error is not None:
            _note_failure(notes, record, outcome.changes, outcome.error)
            raise outcome.error
        for result in outcome.results:
            logger.info("change applied", extra={"message_id": record.message_id, **result})
            _count(f"VendorSync{str(result['outcome']).capitalize()}")

    answer = process_partial_response(event=event, record_handler=handle, processor=processor, context=context)
    return dict(answer)


@dataclass
class MessageOutcome:
    """What became of one message: the result of each of its changes, or the error that fails it."""

    changes: list[RecordChange] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)
    error: Exception | None = None


def apply_messages(
    records: Sequence[dict[str, Any]], context: Any, sync: SyncFactory, *, fifo: bool
) -> dict[str, MessageOutcome]:
    """Every message's outcome, applying the batch's new changes in one go.

    A change already applied (same record and version) answers its saved result; a message after
    a failed one of its FIFO group is left unapplied (the processor fails it without reading it).
    """
    guard = KeyedOnce("vendor_sync.change", context, expires_after_seconds=IDEMPOTENCY_SECONDS)
    outcomes: dict[str, MessageOutcome] = {}
    claimed: dict[RecordChange, list[str]] = {}  # change -> the messages waiting for it
    failed_groups: set[str] = set()
    for raw in records:
        record = SQSRecord(raw)
        outcome = outcomes[record.message_id] = MessageOutcome()
        group = record.attributes.message_group_id if fifo else None
        if group is not None and group in failed_groups:
            continue
        try:
            outcome.changes = parse_changes(record.body)
            for change in outcome.changes:
                if change in claimed:
                    claimed[change].append(record.message_id)
                elif (saved := guard.claim(change.idempotency_key)) is not None:
                    outcome.results.append(saved)
                else:
                    claimed[change] = [record.message_id]
        except Exception as error:
            outcome.error = error
            if group is not None:
                failed_groups.add(group)
    applied = _apply_claimed(list(claimed), sync)
    for change, message_ids in claimed.items():
        result = applied[change]
        if isinstance(result, SyncResult):
            guard.complete(change.idempotency_key, result.to_json())
        else:
            guard.release(change.idempotency_key, result)
        for message_id in message_ids:
            outcome = outcomes[message_id]
            if isinstance(result, SyncResult):
                outcome.results.append(result.to_json())
            elif outcome.error is None:
                outcome.error = result
    return outcomes


def _apply_claimed(changes: list[RecordChange], sync: SyncFactory) -> dict[RecordChange, SyncResult | Exception]:
    """The changes applied together; anything that stops the whole batch (settings that do not
    load, an org that cannot be reached) is every change's error, so each message is retried."""
    if not changes:
        return {}
    try:
        return dict(sync().apply_all(changes))
    except Exception as error:
        if not isinstance(error, ConnectorError):
            logger.exception("the batch could not be applied")
        return dict.fromkeys(changes, error)


def _note_failure(notes: FailureNotes | None, record: SQSRecord, changes: list[RecordChange], error: Exception) -> None:
    message = error.message if isinstance(error, ConnectorError) else f"Unexpected error: {type(error).__name__}"
    receive_count = int(record.attributes.approximate_receive_count or 1)
    record_id = changes[0].record_id if changes else None
    logger.warning("change failed", extra={"message_id": record.message_id, "record_id": record_id,
                                           "receive_count": receive_count, "error": message})  # fmt: skip
    _count("VendorSyncMalformed" if isinstance(error, BadRequestError) else "VendorSyncFailed")
    if notes is None:
        return
    try:
        queue = record.event_source_arn or "unknown"
        notes.record(FailureNote(queue, record.message_id, message, receive_count, record_id, now_iso()))
    except Exception:
        logger.exception("could not record the failure note")


def _count(name: str) -> None:
    """A metric never decides a message's fate: the change is applied (or failed) whatever happens here."""
    try:
        metrics.add_metric(name=name, unit="Count", value=1)
    except Exception:
        logger.warning("metric not recorded", extra={"metric": name}, exc_info=True)
