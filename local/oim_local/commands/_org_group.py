"""The shared ``org`` command group: ``org load``/``org export`` and ``org serve`` live in
different modules, so both ask this helper for the group's subparsers."""

from __future__ import annotations

import argparse
from typing import Any, cast

_GROUP_ATTRIBUTE = "_oim_org_subparsers"


def get_org_subparsers(subparsers: argparse._SubParsersAction[Any]) -> argparse._SubParsersAction[Any]:
    """The subparsers of ``org``, created on first use and reused afterwards."""
    existing = getattr(subparsers, _GROUP_ATTRIBUTE, None)
    if existing is not None:
        return cast("argparse._SubParsersAction[Any]", existing)
    org_parser = subparsers.add_parser("org", help="the local org: load and export data, serve the REST API")
    org_subparsers = org_parser.add_subparsers(dest="org_command", required=True, metavar="ORG_COMMAND")
    setattr(subparsers, _GROUP_ATTRIBUTE, org_subparsers)
    return cast("argparse._SubParsersAction[Any]", org_subparsers)
