"""The status view: per flow, the last runs and their counts, the records in Export Error, and
how many messages wait on each dead-letter queue."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from oim_connector.admin.history import RunHistory
from oim_connector.admin.mappings import OBJECTS
from oim_connector.errors import OrgError, TransientOrgError
from oim_connector.model.documents import EXPORT_STATUS_FIELD
from oim_connector.model.flows import DOCUMENT_FLOWS
from oim_connector.org.soql import Condition, eq

log = logging.getLogger(__name__)


class CountingOrg(Protocol):
    def count(self, sobject: str, where: Condition | None = None) -> int: ...


class DlqDepths:
    """ApproximateNumberOfMessages of each dead-letter queue, by a name an operator knows."""

    def __init__(self, queue_urls: dict[str, str], client: Any | None = None) -> None:
        import boto3

        self._urls = queue_urls
        self._client = client or boto3.client("sqs") if queue_urls else None

    def depths(self) -> dict[str, int | None]:
        found: dict[str, int | None] = {}
        for name, url in self._urls.items():
            try:
                attributes = self._client.get_queue_attributes(  # type: ignore[union-attr]
                    QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
                )["Attributes"]
                found[name] = int(attributes["ApproximateNumberOfMessages"])
            except Exception as error:  # one unreadable queue must not hide the others
                log.warning("could not read the depth of %s: %s", name, error.__class__.__name__)
                found[name] = None
        return found


def status_view(org: Callable[[], CountingOrg], history: RunHistory | None, dlq: DlqDepths) -> dict[str, Any]:
    flows = []
    for flow in DOCUMENT_FLOWS:
        entry: dict[str, Any] = {"flow": flow.value, "lastRuns": history.recent(flow.value) if history else []}
        try:
            entry["exportErrors"] = org().count(OBJECTS[flow].source_header, eq(EXPORT_STATUS_FIELD, "Export Error"))
        except (TransientOrgError, OrgError) as error:
            entry["exportErrors"] = None
            entry["exportErrorsProblem"] = error.message
        flows.append(entry)
    return {"flows": flows, "deadLetterQueues": dlq.depths()}
