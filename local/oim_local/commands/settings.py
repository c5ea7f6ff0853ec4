"""``oim-connector settings get|set|validate``: the connector's saved settings (DynamoDB),
checked by the settings model and, against an org, by its describe before they are saved.

``--db FILE`` checks against a local org database (oim-connector org serve); ``--secret-arn``
against the org the stack's Salesforce secret reaches. AWS credentials and region come from
the usual AWS environment.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from oim_connector.admin.service import InvalidSettingsError, parse_settings_body
from oim_connector.admin.validation import validate_settings
from oim_connector.model.settings import ConnectorSettings
from oim_connector.org.adapter import SalesforceOrg
from oim_connector.org.credentials import SalesforceCredentials
from oim_connector.settings_repo import DynamoSettingsRepository, VersionConflictError

from oim_local.console import UsageError, emit
from oim_local.runner.aws import SETTINGS_TABLE


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("settings", help="read, change and check the connector's settings")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    get = actions.add_parser("get", help="print the settings and their version (the defaults if never saved)")
    _where_saved(get)
    get.set_defaults(handler=_get)

    validate = actions.add_parser("validate", help="check a settings file without saving it")
    validate.add_argument("file", type=Path, help="settings JSON (as `settings get` prints, or its 'settings')")
    _org_options(validate)
    validate.set_defaults(handler=_validate)

    change = actions.add_parser("set", help="check and save settings: a whole file, or single values")
    change.add_argument("--file", type=Path, help="settings JSON to save")
    change.add_argument("--value", action="append", default=[], metavar="PATH=JSON",
                        help="change one setting, e.g. sales_invoices.auto_post=true (repeatable)")  # fmt: skip
    _where_saved(change)
    change.add_argument("--expected-version", type=int, help="refuse if the settings changed since this version")
    _org_options(change)
    change.set_defaults(handler=_set)


def _where_saved(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--table", default=os.environ.get("SETTINGS_TABLE", SETTINGS_TABLE),
                        help="the stack's settings table: its SettingsTableName output "
                             "(default $SETTINGS_TABLE, else %(default)s)")  # fmt: skip
    parser.add_argument("--region", help="AWS region (default: the AWS environment's, e.g. AWS_REGION)")
    parser.add_argument("--endpoint-url", help="AWS endpoint, e.g. http://127.0.0.1:5000 for a moto server")


def _repository(args: argparse.Namespace) -> DynamoSettingsRepository:
    import boto3

    session = boto3.session.Session(region_name=args.region)
    return DynamoSettingsRepository(args.table, session.client("dynamodb", endpoint_url=args.endpoint_url))


def _org_options(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--db", type=Path, help="check fields against this local org database")
    where.add_argument("--secret-arn", help="check fields against the org this Salesforce secret reaches")


def _get(args: argparse.Namespace) -> int:
    current = _repository(args).read()
    emit(json.dumps({"version": current.version, "settings": current.settings.model_dump(mode="json")}, indent=2))
    return 0


def _validate(args: argparse.Namespace) -> int:
    warnings: list[str] = []
    try:
        settings = _read_file(args.file)
        problems, warnings = _org_problems_and_warnings(settings, args)
    except InvalidSettingsError as error:
        problems = error.problems
    for problem in problems:
        print(f"refused: {problem}", file=sys.stderr)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not problems:
        emit("valid" + ("" if args.db or args.secret_arn else " (fields not checked against an org: use --db)"))
    return 1 if problems else 0


def _set(args: argparse.Namespace) -> int:
    repository = _repository(args)
    try:
        if args.file:
            settings = _read_file(args.file)
        else:
            current = repository.read().settings.model_dump(mode="json")
            settings = parse_settings_body(_with_values(current, args.value))
        problems = _org_problems(settings, args)
        if problems:
            raise InvalidSettingsError(problems)
        version = repository.write(settings, args.expected_version)
    except InvalidSettingsError as error:
        for problem in error.problems:
            print(f"refused: {problem}", file=sys.stderr)
        return 1
    except VersionConflictError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 1
    emit(f"saved: version {version}")
    return 0


def _read_file(path: Path) -> ConnectorSettings:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{path}: {(error.strerror or str(error)).lower()}: check the path") from None
    try:
        data = json.loads(text)
    except ValueError as error:
        raise InvalidSettingsError([f"cannot read {path}: {error}"]) from None
    if isinstance(data, dict) and isinstance(data.get("settings"), dict):
        data = data["settings"]  # the shape `settings get` prints
    return parse_settings_body(data)


def _with_values(settings: dict[str, Any], assignments: list[str]) -> dict[str, Any]:
    for assignment in assignments:
        path, sep, raw = assignment.partition("=")
        if not sep or not path:
            raise InvalidSettingsError([f"'{assignment}': write PATH=VALUE, e.g. sales_invoices.auto_post=true"])
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw  # a bare word is a string: general.default_company=Acme
        node = settings
        *parents, leaf = path.split(".")
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                raise InvalidSettingsError([f"{path}: there is no setting group {part}"])
            node = child
        if leaf not in node:
            raise InvalidSettingsError([f"{path}: there is no such setting"])
        node[leaf] = value
    return settings


def _org_problems_and_warnings(settings: ConnectorSettings, args: argparse.Namespace) -> tuple[list[str], list[str]]:
    """Problems refuse the settings; warnings (e.g. Accounting calculating tax itself) only inform."""
    from oim_connector.admin.avalara_checks import avalara_warnings

    if not args.db and not args.secret_arn:
        return [], []
    with _org(args) as org:
        return validate_settings(settings, org), avalara_warnings(settings, org)


def _org_problems(settings: ConnectorSettings, args: argparse.Namespace) -> list[str]:
    if not args.db and not args.secret_arn:
        return []
    with _org(args) as org:
        return validate_settings(settings, org)


@contextlib.contextmanager
def _org(args: argparse.Namespace) -> Iterator[SalesforceOrg]:
    if args.db:
        from oim_local.org.runtime import start_local_org
        from oim_local.runner.environment import salesforce_secret_for

        with start_local_org(args.db) as running:
            yield SalesforceOrg(SalesforceCredentials.model_validate(salesforce_secret_for(running)))
        return
    from aws_lambda_powertools.utilities import parameters

    secret = parameters.get_secret(args.secret_arn, transform="json")
    yield SalesforceOrg(SalesforceCredentials.model_validate(secret))
