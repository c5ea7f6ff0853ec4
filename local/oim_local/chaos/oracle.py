"""The independent oracle: what Accounting should hold for every generated source document.

Computed from the data set the generator wrote (its tree-format records, after any edits the
harness made) by the plain rules below, written from the connector spec and the generator's own
reference data. It never imports the connector's mapping: where the connector's rules are
configurable defaults, these are the same defaults written again, independently:

- company and currency: the OIM record's Accounting Company and Accounting Currency (a credit's:
  its original document's); period: the company's period of the document's month (the voucher's
  own period when set); every flow refuses a document dated in a closed period;
- sales invoice: the customer; one line per OIM line but tax lines, product from the line (OIM
  fills it), quantity, the derived unit price (Price With Options; Unit Price on a Deposit), the
  description, dimensions 1-4 of the item's product group; OIM's Total Tax as one tax line;
  refused when the customer has no AR control GLA or an item line's product group has no product;
- payable invoice: the supplier site's vendor account, the supplier's invoice number; a line on
  an Item PO line is a product line (product of the item's group, quantity, unit cost), the rest
  expense lines (the category's purchase analysis GLA, else the PO line's GLA; the amount);
  refused in a closed period or when the site has no vendor account;
- credit notes: linked to the posted original; a credited line carries quantity x amount/quantity
  when that divides to the cent, else 1 x amount; refused when the original is not posted (or a
  product line credit has no quantity);
- journal: one line per financial record on its GLA, debit when positive; values converted from
  the ICP currency at the company's rate, the rounding booked to GLA 7900; it balances.

An ``Intended`` holds lookups as ``@referenceId`` (resolved to Ids by the judge) and plain values.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from oim_local.datagen.manifest import ManifestEntry

Fields = dict[str, Any]

ITEM_LINE_TYPES = frozenset({"Item", "Drop Ship Item", "Virtual Kit Item"})
TAX_DESCRIPTION = "Tax calculated in OIM"
ROUNDING_GLA = "@GlaRounding"  # reporting code 7900, the chaos settings' conversion rounding GLA
# Units of the foreign currency per unit of the company's home currency (the generator's rates).
RATES = {("CompanyUS", "EUR"): Decimal("0.92"), ("CompanyUK", "USD"): Decimal("1.27"),
         ("CompanyUK", "EUR"): Decimal("1.17")}  # fmt: skip


@dataclass(frozen=True)
class LineShape:
    sobject: str
    parent_field: str
    link_field: str  # the target line's link to its source line (None-valued on tax/rounding lines)
    amount: tuple[str, ...]  # the fields whose product (one field: the value) is the line's amount


@dataclass(frozen=True)
class FlowShape:
    source_object: str
    target_object: str
    back_link: str  # on the source: its document
    source_link: str  # on the document: its source
    lines: tuple[LineShape, ...]


_QP = ("c2g__Quantity__c", "c2g__UnitPrice__c")
SHAPES: dict[str, FlowShape] = {
    "sales-invoices": FlowShape("SCMC__Invoicing__c", "c2g__codaInvoice__c", "SCMFFA__Sales_Invoice__c",
                                "SCMFFA__OIM_Invoice__c",
                                (LineShape("c2g__codaInvoiceLineItem__c", "c2g__Invoice__c",
                                           "SCMFFA__OIM_Invoice_Line__c", _QP),)),
    "sales-credit-notes": FlowShape("SCMC__Credit_Invoice__c", "c2g__codaCreditNote__c", "SCMFFA__Credit_Note__c",
                                    "SCMFFA__Credit_Invoice__c",
                                    (LineShape("c2g__codaCreditNoteLineItem__c", "c2g__CreditNote__c",
                                               "SCMFFA__Credit_Invoice_Line__c", _QP),)),
    "payable-invoices": FlowShape("SCMC__AP_Voucher__c", "c2g__codaPurchaseInvoice__c", "SCMFFA__Payable_Invoice__c",
                                  "SCMFFA__AP_Voucher__c",
                                  (LineShape("c2g__codaPurchaseInvoiceLineItem__c", "c2g__PurchaseInvoice__c",
                                             "SCMFFA__AP_Voucher_Line__c", _QP),
                                   LineShape("c2g__codaPurchaseInvoiceExpenseLineItem__c", "c2g__PurchaseInvoice__c",
                                             "SCMFFA__AP_Voucher_Line__c", ("c2g__NetValue__c",)))),
    "payable-credit-notes": FlowShape("SCMC__AP_Voucher_Credit__c", "c2g__codaPurchaseCreditNote__c",
                                      "SCMFFA__Payable_Credit_Note__c", "SCMFFA__AP_Voucher_Credit__c",
                                      (LineShape("c2g__codaPurchaseCreditNoteLineItem__c", "c2g__PurchaseCreditNote__c",
                                                 "SCMFFA__AP_Voucher_Line_Credit__c", _QP),
                                       LineShape("c2g__codaPurchaseCreditNoteExpLineItem__c",
                                                 "c2g__PurchaseCreditNote__c", "SCMFFA__AP_Voucher_Line_Credit__c",
                                                 ("c2g__NetValue__c",)))),
    "journals": FlowShape("SCMC__Inventory_Transaction_Perpetual_Record__c", "c2g__codaJournal__c",
                          "SCMFFA__Journal__c", "Perpetual_Record__c",
                          (LineShape("c2g__codaJournalLineItem__c", "c2g__Journal__c", "Financial_Record__c",
                                     ("c2g__Value__c",)),)),
}  # fmt: skip


class Edit(BaseModel):
    """One change the harness made to a source between runs: fields set on a record (a new line when
    the referenceId is new), or the record deleted. Lookups as "@referenceId"."""

    model_config = ConfigDict(frozen=True)

    sobject: str
    reference_id: str
    fields: dict[str, Any] = Field(default_factory=dict)
    delete: bool = False


@dataclass
class IntendedLine:
    sobject: str
    key: str  # the source line's referenceId as "@rid", or the line's description for tax/rounding lines
    fields: Fields


@dataclass
class Intended:
    flow: str
    source: str  # referenceId
    refusal: str | None = None
    header: Fields = field(default_factory=dict)
    lines: list[IntendedLine] = field(default_factory=list)
    total: Decimal = Decimal(0)


class Records:
    """The generated records by referenceId, and each record's children by lookup field."""

    def __init__(self, data_dir: Path, sobjects: set[str]) -> None:
        self.by_id: dict[str, Fields] = {}
        self.children: dict[tuple[str, str], list[str]] = defaultdict(list)  # (lookup field, "@parent") -> rids
        for path in sorted(data_dir.glob("*.json")):
            if path.stem not in sobjects:
                continue
            for rec in json.loads(path.read_text(encoding="utf-8"))["records"]:
                rid = rec["attributes"]["referenceId"]
                fields = {k: v for k, v in rec.items() if k != "attributes"}
                fields["_type"] = rec["attributes"]["type"]
                self.by_id[rid] = fields
                for name, value in fields.items():
                    if isinstance(value, str) and value.startswith("@") and name.endswith("__c"):
                        self.children[(name, value)].append(rid)

    def apply(self, edit: Edit) -> None:
        """A source edit the harness made in the org, made here too."""
        if edit.delete:
            self.by_id.pop(edit.reference_id, None)
            for rids in self.children.values():
                if edit.reference_id in rids:
                    rids.remove(edit.reference_id)
            return
        fields = self.by_id.setdefault(edit.reference_id, {"_type": edit.sobject})
        for name, value in edit.fields.items():
            fields[name] = value
            if isinstance(value, str) and value.startswith("@") and name.endswith("__c"):
                self.children[(name, value)].append(edit.reference_id)

    def get(self, value: object) -> Fields:
        """The record a lookup value ("@rid") points at; empty when none."""
        return self.by_id.get(str(value or "").removeprefix("@"), {})

    def lines(self, parent_rid: str, lookup: str, sobject: str) -> list[tuple[str, Fields]]:
        """The parent's records of one object, in the order of their line numbers."""
        found = [(rid, self.by_id[rid]) for rid in self.children[(lookup, "@" + parent_rid)]]
        return sorted(((rid, f) for rid, f in found if f["_type"] == sobject), key=lambda pair: _line_number(pair[0]))


# The objects the rules read (sources, their lines, and the reference data they point to).
SOBJECTS = {
    "Account", "Product2", "RecordType", "SCMC__Currency_Master__c", "SCMC__Item__c", "SCMC__Product_Group__c",
    "SCMC__Supplier_Site__c",
    "SCMC__Purchase_Order_Line_Item__c", "c2g__codaPeriod__c", "c2g__codaInvoice__c", "c2g__codaInvoiceLineItem__c",
    "c2g__codaPurchaseInvoice__c", "c2g__codaPurchaseInvoiceLineItem__c",
    "c2g__codaPurchaseInvoiceExpenseLineItem__c", "c2g__codaAccountingCurrency__c",
    *(s.source_object for s in SHAPES.values()), "SCMC__Invoice_Line_Item__c", "SCMC__Credit_Invoice_Line__c",
    "SCMC__AP_Voucher_Line__c", "SCMC__AP_Voucher_Line_Credit__c", "SCMC__Inventory_Transaction_Financial_Records__c",
}  # fmt: skip


def intend(entry: ManifestEntry, records: Records, created_dates: Mapping[str, str]) -> Intended | None:
    """What Accounting should hold for one source; None for sources the chaos run does not judge."""
    rules = {
        "sales-invoices": _sales_invoice,
        "payable-invoices": _payable_invoice,
        "sales-credit-notes": _sales_credit_note,
        "payable-credit-notes": _payable_credit_note,
        "journals": _journal,
    }
    if entry.flow not in rules or entry.sobject != SHAPES[entry.flow].source_object or entry.outcome == "skipped":
        return None  # exported before the data set (a credit's original): not this run's to write
    source = records.by_id[entry.reference_id]
    return rules[entry.flow](entry.reference_id, source, records, created_dates)


# ------------------------------------------------------------------ plain helpers


def money(value: Decimal, places: int = 2) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def dec(value: object) -> Decimal:
    return Decimal(str(value)) if value is not None else Decimal(0)


def period(company: object, day: str) -> str:
    """The company's period of the day's month (the generator names them PeriodUS01 ... PeriodUK12)."""
    return f"@Period{str(company).removeprefix('@Company')}{dt.date.fromisoformat(day[:10]).month:02d}"


def closed_period(records: Records, the_period: object) -> str | None:
    """Why nothing can be booked in the period, when it is closed."""
    found = records.get(the_period)
    return f"period {found.get('Name')} is closed" if found.get("c2g__Closed__c") else None


def group_dimensions(records: Records, item: object) -> Fields:
    group = records.get(records.get(item).get("SCMC__Product_Group__c")) if item else {}
    return {f"c2g__Dimension{n}__c": group.get(f"SCMFFA__Dimension_{n}__c") for n in range(1, 5)}


def split_price(amount: Decimal, quantity: Decimal | None) -> tuple[Decimal, Decimal]:
    """(quantity, unit price) whose product is the amount to the cent: 1 x amount when it does not divide."""
    if quantity and money(amount / quantity) * quantity == amount:
        return quantity, amount / quantity
    return Decimal(1), amount


# ------------------------------------------------------------------ sales invoices


def _sales_invoice(rid: str, inv: Fields, records: Records, _dates: Mapping[str, str]) -> Intended:
    intended = Intended("sales-invoices", rid)
    customer = records.get(inv.get("SCMC__Customer__c"))
    if not customer.get("c2g__CODAAccountsReceivableControl__c"):
        intended.refusal = f"customer {customer.get('Name')} has no accounts receivable control GLA"
        return intended
    company = inv.get("SCMFFA__Accounting_Company__c")
    closed = closed_period(records, period(company, str(inv.get("SCMC__Invoice_Date__c"))))
    if closed:
        intended.refusal = closed
        return intended
    lines = records.lines(rid, "SCMC__Invoicing__c", "SCMC__Invoice_Line_Item__c")
    tax = dec(inv.get("SCMC__Total_Tax__c")) if inv.get("SCMC__Total_Tax__c") is not None else None
    line_tax = Decimal(0)
    for line_rid, line in lines:
        line_type = records.get(line.get("RecordTypeId")).get("Name", "Item")
        price = dec(line.get("SCMC__Unit_Price__c") if line_type == "Deposit" or line.get(
            "SCMC__Price_With_Options__c") is None else line.get("SCMC__Price_With_Options__c"))  # fmt: skip
        quantity = dec(line.get("SCMC__Quantity__c", 1))
        if line_type == "Tax":
            line_tax += price * quantity
            continue
        line_tax += dec(line.get("SCMC__Tax__c"))
        if line_type in ITEM_LINE_TYPES:
            group = records.get(records.get(line.get("SCMC__Item__c")).get("SCMC__Product_Group__c"))
            if not group.get("SCMFFA__Product__c"):
                intended.refusal = f"product group {group.get('Name')} of an item line has no product"
                return intended
        intended.lines.append(IntendedLine("c2g__codaInvoiceLineItem__c", "@" + line_rid, {
            "c2g__Product__c": line.get("SCMFFA__Product__c"),
            "c2g__Quantity__c": quantity,
            "c2g__UnitPrice__c": price,
            "c2g__LineDescription__c": line.get("SCMC__Description__c"),
            **group_dimensions(records, line.get("SCMC__Item__c")),
            "SCMFFA__Item__c": line.get("SCMC__Item__c"),
        }))  # fmt: skip
        intended.total += money(quantity * price)
    tax = money(tax if tax is not None else line_tax)
    if tax:
        intended.lines.append(_tax_line("c2g__codaInvoiceLineItem__c", tax))
        intended.total += tax
    intended.header = {
        "c2g__OwnerCompany__c": inv.get("SCMFFA__Accounting_Company__c"),
        "c2g__InvoiceCurrency__c": inv.get("SCMFFA__Accounting_Currency__c"),
        "c2g__Account__c": inv.get("SCMC__Customer__c"),
        "c2g__InvoiceDate__c": inv.get("SCMC__Invoice_Date__c"),
        "c2g__DueDate__c": inv.get("SCMC__Due_Date__c"),
        "c2g__Period__c": period(inv.get("SCMFFA__Accounting_Company__c"), str(inv.get("SCMC__Invoice_Date__c"))),
    }
    return intended


def _tax_line(sobject: str, tax: Decimal) -> IntendedLine:
    return IntendedLine(sobject, TAX_DESCRIPTION, {
        "c2g__Product__c": "@ProdTax", "c2g__Quantity__c": Decimal(1), "c2g__UnitPrice__c": tax,
        "c2g__LineDescription__c": TAX_DESCRIPTION,
    })  # fmt: skip


def _line_number(rid: str) -> int:
    digits = rid.rsplit("L", 1)[-1].rsplit("F", 1)[-1]
    return int(digits) if digits.isdigit() else 0


# ------------------------------------------------------------------ payable invoices


def _vendor(records: Records, site: object) -> object:
    return records.get(site).get("SCMC__Account__c")


def _payable_line(records: Records, line: Fields, sobjects: tuple[str, str], amount: Decimal,
                  quantity: Decimal | None, key: str) -> IntendedLine:  # fmt: skip
    """A product line when the voucher line is on an Item PO line, else an expense line."""
    po_line = records.get(line.get("SCMC__Purchase_Order_Line_Item__c"))
    item = po_line.get("SCMC__Item_Master__c") if po_line.get("SCMC__Line_Type__c") == "Item" else None
    item = item or line.get("SCMC__Accounting_Item__c")
    common = {"c2g__LineDescription__c": line.get("SCMC__Description__c")}
    if item:
        group = records.get(records.get(item).get("SCMC__Product_Group__c"))
        q, price = split_price(amount, quantity)
        return IntendedLine(sobjects[0], key, {
            **common, "c2g__Product__c": group.get("SCMFFA__Product__c"), "c2g__Quantity__c": q,
            "c2g__UnitPrice__c": price, **group_dimensions(records, item), "SCMFFA__Item__c": item,
        })  # fmt: skip
    category = records.get(po_line.get("SCMC__Category__c"))
    gla = category.get("SCMFFA__Purchase_Analysis_GLA_for_Category__c") or po_line.get(
        "SCMFFA__General_Ledger_Account__c")  # fmt: skip
    dimensions = {f"c2g__Dimension{n}__c": category.get(f"SCMFFA__Dimension_{n}__c") for n in range(1, 5)}
    return IntendedLine(sobjects[1], key, {**common, "c2g__GeneralLedgerAccount__c": gla,
                                           "c2g__NetValue__c": amount, **dimensions})  # fmt: skip


def _payable_invoice(rid: str, voucher: Fields, records: Records, _dates: Mapping[str, str]) -> Intended:
    intended = Intended("payable-invoices", rid)
    company = voucher.get("SCMFFA__Accounting_Company__c")
    day = str(voucher.get("SCMC__Invoice_Date__c"))
    the_period = voucher.get("SCMFFA__Period__c") or period(company, day)
    closed = closed_period(records, the_period)
    if closed:
        intended.refusal = closed
        return intended
    vendor = _vendor(records, voucher.get("SCMC__Supplier_Site__c"))
    if not vendor:
        intended.refusal = "the supplier site has no vendor account"
        return intended
    sobjects = ("c2g__codaPurchaseInvoiceLineItem__c", "c2g__codaPurchaseInvoiceExpenseLineItem__c")
    for line_rid, line in records.lines(rid, "SCMC__AP_Voucher__c", "SCMC__AP_Voucher_Line__c"):
        amount = money(dec(line.get("SCMC__Quantity__c")) * dec(line.get("SCMC__Unit_Cost__c")))
        intended.lines.append(_payable_line(records, line, sobjects, amount, dec(line.get("SCMC__Quantity__c")),
                                            "@" + line_rid))  # fmt: skip
        intended.total += amount
    intended.header = {
        "c2g__OwnerCompany__c": company,
        "c2g__InvoiceCurrency__c": voucher.get("SCMFFA__Accounting_Currency__c"),
        "c2g__Account__c": vendor,
        "c2g__AccountInvoiceNumber__c": voucher.get("SCMC__Invoice_Number__c"),
        "c2g__InvoiceDate__c": day,
        "c2g__DueDate__c": voucher.get("SCMC__Due_Date__c"),
        "c2g__Period__c": the_period,
    }
    return intended


# ------------------------------------------------------------------ credit notes


def _sales_credit_note(rid: str, credit: Fields, records: Records, dates: Mapping[str, str]) -> Intended:
    intended = Intended("sales-credit-notes", rid)
    original = records.get(credit.get("SCMC__Invoicing__c"))
    posted = records.get(original.get("SCMFFA__Sales_Invoice__c"))
    if posted.get("c2g__InvoiceStatus__c") != "Complete":
        intended.refusal = f"the original sales invoice is {posted.get('c2g__InvoiceStatus__c')}, not Complete"
        return intended
    day = dates[rid]
    closed = closed_period(records, period(original.get("SCMFFA__Accounting_Company__c"), day))
    if closed:
        intended.refusal = closed
        return intended
    for line_rid, line in records.lines(rid, "SCMC__Credit_Invoice__c", "SCMC__Credit_Invoice_Line__c"):
        original_line = records.get(line.get("SCMC__Invoice_Line_Item__c"))
        amount = money(dec(line.get("SCMC__Amount__c")))
        quantity, price = split_price(amount, dec(line.get("SCMC__Quantity__c")))
        intended.lines.append(IntendedLine("c2g__codaCreditNoteLineItem__c", "@" + line_rid, {
            "c2g__Product__c": original_line.get("SCMFFA__Product__c"), "c2g__Quantity__c": quantity,
            "c2g__UnitPrice__c": price, "c2g__LineDescription__c": line.get("SCMC__Description__c"),
            **_credited_dimensions(records, original_line),
            "SCMFFA__OIM_Invoice_Line__c": line.get("SCMC__Invoice_Line_Item__c"),
        }))  # fmt: skip
        intended.total += amount
    company = original.get("SCMFFA__Accounting_Company__c")
    intended.header = {
        "c2g__OwnerCompany__c": company,
        "c2g__CreditNoteCurrency__c": original.get("SCMFFA__Accounting_Currency__c"),
        "c2g__Account__c": original.get("SCMC__Customer__c"),
        "c2g__CreditNoteDate__c": day,
        "c2g__DueDate__c": credit.get("SCMFFA__Credit_Invoice_Due_Date__c"),
        "c2g__Period__c": period(company, day),
        "c2g__Invoice__c": original.get("SCMFFA__Sales_Invoice__c"),
        "SCMFFA__OIM_Invoice__c": credit.get("SCMC__Invoicing__c"),
    }
    return intended


def _credited_dimensions(records: Records, original_line: Fields) -> Fields:
    """The dimensions of the posted sales invoice line credited (the default), else of the item's group."""
    posted = records.get(original_line.get("SCMFFA__Sales_Invoice_Line_Item__c"))
    if posted:
        return {f"c2g__Dimension{n}__c": posted.get(f"c2g__Dimension{n}__c") for n in range(1, 5)}
    return group_dimensions(records, original_line.get("SCMC__Item__c"))


def _payable_credit_note(rid: str, credit: Fields, records: Records, _dates: Mapping[str, str]) -> Intended:
    intended = Intended("payable-credit-notes", rid)
    voucher = records.get(credit.get("SCMC__AP_Voucher__c"))
    posted = records.get(voucher.get("SCMFFA__Payable_Invoice__c"))
    if posted.get("c2g__InvoiceStatus__c") != "Complete":
        intended.refusal = f"the voucher's payable invoice is {posted.get('c2g__InvoiceStatus__c')}, not Complete"
        return intended
    company = voucher.get("SCMFFA__Accounting_Company__c")
    day = str(credit.get("SCMC__Credit_Date__c"))
    closed = closed_period(records, credit.get("SCMFFA__Period__c") or period(company, day))
    if closed:
        intended.refusal = closed
        return intended
    sobjects = ("c2g__codaPurchaseCreditNoteLineItem__c", "c2g__codaPurchaseCreditNoteExpLineItem__c")
    lines = records.lines(rid, "SCMC__AP_Voucher_Credit__c", "SCMC__AP_Voucher_Line_Credit__c")
    for line_rid, line in lines:
        voucher_line = records.get(line.get("SCMC__AP_Voucher_Line__c"))
        amount = money(dec(line.get("SCMC__Amount__c")))
        quantity = dec(line.get("SCMC__Quantity__c")) if line.get("SCMC__Quantity__c") is not None else None
        target = _payable_line(records, voucher_line, sobjects, amount, quantity, "@" + line_rid)
        if target.sobject == sobjects[0] and quantity is None:
            intended.refusal = "a line credit of a product line has no Quantity Vouchered"
            return intended
        target.fields["c2g__LineDescription__c"] = line.get("SCMC__Description__c")
        intended.lines.append(target)
        intended.total += amount
    intended.header = {
        "c2g__OwnerCompany__c": company,
        "c2g__CreditNoteCurrency__c": voucher.get("SCMFFA__Accounting_Currency__c"),
        "c2g__Account__c": posted.get("c2g__Account__c"),
        "c2g__AccountCreditNoteNumber__c": credit.get("SCMC__Invoice_Number__c"),
        "c2g__CreditNoteDate__c": day,
        "c2g__DueDate__c": day,
        "c2g__Period__c": credit.get("SCMFFA__Period__c") or period(company, day),
        "c2g__PurchaseInvoice__c": voucher.get("SCMFFA__Payable_Invoice__c"),
    }
    return intended


# ------------------------------------------------------------------ journals


def _journal(rid: str, record: Fields, records: Records, _dates: Mapping[str, str]) -> Intended:
    intended = Intended("journals", rid)
    company = str(record.get("SCMFFA__Accounting_Company__c"))
    currency = records.get(record.get("SCMFFA__Accounting_Currency__c"))
    fins = records.lines(rid, "SCMC__Inventory_Transaction__c", "SCMC__Inventory_Transaction_Financial_Records__c")
    day = str(record.get("SCMFFA__Journal_Date__c") or record.get("SCMC__Transaction_Date__c"))
    closed = closed_period(records, period(company, day))
    if closed:
        intended.refusal = closed
        return intended
    if any(not fin.get("SCMFFA__General_Ledger_Account__c") for _, fin in fins):
        intended.refusal = "a financial record's GL category has no general ledger account"
        return intended
    icp_iso = records.get(fins[0][1].get("SCMC__ICP_Currency__c")).get("Name") if fins else currency.get("Name")
    rate = RATES.get((company.removeprefix("@"), str(icp_iso))) if icp_iso != currency.get("Name") else None
    balance = Decimal(0)
    for fin_rid, fin in fins:
        value = dec(fin.get("SCMC__ICP_Value_Amount__c"))
        value = money(value / rate) if rate else money(value)
        balance += value
        intended.lines.append(IntendedLine("c2g__codaJournalLineItem__c", "@" + fin_rid, {
            "c2g__LineType__c": "General Ledger Account",
            "c2g__GeneralLedgerAccount__c": fin.get("SCMFFA__General_Ledger_Account__c"),
            "c2g__Value__c": value, "c2g__DebitCredit__c": "Credit" if value < 0 else "Debit",
        }))  # fmt: skip
    if balance:
        intended.lines.append(IntendedLine("c2g__codaJournalLineItem__c", "rounding", {
            "c2g__GeneralLedgerAccount__c": ROUNDING_GLA, "c2g__Value__c": -balance,
            "c2g__DebitCredit__c": "Credit" if -balance < 0 else "Debit",
        }))  # fmt: skip
    intended.header = {
        "c2g__OwnerCompany__c": company,
        "c2g__JournalCurrency__c": record.get("SCMFFA__Accounting_Currency__c"),
        "c2g__JournalDate__c": day,
        "c2g__Period__c": period(company, day),
        "c2g__JournalStatus__c": "In Progress",
    }
    intended.total = Decimal(0)  # a journal balances
    return intended


def intentions(entries: list[ManifestEntry], records: Records, created: Mapping[str, str]) -> Iterator[Intended]:
    for entry in entries:
        found = intend(entry, records, created)
        if found is not None:
            yield found
