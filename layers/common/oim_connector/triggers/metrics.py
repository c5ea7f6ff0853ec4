"""Run reports as CloudWatch metrics (powertools EMF)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from oim_connector.observability import metrics


def record_metrics(report: dict[str, Any]) -> None:
    counts = report.get("counts", {})
    metrics.add_metric(name="DocumentsCreated", unit=MetricUnit.Count, value=counts.get("created", 0))
    metrics.add_metric(name="DocumentsSkipped", unit=MetricUnit.Count, value=counts.get("skipped", 0))
    metrics.add_metric(name="DocumentsNotEligible", unit=MetricUnit.Count, value=counts.get("notEligible", 0))
    metrics.add_metric(name="DocumentsFailed", unit=MetricUnit.Count, value=counts.get("failed", 0))
    metrics.add_metric(name="SalesforceApiRequests", unit=MetricUnit.Count, value=report.get("apiRequests", 0))
