"""Every mistake a user can make at the command line is answered in one line that says what to do:
exit code 2, nothing on stdout, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from oim_local.cli import main


def _one_line_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 2, captured.err
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("error: ")
    assert "Traceback" not in captured.err
    return lines[0]


def _parse_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    with pytest.raises(SystemExit) as raised:
        main(argv)
    assert raised.value.code == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert captured.out == "" and len(lines) == 1 and lines[0].startswith("error: "), captured.err
    return lines[0]


@pytest.fixture
def no_aws_region(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))


def test_run_with_an_id_that_is_not_a_salesforce_id(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    line = _one_line_error(capsys, ["run", "sales-invoices", "--ids", "bogus", "--db", str(tmp_path / "org.db")])
    assert line == (
        "error: 'bogus' is not a Salesforce record Id: pass the 15 or 18 character Ids of the source records "
        "(e.g. --ids a0B5g00000AbCdE), or --all-eligible"
    )


def test_run_against_a_database_that_does_not_exist(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    line = _one_line_error(capsys, ["run", "sales-invoices", "--all-eligible", "--db", str(tmp_path / "org.db")])
    assert line.endswith("does not exist: load data first with 'oim-connector org load PLAN --db FILE'")


def test_run_with_a_settings_file_that_is_not_valid(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"sales_invoices": {"auto_post": "sometimes"}}), encoding="utf-8")
    line = _one_line_error(capsys, ["run", "sales-invoices", "--all-eligible", "--db", "x.db", "--settings",
                                    str(settings)])  # fmt: skip
    assert "sales_invoices.auto_post" in line


def test_run_with_a_settings_file_that_is_missing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    line = _one_line_error(capsys, ["run", "sales-invoices", "--all-eligible", "--db", "x.db", "--settings",
                                    str(tmp_path / "none.json")])  # fmt: skip
    assert line == f"error: {tmp_path / 'none.json'}: no such file: check the path"


def test_run_of_an_unknown_flow(capsys: pytest.CaptureFixture[str]) -> None:
    line = _parse_error(capsys, ["run", "sales-invoice", "--all-eligible", "--db", "x.db"])
    assert "invalid choice: 'sales-invoice'" in line and "see 'oim-connector run --help'" in line


def test_run_without_a_selection(capsys: pytest.CaptureFixture[str]) -> None:
    line = _parse_error(capsys, ["run", "sales-invoices", "--db", "x.db"])
    assert "one of the arguments --ids --all-eligible is required" in line


def test_settings_get_without_an_aws_region(capsys: pytest.CaptureFixture[str], no_aws_region: None) -> None:
    line = _one_line_error(capsys, ["settings", "get"])
    assert line == "error: no AWS region: pass --region REGION or set AWS_REGION (e.g. export AWS_REGION=eu-west-1)"


def test_dlq_list_without_an_aws_region(capsys: pytest.CaptureFixture[str], no_aws_region: None) -> None:
    line = _one_line_error(capsys, ["dlq", "list", "oim-connector-sales-invoices-jobs-dlq"])
    assert line.startswith("error: no AWS region: pass --region REGION")


def test_dlq_replay_without_an_aws_region(capsys: pytest.CaptureFixture[str], no_aws_region: None) -> None:
    line = _one_line_error(capsys, ["dlq", "replay", "oim-connector-sales-invoices-jobs-dlq"])
    assert line.startswith("error: no AWS region: pass --region REGION")


def test_bench_of_an_unknown_flow(capsys: pytest.CaptureFixture[str]) -> None:
    line = _one_line_error(capsys, ["bench", "--flows", "nope"])
    assert "nope" in line


def test_invoke_with_an_event_file_that_is_missing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    line = _one_line_error(capsys, ["invoke", "sales_invoices", "--event", str(tmp_path / "event.json")])
    assert str(tmp_path / "event.json") in line


def test_every_command_documents_its_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--help"], ["run", "--help"], ["settings", "get", "--help"], ["dlq", "list", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
        help_text = capsys.readouterr().out
        assert "exit codes:" in help_text and "2  a mistake in the command" in help_text, argv


def test_run_against_a_real_org_without_credentials(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SALESFORCE_AUTH", "SALESFORCE_ACCESS_TOKEN", "SALESFORCE_CLIENT_ID", "SALESFORCE_USERNAME"):
        monkeypatch.delenv(name, raising=False)
    line = _one_line_error(capsys, ["run", "sales-invoices", "--all-eligible", "--instance-url",
                                    "https://example.my.salesforce.com"])  # fmt: skip
    assert line == (
        "error: Salesforce credentials are incomplete: auth 'token' needs access_token in the Salesforce secret: "
        "set the SALESFORCE_* variables (see 'oim-connector run --help')"
    )


def test_settings_set_without_an_aws_region(
    capsys: pytest.CaptureFixture[str], no_aws_region: None, tmp_path: Path
) -> None:
    line = _one_line_error(capsys, ["settings", "set", "--value", "sales_invoices.auto_post=true"])
    assert line.startswith("error: no AWS region: pass --region REGION")


def test_settings_validate_of_a_file_that_is_missing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    line = _one_line_error(capsys, ["settings", "validate", str(tmp_path / "settings.json")])
    assert line == f"error: {tmp_path / 'settings.json'}: no such file or directory: check the path"


def test_org_load_of_a_plan_that_is_missing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    line = _one_line_error(capsys, ["org", "load", str(tmp_path / "plan.json"), "--db", str(tmp_path / "org.db")])
    assert line == f"error: {tmp_path / 'plan.json'}: no such file: check the path"
    assert not (tmp_path / "org.db").exists()


def test_org_export_of_a_database_that_does_not_exist(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    line = _one_line_error(capsys, ["org", "export", "--db", str(tmp_path / "org.db"), "--out", str(tmp_path)])
    assert line == f"error: {tmp_path / 'org.db'} does not exist: give the SQLite file of a local org"


def test_admin_serve_on_a_database_that_does_not_exist(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    line = _one_line_error(capsys, ["admin", "serve", "--db", str(tmp_path / "org.db"), "--port", "0"])
    assert line.startswith(f"error: {tmp_path / 'org.db'} does not exist: load data first")
    assert not (tmp_path / "org.db").exists()


def test_reconcile_of_a_period_that_is_not_a_period_name(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    line = _one_line_error(capsys, ["reconcile", "--period", "June", "--db", str(tmp_path / "org.db")])
    assert line == "error: 'June' is not a period name: write it as YYYY/NNN, e.g. 2026/006"


def test_reconcile_against_a_database_that_does_not_exist(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    line = _one_line_error(capsys, ["reconcile", "--period", "2026/006", "--db", str(tmp_path / "org.db")])
    assert line.endswith("does not exist: load data first with 'oim-connector org load PLAN --db FILE'")


def test_chaos_with_a_negative_number_of_documents(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    line = _one_line_error(capsys, ["chaos", "--documents", "-3", "--work-dir", str(tmp_path)])
    assert line == "error: --documents: Input should be greater than or equal to 1 (given -3)"
