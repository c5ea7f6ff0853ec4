"""Each flow's default field mapping, kept as data (JSON) so an admin can see and override it."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from oim_connector.model.settings import FieldRule

_HERE = Path(__file__).resolve().parent


@cache
def default_rules(flow_python_name: str) -> tuple[FieldRule, ...]:
    data = json.loads((_HERE / f"{flow_python_name}.json").read_text(encoding="utf-8"))
    return tuple(FieldRule.model_validate(rule) for rule in data["rules"])
