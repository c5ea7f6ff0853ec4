"""The schema check finds what a load into the org would refuse."""

from __future__ import annotations

import json
from pathlib import Path

from oim_local.datagen.check import check_plan
from oim_local.datagen.tree import TreeWriter, record, ref


def _write(tmp_path: Path, *records: dict[str, object]) -> Path:
    with TreeWriter(tmp_path) as writer:
        writer.add_all(records)
    return tmp_path / "plan.json"


def _company(rid: str = "CompanyUS", name: str = "Acme Industries US") -> dict[str, object]:
    return record("c2g__codaCompany__c", rid, {"Name": name})


def test_a_clean_data_set_has_no_problems(tmp_path: Path) -> None:
    # Given a company and its currency that points at it
    plan = _write(
        tmp_path,
        _company(),
        record(
            "c2g__codaAccountingCurrency__c",
            "CurUsdUS",
            {"Name": "USD", "c2g__OwnerCompany__c": ref("CompanyUS"), "c2g__DecimalPlaces__c": 2},
        ),
    )
    # When / Then
    assert check_plan(plan) == []


def test_it_reports_unknown_fields_and_missing_required_fields(tmp_path: Path) -> None:
    plan = _write(tmp_path, record("c2g__codaCompany__c", "CompanyUS", {"No_Such_Field__c": "x"}))

    problems = check_plan(plan)

    assert any("No_Such_Field__c: not a field" in p for p in problems)
    assert any("required field Name is not set" in p for p in problems)


def test_it_reports_bad_picklist_values_long_text_and_extra_decimals(tmp_path: Path) -> None:
    plan = _write(
        tmp_path,
        record(
            "c2g__codaGeneralLedgerAccount__c",
            "Gla",
            {"Name": "x" * 81, "c2g__ReportingCode__c": "4000", "c2g__Type__c": "Income"},
        ),
        _company(),
        record(
            "SCMC__Credit_Invoice_Line__c",
            "Line",
            {"SCMC__Credit_Invoice__c": ref("Nowhere"), "SCMC__Amount__c": 33.333},
        ),
    )

    problems = check_plan(plan)

    assert any("81 characters, the field holds 80" in p for p in problems)
    assert any("'Income' is not one of the picklist values" in p for p in problems)
    assert any("33.333 has more than 2 decimals" in p for p in problems)
    assert any("@Nowhere does not resolve" in p for p in problems)


def test_it_reports_references_to_the_wrong_object_and_autonumber_names(tmp_path: Path) -> None:
    plan = _write(
        tmp_path,
        _company(),
        record(
            "c2g__codaExchangeRate__c",
            "Rate",
            {
                "Name": "ER000001",
                "c2g__ExchangeRateCurrency__c": ref("CompanyUS"),
                "c2g__OwnerCompany__c": ref("CompanyUS"),
                "c2g__StartDate__c": "2026-02-30",
                "c2g__Rate__c": 1.27,
            },
        ),
    )

    problems = check_plan(plan)

    assert any("Name: autonumber field" in p for p in problems)
    assert any("is a c2g__codaCompany__c, the lookup points at c2g__codaAccountingCurrency__c" in p for p in problems)
    assert any("'2026-02-30' is not a date" in p for p in problems)


def test_it_reports_duplicate_reference_ids_and_unique_values(tmp_path: Path) -> None:
    gla = {"Name": "Sales", "c2g__ReportingCode__c": "4000", "c2g__Type__c": "Profit and Loss"}
    plan = _write(
        tmp_path,
        record("c2g__codaGeneralLedgerAccount__c", "Gla", gla),
        record("c2g__codaGeneralLedgerAccount__c", "Gla", gla),
    )

    problems = check_plan(plan)

    assert any("referenceId used twice" in p for p in problems)
    assert any("c2g__ReportingCode__c '4000' is not unique" in p for p in problems)


def test_a_reference_to_a_later_plan_entry_does_not_resolve(tmp_path: Path) -> None:
    # Given a plan whose entries are in the wrong order (the currency before its company)
    plan = _write(
        tmp_path,
        _company(),
        record("c2g__codaAccountingCurrency__c", "CurUsdUS", {"Name": "USD", "c2g__OwnerCompany__c": ref("CompanyUS")}),
    )
    entries = json.loads(plan.read_text())
    plan.write_text(json.dumps(list(reversed(entries))))

    problems = check_plan(plan)

    assert any("@CompanyUS does not resolve" in p for p in problems)
