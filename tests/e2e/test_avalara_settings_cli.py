"""``oim-connector settings validate`` with Avalara in use: Accounting calculating tax itself is a
warning; a tax status field the OIM object lacks is a refusal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from moto import mock_aws
from oim_local.cli import main
from oim_local.org.store import OrgStore
from oim_local.sample import load_sample


@pytest.fixture
def org_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, dict[str, str]]]:
    for key, value in {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
                       "AWS_DEFAULT_REGION": "eu-west-1"}.items():  # fmt: skip
        monkeypatch.setenv(key, value)
    db = tmp_path / "org.db"
    loaded = load_sample(db)
    with mock_aws():
        yield db, dict(loaded.reference_ids)


def test_validate_warns_when_an_accounting_company_calculates_tax_itself(
    org_db: tuple[Path, dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, ids = org_db
    store = OrgStore(db)
    store.update("c2g__codaCompany__c", ids["CompanyUS"], {"c2g__ExternalTaxCalculation__c": "Enabled"})
    store.close()
    file = tmp_path / "settings.json"
    file.write_text(json.dumps({"sales_invoices": {"avalara": {"in_use": True}}}))

    assert main(["settings", "validate", str(file), "--db", str(db)]) == 0
    captured = capsys.readouterr()
    assert "valid" in captured.out
    assert (
        "warning: Accounting company 'Acme Industries US' calculates tax with Avalara itself "
        "(c2g__ExternalTaxCalculation__c = Enabled) while OIM calculates it too: set it to Disabled"
    ) in captured.err
    assert "Acme Industries UK" not in captured.err

    file.write_text(json.dumps({}))  # Avalara not in use: nothing to warn about
    assert main(["settings", "validate", str(file), "--db", str(db)]) == 0
    assert "warning" not in capsys.readouterr().err


def test_validate_refuses_a_tax_status_field_the_oim_object_does_not_have(
    org_db: tuple[Path, dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = org_db
    file = tmp_path / "settings.json"
    file.write_text(json.dumps({"sales_credit_notes": {"avalara": {"in_use": True, "status_field": "Tax_State__c"}}}))

    assert main(["settings", "validate", str(file), "--db", str(db)]) == 1
    assert (
        "refused: sales-credit-notes: the Avalara tax status field Tax_State__c is not a field of "
        "SCMC__Credit_Invoice__c"
    ) in capsys.readouterr().err
