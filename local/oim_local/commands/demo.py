"""``oim-connector demo`` (``make demo``): the sample data in a fresh local org, every built flow
run through its real handlers (record action, schedule, list view), and a table of the outcome."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from oim_connector.flows.registry import implemented_flows
from oim_connector.model.flows import FlowId
from oim_connector.model.settings import ConnectorSettings, GeneralSettings, JournalSettings
from oim_connector.org.soql import Select, eq

from oim_local.console import emit, out, table
from oim_local.runner import events
from oim_local.runner.environment import LocalEnvironment
from oim_local.sample import load_sample


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="load the sample data and run every built flow through its handlers",
        description="Loads the sample data set into a fresh local org, runs each built flow through its Lambda "
        "handler (a record action, a scheduled run, then a list-view action over every source record) and "
        "prints what was created, skipped and refused.",
    )
    parser.add_argument("--db", type=Path, help="keep the local org database here (default: a temporary file)")
    parser.add_argument("--json", action="store_true", help="print the reports as JSON")
    parser.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="oim-demo-") as scratch:
        db = args.db or Path(scratch) / "org.db"
        if db.exists():
            db.unlink()
        loaded = load_sample(db)
        print(f"Loaded the sample data: {loaded.total} records into {db}", file=sys.stderr)
        # As the sample data set's README says: Acme Industries US is the default company (vouchers
        # with no PO) and GLA 7900 takes conversion rounding on foreign-currency journals.
        settings = ConnectorSettings(
            general=GeneralSettings(default_company="Acme Industries US"),
            journals=JournalSettings(rounding_gla="7900"),
        )
        with LocalEnvironment(db, settings=settings, sync_list_limit=500, quiet=True) as env:
            sections = [_run_flow(env, flow) for flow in implemented_flows()]
            sections.append(_sync_supplier_sites(env))
    if args.json:
        emit(json.dumps(sections, indent=2))
        return 0
    console = out()
    for section in sections:
        console.print()
        console.print(table(["source", "outcome", "document", "total", "detail"], section["rows"],
                            title=section["title"]))  # fmt: skip
        console.print(section["summary"], soft_wrap=True)
    return 0


def _run_flow(env: LocalEnvironment, flow: FlowId) -> dict[str, Any]:
    from oim_connector.flows.registry import document_flow

    definition = document_flow(flow)
    function = flow.python_name
    assert env.org is not None
    sources = env.org.store.query(Select(definition.source_object, ("Id", "Name"), order_by=("Name",)).render()).records
    ids = [str(r["Id"]) for r in sources]
    outcomes: dict[str, dict[str, Any]] = {}
    api_requests = 0

    def absorb(report: dict[str, Any], how: str) -> None:
        nonlocal api_requests
        api_requests += int(report.get("apiRequests", 0))
        for result in report.get("results", []):
            previous = outcomes.get(result["sourceId"])
            if previous is None or (previous["outcome"] in ("skipped",) and result["outcome"] != "skipped"):
                outcomes[result["sourceId"]] = {**result, "how": how}

    # 1. A user presses the record action on the first eligible record.
    eligible = _first_eligible(env, definition)
    if eligible:
        answer = env.invoke(function, events.record_action(flow.value, eligible))
        absorb(json.loads(answer["body"]), "record action")
    # 2. The scheduled run picks up everything eligible.
    absorb(env.invoke(function, events.schedule_event(flow.value)), "schedule")
    # 3. A list-view action over every source record: the rest are skipped or refused with reasons.
    if ids:
        answer = env.invoke(function, events.list_action(flow.value, ids))
        absorb(json.loads(answer["body"]), "list view")
    names = {str(r["Id"]): str(r["Name"]) for r in sources}
    document_names = _names_of_documents(env, definition.target_object)
    rows = []
    for source_id in ids:
        result = outcomes.get(source_id)
        if result is None:
            continue
        documents = ", ".join(d.get("name") or document_names.get(d.get("id") or "", "") for d in result["documents"])
        totals = ", ".join(str(d.get("total") or "") for d in result["documents"])
        detail = "; ".join(result.get("errors") or []) or result.get("reason") or f"by {result['how']}"
        rows.append([names.get(source_id, source_id), result["outcome"], documents, totals, detail])
    counts: dict[str, int] = {}
    for row in rows:
        counts[row[1]] = counts.get(row[1], 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) + f"; {api_requests} Salesforce API requests"
    return {"title": f"== {flow.value}: {definition.source_object} -> {definition.target_object}",
            "rows": rows, "summary": summary}  # fmt: skip


def _first_eligible(env: LocalEnvironment, definition: Any) -> str | None:
    from oim_connector.model.settings import ConnectorSettings as Settings

    assert env.org is not None
    where = definition.eligible_where(env.settings or Settings())
    select = Select(definition.source_object, ("Id",), where=where, order_by=("Id",), limit=1)
    records = env.org.store.query(select.render()).records
    return str(records[0]["Id"]) if records else None


def _names_of_documents(env: LocalEnvironment, sobject: str) -> dict[str, str]:
    assert env.org is not None
    records = env.org.store.query(Select(sobject, ("Id", "Name")).render()).records
    return {str(r["Id"]): str(r["Name"]) for r in records}


def _sync_supplier_sites(env: LocalEnvironment) -> dict[str, Any]:
    """Supplier sites without a vendor account, each published as a Change Data Capture event
    and delivered through the FIFO queue to the vendor-accounts handler, as in the stack."""
    import boto3
    from oim_connector.dlq.notes import DynamoFailureNotes
    from oim_connector.dlq.replay import list_dead_letters

    from oim_local.runner.aws import JOBS_TABLE, REGION
    from oim_local.runner.supplier_queue import SupplierQueues, site_change

    assert env.org is not None
    store = env.org.store
    select = Select("SCMC__Supplier_Site__c", ("Id", "Name"), where=eq("SCMC__Account__c", None), order_by=("Name",))
    sites = store.query(select.render()).records
    queues = SupplierQueues(env)
    queues.publish(*[site_change(str(site["Id"]), change_type="CREATE", commit=n) for n, site in enumerate(sites, 1)])
    queues.drain()
    sqs = boto3.client("sqs", region_name=REGION)
    refused = {
        letter.record_id: letter.error or "refused"
        for letter in list_dead_letters(sqs, queues.dlq_url, DynamoFailureNotes(JOBS_TABLE))
    }
    rows = []
    for site in sites:
        current = store.get("SCMC__Supplier_Site__c", str(site["Id"]))
        account_id = current.get("SCMC__Account__c")
        if account_id:
            account = store.get("Account", str(account_id))
            rows.append([str(site["Name"]), "created", str(account["Name"]), "", "by the supplier-site change"])
        else:
            rows.append([str(site["Name"]), "failed", "", "", refused.get(str(site["Id"]), "not synced")])
    created = sum(1 for row in rows if row[1] == "created")
    return {"title": "== vendor-accounts: SCMC__Supplier_Site__c -> Account (real time, through SQS)",
            "rows": rows, "summary": f"{created} created, {len(rows) - created} failed"}  # fmt: skip
