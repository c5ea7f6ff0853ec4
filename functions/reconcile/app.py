"""Month-end reconciliation on a schedule (the month before the scheduled time) or on demand
(``{"period": "2026/006", "company"?, "flows"?}``): reads only; the report goes to S3, the
summary to the notification channels."""

from __future__ import annotations

import datetime as dt
import logging
import os
from typing import Any

from oim_connector.errors import ConfigurationError
from oim_connector.observability import logger, metrics, tracer

log = logging.getLogger(__name__)


@logger.inject_lambda_context(log_event=True)
@metrics.log_metrics(capture_cold_start_metric=True)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # On first use: the reconciliation, its models and the services stay out of the cold start's import.
    from oim_connector import wiring
    from oim_connector.config import environment
    from oim_connector.reconcile.monthly import ReconcileEvent, S3ReportStore, SummaryChannels, store_report
    from oim_connector.reconcile.service import ReconcileRequest, reconcile
    from oim_connector.settings_repo import DynamoSettingsStore

    request = ReconcileEvent.parse(event)
    bucket = os.environ.get("REPORTS_BUCKET")
    if not bucket:
        raise ConfigurationError("REPORTS_BUCKET is not set: this function has nowhere to write its report")
    env = environment()
    settings = DynamoSettingsStore(env.SETTINGS_TABLE).load()
    now = dt.datetime.now(dt.UTC)
    period = request.period_name(now)
    report = reconcile(
        wiring.salesforce_org(),
        settings,
        ReconcileRequest(period=period, company=request.company, flows=request.flow_ids()),
        today=now.date(),
    )
    locations = store_report(S3ReportStore(bucket), report, now)
    import boto3

    type_name = os.environ.get("CUSTOM_NOTIFICATION_TYPE")
    channels = SummaryChannels(
        sns=boto3.client("sns") if env.NOTIFICATIONS_TOPIC_ARN else None,
        topic_arn=env.NOTIFICATIONS_TOPIC_ARN,
        salesforce=wiring.salesforce_org if type_name else None,
        notification_type=type_name,
    )
    try:
        sent = channels.send(report, locations, settings.general)
    except Exception as error:  # the report is stored; a failing channel must not fail the run
        log.warning("could not send the reconciliation summary: %s", error.__class__.__name__)
        sent = []
    metrics.add_metric(name="ReconciliationFindings", unit="Count", value=len(report.findings))
    return {
        "period": report.period,
        "company": report.company,
        "findings": len(report.findings),
        "counts": report.counts(),
        "apiRequests": report.api_requests,
        "reports": locations,
        "notified": sent,
    }
