"""``oim-connector avalara demo`` (``make demo-avalara``) runs and shows what a user expects."""

from __future__ import annotations

import json

import pytest
from oim_local.cli import main

# The same steps as tests/e2e/test_avalara.py, through the command: run with `pytest -m slow`.
pytestmark = pytest.mark.slow


def test_the_avalara_demo_refuses_calculates_and_commits_each_document_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["avalara", "demo", "--json"]) == 0

    out = capsys.readouterr().out
    # powertools prints its cold-start metric on stdout before the report (as in `oim-connector demo --json`)
    steps = json.loads(out[out.index("[\n") :])
    by_document: dict[str, list[tuple[str, str, int, str]]] = {}
    for step in steps:
        by_document.setdefault(step["document"], []).append(
            (step["step"], step["outcome"], step["avalaraRequests"], step["taxStatus"])
        )
    for document in ("INV-000001", "CRINV-000004", "APV-000001"):
        assert by_document[document] == [
            ("export", "failed", 0, "-"),
            ("export with Calculate Tax", "created", 1, "Calculated"),
            ("2 commit runs at once", "1 committed", 2, "Committed"),  # post (verify) and commit
        ]
    assert by_document["INV-000002"] == [
        ("Calculate Tax, Avalara down", "failed", 1, "-"),
        ("Calculate Tax, Avalara back", "created", 1, "Calculated"),
        ("commit, Avalara down", "1 retry later", 2, "Posted"),
        ("next commit run", "1 committed", 1, "Committed"),
    ]
