"""Records a flow refused (Export Status "Export Error"), listed with their reasons, and their retry:
the same engine run as a list action over the chosen records, with the saved settings."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from oim_connector.admin.mappings import OBJECTS
from oim_connector.errors import BadRequestError
from oim_connector.model.documents import EXPORT_STATUS_FIELD
from oim_connector.model.flows import DOCUMENT_FLOWS, FlowId
from oim_connector.model.requests import RunRequest, TriggerKind
from oim_connector.model.settings import ConnectorSettings
from oim_connector.org.port import OrgPort
from oim_connector.org.soql import Select, eq

EXPORT_ERROR_FIELD = "SCMC__Export_Error__c"
LISTED = 50  # the page shows the oldest 50; retrying them brings the next ones
MAX_RETRY = 50  # a retry runs in the admin function's own time: a list-view-sized selection


def _document_flow(flow: FlowId) -> None:
    if flow not in DOCUMENT_FLOWS:
        raise BadRequestError(f"{flow.value} has no records in Export Error: only document flows do")


def export_errors(org: OrgPort, flow: FlowId) -> list[dict[str, Any]]:
    _document_flow(flow)
    select = Select(OBJECTS[flow].source_header, ("Id", "Name", EXPORT_ERROR_FIELD, "LastModifiedDate"),
                    where=eq(EXPORT_STATUS_FIELD, "Export Error"), order_by=("LastModifiedDate",),
                    limit=LISTED)  # fmt: skip
    return [
        {
            "id": str(r["Id"]),
            "name": r.get("Name"),
            "error": r.get(EXPORT_ERROR_FIELD) or "",
            "modified": r.get("LastModifiedDate"),
        }
        for r in org.query(select)
    ]


def retry(
    org: Callable[[], OrgPort], settings: ConnectorSettings, flow: FlowId, ids: Sequence[str]
) -> dict[str, object]:
    """Run the flow over ``ids`` now (as a list action would); the report says what each became."""
    from oim_connector.service import ConnectorService, Services
    from oim_connector.settings_store import StaticSettingsStore

    _document_flow(flow)
    if not ids:
        raise BadRequestError("Choose at least one record to retry")
    if len(ids) > MAX_RETRY:
        raise BadRequestError(f"{len(ids)} records: retry at most {MAX_RETRY} at a time")
    try:
        request = RunRequest(flow=flow, trigger=TriggerKind.LIST, run_id=f"retry-{uuid.uuid4().hex}",
                             record_ids=tuple(ids))  # fmt: skip
    except ValueError as error:
        raise BadRequestError(f"The records to retry are not valid: {error}") from None
    service = ConnectorService(Services(org=org, settings=StaticSettingsStore(settings)))
    return service.run(request).to_json_dict()
