"""Post and commit: on its schedule, commits in Avalara the tax of OIM documents whose
Accounting document is posted (connector-spec §10)."""

from __future__ import annotations

import uuid
from typing import Any

from oim_connector.errors import ConnectorError
from oim_connector.observability import logger, metrics, tracer


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics(capture_cold_start_metric=True)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    from oim_connector import wiring  # on first use: the services stay out of the cold start's import

    # The schedule's event id keys the run (claims are owned by it); a retried delivery reuses it.
    run_id = str(event.get("id") or event.get("runKey") or uuid.uuid4().hex)[:100]
    try:
        report = wiring.commit_tax(run_id)
    except ConnectorError as error:
        logger.error("tax commit run failed", extra={"reason": error.message})
        raise
    logger.info("tax commit run", extra={k: report[k] for k in ("committed", "retryLater", "failed", "skipped",
                                                                "taxRequests", "apiRequests")})  # fmt: skip
    return report
