"""The oracle's plain rules on a generated data set: it refuses exactly what the generator made
invalid (and says why), and intends documents whose lines and totals follow from the source."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from oim_local.chaos.oracle import SOBJECTS, Edit, Records, intentions
from oim_local.datagen.manifest import ManifestEntry, read_manifest
from oim_local.datagen.volume import generate_volume


def _generated(tmp_path: Path) -> tuple[Records, list[ManifestEntry]]:
    generate_volume(tmp_path, sales_invoices=20, credit_invoices=10, payable_invoices=20, payable_credit_notes=10,
                    perpetual_records=10, invalid_share=0.2, seed=3, month=5)  # fmt: skip
    return Records(tmp_path, SOBJECTS), read_manifest(tmp_path / "manifest.json").documents


def test_the_oracle_refuses_exactly_the_documents_the_generator_made_invalid(tmp_path: Path) -> None:
    records, entries = _generated(tmp_path)
    created = {e.reference_id: "2026-05-20" for e in entries}

    intended = {i.source: i for i in intentions(entries, records, created)}

    judged = [e for e in entries if e.reference_id in intended]
    assert len(judged) == 70
    for entry in judged:
        assert (intended[entry.reference_id].refusal is not None) == (entry.outcome == "failed"), entry


def test_a_sales_invoice_is_intended_line_by_line_and_follows_an_edit(tmp_path: Path) -> None:
    records, entries = _generated(tmp_path)
    entry = next(e for e in entries if e.flow == "sales-invoices" and e.outcome == "created")
    source = records.by_id[entry.reference_id]
    lines = records.lines(entry.reference_id, "SCMC__Invoicing__c", "SCMC__Invoice_Line_Item__c")

    (before,) = intentions([entry], records, {})
    net = sum(
        (Decimal(str(line["SCMC__Quantity__c"])) * Decimal(str(line["SCMC__Price_With_Options__c"]))).quantize(
            Decimal("0.01")
        )
        for _, line in lines
    )
    tax = Decimal(str(source.get("SCMC__Total_Tax__c") or 0))
    assert before.total == net + tax
    assert len(before.lines) == len(lines) + (1 if tax else 0)
    assert before.header["c2g__Period__c"] == f"@Period{source['SCMFFA__Accounting_Company__c'][8:]}05"

    first_rid, first = lines[0]
    records.apply(Edit(sobject="SCMC__Invoice_Line_Item__c", reference_id=first_rid,
                       fields={"SCMC__Quantity__c": first["SCMC__Quantity__c"] + 1}))  # fmt: skip
    (after,) = intentions([entry], records, {})
    assert after.total - before.total == Decimal(str(first["SCMC__Price_With_Options__c"])).quantize(Decimal("0.01"))
