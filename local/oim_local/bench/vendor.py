"""Supplier-site changes in the benchmark: CDC messages in FIFO batches of 10 through the real
vendor_accounts handler, beside a simple-salesforce baseline of one request per record.

Each site's change is one SQS message (message group = the site), as the function queues them;
the batches are handed to the handler the way Lambda's event source mapping does.
"""

from __future__ import annotations

import contextlib
import json
import time
import tracemalloc
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from oim_connector.mapping.defaults import default_rules
from oim_connector.mapping.reference import ReferenceData
from oim_connector.mapping.rules import effective_rules
from oim_connector.mapping.vendor_accounts import (
    ACCOUNT_FIELDS,
    ACCOUNT_OBJECT,
    SITE_ACCOUNT_FIELD,
    SITE_FIELDS,
    SITE_OBJECT,
    DuplicateCandidate,
    external_id,
    map_vendor_account,
)
from oim_connector.model.documents import EXTERNAL_ID_FIELD
from oim_connector.model.settings import ConnectorSettings
from oim_connector.org.graph import ref, update_node, upsert_node
from oim_connector.org.soql import Select, eq, is_in, ne
from oim_connector.vendor_sync.messages import change_version

from oim_local.bench.baseline import _clients, _write_one
from oim_local.bench.figures import RunFigures
from oim_local.org.runtime import FaultPlan, start_local_org
from oim_local.org.store import OrgStore
from oim_local.runner.aws import REGION
from oim_local.runner.environment import LocalEnvironment
from oim_local.runner.handlers import load_handler
from oim_local.runner.supplier_queue import QUEUE, TS0, site_change

FUNCTION = "vendor_accounts"
SQS_BATCH_SIZE = 10  # the FIFO event source mapping's largest batch
_QUEUE_ARN = f"arn:aws:sqs:{REGION}:123456789012:{QUEUE}"
_COMMIT = 1
_COMMIT_NUMBER = 10_813_280_944_400  # as site_change numbers its commits


def unlinked_sites(store: OrgStore) -> list[str]:
    """The supplier sites without a vendor account: the changes the benchmark sends."""
    select = Select(SITE_OBJECT, ("Id",), where=eq(SITE_ACCOUNT_FIELD, None), order_by=("Id",))
    return [str(r["Id"]) for r in store.query(select.render()).records]


def sqs_batches(store: OrgStore, site_ids: Sequence[str]) -> Iterator[dict[str, Any]]:
    """The sites' CDC create messages as the FIFO queue delivers them, ``SQS_BATCH_SIZE`` at a time;
    each carries its site's field values, as Change Data Capture sends them for a new record."""
    for start in range(0, len(site_ids), SQS_BATCH_SIZE):
        chunk = list(site_ids[start : start + SQS_BATCH_SIZE])
        select = Select(SITE_OBJECT, SITE_FIELDS, where=is_in("Id", chunk))
        values = {str(r["Id"]): r for r in store.query(select.render()).records}
        yield {"Records": [_sqs_record(site_id, values[site_id]) for site_id in chunk]}


def _sqs_record(site_id: str, site: dict[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in site.items() if k not in ("attributes", "Id") and "." not in k and v is not None
              and not isinstance(v, dict)}  # fmt: skip
    return {
        "messageId": f"msg-{site_id}", "receiptHandle": f"rh-{site_id}",
        "body": json.dumps(site_change(site_id, change_type="CREATE", commit=_COMMIT, fields=fields)),
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "0", "SenderId": "local",
                       "ApproximateFirstReceiveTimestamp": "0", "MessageGroupId": site_id,
                       "MessageDeduplicationId": f"{site_id}:1"},
        "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs", "eventSourceARN": _QUEUE_ARN,
        "awsRegion": REGION,
    }  # fmt: skip


def run_vendor_connector(
    db_path: Path,
    settings: ConnectorSettings,
    faults: FaultPlan,
    site_ids: Sequence[str],
    *,
    trace_memory: bool = False,
) -> tuple[RunFigures, tuple[int, int]]:
    """Figures of the sites' changes through the handler, and the org's (graphs, nodes) written."""
    load_handler(FUNCTION)
    failed = 0
    with LocalEnvironment(db_path, settings=settings, faults=faults, quiet=True, warm=True) as env, quiet_logs():
        assert env.org is not None
        batches = list(sqs_batches(env.org.store, site_ids))  # the events, made before the clock starts
        env.org.reset_counters()
        if trace_memory:
            tracemalloc.start()
        started = time.perf_counter()
        for batch in batches:
            failed += len(env.invoke(FUNCTION, batch)["batchItemFailures"])
        wall = time.perf_counter() - started
        peak_mb = None
        if trace_memory:
            peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        counters = env.org.counters()
        created = _linked(env.org.store, site_ids)
    figures = RunFigures(
        documents=len(site_ids),
        created=created,
        failed=failed,
        api_requests=counters.total_requests,
        requests_by_kind=counters.requests_by_kind,
        wall_seconds=wall,
        peak_memory_mb=peak_mb,
    )
    return figures, (counters.graphs, counters.nodes)


@contextlib.contextmanager
def quiet_logs() -> Iterator[None]:
    """The handler logs every change at INFO; the benchmark's output is its table."""
    from oim_connector.observability import logger

    level = logger.log_level
    logger.setLevel("ERROR")
    try:
        yield
    finally:
        logger.setLevel(level)


def _linked(store: OrgStore, site_ids: Sequence[str]) -> int:
    linked = 0
    for start in range(0, len(site_ids), 200):
        where = is_in("Id", list(site_ids[start : start + 200])) & ne(SITE_ACCOUNT_FIELD, None)
        linked += store.query(Select(SITE_OBJECT, ("Id",), where=where).render()).total_size
    return linked


def run_vendor_baseline(
    db_path: Path, settings: ConnectorSettings, faults: FaultPlan, site_ids: Sequence[str]
) -> RunFigures:
    """The sites one request per record: read the site, its account by external id, the duplicates;
    then upsert the account and link the site, one PATCH each. Same mapping as the connector."""
    vendor = settings.vendor_accounts
    version = change_version(TS0 + _COMMIT, _COMMIT_NUMBER + _COMMIT)
    rules = effective_rules(default_rules(FUNCTION), vendor.custom_mappings, vendor.use_custom_mappings)
    sources = [r.source for r in rules if r.level == "header" and r.source]
    site_fields = tuple(dict.fromkeys((*SITE_FIELDS, *sources)))
    with start_local_org(db_path, faults=faults) as org:
        client, _ = _clients(org)
        started = time.perf_counter()
        reference = _reference(client, vendor.default_ap_control_gla)
        created = failed = 0
        for site_id in site_ids:
            site = client.query(Select(SITE_OBJECT, site_fields, where=eq("Id", site_id)).render())["records"][0]
            by_external_id = Select(ACCOUNT_OBJECT, ACCOUNT_FIELDS, where=eq(EXTERNAL_ID_FIELD, external_id(site_id)))
            accounts = client.query(by_external_id.render())["records"]
            account = accounts[0] if accounts else None
            duplicates = _duplicates(client, site) if account is None else []
            mapped = map_vendor_account(site, account=account, duplicates=duplicates, ref=reference,
                                        settings=vendor, rules=rules, version=version)  # fmt: skip
            if mapped.errors or mapped.skip_reason:
                failed += 1
                continue
            document, link = mapped.documents[0], mapped.header_link
            assert link is not None  # every benchmark site is new, so it gets linked
            ids_by_ref: dict[str, str] = {}
            _write_one(client, upsert_node(ACCOUNT_OBJECT, EXTERNAL_ID_FIELD, document.external_id, "account",
                                           document.fields), ids_by_ref)  # fmt: skip
            _write_one(client, update_node(SITE_OBJECT, link.record_id, "site",
                                           {link.field: ref("account"), **link.extra_fields}), ids_by_ref)  # fmt: skip
            created += 1
        wall = time.perf_counter() - started
        counters = org.counters()
    return RunFigures(
        documents=len(site_ids),
        created=created,
        failed=failed,
        api_requests=counters.total_requests,
        requests_by_kind=counters.requests_by_kind,
        wall_seconds=wall,
    )


def _reference(client: Any, ap_control: str | None) -> ReferenceData:
    if not ap_control:
        return ReferenceData(gla_by_reporting_code={})
    select = Select("c2g__codaGeneralLedgerAccount__c", ("Id", "c2g__ReportingCode__c"),
                    where=eq("c2g__ReportingCode__c", ap_control))  # fmt: skip
    return ReferenceData(gla_by_reporting_code={r["c2g__ReportingCode__c"]: r["Id"] for r in
                                                client.query(select.render())["records"]})  # fmt: skip


def _duplicates(client: Any, site: dict[str, Any]) -> list[DuplicateCandidate]:
    name = site.get("SCMC__Supplier_Name__c")
    if not name:
        return []
    select = Select(ACCOUNT_OBJECT, ("Id", "Name"), where=eq("Name", name), order_by=("Id",))
    return [DuplicateCandidate(r["Id"], r["Name"], f"supplier name '{name}'")
            for r in client.query(select.render())["records"]]  # fmt: skip
