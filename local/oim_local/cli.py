"""The ``oim-connector`` command line.

Each command group lives in its own module under ``oim_local.commands`` and exposes
``register(subparsers)``; this module only assembles them and turns every mistake a user can
make into one line on stderr (``oim_local.console``), never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import oim_local.commands as commands_pkg
from oim_local.console import EXIT_CODES_HELP, EXIT_FAILED, EXIT_USAGE, UsageError, error, results_to


class _Parser(argparse.ArgumentParser):
    """argparse, with every mistake in one line (argparse prints the usage block first) and the
    exit codes under every command's --help."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("epilog", EXIT_CODES_HELP)
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        error(f"{message} (see '{self.prog} --help')")
        sys.exit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="oim-connector",
        description="OIM -> Certinia Accounting connector: local org, runs, operations.\n\n"
        "Results go to stdout (--json: JSON only); progress, notes and errors go to stderr.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    for module_info in sorted(pkgutil.iter_modules(commands_pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands_pkg.__name__}.{module_info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(subparsers)
    return parser


# What the template gives every function; set before any command imports the handlers' powertools
# objects (they read it once, at import: without a namespace, flushing metrics raises).
POWERTOOLS_DEFAULTS = {"POWERTOOLS_SERVICE_NAME": "oim-connector", "POWERTOOLS_METRICS_NAMESPACE": "OimConnector"}


def main(argv: Sequence[str] | None = None) -> int:
    for name, value in POWERTOOLS_DEFAULTS.items():
        os.environ.setdefault(name, value)
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    _quiet_libraries()
    try:
        with results_to(sys.stdout):
            return int(handler(args) or 0)
    except KeyboardInterrupt:
        error("interrupted")
        return 130
    except BaseException as raised:
        code, message = explain(raised)
        if message is None:
            raise
        error(message)
        return code


def _quiet_libraries() -> None:
    """Library warnings meant for a Lambda's developer (powertools' repeated-dimension warning) are not
    for the person at the terminal; the handlers' own log lines go to stderr (as ``sam local invoke``)."""
    import logging
    import warnings

    warnings.filterwarnings("ignore", module="aws_lambda_powertools")
    warnings.filterwarnings("ignore", category=UserWarning, message=".*has already been added.*")
    from oim_connector.observability import logger

    for handler in logging.getLogger(logger.name).handlers:
        if isinstance(handler, logging.StreamHandler) and handler.stream is sys.stdout:
            handler.setStream(sys.stderr)


def explain(raised: BaseException) -> tuple[int, str | None]:
    """(exit code, one-line message) for an error a user can act on; (0, None) re-raises (a bug)."""
    from botocore.exceptions import (
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
        ParamValidationError,
    )
    from oim_connector.errors import ConnectorError
    from pydantic import ValidationError

    if isinstance(raised, SystemExit):
        if isinstance(raised.code, str):  # raise SystemExit("error: ...") in a command
            return EXIT_USAGE, raised.code.removeprefix("error: ")
        return int(raised.code or 0), None
    if isinstance(raised, UsageError):
        return EXIT_USAGE, raised.message
    if isinstance(raised, NoRegionError):
        return EXIT_USAGE, "no AWS region: pass --region REGION or set AWS_REGION (e.g. export AWS_REGION=eu-west-1)"
    if isinstance(raised, NoCredentialsError):
        return EXIT_USAGE, "no AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
    if isinstance(raised, EndpointConnectionError):
        return (
            EXIT_USAGE,
            f"cannot reach AWS at {raised.kwargs.get('endpoint_url')}: check --endpoint-url and the network",
        )
    if isinstance(raised, ClientError):
        detail = raised.response.get("Error", {})
        return EXIT_FAILED, f"AWS refused: {detail.get('Code', '?')}: {detail.get('Message', raised)}"
    if isinstance(raised, ParamValidationError):
        return EXIT_USAGE, f"AWS request refused: {' '.join(str(raised).split())}"
    if isinstance(raised, ValidationError):
        return EXIT_USAGE, _validation_line(raised)
    if isinstance(raised, ConnectorError):
        return EXIT_FAILED, raised.message
    if isinstance(raised, FileNotFoundError):
        return EXIT_USAGE, f"{raised.filename}: no such file: check the path"
    if isinstance(raised, IsADirectoryError | PermissionError):
        return EXIT_USAGE, f"{raised.filename}: {raised.strerror}: check the path"
    if isinstance(raised, json.JSONDecodeError):
        return EXIT_USAGE, f"not valid JSON ({raised.msg} at line {raised.lineno}, column {raised.colno}): fix the file"
    return 0, None


def _validation_line(raised: Any) -> str:
    problems = []
    for problem in raised.errors():
        where = ".".join(str(part) for part in problem.get("loc", ()))
        given = problem.get("input")
        shown = f" (given {given!r:.60})" if isinstance(given, str | int | float) else ""
        problems.append(f"{where}: {problem.get('msg')}{shown}" if where else f"{problem.get('msg')}{shown}")
    return "; ".join(problems)


if __name__ == "__main__":
    sys.exit(main())
