"""Reading handler answers in e2e tests."""

from __future__ import annotations

import json
from typing import Any


def body(answer: dict[str, Any]) -> Any:
    """The JSON body of an API Gateway proxy answer."""
    return json.loads(answer["body"])


def result_for(report: dict[str, Any], source_id: str) -> dict[str, Any]:
    matches = [r for r in report["results"] if r["sourceId"] == source_id]
    assert matches, f"no result for {source_id} in {report['results']}"
    return matches[0]
