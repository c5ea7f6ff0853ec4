"""Payable credit notes from AP voucher credits: record and list-view actions, schedules, OIM events, jobs."""

from __future__ import annotations

from typing import Any

from oim_connector.model.flows import FlowId
from oim_connector.observability import logger, metrics, tracer
from oim_connector.triggers.dispatch import dispatch

FLOW = FlowId.PAYABLE_CREDIT_NOTES


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics(capture_cold_start_metric=True)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return dispatch(event, context, FLOW)
