"""Hooks the admin e2e tests name in the settings (oim_hooks.e2e_fixtures: tests/hooks is on the path)."""

from __future__ import annotations

import dataclasses
import os

from oim_connector.hooks import HookContext
from oim_connector.model.documents import Mapped

CLOSED_PERIOD_VARIABLE = "OIM_TEST_CLOSED_PERIOD"


def explode(items: list[Mapped], context: HookContext) -> list[Mapped]:
    raise RuntimeError("the customer table is unavailable")


def into_closed_period(items: list[Mapped], context: HookContext) -> list[Mapped]:
    """Moves each document into a closed period, which the posting endpoint refuses."""
    period = os.environ[CLOSED_PERIOD_VARIABLE]
    return [
        dataclasses.replace(
            item,
            documents=tuple(dataclasses.replace(d, fields={**d.fields, "c2g__Period__c": period})
                            for d in item.documents),
        )
        for item in items
    ]  # fmt: skip
