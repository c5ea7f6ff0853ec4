"""``oim-connector avalara serve|demo``: the local AvaTax stand-in, and Avalara alongside OIM on the
sample data (connector-spec §10) through the real handlers, the avalara SDK and HTTPS.

``demo``, per document kind (invoice, credit invoice, voucher use tax): export without calculated
tax (refused), export with Calculate Tax (created, with the calculated tax line), post, then two
post-and-commit runs at the same time (committed once); then the same with Avalara unavailable.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from oim_connector.model.settings import (
    AvalaraFlowSettings,
    AvalaraSettings,
    ConnectorSettings,
    GeneralSettings,
    PayableInvoiceSettings,
    SalesCreditNoteSettings,
    SalesInvoiceSettings,
)

from oim_local.avatax.server import RunningAvaTax, start_avatax
from oim_local.avatax.service import Fault
from oim_local.console import emit, print_table
from oim_local.runner import events
from oim_local.runner.environment import LocalEnvironment
from oim_local.sample import load_sample

STATUS = "SCMC__External_Tax_Status__c"
CASES = (
    ("sales-invoices", "SCMC__Invoicing__c", "InvOk1"),
    ("sales-credit-notes", "SCMC__Credit_Invoice__c", "CrWithTax"),
    ("payable-invoices", "SCMC__AP_Voucher__c", "ApvMixed"),
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("avalara", help="the local AvaTax stand-in and the Avalara demo")
    actions = parser.add_subparsers(dest="avalara_action", required=True, metavar="ACTION")
    serve = actions.add_parser("serve", help="serve the AvaTax stand-in over HTTPS on 127.0.0.1 until stopped")
    serve.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    serve.add_argument("--dir", type=Path, default=Path(".oim-local"), help="where its certificate and secret live")
    serve.set_defaults(handler=_serve)
    demo = actions.add_parser("demo", help="Avalara alongside OIM on the sample data, end to end")
    demo.add_argument("--json", action="store_true", help="print the steps as JSON")
    demo.set_defaults(handler=_demo)


def _serve(args: argparse.Namespace) -> int:
    args.dir.mkdir(parents=True, exist_ok=True)
    with start_avatax(args.dir / "avatax", port=args.port) as running:
        secret_file = args.dir / "avalara-secret.json"
        # The secret holds the stand-in's license key: a file only its owner reads, never stdout.
        fd = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(running.secret(), out)
        emit(f"AvaTax stand-in on {running.url} (certificate {running.ca_cert})")
        emit(f"Avalara secret JSON (for AVALARA_SECRET_ARN's secret): {secret_file}")
        emit("Stop with Ctrl-C.")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0


def _settings() -> ConnectorSettings:
    in_use = AvalaraFlowSettings(in_use=True)
    return ConnectorSettings(
        general=GeneralSettings(default_company="Acme Industries US"),
        sales_invoices=SalesInvoiceSettings(auto_post=True, avalara=in_use),
        sales_credit_notes=SalesCreditNoteSettings(auto_post=True, avalara=in_use),
        payable_invoices=PayableInvoiceSettings(auto_post=True, avalara=in_use),
        avalara=AvalaraSettings(),
    )


def _demo(args: argparse.Namespace) -> int:
    steps: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="oim-avalara-demo-") as scratch:
        db = Path(scratch) / "org.db"
        ids = dict(load_sample(db).reference_ids)
        with start_avatax(Path(scratch) / "avatax") as avatax, \
                LocalEnvironment(db, settings=_settings(), quiet=True) as env:  # fmt: skip
            env.use_avalara(avatax.secret())
            for flow, sobject, reference in CASES:
                steps += _document_steps(env, avatax, flow, sobject, ids[reference])
            steps += _outage_steps(env, avatax, ids["InvOk2"])
    if args.json:
        emit(json.dumps(steps, indent=2))
        return 0
    rows = [[s["document"], s["step"], s["outcome"], str(s["avalaraRequests"]), s["taxStatus"], s["detail"]]
            for s in steps]  # fmt: skip
    print_table(["document", "step", "outcome", "Avalara requests", "OIM tax status", "detail"], rows)
    return 0


def _record(env: LocalEnvironment, flow: str, record_id: str, calculate: bool, key: str) -> dict[str, Any]:
    event = events.api_event("POST", f"/flows/{flow}/record", {"recordId": record_id, "calculateTax": calculate},
                             headers={"Idempotency-Key": key})  # fmt: skip
    report: dict[str, Any] = json.loads(env.invoke(flow.replace("-", "_"), event)["body"])
    return next(r for r in report["results"] if r["sourceId"] == record_id)


def _commit_twice_at_once(env: LocalEnvironment, tag: str) -> list[dict[str, Any]]:
    from oim_connector import wiring

    reports: list[dict[str, Any]] = []
    start = threading.Barrier(2)

    def run(n: int) -> None:
        start.wait()
        reports.append(wiring.commit_tax(f"{tag}-{n}"))

    threads = [threading.Thread(target=run, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return reports


def _step(env: LocalEnvironment, avatax: RunningAvaTax, sobject: str, record_id: str, step: str, outcome: str,
          detail: str, before: int) -> dict[str, Any]:  # fmt: skip
    assert env.org is not None
    record = env.org.store.get(sobject, record_id)
    return {"document": str(record.get("Name")), "step": step, "outcome": outcome,
            "avalaraRequests": len(avatax.service.requests) - before, "taxStatus": str(record.get(STATUS) or "-"),
            "detail": detail}  # fmt: skip


def _document_steps(env: LocalEnvironment, avatax: RunningAvaTax, flow: str, sobject: str,
                    record_id: str) -> list[dict[str, Any]]:  # fmt: skip
    steps = []
    before = len(avatax.service.requests)
    refused = _record(env, flow, record_id, calculate=False, key=f"{record_id}-plain")
    steps.append(_step(env, avatax, sobject, record_id, "export", refused["outcome"],
                       "; ".join(refused.get("errors") or []), before))  # fmt: skip
    before = len(avatax.service.requests)
    created = _record(env, flow, record_id, calculate=True, key=f"{record_id}-calculate")
    documents = ", ".join(f"{d.get('name')} total {d.get('total')}" for d in created.get("documents") or [])
    steps.append(_step(env, avatax, sobject, record_id, "export with Calculate Tax", created["outcome"],
                       documents or "; ".join(created.get("errors") or []), before))  # fmt: skip
    before = len(avatax.service.requests)
    reports = _commit_twice_at_once(env, record_id)
    committed = sum(int(r["committed"]) for r in reports)
    commits = sum(avatax.service.commits.values())
    steps.append(_step(env, avatax, sobject, record_id, "2 commit runs at once", f"{committed} committed",
                       f"Avalara commits so far: {commits}", before))  # fmt: skip
    return steps


def _outage_steps(env: LocalEnvironment, avatax: RunningAvaTax, invoice_id: str) -> list[dict[str, Any]]:
    sobject = "SCMC__Invoicing__c"
    steps = []
    before = len(avatax.service.requests)
    avatax.service.add_fault(Fault(status=503, times=1, match="createoradjust"))
    failed = _record(env, "sales-invoices", invoice_id, calculate=True, key="outage-1")
    steps.append(_step(env, avatax, sobject, invoice_id, "Calculate Tax, Avalara down", failed["outcome"],
                       "; ".join(failed.get("errors") or []), before))  # fmt: skip
    before = len(avatax.service.requests)
    created = _record(env, "sales-invoices", invoice_id, calculate=True, key="outage-2")
    steps.append(_step(env, avatax, sobject, invoice_id, "Calculate Tax, Avalara back", created["outcome"], "",
                       before))  # fmt: skip
    before = len(avatax.service.requests)
    avatax.service.add_fault(Fault(status=503, times=1, match="/commit"))
    first = env.invoke("tax_commit", {"id": "outage-commit-1"})
    steps.append(_step(env, avatax, sobject, invoice_id, "commit, Avalara down", f"{first['retryLater']} retry later",
                       "", before))  # fmt: skip
    before = len(avatax.service.requests)
    second = env.invoke("tax_commit", {"id": "outage-commit-2"})
    steps.append(_step(env, avatax, sobject, invoice_id, "next commit run", f"{second['committed']} committed",
                       f"Salesforce API requests of the run: {second['apiRequests']}", before))  # fmt: skip
    print(f"Avalara stand-in served {len(avatax.service.requests)} requests", file=sys.stderr)
    return steps
