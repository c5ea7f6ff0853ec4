"""``oim-connector run FLOW``: run a flow against the local org or a real one, print the report."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from oim_connector.config import environment
from oim_connector.errors import ConfigurationError, ConnectorError
from oim_connector.ids import is_salesforce_id
from oim_connector.model.flows import DOCUMENT_FLOWS, FlowId
from oim_connector.model.report import RunReport
from oim_connector.model.requests import MAX_IDS_PER_RUN, RunRequest, TriggerKind
from oim_connector.model.settings import ConnectorSettings
from oim_connector.org.adapter import SalesforceOrg
from oim_connector.org.credentials import SalesforceCredentials
from oim_connector.org.retry import RetryPolicy
from oim_connector.service import ConnectorService, Services
from oim_connector.settings_store import StaticSettingsStore, parse_settings
from pydantic import ValidationError

from oim_local.console import EXIT_OK, EXIT_RECORDS_FAILED, UsageError, emit, progress
from oim_local.report.table import print_report


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run a flow and print its report",
        description="Run a document flow against the local org (started for the run) or a real org.",
    )
    parser.add_argument("flow", choices=[f.value for f in DOCUMENT_FLOWS])
    selection = parser.add_mutually_exclusive_group(required=True)
    selection.add_argument("--ids", nargs="+", metavar="ID", help="source record ids")
    selection.add_argument("--all-eligible", action="store_true", help="every eligible source record")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--db", type=Path, help="local org database (see 'oim-connector org load')")
    target.add_argument(
        "--instance-url",
        help="a real org; credentials from SALESFORCE_AUTH (token|client_credentials|jwt), SALESFORCE_ACCESS_TOKEN, "
        "SALESFORCE_CLIENT_ID, SALESFORCE_CLIENT_SECRET, SALESFORCE_USERNAME, SALESFORCE_PRIVATE_KEY_FILE, "
        "SALESFORCE_LOGIN_URL, SALESFORCE_CA_BUNDLE_FILE; retries from SALESFORCE_RETRY_ATTEMPTS, "
        "SALESFORCE_RETRY_BASE_SECONDS, SALESFORCE_CONCURRENCY_BACKOFF_SECONDS",
    )
    parser.add_argument("--settings", type=Path, help="connector settings JSON (default: the defaults)")
    parser.add_argument("--dry-run", action="store_true", help="map and report what would be created; write nothing")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--calculate-tax",
        action="store_true",
        help="calculate tax in Avalara first (flows with Avalara in use; needs --avalara-secret)",
    )
    parser.add_argument(
        "--avalara-secret", type=Path, help="Avalara secret JSON, e.g. the file 'oim-connector avalara serve' writes"
    )
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    settings = _settings(args.settings)
    if args.ids:
        bad = [i for i in args.ids if not is_salesforce_id(i)]
        if bad:
            raise UsageError(f"{', '.join(repr(b[:40]) for b in bad[:3])}{' ...' if len(bad) > 3 else ''} "
                             "is not a Salesforce record Id: pass the 15 or 18 character Ids of the source records "
                             "(e.g. --ids a0B5g00000AbCdE), or --all-eligible")  # fmt: skip
        if len(args.ids) > MAX_IDS_PER_RUN:
            raise UsageError(
                f"{len(args.ids)} Ids: a run takes at most {MAX_IDS_PER_RUN}; split them into several runs"
            )
    request = RunRequest(
        flow=FlowId(args.flow),
        trigger=TriggerKind.CLI,
        run_id=uuid.uuid4().hex,
        record_ids=tuple(args.ids) if args.ids else None,
        all_eligible=bool(args.all_eligible),
        dry_run=bool(args.dry_run),
        calculate_tax=True if args.calculate_tax else None,
    )
    try:
        with _org(args) as org:
            tax = _tax(args.avalara_secret)
            service = ConnectorService(Services(org=lambda: org, settings=StaticSettingsStore(settings),
                                                tax=lambda: tax))  # fmt: skip
            # The count costs a request: only when a bar is shown (a terminal), never in pipes and scripts.
            total = (
                len(args.ids)
                if args.ids
                else _eligible_count(org, request.flow, settings)
                if sys.stderr.isatty()
                else None
            )
            with progress(f"{args.flow}{' (dry run)' if args.dry_run else ''}", total) as advance:
                report = service.run(request, progress=lambda part: advance(_done(part)))
    except ConnectorError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 1
    payload = report.to_json_dict()
    if args.json:
        emit(json.dumps(payload, indent=2))
    else:
        print_report(payload)
    return EXIT_OK if report.counts.failed == 0 else EXIT_RECORDS_FAILED


def _settings(path: Path | None) -> ConnectorSettings:
    if path is None:
        return ConnectorSettings()
    try:
        return parse_settings(path.read_text(encoding="utf-8"))
    except ConfigurationError as error:
        raise UsageError(f"{path}: {error.message}") from None


def _eligible_count(org: SalesforceOrg, flow: FlowId, settings: ConnectorSettings) -> int | None:
    """How many records an "all eligible" run will see, for the progress bar (None if the org will not say)."""
    from oim_connector.flows.registry import document_flow

    definition = document_flow(flow)
    try:
        return org.count(definition.source_object, definition.eligible_where(settings))
    except ConnectorError:
        return None


def _done(report: RunReport) -> int:
    counts = report.counts
    return sum(getattr(counts, name) for name in type(counts).model_fields)


@contextlib.contextmanager
def _org(args: argparse.Namespace) -> Iterator[SalesforceOrg]:
    if args.instance_url:
        yield SalesforceOrg(_credentials_from_environment(args.instance_url), retry=_retry_from_environment())
        return
    from oim_local.org.runtime import start_local_org
    from oim_local.runner.environment import salesforce_secret_for

    if not args.db.exists():
        raise SystemExit(
            f"error: {args.db} does not exist: load data first with 'oim-connector org load PLAN --db FILE'"
        )
    with start_local_org(args.db) as org:
        yield SalesforceOrg(SalesforceCredentials.model_validate(salesforce_secret_for(org)))


def _tax(secret_file: Path | None) -> Any:
    if secret_file is None:
        return None
    from oim_connector.tax.avatax import AvaTaxAdapter
    from oim_connector.tax.credentials import AvalaraCredentials

    try:
        return AvaTaxAdapter(AvalaraCredentials.model_validate_json(secret_file.read_text(encoding="utf-8")))
    except (OSError, ValueError) as error:
        raise SystemExit(f"error: the Avalara secret {secret_file} is unreadable or incomplete: "
                         f"{type(error).__name__}") from None  # fmt: skip


def _credentials_from_environment(instance_url: str) -> SalesforceCredentials:
    env = os.environ
    data: dict[str, Any] = {"auth": env.get("SALESFORCE_AUTH", "token"), "instance_url": instance_url}
    mapping = {
        "SALESFORCE_ACCESS_TOKEN": "access_token",
        "SALESFORCE_CLIENT_ID": "client_id",
        "SALESFORCE_CLIENT_SECRET": "client_secret",
        "SALESFORCE_USERNAME": "username",
        "SALESFORCE_LOGIN_URL": "login_url",
    }
    for variable, key in mapping.items():
        if env.get(variable):
            data[key] = env[variable]
    if env.get("SALESFORCE_PRIVATE_KEY_FILE"):
        data["private_key"] = Path(env["SALESFORCE_PRIVATE_KEY_FILE"]).read_text(encoding="utf-8")
    if env.get("SALESFORCE_CA_BUNDLE_FILE"):  # an org with a private CA, such as 'org serve'
        data["ca_bundle"] = Path(env["SALESFORCE_CA_BUNDLE_FILE"]).read_text(encoding="utf-8")
    try:
        return SalesforceCredentials.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(str(problem["msg"]).removeprefix("Value error, ") for problem in error.errors())
        raise SystemExit(
            f"error: Salesforce credentials are incomplete: {problems}: set the SALESFORCE_* variables "
            "(see 'oim-connector run --help')"
        ) from None


def _retry_from_environment() -> RetryPolicy:
    """The same SALESFORCE_RETRY_* variables (and defaults) as the deployed functions."""
    try:
        env = environment()
    except ConfigurationError as error:
        raise SystemExit(f"error: {error.message}") from None
    return RetryPolicy(
        max_attempts=env.SALESFORCE_RETRY_ATTEMPTS,
        base_delay_seconds=env.SALESFORCE_RETRY_BASE_SECONDS,
        concurrency_delay_seconds=env.SALESFORCE_CONCURRENCY_BACKOFF_SECONDS,
    )
