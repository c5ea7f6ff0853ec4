"""Writes the canonical trigger payloads in events/ (see events/README.md).

The API Gateway and SQS envelopes start from `sam local generate-event` and are edited into what
AWS delivers for this stack: a SigV4-signed REST call from the Salesforce External Credential's
IAM user, a FIFO queue record whose body is an EventBridge event, and so on. Record ids are those
of the sample data (oim_local.org.ids.new_id: serial 1, 2, 3 of each object).

Run: .venv/bin/python events/generate.py   (edit this script, not the JSON files)
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from oim_local.org.ids import new_id

HERE = Path(__file__).resolve().parent
SAM = Path(sys.executable).parent / "sam"

ACCOUNT = "123456789012"
REGION = "eu-west-1"
API_ID = "a1b2c3d4e5"
STAGE = "prod"
ORG_ID = new_id("00D", 1)
RELAY_ID = new_id("0YL", 1)
INTEGRATION_USER = new_id("005", 1)
BUTTON_USER = new_id("005", 1)  # the user who pressed a list button (told when the job finishes)
CALLER_USER_ARN = f"arn:aws:iam::{ACCOUNT}:user/salesforce-oim-connector"
CALLER_USER_ID = "AIDAEXAMPLEOIMCALLER1"
CALLER_ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
REQUEST_TIME = "25/Nov/2026:10:15:00 +0000"
REQUEST_EPOCH_MS = int(datetime(2026, 11, 25, 10, 15, tzinfo=UTC).timestamp() * 1000)
AMZ_DATE = "20261125T101500Z"
EVENT_TIME = "2026-11-25T10:15:00Z"
RELAY_SOURCE = f"aws.partner/salesforce.com/{ORG_ID}/{RELAY_ID}"

# flow id, python name, key prefix of the source header, the OIM event that triggers it
DOCUMENT_FLOWS = (
    ("sales-invoices", "sales_invoices", "a4A", "shipment-completed"),
    ("sales-credit-notes", "sales_credit_notes", "a4C", "invoice-credited"),
    ("payable-invoices", "payable_invoices", "a4E", "voucher-matched"),
    ("payable-credit-notes", "payable_credit_notes", "a4G", "voucher-credited"),
    ("journals", "journals", "a4J", "perpetual-record-created"),
)
SUPPLIER_SITE = "a3J"
TOO_MANY_IDS = 10_001


@cache
def _generated(*args: str) -> str:
    env = {**os.environ, "SAM_CLI_TELEMETRY": "0"}
    command = [str(SAM), "local", "generate-event", *args]
    return subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout


def generate_event(*args: str) -> dict[str, Any]:
    """A fresh copy of what `sam local generate-event ARGS` prints (run once per ARGS)."""
    event: dict[str, Any] = json.loads(_generated(*args))
    return event


def api_event(method: str, path: str, body: Any = None, *, raw_body: str | None = None,
              resource: str | None = None, path_parameters: dict[str, str] | None = None,
              idempotency_key: str | None = None) -> dict[str, Any]:  # fmt: skip
    """A REST API (v1) Lambda proxy event of a SigV4-signed call, as API Gateway sends it."""
    event = generate_event("apigateway", "aws-proxy", "--stage", STAGE, "--account-id", ACCOUNT)
    text = raw_body if raw_body is not None else (None if body is None else json.dumps(body, separators=(",", ":")))
    payload_hash = hashlib.sha256((text or "").encode()).hexdigest()
    signed = "content-type;host;x-amz-content-sha256;x-amz-date"
    signature = hashlib.sha256(f"{method} {path} {payload_hash}".encode()).hexdigest()  # stands in for a real one
    host = f"{API_ID}.execute-api.{REGION}.amazonaws.com"
    headers = {
        "Authorization": f"AWS4-HMAC-SHA256 Credential={CALLER_ACCESS_KEY}/{AMZ_DATE[:8]}/{REGION}/execute-api/"
        f"aws4_request, SignedHeaders={signed}, Signature={signature}",
        "Content-Type": "application/json",
        "Host": host,
        "User-Agent": "SFDC-Callout/62.0",
        "X-Amz-Content-Sha256": payload_hash,
        "X-Amz-Date": AMZ_DATE,
        "X-Amzn-Trace-Id": "Root=1-6925814c-5f1e2d3c4b5a69788796a5b4",
        "X-Forwarded-For": "198.51.100.23",
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
    }
    if body is None and raw_body is None:
        del headers["Content-Type"]
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    event["resource"] = resource or path
    event["path"] = path
    event["httpMethod"] = method
    event["headers"] = headers
    event["multiValueHeaders"] = {k: [v] for k, v in headers.items()}
    event["queryStringParameters"] = None
    event["multiValueQueryStringParameters"] = None
    event["pathParameters"] = path_parameters
    event["stageVariables"] = None
    event["body"] = text
    event["isBase64Encoded"] = False
    context = event["requestContext"]
    context.update({
        "resourceId": "k3x9q2", "resourcePath": resource or path, "httpMethod": method,
        "extendedRequestId": "UHm4xGfvDoEFQ9A=", "requestTime": REQUEST_TIME, "path": f"/{STAGE}{path}",
        "accountId": ACCOUNT, "protocol": "HTTP/1.1", "stage": STAGE, "domainPrefix": API_ID,
        "requestTimeEpoch": REQUEST_EPOCH_MS, "requestId": "5f0f1b7e-3a52-4c1e-9d3b-2b1f7c0e9a11",
        "domainName": host, "deploymentId": "w8k2lq", "apiId": API_ID,
    })  # fmt: skip
    context["identity"] = {
        "cognitoIdentityPoolId": None, "accountId": ACCOUNT, "cognitoIdentityId": None, "caller": CALLER_USER_ID,
        "sourceIp": "198.51.100.23", "principalOrgId": None, "accessKey": CALLER_ACCESS_KEY,
        "cognitoAuthenticationType": None, "cognitoAuthenticationProvider": None, "userArn": CALLER_USER_ARN,
        "userAgent": "SFDC-Callout/62.0", "user": CALLER_USER_ID,
    }  # fmt: skip
    return event


def relay_event(detail_type: str, payload: dict[str, Any], event_uuid: str, schema_id: str) -> dict[str, Any]:
    # EventBridge's id and the Salesforce EventUuid (detail.id) are different identifiers.
    """An event from a Salesforce Event Relay, as EventBridge delivers it to a target."""
    return {
        "version": "0",
        "id": event_uuid,
        "detail-type": detail_type,
        "source": RELAY_SOURCE,
        "account": ACCOUNT,
        "time": EVENT_TIME,
        "region": REGION,
        "resources": [],
        "detail": {"payload": payload, "schemaId": schema_id, "id": str(uuid.uuid5(uuid.NAMESPACE_URL, event_uuid))},
    }


def site_change(change_type: str, site: str, commit_number: int, fields: dict[str, Any], n: int) -> dict[str, Any]:
    header = {
        "entityName": "SCMC__Supplier_Site__c",
        "recordIds": [site],
        "changeType": change_type,
        "changeOrigin": "com/salesforce/api/rest/62.0",
        "transactionKey": f"0002e3f1-7c1a-4b0e-9f52-00000000000{n}",
        "sequenceNumber": 1,
        "commitTimestamp": REQUEST_EPOCH_MS - 1000 + n,
        "commitNumber": commit_number,
        "commitUser": INTEGRATION_USER,
        "nulledFields": [],
        "diffFields": [],
        "changedFields": [] if change_type == "CREATE" else sorted(fields),
    }
    return relay_event("SCMC__Supplier_Site__ChangeEvent", {"ChangeEventHeader": header, **fields},
                       f"6f1c0a52-8d3e-4b7a-a1c2-0000000000{n:02d}", "Zz5XmcUuN0zwEWqjCP1Lfw")  # fmt: skip


def sqs_record(body: str, group: str, dedup: str, n: int) -> dict[str, Any]:
    template = generate_event("sqs", "receive-message", "--queue-name", "supplier-site-changes.fifo",
                              "--account-id", ACCOUNT, "--region", REGION, "--body", "x")["Records"][0]  # fmt: skip
    record: dict[str, Any] = copy.deepcopy(template)
    record.update({
        "messageId": f"2e1424d4-f796-459a-8184-9c92662be6d{n}",
        "receiptHandle": f"AQEBzWwaftRI0KuVm4tP+/7q1rGgNqicHq/supplier-site-changes-{n}",
        "body": body,
        "md5OfBody": hashlib.md5(body.encode(), usedforsecurity=False).hexdigest(),
        "messageAttributes": {},
    })  # fmt: skip
    record["attributes"] = {
        "ApproximateReceiveCount": "1",
        "SentTimestamp": str(REQUEST_EPOCH_MS + 1000 + n),
        "SequenceNumber": f"1887802735064932761{n}",
        "MessageGroupId": group,
        "SenderId": "AROAEXAMPLEVENDORFN01:oim-connector-vendor-accounts",
        "MessageDeduplicationId": dedup,
        "ApproximateFirstReceiveTimestamp": str(REQUEST_EPOCH_MS + 2000 + n),
    }
    return record


def site_fields(serial: int, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "Name": f"Site {serial:03d}",
        "SCMC__Supplier_Name__c": "Northwind Components Ltd",
        "SCMC__Account__c": new_id("001", serial),
        "SCMC__Active__c": True,
        "SCMC__Currency__c": new_id("a3A", 1),
        "SCMC__Mailing_City__c": "Leeds",
        "SCMC__Mailing_Country__c": "United Kingdom",
        "SCMC__PO_Payment_Terms__c": new_id("a3H", 1),
        "CreatedDate": EVENT_TIME,
        "CreatedById": INTEGRATION_USER,
        "LastModifiedDate": EVENT_TIME,
        "LastModifiedById": INTEGRATION_USER,
    }
    fields.update(overrides)
    return fields


def sqs_of(change: dict[str, Any], n: int) -> dict[str, Any]:
    header = change["detail"]["payload"]["ChangeEventHeader"]
    site = header["recordIds"][0]
    return sqs_record(json.dumps(change), site, f"{site}:{header['commitNumber']}", n)


def build() -> dict[str, Any]:
    events: dict[str, Any] = {}
    for flow, name, prefix, oim_event in DOCUMENT_FLOWS:
        ids = [new_id(prefix, serial) for serial in (1, 2, 3)]
        events[f"{name}_record"] = api_event("POST", f"/flows/{flow}/record", {"recordId": ids[0]})
        events[f"{name}_list"] = api_event("POST", f"/flows/{flow}/list",
                                           {"recordIds": ids, "requestedBy": BUTTON_USER},
                                           idempotency_key=f"{flow}-list-7d3f0c2a")  # fmt: skip
        events[f"{name}_list_all"] = api_event("POST", f"/flows/{flow}/list",
                                               {"allEligible": True, "requestedBy": BUTTON_USER},
                                               idempotency_key=f"{flow}-all-7d3f0c2b")  # fmt: skip
        events[f"{name}_schedule"] = {"flow": flow, "trigger": "schedule", "scheduleName": f"oim-{flow}",
                                      "scheduledTime": "2026-11-25T06:00:00Z"}  # fmt: skip
        payload = {"SCMFFA__Flow__c": flow, "SCMFFA__Event__c": oim_event, "SCMFFA__Record_Id__c": ids[0],
                   "CreatedDate": EVENT_TIME, "CreatedById": INTEGRATION_USER}  # fmt: skip
        event_id = f"3b9d7c1e-52a4-4f0b-8e6d-{prefix.lower()}000000001"
        events[f"{name}_event"] = relay_event(
            "SCMFFA__OIM_Document_Event__e", payload, event_id, "Yp1Q9ukSwB4s6aGd2yHHaw"
        )

    job_id = "job-5b0c2f9e6a7d4e31"
    events["sales_invoices_job_status"] = api_event(
        "GET", f"/flows/sales-invoices/jobs/{job_id}", resource="/flows/sales-invoices/jobs/{jobId}",
        path_parameters={"jobId": job_id})  # fmt: skip

    invoice = new_id("a4A", 1)
    events["api_bad_json"] = api_event("POST", "/flows/sales-invoices/record", raw_body='{"recordId": "' + invoice)
    events["api_no_body"] = api_event("POST", "/flows/sales-invoices/record")
    events["api_bad_id"] = api_event("POST", "/flows/sales-invoices/record", {"recordId": "a4A' OR Name != '"})
    events["api_unknown_flow"] = api_event("POST", "/flows/sales-orders/record", {"recordId": invoice})
    events["api_too_many_ids"] = api_event(
        "POST", "/flows/sales-invoices/list", {"recordIds": [new_id("a4A", s) for s in range(1, TOO_MANY_IDS + 1)]}
    )

    created = site_change("CREATE", new_id(SUPPLIER_SITE, 1), 10813280944401, site_fields(1), 1)
    updated = site_change("UPDATE", new_id(SUPPLIER_SITE, 2), 10813280944402,
                          {"SCMC__Mailing_City__c": "York", "LastModifiedDate": EVENT_TIME,
                           "LastModifiedById": INTEGRATION_USER}, 2)  # fmt: skip
    events["vendor_accounts_event"] = created
    events["vendor_accounts_sqs_created"] = {"Records": [sqs_of(created, 1)]}
    events["vendor_accounts_sqs_updated"] = {"Records": [sqs_of(updated, 2)]}
    missing_site = new_id(SUPPLIER_SITE, 999_999)
    failing = site_change("UPDATE", missing_site, 10813280944404,
                          {"SCMC__Active__c": False, "LastModifiedDate": EVENT_TIME}, 4)  # fmt: skip
    not_json = sqs_record('{"version": "0", "detail-type": "SCMC__Supplier_Site__ChangeEvent", "detail": {',
                          "unknown", "malformed-1", 3)  # fmt: skip
    events["vendor_accounts_sqs_batch_mixed"] = {"Records": [sqs_of(updated, 2), not_json, sqs_of(failing, 4)]}

    events["admin_get_settings"] = api_event("GET", "/admin/settings", resource="/admin/{proxy+}",
                                             path_parameters={"proxy": "settings"})  # fmt: skip
    events["admin_put_settings"] = api_event(
        "PUT", "/admin/settings", {"salesInvoices": {"autoPost": False}}, resource="/admin/{proxy+}",
        path_parameters={"proxy": "settings"})  # fmt: skip
    events["admin_put_schedule"] = api_event(
        "PUT", "/admin/schedules/sales-invoices",
        {"state": "ENABLED", "expression": "cron(0 6 * * ? *)", "timezone": "Europe/London"},
        resource="/admin/{proxy+}", path_parameters={"proxy": "schedules/sales-invoices"})  # fmt: skip
    return events


def main() -> None:
    for old in HERE.glob("*.json"):
        old.unlink()
    events = build()
    for name, event in sorted(events.items()):
        (HERE / f"{name}.json").write_text(json.dumps(event, indent=2) + "\n")
    print(f"wrote {len(events)} events to {HERE}")


if __name__ == "__main__":
    main()
