"""Trigger events built in code, in the shapes AWS delivers (see events/ for files)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any


def api_event(method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> dict[str, Any]:
    raw_body = body if isinstance(body, str) or body is None else json.dumps(body)
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": {"Content-Type": "application/json", **(headers or {})},
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": f"/prod{path}",
            "stage": "prod",
            "requestId": str(uuid.uuid4()),
            "identity": {"caller": "AIDAEXAMPLE", "userArn": "arn:aws:iam::123456789012:user/salesforce-callout"},
            "accountId": "123456789012",
        },
        "body": raw_body,
        "isBase64Encoded": False,
    }


def record_action(flow: str, record_id: str) -> dict[str, Any]:
    return api_event("POST", f"/flows/{flow}/record", {"recordId": record_id})


def list_action(
    flow: str, record_ids: list[str] | None = None, *, all_eligible: bool = False, requested_by: str | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"allEligible": True} if all_eligible else {"recordIds": record_ids or []}
    if requested_by:
        body["requestedBy"] = requested_by  # the user pressing the button, as the Apex client sends it
    return api_event("POST", f"/flows/{flow}/list", body)


def schedule_event(flow: str, when: dt.datetime | None = None, name: str | None = None) -> dict[str, Any]:
    moment = (when or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"flow": flow, "trigger": "schedule", "scheduleName": name or f"oim-connector-{flow}",
            "scheduledTime": moment}  # fmt: skip


SAVING_USER = "005000000000002AAA"  # the user whose save published an event (Salesforce sets CreatedById)


def oim_event(
    flow: str, record_id: str, event: str, *, namespaced: bool = False, created_by: str = SAVING_USER
) -> dict[str, Any]:
    """The Salesforce package's platform event ``OIM_Document_Event__e`` through an Event Relay, or with
    ``namespaced`` the ``SCMFFA__`` one of an org that has it from the earlier package."""
    prefix = "SCMFFA__" if namespaced else ""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": f"{prefix}OIM_Document_Event__e",
        "source": "aws.partner/salesforce.com/00D000000000001EAA/0YL000000000001",
        "account": "123456789012",
        "time": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "eu-west-1",
        "resources": [],
        "detail": {
            "payload": {
                f"{prefix}Flow__c": flow,
                f"{prefix}Event__c": event,
                f"{prefix}Record_Id__c": record_id,
                "CreatedById": created_by,
            },
            "schemaId": "local",
            "id": str(uuid.uuid4()),
        },
    }
