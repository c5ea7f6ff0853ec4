"""``oim-connector settings get|set|validate`` against the settings table (moto) and a local org's describe."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from moto import mock_aws
from oim_local.cli import main
from oim_local.runner.aws import create_resources
from oim_local.sample import load_sample


@pytest.fixture
def org_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for key, value in {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
                       "AWS_DEFAULT_REGION": "eu-west-1"}.items():  # fmt: skip
        monkeypatch.setenv(key, value)
    db = tmp_path / "org.db"
    load_sample(db)
    with mock_aws():
        create_resources({"auth": "token", "instance_url": "https://x", "access_token": "t"}, [])
        yield db


def test_set_checks_against_the_org_then_saves_and_get_shows_it(
    org_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refused = main(["settings", "set", "--db", str(org_db), "--value", "sales_invoices.custom_criteria_field=Nope__c"])
    assert refused == 1
    assert "Nope__c is not a field of SCMC__Invoicing__c" in capsys.readouterr().err

    saved = main(["settings", "set", "--db", str(org_db),
                  "--value", "sales_invoices.custom_criteria_field=Create_Sales_Invoice__c",
                  "--value", "sales_invoices.auto_post=true"])  # fmt: skip
    assert saved == 0 and "saved: version 1" in capsys.readouterr().out

    assert main(["settings", "get"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["version"] == 1
    assert shown["settings"]["sales_invoices"]["custom_criteria_field"] == "Create_Sales_Invoice__c"
    assert shown["settings"]["sales_invoices"]["auto_post"] is True


def test_validate_reports_each_problem_of_a_file(
    org_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "settings.json"
    file.write_text(json.dumps({"sales_invoices": {"line_limit": 0, "custom_mappings": [
        {"level": "header", "target": "c2g__Nope__c", "constant": "x"}]}}))  # fmt: skip

    assert main(["settings", "validate", str(file), "--db", str(org_db)]) == 1
    assert "sales_invoices.line_limit: Input should be greater than or equal to 1" in capsys.readouterr().err

    file.write_text(json.dumps({"sales_invoices": {"custom_mappings": [
        {"level": "header", "target": "c2g__Nope__c", "constant": "x"}]}}))  # fmt: skip
    assert main(["settings", "validate", str(file), "--db", str(org_db)]) == 1
    assert "target c2g__codaInvoice__c has no field c2g__Nope__c" in capsys.readouterr().err
    assert main(["settings", "set", "--value", "sales_invoices.nope=1"]) == 1
    assert "sales_invoices.nope: there is no such setting" in capsys.readouterr().err
