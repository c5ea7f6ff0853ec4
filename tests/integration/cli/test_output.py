"""What the command line prints: JSON alone on stdout with --json, tables that wrap without
cutting a message, and a run's exit code, as a user runs it (a separate process, its pipes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from oim_local.cli import main
from oim_local.sample import load_sample

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "org.db"
    load_sample(db)
    return db


def _cli(*argv: str, columns: int = 100) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(columns)}
    return subprocess.run([sys.executable, "-m", "oim_local.cli", *argv], capture_output=True, text=True, env=env,
                          timeout=300, check=False)  # fmt: skip


def test_run_json_is_clean_json_on_stdout(sample_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "org.db"
    db.write_bytes(sample_db.read_bytes())

    answer = _cli("run", "sales-invoices", "--all-eligible", "--db", str(db), "--json")

    report = json.loads(answer.stdout)  # nothing else on stdout: no metrics, no log lines
    assert report["counts"]["created"] == 5 and report["counts"]["failed"] == 2
    assert answer.returncode == 3  # some records failed
    assert "Traceback" not in answer.stderr
    assert not [line for line in answer.stderr.splitlines() if line.startswith("{")]  # no JSON log lines either


def test_run_table_wraps_to_the_terminal_and_keeps_every_message_whole(
    sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "org.db"
    db.write_bytes(sample_db.read_bytes())
    monkeypatch.setenv("COLUMNS", "80")

    code = main(["run", "sales-invoices", "--all-eligible", "--db", str(db)])  # in this process: faster

    answer = capsys.readouterr()
    assert code == 3
    lines = answer.out.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert lines[0].startswith("sales-invoices (cli): 5 created, 0 updated, 0 not eligible, 0 skipped, 2 failed")
    words = " ".join(" ".join(line.replace("│", " ").split()) for line in lines)
    # Both refusals are there in full, the actionable end included, though each wraps over lines.
    for message in ("has no accounts receivable control GLA: set it on the account",
                    "has no product: link a product to its product group 'Unmapped Spares'"):  # fmt: skip
        assert all(word in words for word in message.split())
    assert "…" not in answer.out


def test_a_record_run_on_an_ineligible_invoice_says_not_eligible_and_exits_0(
    sample_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from oim_local.org.store import OrgStore

    db = tmp_path / "org.db"
    db.write_bytes(sample_db.read_bytes())
    store = OrgStore(db)
    proforma = store.query("SELECT Id FROM SCMC__Invoicing__c WHERE SCMC__Proforma__c = true").records[0]["Id"]
    store.close()

    code = main(["run", "sales-invoices", "--ids", str(proforma), "--db", str(db), "--json"])

    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["counts"]["notEligible"] == 1
    assert "proforma invoice" in report["results"][0]["reason"]


def test_invoke_prints_the_handlers_answer_alone_on_stdout_and_its_logs_and_metrics_on_stderr(
    sample_db: Path, tmp_path: Path
) -> None:
    event = Path(__file__).resolve().parents[3] / "events" / "sales_invoices_schedule.json"
    db = tmp_path / "org.db"
    db.write_bytes(sample_db.read_bytes())

    answer = _cli("invoke", "sales_invoices", "--event", str(event), "--db", str(db))

    assert answer.returncode == 0, answer.stderr[-2000:]
    report = json.loads(answer.stdout)
    assert report["flow"] == "sales-invoices" and report["counts"]["created"] == 5
    # The function's EMF metrics (and log lines, at the level asked) are there, on stderr, as `sam local invoke`
    # shows them.
    assert '"Namespace":"OimConnector"' in answer.stderr and '"DocumentsCreated":[5.0]' in answer.stderr
