"""Generated data sets of any size, for benchmarks and the chaos harness.

``generate_volume`` writes the shared reference data once, then the requested documents,
streaming every record to its file, and a ``manifest.json`` that lists each source document
with its flow, referenceId, locator and expected outcome. A share of documents can be made
invalid on purpose; which ones and why is recorded in the manifest. The same arguments and
seed always give the same files.

Locators: line texts, supplier invoice and credit numbers and site names carry the
document's key (``VOL-SI-000001``, ``VOL-PI-000001``, ...).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from oim_local.datagen import documents as d
from oim_local.datagen.dataset import DataSetWriter
from oim_local.datagen.manifest import Flow, Locator, ManifestEntry
from oim_local.datagen.reference import COMPANY_UK, COMPANY_US, ITEMS, reference_records
from oim_local.datagen.tree import PLAN_FILE, Record

Case = tuple[list[Record], ManifestEntry]
LineCount = int | tuple[int, int]
# Builds the cases of document n: the document itself, after any prerequisite it needs.
Builder = Callable[[int, random.Random, str | None], Iterator[Case]]

_MONTHS = (1, 2, 3, 4, 5, 6, 7, 8)  # open periods in both companies (2026/009 is closed in the US)
_SALE_ITEMS = (("ItemWidgetA", 25.0), ("ItemWidgetB", 120.0), ("ItemGadget", 33.333333), ("ItemKit", 89.99))
_CUSTOMERS = (
    ("CustNorthwind", COMPANY_US, "USD"),
    ("CustContoso", COMPANY_US, "USD"),
    ("CustFabrikam", COMPANY_UK, "GBP"),
)
_TAX_RATES = {"USD": 0.0825, "GBP": 0.2}


@dataclass(frozen=True)
class _Supplier:
    site: str
    vendor: str | None
    company: str
    iso: str
    po: str
    lines: tuple[d.PoLine, ...]


def _po_lines(po: str) -> tuple[d.PoLine, ...]:
    return (
        d.PoLine(f"{po}Widget", "Item", "Standard widget", item="ItemWidgetA"),
        d.PoLine(f"{po}Category", "Category", "Shop floor consumables", category="PgCatMaintenance"),
        d.PoLine(f"{po}Gadget", "Item", "Precision gadget", item="ItemGadget"),
        d.PoLine(f"{po}Service", "Description", "Maintenance service", gla="GlaMaintenance"),
    )


_SUPPLIERS = (
    _Supplier("SiteGlobex", "VendGlobex", COMPANY_US, "USD", "PoVolGlobex", _po_lines("PoVolGlobex")),
    _Supplier("SiteInitech", "VendInitech", COMPANY_US, "USD", "PoVolInitech", _po_lines("PoVolInitech")),
    _Supplier("SiteUmbrella", "VendUmbrella", COMPANY_UK, "GBP", "PoVolUmbrella", _po_lines("PoVolUmbrella")),
)
_NO_ACCOUNT = _Supplier("SiteVolNoAccount", None, COMPANY_US, "USD", "PoVolNoAccount", _po_lines("PoVolNoAccount"))

# (transaction, debit category, credit category, reason code, reason code GLA)
_TRANSACTIONS = (
    ("Receive Purchased Material", "Inventory", "Accrued Purchases", None, None),
    ("Issue Customer Items Pick-list", "Cost of Goods Sold", "Inventory", None, None),
    ("Cycle Count", "Cycle Count", "Inventory", None, None),
    ("Scrap Inventory", "Scrap", "Inventory", "RcWriteOff", "GlaScrap"),
    ("Miscellaneous Issue", "Miscellaneous", "Inventory", "RcSamples", "GlaMiscExpense"),
    ("Item Transfer Outbound", "Transfer", "Inventory", None, None),
    ("Use Tax", "Use Tax Expense", "Use Tax Payable", None, None),
    ("PPV", "PPV", "Accrued Purchases", None, None),
)
# (ICP, company, journal currency, ICP currency)
_ICPS = (
    ("IcpDallas", COMPANY_US, "USD", "USD"),
    ("IcpReno", COMPANY_US, "USD", "USD"),
    ("IcpLeeds", COMPANY_UK, "GBP", "GBP"),
    ("IcpRotterdam", COMPANY_UK, "GBP", "EUR"),
)
_ELEMENTS = ("Material", "Freight", "Labor", "Overhead", "Duty", "Handling")

# The ways a document is made invalid, per flow: (kind, what the user should see).
INVALID_KINDS: dict[Flow, tuple[tuple[str, str], ...]] = {
    "sales-invoices": (
        ("no AR control GLA", "the customer Tailspin Toys has no Accounts Receivable Control"),
        ("no product", "an item line has no product (product group Unmapped Spares has none)"),
    ),
    "sales-credit-notes": (("sales invoice not posted", "the original sales invoice is In Progress, not Complete"),),
    "payable-invoices": (
        ("closed period", "period 2026/009 is closed in Acme Industries US"),
        ("no vendor account", "the supplier site has no vendor account"),
    ),
    "payable-credit-notes": (
        ("no quantity vouchered", "a line credit has no Quantity Vouchered"),
        ("payable invoice not posted", "the voucher's payable invoice is In Progress, not Complete"),
    ),
    "journals": (("unmapped GL category", "a WIP financial record has no general ledger account"),),
    "vendor-accounts": (("duplicate supplier name", "a vendor account with this supplier name already exists"),),
}


def generate_volume(
    out_dir: Path,
    *,
    sales_invoices: int = 0,
    lines_per_invoice: LineCount = 5,
    credit_invoices: int = 0,
    payable_invoices: int = 0,
    payable_credit_notes: int = 0,
    perpetual_records: int = 0,
    supplier_sites: int = 0,
    invalid_share: float = 0.0,
    seed: int = 0,
    month: int | None = None,
    large_share: float = 0.0,
    large_lines: tuple[int, int] = (260, 300),
) -> Path:
    """Write a tree-format data set into ``out_dir``; returns the plan's path.

    ``lines_per_invoice`` is a count or an inclusive (low, high) range drawn per document; it
    applies to sales invoices and AP vouchers. ``invalid_share`` of each flow's documents
    (rounded down, spread evenly) are invalid on purpose. ``month`` (1..8) dates every
    document in that month of 2026 (one period, for the reconciliation); by default they spread
    over January to August. ``large_share`` of the sales invoices
    (every 1/share-th) get a line count drawn from ``large_lines`` instead: documents that need
    several composite graphs.
    """
    counts = {
        "sales_invoices": sales_invoices,
        "credit_invoices": credit_invoices,
        "payable_invoices": payable_invoices,
        "payable_credit_notes": payable_credit_notes,
        "perpetual_records": perpetual_records,
        "supplier_sites": supplier_sites,
    }
    _check_arguments(counts, lines_per_invoice, invalid_share)
    if month is not None and month not in _MONTHS:
        raise ValueError(f"month must be one of {_MONTHS} (open periods in both companies), not {month}")
    low, high = (lines_per_invoice, lines_per_invoice) if isinstance(lines_per_invoice, int) else lines_per_invoice
    parameters: dict[str, object] = {
        "dataSet": "volume",
        **counts,
        "lines_per_invoice": [low, high],
        "invalid_share": invalid_share,
        "seed": seed,
        **({"month": month} if month is not None else {}),
        **({"large_share": large_share, "large_lines": list(large_lines)} if large_share else {}),
    }
    large = (large_share, large_lines)
    flows: tuple[tuple[Flow, int, Builder], ...] = (
        ("sales-invoices", sales_invoices, partial(_sales_invoice, lines=(low, high), month=month, large=large)),
        ("sales-credit-notes", credit_invoices, partial(_credit_invoice, month=month)),
        ("payable-invoices", payable_invoices, partial(_voucher, lines=(low, high), month=month)),
        ("payable-credit-notes", payable_credit_notes, partial(_voucher_credit, month=month)),
        ("journals", perpetual_records, partial(_perpetual_record, month=month)),
        ("vendor-accounts", supplier_sites, _supplier_site),
    )
    with DataSetWriter(out_dir, parameters=parameters) as writer:
        writer.add_all(reference_records())
        writer.add_all(_volume_reference())
        for flow, count, build in flows:
            # One random stream per flow: a flow's documents do not change with another's count.
            rng = random.Random(f"{seed}:{flow}")  # noqa: S311 - test data, reproducible by design
            for n, kind in enumerate(_invalid_kinds(flow, count, invalid_share, rng), start=1):
                for records, entry in build(n, rng, kind):
                    writer.add_case(records, entry)
    return out_dir / PLAN_FILE


def _check_arguments(counts: dict[str, int], lines: LineCount, invalid_share: float) -> None:
    for name, count in counts.items():
        if count < 0:
            raise ValueError(f"{name} must be 0 or more, not {count}")
    low, high = (lines, lines) if isinstance(lines, int) else lines
    if not 1 <= low <= high:
        raise ValueError(f"lines_per_invoice must be at least 1 (a range low <= high), not {lines}")
    if not 0.0 <= invalid_share <= 1.0:
        raise ValueError(f"invalid_share must be between 0 and 1, not {invalid_share}")


def _invalid_kinds(flow: Flow, count: int, share: float, rng: random.Random) -> Iterator[str | None]:
    """For each document, None (valid) or the kind of fault it gets; exactly floor(count x share) get one."""
    kinds = [kind for kind, _ in INVALID_KINDS[flow]]
    for i in range(count):
        if int((i + 1) * share) > int(i * share):
            yield rng.choice(kinds)
        else:
            yield None


def _reason(flow: Flow, kind: str | None) -> str:
    return dict(INVALID_KINDS[flow]).get(kind, "") if kind else ""


def _entry(flow: Flow, sobject: str, rid: str, locator: Locator, kind: str | None, case: str) -> ManifestEntry:
    return ManifestEntry(
        flow=flow,
        sobject=sobject,
        reference_id=rid,
        locator=locator,
        case=f"invalid: {kind}" if kind else case,
        outcome="failed" if kind else "created",
        reason=_reason(flow, kind),
    )


def _prerequisite(flow: Flow, sobject: str, rid: str, locator: Locator, credited_by: str) -> ManifestEntry:
    return ManifestEntry(
        flow=flow,
        sobject=sobject,
        reference_id=rid,
        locator=locator,
        case=f"exported earlier; credited by {credited_by}",
        outcome="skipped",
        reason="already exported",
    )


def _day(rng: random.Random, month: int | None = None) -> str:
    return f"2026-{month or rng.choice(_MONTHS):02d}-{rng.randint(1, 28):02d}"


def _line_count(rng: random.Random, lines: tuple[int, int]) -> int:
    return rng.randint(*lines)


def _volume_reference() -> Iterator[Record]:
    """Purchase orders the generated vouchers draw their lines from, and a site with no account."""
    yield d.supplier_site_record(
        _NO_ACCOUNT.site,
        name="Volume test site without account",
        supplier_name="Nobody Yet Ltd",
        iso="USD",
        city="Reno",
    )
    for s in (*_SUPPLIERS, _NO_ACCOUNT):
        yield from d.purchase_order_records(s.po, site=s.site, company=s.company, iso=s.iso, lines=s.lines)


# ------------------------------------------------------------------ sales invoices and credit invoices


def _sale_lines(rng: random.Random, key: str, count: int, no_product: bool) -> list[d.InvoiceLine]:
    lines: list[d.InvoiceLine] = []
    for k in range(1, count + 1):
        text = f"{key}/{k}"
        if no_product and k == 1:
            lines.append(d.InvoiceLine("Item", rng.randint(1, 20), 12.5, f"{text} spare part", item="ItemSpare"))
        elif k == count > 1 and rng.random() < 0.25:
            lines.append(d.InvoiceLine("Freight", 1, float(rng.randint(20, 90)), f"{text} freight"))
        else:
            item, price = rng.choice(_SALE_ITEMS)
            line_type = "Virtual Kit Item" if item == "ItemKit" else "Item"
            lines.append(d.InvoiceLine(line_type, rng.randint(1, 50), price, f"{text} {ITEMS[item][1]}", item=item))
    return lines


def _net(lines: list[d.InvoiceLine]) -> float:
    return sum(line.quantity * line.derived_unit_price for line in lines)


def _sales_invoice(
    n: int, rng: random.Random, kind: str | None, *, lines: tuple[int, int], month: int | None = None,
    large: tuple[float, tuple[int, int]] = (0.0, (0, 0)),
) -> Iterator[Case]:  # fmt: skip
    share, large_lines = large
    if share > 0 and n % max(1, round(1 / share)) == 0:
        lines = large_lines
    key = f"VOL-SI-{n:06d}"
    customer, company, iso = (
        ("CustTailspin", COMPANY_US, "USD") if kind == "no AR control GLA" else rng.choice(_CUSTOMERS)
    )
    inv_lines = _sale_lines(rng, key, _line_count(rng, lines), kind == "no product")
    taxed = rng.random() < 0.3
    inv = d.SalesInvoice(
        f"VolSi{n:06d}",
        customer,
        _day(rng, month),
        inv_lines,
        company=company,
        iso=iso,
        total_tax=d.money(_net(inv_lines) * _TAX_RATES[iso]) if taxed else None,
    )
    locator = Locator(sobject="SCMC__Invoice_Line_Item__c", field="SCMC__Description__c", value=inv_lines[0].text)
    case = f"{len(inv_lines)} lines" + (", OIM tax" if taxed else "")
    yield (
        list(d.sales_invoice_records(inv)),
        _entry("sales-invoices", "SCMC__Invoicing__c", inv.reference_id, locator, kind, case),
    )


def _credit_invoice(n: int, rng: random.Random, kind: str | None, *, month: int | None = None) -> Iterator[Case]:
    rid = f"VolCi{n:06d}"
    base_key, key = f"VOL-CB-{n:06d}", f"VOL-CI-{n:06d}"
    customer, company, iso = rng.choice(_CUSTOMERS)
    base_lines = _sale_lines(rng, base_key, rng.randint(1, 3), no_product=False)
    base = d.SalesInvoice(
        f"VolCiBase{n:06d}",
        customer,
        _day(rng, month),
        base_lines,
        company=company,
        iso=iso,
        exported_as="In Progress" if kind else "Complete",
    )
    base_locator = Locator(sobject="SCMC__Invoice_Line_Item__c", field="SCMC__Description__c", value=base_lines[0].text)
    yield (
        list(d.sales_invoice_records(base)),
        _prerequisite("sales-invoices", "SCMC__Invoicing__c", base.reference_id, base_locator, rid),
    )
    credit_lines = []
    for k, line in enumerate(base_lines, start=1):
        quantity = rng.randint(1, int(line.quantity))
        amount = d.money(quantity * line.derived_unit_price)
        credit_lines.append(d.CreditLine(f"{base.reference_id}L{k}", quantity, amount, f"{key}/{k} credit"))
    records = list(
        d.credit_invoice_records(rid, invoice=base.reference_id, due_date=d.due(base.invoice_date), lines=credit_lines)
    )
    locator = Locator(sobject="SCMC__Credit_Invoice_Line__c", field="SCMC__Description__c", value=credit_lines[0].text)
    yield (
        records,
        _entry("sales-credit-notes", "SCMC__Credit_Invoice__c", rid, locator, kind, f"{len(credit_lines)} lines"),
    )


# ------------------------------------------------------------------ AP vouchers and AP voucher credits


def _voucher_lines(rng: random.Random, supplier: _Supplier, key: str, count: int) -> list[d.VoucherLine]:
    # Item, category, item, description, ...: product and expense lines mixed from 2 lines on.
    widget, category, gadget, service = supplier.lines
    pattern = (widget, category, gadget, service)
    lines = []
    for k in range(1, count + 1):
        po_line = pattern[(k - 1) % 4]
        quantity = rng.randint(1, 40) if po_line.line_type == "Item" else 1
        cost = round(rng.uniform(5, 60), 2) if po_line.line_type == "Item" else float(rng.randint(50, 900))
        lines.append(d.VoucherLine("Item", quantity, cost, f"{key}/{k} {po_line.text}", po_line=po_line))
    return lines


def _voucher(
    n: int, rng: random.Random, kind: str | None, *, lines: tuple[int, int], month: int | None = None
) -> Iterator[Case]:
    key = f"VOL-PI-{n:06d}"
    supplier = rng.choice(_SUPPLIERS[:2] if kind == "closed period" else _SUPPLIERS)
    if kind == "no vendor account":
        supplier = _NO_ACCOUNT
    closed = kind == "closed period"
    voucher_lines = _voucher_lines(rng, supplier, key, _line_count(rng, lines))
    v = d.Voucher(
        f"VolPi{n:06d}",
        supplier.site,
        key,
        _day(rng, 9 if closed else month),
        supplier.iso,
        voucher_lines,
        company=supplier.company,
        period="PeriodUS09" if closed else None,
    )
    locator = Locator(sobject="SCMC__AP_Voucher__c", field="SCMC__Invoice_Number__c", value=key)
    products = sum(line.is_product_line for line in voucher_lines)
    case = f"{products} product and {len(voucher_lines) - products} expense lines"
    yield (
        list(d.voucher_records(v)),
        _entry("payable-invoices", "SCMC__AP_Voucher__c", v.reference_id, locator, kind, case),
    )


def _voucher_credit(n: int, rng: random.Random, kind: str | None, *, month: int | None = None) -> Iterator[Case]:
    rid, base_key, key = f"VolPc{n:06d}", f"VOL-PB-{n:06d}", f"VOL-PC-{n:06d}"
    supplier = rng.choice(_SUPPLIERS)
    base_lines = _voucher_lines(rng, supplier, base_key, 2)
    base = d.Voucher(
        f"VolPcBase{n:06d}",
        supplier.site,
        base_key,
        _day(rng, month),
        supplier.iso,
        base_lines,
        company=supplier.company,
        exported_as="In Progress" if kind == "payable invoice not posted" else "Complete",
        vendor=supplier.vendor,
    )
    base_locator = Locator(sobject="SCMC__AP_Voucher__c", field="SCMC__Invoice_Number__c", value=base_key)
    yield (
        list(d.voucher_records(base)),
        _prerequisite("payable-invoices", "SCMC__AP_Voucher__c", base.reference_id, base_locator, rid),
    )
    credits = []
    for k, line in enumerate(base_lines, start=1):
        quantity = rng.randint(1, int(line.quantity))
        vouchered = None if kind == "no quantity vouchered" and k == 1 else quantity
        amount = (
            d.money(quantity * line.unit_cost) if line.is_product_line else d.money(line.amount * rng.uniform(0.1, 1))
        )
        credits.append(d.LineCredit(f"{base.reference_id}L{k}", vouchered, amount, f"{key}/{k} credit"))
    records = d.voucher_credit_records(
        rid, voucher=base.reference_id, credit_number=key, credit_date=d.due(base.invoice_date, 10), lines=credits
    )
    locator = Locator(sobject="SCMC__AP_Voucher_Credit__c", field="SCMC__Invoice_Number__c", value=key)
    case = "credit of a product line and an expense line"
    yield list(records), _entry("payable-credit-notes", "SCMC__AP_Voucher_Credit__c", rid, locator, kind, case)


# ------------------------------------------------------------------ perpetual records and supplier sites


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` (in cents) split into ``parts`` positive amounts."""
    cuts = sorted(rng.sample(range(1, total), parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def _perpetual_record(n: int, rng: random.Random, kind: str | None, *, month: int | None = None) -> Iterator[Case]:
    key = f"VOL-JN-{n:06d}"
    if kind:
        transaction, debit, credit, reason, reason_gla = "Manufacture Item", "Inventory", "WIP", None, None
    else:
        transaction, debit, credit, reason, reason_gla = rng.choice(_TRANSACTIONS)
    icp, company, journal_iso, icp_iso = rng.choice(_ICPS)
    count = rng.randint(2, 6)
    debits = rng.randint(1, count - 1)
    total = rng.randint(1_000, 500_000)
    amounts = [c / 100 for c in _split(rng, total, debits)] + [-c / 100 for c in _split(rng, total, count - debits)]
    fins = [
        d.FinancialRecord(
            debit if k <= debits else credit,
            amount,
            element=f"{key} {_ELEMENTS[(k - 1) % len(_ELEMENTS)]}",
            quantity=rng.randint(1, 40),
        )
        for k, amount in enumerate(amounts, start=1)
    ]
    p = d.PerpetualRecord(
        f"VolJn{n:06d}",
        transaction,
        _day(rng, month),
        fins,
        icp=icp,
        company=company,
        journal_iso=journal_iso,
        icp_iso=icp_iso,
        item=rng.choice(("ItemWidgetA", "ItemWidgetB", "ItemGadget")),
        reason=reason,
        reason_gla=reason_gla,
    )
    locator = Locator(
        sobject="SCMC__Inventory_Transaction_Financial_Records__c",
        field="SCMC__Elements_of_Costs__c",
        value=fins[0].element,
    )
    case = f"{transaction}, {count} financial records in {icp_iso}"
    sobject = "SCMC__Inventory_Transaction_Perpetual_Record__c"
    yield list(d.perpetual_record_records(p)), _entry("journals", sobject, p.reference_id, locator, kind, case)


def _supplier_site(n: int, rng: random.Random, kind: str | None) -> Iterator[Case]:
    key = f"VOL-SS-{n:06d}"
    city = rng.choice(("Austin", "Denver", "Leeds", "Omaha", "Tulsa"))
    site = d.supplier_site_record(
        f"VolSs{n:06d}",
        name=f"{key} {city}",
        supplier_name="Globex Components" if kind else f"Volume Supplier {n:06d}",
        iso="USD",
        city=city,
        terms=rng.choice(("TermsNet30", "TermsLong")),
        ap_control="GlaApControl",
    )
    locator = Locator(sobject="SCMC__Supplier_Site__c", field="Name", value=f"{key} {city}")
    yield (
        [site],
        _entry("vendor-accounts", "SCMC__Supplier_Site__c", f"VolSs{n:06d}", locator, kind, "new supplier site"),
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m oim_local.datagen.volume OUT_DIR --sales-invoices 1000 ...``"""
    parser = argparse.ArgumentParser(prog="python -m oim_local.datagen.volume", description=__doc__)
    parser.add_argument("out_dir", type=Path)
    for name in ("sales_invoices", "credit_invoices", "payable_invoices", "payable_credit_notes"):
        parser.add_argument("--" + name.replace("_", "-"), type=int, default=0)
    parser.add_argument("--perpetual-records", type=int, default=0)
    parser.add_argument("--supplier-sites", type=int, default=0)
    parser.add_argument("--lines", type=int, nargs="+", default=[5], help="a count, or LOW HIGH")
    parser.add_argument("--invalid-share", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--month", type=int, help="date every document in this month of 2026 (1..8)")
    args = parser.parse_args(argv)
    lines: LineCount = args.lines[0] if len(args.lines) == 1 else (args.lines[0], args.lines[1])
    plan = generate_volume(
        args.out_dir,
        sales_invoices=args.sales_invoices,
        lines_per_invoice=lines,
        credit_invoices=args.credit_invoices,
        payable_invoices=args.payable_invoices,
        payable_credit_notes=args.payable_credit_notes,
        perpetual_records=args.perpetual_records,
        supplier_sites=args.supplier_sites,
        invalid_share=args.invalid_share,
        seed=args.seed,
        month=args.month,
    )
    print(f"wrote {plan}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
