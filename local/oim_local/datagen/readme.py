"""Renders ``local/oim_local/data/README.md`` from the sample data set's manifest entries,
so the tables never drift from the data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from oim_local.datagen.manifest import Flow, ManifestEntry
from oim_local.datagen.order import LOAD_ORDER

_FLOW_TITLES: dict[Flow, str] = {
    "sales-invoices": "Sales invoices (`SCMC__Invoicing__c` → `c2g__codaInvoice__c`)",
    "sales-credit-notes": "Sales credit notes (`SCMC__Credit_Invoice__c` → `c2g__codaCreditNote__c`)",
    "payable-invoices": "Payable invoices (`SCMC__AP_Voucher__c` → `c2g__codaPurchaseInvoice__c`)",
    "payable-credit-notes": "Payable credit notes (`SCMC__AP_Voucher_Credit__c` → `c2g__codaPurchaseCreditNote__c`)",
    "journals": "Journals (`SCMC__Inventory_Transaction_Perpetual_Record__c` → `c2g__codaJournal__c`)",
    "vendor-accounts": "Vendor accounts (`SCMC__Supplier_Site__c` → `Account`)",
}

_INTRO = """\
# The sample data set

`sample/` is a small, realistic data set for the local org in Salesforce CLI tree format
(`sf data import tree --plan sample/plan.json` loads it into a real org as well). It is
generated: edit `local/oim_local/datagen/sample.py` (cases), `reference.py` (reference data)
or `documents.py` (how documents are built), then run

    .venv/bin/python -m oim_local.datagen.sample

which rewrites `sample/` and this README. `sample/manifest.json` lists every case below in
machine-readable form (flow, referenceId, locator, expected outcome).

## What it holds

- Two Accounting companies: **Acme Industries US** (home USD; also EUR and JPY with 0
  decimals; period 2026/009 closed) and **Acme Industries UK** (home GBP; also USD at 1.27
  and EUR at 1.17 per GBP). Monthly periods 2026/001 to 2026/012 in each.
- GL accounts (referenceIds `Gla...`: sales revenue, AR and AP control, inventory, COGS,
  accrued purchases/GRNI, PPV, cycle count, scrap, in transit, use tax expense and payable,
  freight, maintenance, miscellaneous, rounding, ...), dimensions 1-4, tax codes.
- The invoice line record types (Item, Drop Ship Item, Virtual Kit Item, Deposit, Discount,
  Freight, Labor, Miscellaneous, Tax: referenceIds `Rt<Type>`), currency masters `Cm<ISO>`,
  products `Prod...`, product groups `Pg...` (Unmapped Spares has no product; MRO Supplies is
  a category group), items (`WID-100`, `WID-200`, `GAD-300`, `KIT-500`, `SPR-900`,
  `ACC-FREIGHT`), line-type mappings `Ltm<Type>` (all six, Tax included), GL account
  mappings `GlMap<Category>` (every category used except WIP), ICPs (Dallas and Reno in
  the US, Leeds in GBP and Rotterdam in EUR in the UK), reason codes, PO payment terms.
- Customers Northwind Traders, Contoso Manufacturing, Fabrikam Ltd (UK) and Tailspin Toys
  (no AR control GLA); vendors Globex Components, Initech Supplies and Umbrella Metals Ltd
  with their supplier sites; purchase orders `Po...` with Item, Category and Description
  lines.
- Documents already in Accounting, exported before this data set: sales invoices
  `Sin<invoice referenceId>`, a void-path credit note `ScnInvOldVoid`, payable invoices
  `Pin<voucher referenceId>`. Their `OIM_External_Id__c` is empty and they do not
  point back at their source (the load order allows only source → target links).

## Conventions

- Autonumber names (INV-..., APV-..., ITPR-...) are left to the org, which numbers records in
  load order: the Names in the tables hold when this plan alone is loaded into a fresh org.
  Otherwise find a document by its referenceId (`load_plans(...).reference_ids`) or by the
  locator in the tables: an exact match of one text field on the header, or on the first
  line where the header has no text field. Sales and credit invoice line texts start with
  the document's referenceId.
- Line referenceIds are the document's plus `L<n>` (financial records `F<n>`).
- The fields OIM and the connector's Salesforce package fill on source records are filled as
  an org would have them: invoice line products, AP voucher line products and GLAs,
  accounting company and currency, journal dates and financial record GLAs (except where
  a case needs them empty).
- Expected outcomes use the run report's words: `created`; `not_eligible` (asked for by a
  record or list action but not eligible: still Open, proforma, not shipped, not matched; the
  reason is answered and nothing is written on the record; "all eligible" runs never select
  it); `skipped` (already exported or not for export, nothing written); `failed` (eligible
  but refused: Export Status "Export Error" and the message in `SCMC__Export_Error__c`). The
  messages below give the gist, not the exact text.

## Volume data sets

`oim_local.datagen.volume.generate_volume(out_dir, sales_invoices=..., ..., invalid_share=...,
seed=...)` (or `python -m oim_local.datagen.volume OUT_DIR --sales-invoices N ...`) writes
the same reference data plus any number of generated documents, with a `manifest.json` of
the same shape; `oim_local.datagen.check.check_plan(plan)` checks any data set against the
schema without an org.
"""


def render_readme(entries: Sequence[ManifestEntry], counts: Mapping[str, int]) -> str:
    parts = [_INTRO]
    for flow, title in _FLOW_TITLES.items():
        rows = [e for e in entries if e.flow == flow]
        if not rows:
            continue
        parts.append(f"\n## {title}\n\n")
        parts.append("| case | find it by | what it shows | expected | what the user sees |\n")
        parts.append("|---|---|---|---|---|\n")
        for e in rows:
            find = f"`{e.locator.sobject}.{e.locator.field}` = `{e.locator.value}`"
            if e.expected_name:
                find += f"; Name `{e.expected_name}`"
            parts.append(f"| `{e.reference_id}` | {find} | {_cell(e.case)} | {e.outcome} | {_cell(e.reason)} |\n")
    parts.append("\n## Record counts\n\n| object | records |\n|---|---|\n")
    parts.extend(f"| `{sobject}` | {counts[sobject]} |\n" for sobject in LOAD_ORDER if sobject in counts)
    return "".join(parts)


def write_readme(path: Path, entries: Sequence[ManifestEntry], counts: Mapping[str, int]) -> None:
    path.write_text(render_readme(entries, counts), encoding="utf-8")


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
