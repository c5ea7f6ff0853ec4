"""``oim-connector reconcile --period YYYY/NNN``: month-end reconciliation of OIM against the ledger."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from oim_connector.errors import ConnectorError
from oim_connector.model.flows import DOCUMENT_FLOWS, FlowId
from oim_connector.model.settings import ConnectorSettings
from oim_connector.reconcile.export import to_csv
from oim_connector.reconcile.findings import ReconcileReport
from oim_connector.reconcile.scope import PERIOD_NAME
from oim_connector.reconcile.service import ReconcileRequest, reconcile
from oim_connector.settings_store import parse_settings

from oim_local.commands.run import _org
from oim_local.console import UsageError, as_text, emit, table

EXIT_FINDINGS = 3


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "reconcile",
        help="check that every OIM document of a period is in the ledger once, at the same amount",
        description="Month-end reconciliation (reads only): every OIM source of the period against its "
        "Accounting documents, as the connector would map it now. Exit status 3 when there are findings.",
    )
    parser.add_argument("--period", required=True, metavar="YYYY/NNN", help="accounting period name, e.g. 2026/006")
    parser.add_argument("--company", metavar="NAME", help="one accounting company (default: every company)")
    parser.add_argument(
        "--flows",
        nargs="+",
        choices=[f.value for f in DOCUMENT_FLOWS],
        metavar="FLOW",
        help="document flows to reconcile (default: all)",
    )
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--db", type=Path, help="local org database")
    target.add_argument("--instance-url", help="a real org; credentials from the environment as for 'run'")
    parser.add_argument("--settings", type=Path, help="connector settings JSON (default: the defaults)")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the report as JSON")
    output.add_argument("--csv", type=Path, metavar="FILE", help="write the findings to FILE as CSV")
    parser.set_defaults(handler=_reconcile)


def _reconcile(args: argparse.Namespace) -> int:
    settings = parse_settings(args.settings.read_text(encoding="utf-8")) if args.settings else ConnectorSettings()
    flows = tuple(FlowId(f) for f in args.flows) if args.flows else DOCUMENT_FLOWS
    request = ReconcileRequest(period=args.period, company=args.company, flows=flows)
    if not PERIOD_NAME.match(args.period):
        raise UsageError(f"'{args.period[:40]}' is not a period name: write it as YYYY/NNN, e.g. 2026/006")
    try:
        with _org(args) as org:
            report = reconcile(org, settings, request, today=dt.datetime.now(dt.UTC).date())
    except ConnectorError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 1
    if args.json:
        emit(json.dumps(report.to_json_dict(), indent=2))
    elif args.csv:
        args.csv.write_text(to_csv(report), encoding="utf-8")
        emit(f"{report.summary()} Findings written to {args.csv}.")
    else:
        emit(render(report))
    return EXIT_FINDINGS if report.findings else 0


def render(report: ReconcileReport) -> str:
    scope = report.period + (f", {report.company}" if report.company else "")
    parts = [f"== reconciliation {scope}: {report.api_requests} API requests"]
    flows = [(f.flow, str(f.sources), str(f.documents), str(f.findings)) for f in report.flows]
    parts.append(as_text(table(("flow", "sources", "documents", "findings"), flows)))
    if report.findings:
        rows = [
            (
                f.kind.value,
                f.source_name or f.source_id or "",
                f.document_name or f.document_id or "",
                f.field or "",
                f.source_value or "",
                f.ledger_value or "",
                "" if f.age_days is None else str(f.age_days),
                f.action,
            )
            for f in report.findings
        ]
        headers = ("finding", "source", "document", "field", "OIM", "ledger", "age", "what to do")
        parts.append(as_text(table(headers, rows)))
    if report.gl_accounts:
        accounts = [(g.company, g.gl_account, g.oim, g.ledger) for g in report.gl_accounts]
        parts.append(as_text(table(("company", "GL account", "OIM", "ledger"), accounts)))
    parts.append(report.summary())
    return "\n\n".join(parts)
