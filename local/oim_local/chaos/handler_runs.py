"""Chaos through the Lambda handlers, invoked in process as ``make demo`` does (moto for AWS).

A data set of its own (every document flow and supplier sites) under the org's faults:
- each flow's scheduled run gets a small Lambda time budget, so it hands over to continuations
  through its jobs queue; every batch of job messages is delivered twice (SQS is at least once);
- a scheduled invocation that fails is parked as Lambda parks it (an OnFailure record in the
  failed-invocations queue) and replayed with ``reinvoke_dead_letters`` while jobs are delivered;
- supplier-site changes reach the vendor-accounts function's FIFO queue with an update ahead of
  its create, and every batch is delivered twice; messages past their receives go to the DLQ and
  are put back while deliveries go on;
then the independent oracle judges the documents and every site must have exactly one vendor
account with its supplier name, linked, or be refused when that supplier already has one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from oim_connector.dlq.reinvoke import InProcessReinvoker, reinvoke_dead_letters
from oim_connector.org.adapter import SalesforceOrg
from oim_connector.org.credentials import SalesforceCredentials
from oim_connector.org.soql import Select, is_in

from oim_local.chaos.dataset import build_data
from oim_local.chaos.figures import HandlerFigures
from oim_local.chaos.judge import judge
from oim_local.org.server.faults import FaultKind, FaultPlan
from oim_local.runner import events
from oim_local.runner.aws import REGION
from oim_local.runner.environment import LocalEnvironment, salesforce_secret_for
from oim_local.runner.handlers import function_names
from oim_local.runner.supplier_queue import SupplierQueues, site_change

Say = Callable[[str], None]
ACCOUNT = "123456789012"
SITE = "SCMC__Supplier_Site__c"
FAILED_INVOCATIONS = "oim-connector-chaos-failed-invocations"
_MAX_BATCHES = 2_000


@contextmanager
def _environment_variables(values: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_handler_chaos(
    work_dir: Path, *, flows: tuple[str, ...], documents: int, fault_rate: float, seed: int, settings: Any,
    say: Say = lambda _: None, time_budget_seconds: float = 1.02,
) -> HandlerFigures:  # fmt: skip
    every = (*flows, "vendor-accounts")
    say(f"handler runs: generating {documents} documents and supplier sites")
    data = build_data(work_dir, flows=every, documents=documents, lines=(1, 20), invalid_share=0.1, seed=seed,
                      stale_claims=0, large_share=0.05, large_lines=(30, 40))  # fmt: skip
    figures = HandlerFigures(documents=sum(len(data.entries(f)) for f in flows),
                             supplier_sites=len(data.entries("vendor-accounts")))  # fmt: skip
    faults = FaultPlan(seed=seed, rate=fault_rate)
    # Batches of 2 and a small time budget: each invocation does a batch or two, then hands over (a flow has
    # only a handful of eligible sources here, and a run reads one record past its batch to know it is the last).
    variables = {"SAFETY_MARGIN_SECONDS": "1", "SALESFORCE_RETRY_ATTEMPTS": "3", "RUN_BATCH_SIZE": "2"}
    with _environment_variables(variables), LocalEnvironment(data.db, settings=settings, faults=faults, quiet=True,
                                                             timeout_seconds=time_budget_seconds) as env:  # fmt: skip
        assert env.org is not None and env.resources is not None
        runs = _HandlerRuns(env, figures)
        # The first flow's scheduled run meets an org that is down past every retry: Lambda parks it, and
        # it is replayed from the failed-invocations queue while the other flows' jobs are delivered.
        env.org.set_faults(FaultPlan(seed=seed, rate=1.0, kinds=(FaultKind.UNAVAILABLE_BEFORE_COMMIT,)))
        runs.schedule(flows[0])
        env.org.set_faults(faults)
        for flow in (*flows[1:], flows[0]):
            say(f"handler runs: {flow} scheduled, jobs delivered twice, failed invocations replayed meanwhile")
            if flow != flows[0]:
                runs.schedule(flow)
            runs.deliver_jobs(flow)
        runs.replay()
        runs.deliver_jobs(flows[0])
        say("handler runs: supplier-site changes, duplicated and out of order")
        _vendor_accounts(env, data.ids, data.entries("vendor-accounts"), work_dir / "data", figures, faults)
        env.org.set_faults(FaultPlan())
        for flow in flows:  # what the next scheduled run would see, the org well again
            runs.schedule(flow)
            runs.deliver_jobs(flow)
        runs.replay()
        org = SalesforceOrg(SalesforceCredentials.model_validate(salesforce_secret_for(env.org)))
        say("handler runs: judging")
        figures.oracle = judge(org, work_dir / "data", data.manifest.documents, data.ids, flows)
        _check_vendor_accounts(org, data.ids, data.entries("vendor-accounts"), work_dir / "data", figures)
    return figures


class _HandlerRuns:
    def __init__(self, env: LocalEnvironment, figures: HandlerFigures) -> None:
        self.env = env
        self.figures = figures
        self.sqs: Any = boto3.client("sqs", region_name=REGION)
        self.failed = self.sqs.create_queue(QueueName=FAILED_INVOCATIONS)["QueueUrl"]
        self.reinvoker = InProcessReinvoker(self._invoke, function_names())

    def _invoke(self, function: str, event: dict[str, Any]) -> Any:
        self.figures.invocations += 1
        return self.env.invoke(function, event, drain_jobs=False)

    def schedule(self, flow: str) -> None:
        function = flow.replace("-", "_")
        event = events.schedule_event(flow, dt.datetime.now(dt.UTC))
        try:
            self._invoke(function, event)
        except Exception as error:
            self._park(function, event, error)

    def _park(self, function: str, event: dict[str, Any], error: Exception) -> None:
        """Lambda's OnFailure record after an asynchronous invocation's retries ran out."""
        pascal = "".join(part.title() for part in function.split("_"))
        record = {
            "version": "1.0", "timestamp": dt.datetime.now(dt.UTC).isoformat(),
            "requestContext": {"requestId": f"chaos-{self.figures.invocations}", "condition": "RetriesExhausted",
                               "functionArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:"
                                              f"oim-connector-{pascal}Function-Chaos:$LATEST",
                               "approximateInvokeCount": 3},
            "requestPayload": event,
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
            "responsePayload": {"errorMessage": str(error), "errorType": type(error).__name__, "stackTrace": []},
        }  # fmt: skip
        self.sqs.send_message(QueueUrl=self.failed, MessageBody=json.dumps(record))
        self.figures.invocations_parked += 1

    def replay(self) -> None:
        result = reinvoke_dead_letters(self.sqs, self.failed, self.reinvoker)
        self.figures.invocations_replayed += len(result.reinvoked)

    def deliver_jobs(self, flow: str) -> None:
        """Lambda's event source mapping, at least once: each batch is handed to the function twice."""
        function = flow.replace("-", "_")
        url = self.env.resources.jobs_queues[flow]  # type: ignore[union-attr]
        for batch in range(_MAX_BATCHES):
            messages = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get(
                "Messages", []
            )
            if not messages:
                break
            self.figures.continuations += sum(1 for m in messages if json.loads(m["Body"]).get("continuation"))
            event = {"Records": [_sqs_record(m, url) for m in messages]}
            failed: set[str] = set()
            for _ in range(2):
                try:
                    result = self._invoke(function, event)
                    failed = {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])}
                except Exception:
                    failed = {m["MessageId"] for m in messages}
            self.figures.job_batches_delivered_twice += 1
            for message in messages:
                if message["MessageId"] in failed:
                    self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"],
                                                       VisibilityTimeout=0)  # fmt: skip
                else:
                    self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            if batch % 5 == 4:
                self.replay()  # the operator replays failed runs while the jobs go on


def _sqs_record(message: dict[str, Any], queue_url: str) -> dict[str, Any]:
    return {
        "messageId": message["MessageId"], "receiptHandle": message["ReceiptHandle"], "body": message["Body"],
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "0", "SenderId": "local",
                       "ApproximateFirstReceiveTimestamp": "0"},
        "messageAttributes": {}, "md5OfBody": message.get("MD5OfBody", ""), "eventSource": "aws:sqs",
        "eventSourceARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue_url.rsplit('/', 1)[-1]}", "awsRegion": REGION,
    }  # fmt: skip


def _vendor_accounts(
    env: LocalEnvironment, ids: dict[str, str], entries: list[Any], data_dir: Path, figures: HandlerFigures,
    faults: FaultPlan,
) -> None:  # fmt: skip
    assert env.org is not None
    queues = SupplierQueues(env, max_receives=3)
    sites = {r["attributes"]["referenceId"]: r for r in json.loads((data_dir / f"{SITE}.json").read_text())["records"]}
    changes = []
    for n, entry in enumerate(entries):
        site = ids[entry.reference_id]
        update = site_change(site, change_type="UPDATE", commit=2, changed=("SCMC__Mailing_City__c",))
        name = sites[entry.reference_id].get("SCMC__Supplier_Name__c")
        create = site_change(site, change_type="CREATE", commit=1, fields={"SCMC__Supplier_Name__c": name})
        if n % 2 == 0:  # every other site: its update arrives ahead of its create
            changes.extend([update, create])
            figures.supplier_updates_before_create += 1
        else:
            changes.extend([create, update])
    env.org.set_faults(FaultPlan())  # the events reach the queue; the faults are the org's, when syncing
    queues.publish(*changes)
    env.org.set_faults(faults)
    replayed: set[str] = set()
    for _ in range(_MAX_BATCHES):
        answer = queues.sqs.receive_message(QueueUrl=queues.url, MaxNumberOfMessages=10, AttributeNames=["All"])
        messages = answer.get("Messages", [])
        if not messages:
            if not _put_back(queues, figures, replayed):
                break
            continue
        event = {"Records": [queues.record(dict(m)) for m in messages]}
        failed: set[str] = set()
        for _ in range(2):
            figures.invocations += 1
            try:
                result = env.invoke("vendor_accounts", event)
                failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
            except Exception:
                failed = {m["MessageId"] for m in messages}
        figures.supplier_batches_delivered_twice += 1
        queues.settle(messages, failed)


def _put_back(queues: SupplierQueues, figures: HandlerFigures, replayed: set[str]) -> bool:
    """The operator's DLQ replay: letters back onto the queue (a new deduplication id), each once; a
    letter back a second time is a refusal (a duplicate supplier) and stays for the operator. True if any."""
    letters = queues.sqs.receive_message(QueueUrl=queues.dlq_url, MaxNumberOfMessages=10,
                                         AttributeNames=["All"]).get("Messages", [])  # fmt: skip
    moved = False
    for letter in letters:
        if letter["Body"] in replayed:
            queues.sqs.change_message_visibility(QueueUrl=queues.dlq_url, ReceiptHandle=letter["ReceiptHandle"],
                                                 VisibilityTimeout=3_600)  # fmt: skip
            continue
        replayed.add(letter["Body"])
        group = letter.get("Attributes", {}).get("MessageGroupId", "replay")
        queues.send_raw(letter["Body"], group, f"replay-{letter['MessageId']}")
        queues.sqs.delete_message(QueueUrl=queues.dlq_url, ReceiptHandle=letter["ReceiptHandle"])
        figures.supplier_letters_put_back += 1
        moved = True
    return moved or bool(letters)


def _check_vendor_accounts(
    org: SalesforceOrg, ids: dict[str, str], entries: list[Any], data_dir: Path, figures: HandlerFigures
) -> None:
    """The oracle of the vendor-accounts flow: one linked vendor account per site, named after its supplier
    and with its AP control GLA, unless a vendor account of that supplier name already exists."""
    sites = {r["attributes"]["referenceId"]: r for r in json.loads((data_dir / f"{SITE}.json").read_text())["records"]}
    existing = {r["Name"] for r in json.loads((data_dir / "Account.json").read_text())["records"]
                if r.get("Type") == "Vendor"}  # fmt: skip
    site_ids = [ids[e.reference_id] for e in entries]
    held = {str(r["Id"]): r for r in org.query(Select(SITE, ("Id", "SCMC__Account__c"), where=is_in("Id", site_ids)))}
    external = [f"SUPPLIER_SITE:{s}" for s in site_ids]
    accounts: dict[str, list[dict[str, Any]]] = {}
    for row in org.query(Select("Account", ("Id", "Name", "OIM_External_Id__c", "c2g__CODAAccountsPayableControl__c"),
                                where=is_in("OIM_External_Id__c", external))):  # fmt: skip
        accounts.setdefault(str(row["OIM_External_Id__c"]), []).append(row)
    for entry in entries:
        site_id = ids[entry.reference_id]
        site = sites[entry.reference_id]
        found = accounts.get(f"SUPPLIER_SITE:{site_id}", [])
        name = site.get("SCMC__Supplier_Name__c")
        if name in existing:
            if found:
                figures.vendor_problems.append(f"{entry.reference_id}: {name} already has a vendor account, "
                                               f"yet {len(found)} were created")  # fmt: skip
            else:
                figures.vendor_refusals_right += 1
            continue
        figures.vendor_accounts_expected += 1
        gla = ids.get(str(site.get("SCMFFA__Accounts_Payable_Control_GLA__c", "")).removeprefix("@"))
        problems = []
        if len(found) != 1:
            problems.append(f"{len(found)} vendor accounts, intended 1")
        else:
            account = found[0]
            if account["Name"] != name:
                problems.append(f"Name {account['Name']!r}, intended {name!r}")
            if gla and account.get("c2g__CODAAccountsPayableControl__c") != gla:
                problems.append(f"AP control {account.get('c2g__CODAAccountsPayableControl__c')!r}, intended {gla!r}")
            if held.get(site_id, {}).get("SCMC__Account__c") != account["Id"]:
                problems.append(f"site linked to {held.get(site_id, {}).get('SCMC__Account__c')!r}, not its account")
        if problems:
            figures.vendor_problems.extend(f"{entry.reference_id}: {p}" for p in problems)
        else:
            figures.vendor_accounts_right += 1
