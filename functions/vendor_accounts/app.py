"""Vendor accounts from supplier sites, in real time.

EventBridge delivers each supplier site change (Change Data Capture through an Event Relay);
this function puts it on the FIFO queue, whose batches come back here to be applied.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from oim_connector.errors import BadRequestError
from oim_connector.model.flows import FlowId
from oim_connector.observability import logger, metrics, tracer
from oim_connector.triggers.dispatch import is_sqs

if TYPE_CHECKING:
    from oim_connector.vendor_sync.sync import VendorSync

FLOW = FlowId.VENDOR_ACCOUNTS


def _sync() -> VendorSync:
    from oim_connector.vendor_sync.sync import VendorSync
    from oim_connector.wiring import service

    connector = service()
    settings = connector.services.settings.load()
    return VendorSync(connector.org(settings), settings.vendor_accounts)


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics(capture_cold_start_metric=True)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if not isinstance(event, dict):
        raise BadRequestError("The event is not a JSON object")
    metrics.add_dimension(name="Flow", value=FLOW.value)
    # Batch processing, the change models and the Salesforce adapter load on the first call, not
    # in the handler's import (Lambda's INIT).
    from oim_connector.config import environment
    from oim_connector.vendor_sync.consumer import enqueue_changes, failure_notes, is_change_event, process_batch

    if is_sqs(event):
        return process_batch(event, context, _sync, failure_notes())
    if is_change_event(event):
        return enqueue_changes(event, environment().JOBS_QUEUE_URL)
    raise BadRequestError("Unrecognised event: expected a supplier site change from EventBridge or an SQS batch")
