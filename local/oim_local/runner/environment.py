"""One machine standing in for Salesforce and AWS: a local org and moto, wired to the
handlers exactly as a deployment wires them (a secret, a settings parameter, tables,
jobs queues), so an invocation here runs the same code as in Lambda."""

from __future__ import annotations

import contextlib
import io
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import boto3
from oim_connector.model.flows import DOCUMENT_FLOWS, FlowId
from oim_connector.model.settings import ConnectorSettings

from oim_local.org.runtime import FaultPlan, RunningOrg, start_local_org
from oim_local.org.schema import Schema
from oim_local.runner.aws import REGION, LocalAwsResources, create_resources
from oim_local.runner.context import LocalLambdaContext
from oim_local.runner.handlers import load_handler

_AWS_DEFAULTS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
    "AWS_DEFAULT_REGION": REGION,
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_SERVICE_NAME": "oim-connector",
    "POWERTOOLS_METRICS_NAMESPACE": "OimConnector",
}


def salesforce_secret_for(org: RunningOrg, api_version: str = "62.0") -> dict[str, Any]:
    return {
        "auth": "token",
        "instance_url": org.instance_url,
        "access_token": org.token,
        "ca_bundle": Path(org.ca_cert).read_text(encoding="utf-8"),
        "api_version": api_version,
    }


@dataclass
class Invocation:
    function: str
    event: dict[str, Any]
    result: Any


@dataclass
class LocalEnvironment:
    """Use as a context manager; ``invoke`` runs a handler and then its queued jobs."""

    db_path: Path
    settings: ConnectorSettings | None = None
    faults: FaultPlan | None = None
    daily_limit: int = 5_000_000
    timeout_seconds: float = 900.0
    sync_list_limit: int = 50
    # Keep the handlers' structured logs and metrics off the terminal (the demo's table is the output).
    quiet: bool = False
    # Short backoffs: faults injected in tests should not make them slow.
    retry_base_seconds: float = 0.01
    # Keep the functions' clients, session and cached settings between invocations, as a warm Lambda
    # does (the benchmark); by default each invocation starts afresh, so settings saved by a test apply.
    warm: bool = False
    # The org's data model, when not the shipped one (an org that spells some OIM names its own way).
    schema: Schema | None = None
    org: RunningOrg | None = field(default=None, init=False)
    resources: LocalAwsResources | None = field(default=None, init=False)
    _stack: contextlib.ExitStack = field(default_factory=contextlib.ExitStack, init=False)
    _saved_env: dict[str, str | None] = field(default_factory=dict, init=False)

    def __enter__(self) -> LocalEnvironment:
        from moto import mock_aws

        for key, value in _AWS_DEFAULTS.items():
            self._set_env(key, os.environ.get(key) or value)
        if self.quiet:
            self._set_env("POWERTOOLS_METRICS_DISABLED", "true")
            self._set_env("POWERTOOLS_LOG_LEVEL", "ERROR")
        self.org = self._stack.enter_context(
            start_local_org(self.db_path, faults=self.faults, daily_limit=self.daily_limit, schema=self.schema)
        )
        self._stack.enter_context(mock_aws())
        self.resources = create_resources(salesforce_secret_for(self.org), [f.value for f in FlowId])
        if self.settings is not None:
            self.save_settings(self.settings)
        self._set_env("SALESFORCE_SECRET_ARN", self.resources.secret_arn)
        self._set_env("SETTINGS_TABLE", self.resources.settings_table)
        self._set_env("IDEMPOTENCY_TABLE", self.resources.idempotency_table)
        self._set_env("JOBS_TABLE", self.resources.jobs_table)
        self._set_env("SYNC_LIST_LIMIT", str(self.sync_list_limit))
        self._set_env("SALESFORCE_RETRY_BASE_SECONDS", str(self.retry_base_seconds))
        self._set_env("SALESFORCE_CONCURRENCY_BACKOFF_SECONDS", str(self.retry_base_seconds * 5))
        self._reset_wiring()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._reset_wiring()
        self._stack.close()
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

    # -- configuration -----------------------------------------------------------------------
    def save_settings(self, settings: ConnectorSettings) -> None:
        assert self.resources is not None
        from oim_connector.settings_repo import DynamoSettingsRepository

        DynamoSettingsRepository(self.resources.settings_table, boto3.client("dynamodb", region_name=REGION)).write(
            settings, None
        )
        self.settings = settings
        self._reset_wiring()

    def use_avalara(self, avalara_secret: dict[str, Any]) -> None:
        """Give the functions Avalara credentials (e.g. the local AvaTax stand-in's) and the claims table."""
        from oim_local.runner.aws import create_avalara_resources

        arn, table = create_avalara_resources(avalara_secret)
        self._set_env("AVALARA_SECRET_ARN", arn)
        self._set_env("TAX_CLAIMS_TABLE", table)
        self._reset_wiring()

    # -- invocations -------------------------------------------------------------------------
    def invoke(self, function: str, event: dict[str, Any], *, drain_jobs: bool = True) -> Any:
        """Invoke ``functions/<function>/app.py`` like Lambda, then run what it queued."""
        result = self._invoke_once(function, event)
        if drain_jobs:
            self.drain_jobs(function)
        return result

    def drain_jobs(self, function: str, max_batches: int = 10_000) -> list[Invocation]:
        """Deliver the function's jobs queue to it in SQS batches until the queue is empty."""
        flow = _flow_of(function)
        if flow is None or flow not in DOCUMENT_FLOWS:
            return []
        sqs = boto3.client("sqs", region_name=REGION)
        url = self._queue_url(flow)
        runs = []
        for _ in range(max_batches):
            received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
            messages = received.get("Messages", [])
            if not messages:
                break
            event = {"Records": [_sqs_record(dict(m), url) for m in messages]}
            result = self._invoke_once(function, event)
            failed = {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])}
            for message in messages:
                if message["MessageId"] not in failed:
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            runs.append(Invocation(function, event, result))
            if failed:
                break
        return runs

    def _invoke_once(self, function: str, event: dict[str, Any]) -> Any:
        flow = _flow_of(function)
        if flow is not None:
            self._set_env("FLOW", flow.value)
            if flow in DOCUMENT_FLOWS:
                self._set_env("JOBS_QUEUE_URL", self._queue_url(flow))
        if not self.warm:
            self._reset_wiring()
        handler = load_handler(function)
        try:
            with self._quieted():
                return handler(event, LocalLambdaContext(function_name=function, timeout_seconds=self.timeout_seconds))
        finally:
            self._clear_metrics()

    @contextlib.contextmanager
    def _quieted(self) -> Iterator[None]:
        """With ``quiet``, the handler's log lines below ERROR and its metrics (EMF lines printed to
        stdout) stay off the terminal: powertools reads its level and switches at import, so the
        variables set in __enter__ come too late for an already imported handler."""
        if not self.quiet:
            yield
            return
        logging.disable(logging.WARNING)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                yield
        finally:
            logging.disable(logging.NOTSET)

    def _queue_url(self, flow: FlowId) -> str:
        assert self.resources is not None
        return self.resources.jobs_queues[flow.value]

    def _set_env(self, key: str, value: str) -> None:
        if key not in self._saved_env:
            self._saved_env[key] = os.environ.get(key)
        os.environ[key] = value

    @staticmethod
    def _clear_metrics() -> None:
        """Each invocation starts with no metrics, as in a fresh Lambda invocation: with metrics disabled
        powertools never flushes, and the values it kept would auto-flush (and fail) at 100 in a later run."""
        from oim_connector.observability import metrics

        metrics.clear_metrics()

    @staticmethod
    def _reset_wiring() -> None:
        from oim_connector import wiring

        wiring.reset()


def _flow_of(function: str) -> FlowId | None:
    try:
        return FlowId(function.replace("_", "-"))
    except ValueError:
        return None


def _sqs_record(message: dict[str, Any], queue_url: str) -> dict[str, Any]:
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "0", "SenderId": "local",
                       "ApproximateFirstReceiveTimestamp": "0"},
        "messageAttributes": {},
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": f"arn:aws:sqs:{REGION}:123456789012:{queue_url.rsplit('/', 1)[-1]}",
        "awsRegion": REGION,
    }  # fmt: skip


@contextlib.contextmanager
def local_environment(db_path: Path, **options: Any) -> Iterator[LocalEnvironment]:
    with LocalEnvironment(db_path, **options) as env:
        yield env
