"""Avalara AvaTax alongside OIM: the accounting rules, as pure functions (connector-spec §10).

- A source whose tax was not calculated in OIM is refused (one rule for every flow that uses
  Avalara), unless the run calculates it first.
- The tax request sent to AvaTax is built from the OIM document's lines and addresses; the
  answer is written back on OIM's tax fields, from where the flow's mapping takes its one
  summarised Tax line (``mapping.tax``), so Accounting never calculates tax itself.
- Once the Accounting document is posted (Complete), the tax is posted (unless "Posting Tax to
  Avalara Optional") and committed, for the OIM document, once.

Status values are OIM's External Tax Status picklist (Winter 2023 data dictionaries of
Invoicing__c, Credit_Invoice__c and AP_Voucher__c): Calculated, Committed, Not Calculated,
Posted, Voided.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from oim_connector.mapping.money import round_money, to_decimal
from oim_connector.mapping.rules import children, get_path
from oim_connector.model.settings import AvalaraAddress, AvalaraFlowSettings

NOT_CALCULATED = "Not Calculated"
CALCULATED = "Calculated"
POSTED = "Posted"
COMMITTED = "Committed"
VOIDED = "Voided"
TAX_LINE_TYPE = "Tax"
# AvaTax: a transaction code is at most 50 characters; OIM's External Tax Transaction ID is Text(50).
TRANSACTION_CODE_LENGTH = 50

TaxKind = Literal["sales", "return", "purchase"]
CommitStep = Literal["post", "commit"]

_DOCUMENT_TYPE: dict[TaxKind, str] = {"sales": "SalesInvoice", "return": "ReturnInvoice", "purchase": "PurchaseInvoice"}


# -- the refusal -----------------------------------------------------------------------------
def tax_header_fields(avalara: AvalaraFlowSettings) -> tuple[str, ...]:
    """The header fields a run reads when Avalara is in use (status and transaction id)."""
    if not avalara.in_use:
        return ()
    return (avalara.status_field, avalara.transaction_id_field)


def tax_status(record: Mapping[str, Any], avalara: AvalaraFlowSettings) -> str:
    value = record.get(avalara.status_field)
    return str(value) if value not in (None, "") else NOT_CALCULATED


def is_tax_calculated(record: Mapping[str, Any], avalara: AvalaraFlowSettings) -> bool:
    return tax_status(record, avalara) in avalara.calculated_values


def tax_refusal(record: Mapping[str, Any], avalara: AvalaraFlowSettings, document_label: str) -> str | None:
    """Why the source cannot be exported yet: its tax is not calculated in Avalara; None when it may."""
    if not avalara.in_use or is_tax_calculated(record, avalara):
        return None
    name = record.get("Name") or record.get("Id")
    status = tax_status(record, avalara)
    return (
        f"The tax of {document_label} {name} has not been calculated in Avalara (tax status '{status}'): "
        "press Calculate Tax on the record in OIM, or export it with the Calculate Tax option"
    )


def commit_steps(status: str, posting_optional: bool) -> tuple[CommitStep, ...]:
    """What is left to do in Avalara for a source whose Accounting document is posted.

    Calculated -> post, then commit (posting may be skipped when "Posting Tax to Avalara
    Optional"); Posted -> commit; Committed, Voided and Not Calculated -> nothing.
    """
    if status == CALCULATED:
        return ("commit",) if posting_optional else ("post", "commit")
    if status == POSTED:
        return ("commit",)
    return ()


def status_write_back(avalara: AvalaraFlowSettings, status: str, now: dt.datetime) -> dict[str, Any]:
    fields: dict[str, Any] = {avalara.status_field: status}
    if avalara.status_date_field:
        fields[avalara.status_date_field] = now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    return fields


# -- the request -----------------------------------------------------------------------------
@dataclass(frozen=True)
class TaxLine:
    line_id: str
    amount: Decimal
    quantity: Decimal
    item_code: str
    description: str


@dataclass(frozen=True)
class TaxDocument:
    """The OIM document as AvaTax sees it."""

    source_id: str
    name: str
    kind: TaxKind
    date: str
    party_code: str
    currency: str | None
    address: AvalaraAddress
    lines: tuple[TaxLine, ...]


def transaction_code(kind: TaxKind, source_id: str) -> str:
    """One AvaTax transaction per OIM document, so calculating again adjusts it (CreateOrAdjust)."""
    return f"OIM-{kind.upper()}-{source_id}"[:TRANSACTION_CODE_LENGTH]


def _address(record: Mapping[str, Any], prefix: str, street: str, city: str, region: str, postal: str,
             country: str) -> AvalaraAddress:  # fmt: skip
    def text(name: str, limit: int) -> str:
        return str(get_path(record, prefix + name) or "")[:limit]

    country_value = text(country, 80).strip()
    iso = _COUNTRY_CODES.get(country_value.lower(), country_value[:2].upper() if len(country_value) == 2 else "US")
    return AvalaraAddress(line1=text(street, 100), city=text(city, 50), region=text(region, 3),
                          postal_code=text(postal, 11), country=iso)  # fmt: skip


_COUNTRY_CODES = {"united states": "US", "united states of america": "US", "usa": "US", "us": "US",
                  "canada": "CA", "ca": "CA", "united kingdom": "GB", "uk": "GB", "gb": "GB"}  # fmt: skip

_ACCOUNT_ADDRESS = ("BillingStreet", "BillingCity", "BillingState", "BillingPostalCode", "BillingCountry")
_SITE_ADDRESS = ("SCMC__Mailing_Street__c", "SCMC__Mailing_City__c", "SCMC__Mailing_State_Province__c",
                 "SCMC__Mailing_Zip_Postal_Code__c", "SCMC__Mailing_Country__c")  # fmt: skip


def _dec(value: object) -> Decimal:
    return to_decimal(value, Decimal(0)) or Decimal(0)


# Per flow: the source object, its lines, the fields the tax request needs, and how to read them.
SALES_INVOICE_HEADER = ("Id", "Name", "SCMC__Invoice_Date__c", "CreatedDate", "SCMC__Customer__c",
                        "SCMC__Sales_Order__r.SCMC__Currency__r.Name",
                        *(f"SCMC__Customer__r.{f}" for f in _ACCOUNT_ADDRESS))  # fmt: skip
SALES_INVOICE_LINES = ("Id", "RecordType.Name", "SCMC__Quantity__c", "SCMC__Unit_Price__c",
                       "SCMC__Price_With_Options__c", "SCMC__Item__r.Name", "SCMC__Description__c")  # fmt: skip
CREDIT_INVOICE_HEADER = ("Id", "Name", "CreatedDate", "SCMC__Invoicing__r.SCMC__Customer__c",
                         "SCMC__Invoicing__r.SCMC__Sales_Order__r.SCMC__Currency__r.Name",
                         *(f"SCMC__Invoicing__r.SCMC__Customer__r.{f}" for f in _ACCOUNT_ADDRESS))  # fmt: skip
CREDIT_INVOICE_LINES = ("Id", "SCMC__Quantity__c", "SCMC__Amount__c", "SCMC__Description__c",
                        "SCMC__Invoice_Line_Item__r.RecordType.Name",
                        "SCMC__Invoice_Line_Item__r.SCMC__Item__r.Name")  # fmt: skip
VOUCHER_HEADER = ("Id", "Name", "SCMC__Invoice_Date__c", "CreatedDate", "SCMC__Supplier_Site__c",
                  # a voucher has no currency of its own (OIM DD 2023.1): its supplier site's
                  "SCMC__Supplier_Site__r.SCMC__Currency__r.Name",
                  *(f"SCMC__Supplier_Site__r.{f}" for f in _SITE_ADDRESS))  # fmt: skip
# A voucher line's SCMC__Item__c is a text formula, not a lookup (OIM DD 2023.3 AP_Voucher_Line__c): the item is
# the PO line's Item Master, or the Accounting Item of an accounting line.
_VOUCHER_ITEM_NAMES = ("SCMC__Purchase_Order_Line_Item__r.SCMC__Item_Master__r.Name", "SCMC__Accounting_Item__r.Name")
VOUCHER_LINES = ("Id", "SCMC__Line_Type__c", "SCMC__Quantity__c", "SCMC__Amount__c", "SCMC__Description__c",
                 *_VOUCHER_ITEM_NAMES)  # fmt: skip


def _date(record: Mapping[str, Any], field: str | None) -> str:
    value = (record.get(field) if field else None) or str(record.get("CreatedDate") or "")[:10]
    return str(value)[:10]


def sales_invoice_document(record: Mapping[str, Any]) -> TaxDocument:
    lines = []
    for line in children(record, "SCMC__Invoice_Line_Items__r"):
        if get_path(line, "RecordType.Name") == TAX_LINE_TYPE:
            continue  # an OIM tax line is tax, not a taxable amount
        quantity = _dec(line.get("SCMC__Quantity__c")) or Decimal(1)
        price = to_decimal(line.get("SCMC__Price_With_Options__c")) or _dec(line.get("SCMC__Unit_Price__c"))
        lines.append(TaxLine(str(line["Id"]), round_money(quantity * price, 2), quantity,
                             str(get_path(line, "SCMC__Item__r.Name") or get_path(line, "RecordType.Name") or ""),
                             str(line.get("SCMC__Description__c") or "")))  # fmt: skip
    return TaxDocument(
        source_id=str(record["Id"]), name=str(record.get("Name") or record["Id"]), kind="sales",
        date=_date(record, "SCMC__Invoice_Date__c"), party_code=str(record.get("SCMC__Customer__c") or ""),
        currency=_text_or_none(get_path(record, "SCMC__Sales_Order__r.SCMC__Currency__r.Name")),
        address=_address(record, "SCMC__Customer__r.", *_ACCOUNT_ADDRESS), lines=tuple(lines),
    )  # fmt: skip


def credit_invoice_document(record: Mapping[str, Any]) -> TaxDocument:
    lines = []
    for line in children(record, "SCMC__Credit_Invoice_Lines__r"):
        if get_path(line, "SCMC__Invoice_Line_Item__r.RecordType.Name") == TAX_LINE_TYPE:
            continue
        lines.append(TaxLine(str(line["Id"]), -abs(_dec(line.get("SCMC__Amount__c"))),
                             _dec(line.get("SCMC__Quantity__c")) or Decimal(1),
                             str(get_path(line, "SCMC__Invoice_Line_Item__r.SCMC__Item__r.Name") or ""),
                             str(line.get("SCMC__Description__c") or "")))  # fmt: skip
    return TaxDocument(
        source_id=str(record["Id"]), name=str(record.get("Name") or record["Id"]), kind="return",
        date=_date(record, None), party_code=str(get_path(record, "SCMC__Invoicing__r.SCMC__Customer__c") or ""),
        currency=_text_or_none(get_path(record, "SCMC__Invoicing__r.SCMC__Sales_Order__r.SCMC__Currency__r.Name")),
        address=_address(record, "SCMC__Invoicing__r.SCMC__Customer__r.", *_ACCOUNT_ADDRESS), lines=tuple(lines),
    )  # fmt: skip


def voucher_document(record: Mapping[str, Any]) -> TaxDocument:
    lines = []
    for line in children(record, "SCMC__AP_Voucher_Lines__r"):
        if line.get("SCMC__Line_Type__c") == TAX_LINE_TYPE:
            continue
        lines.append(TaxLine(str(line["Id"]), _dec(line.get("SCMC__Amount__c")),
                             _dec(line.get("SCMC__Quantity__c")) or Decimal(1),
                             str(next((n for p in _VOUCHER_ITEM_NAMES if (n := get_path(line, p))), "")),
                             str(line.get("SCMC__Description__c") or "")))  # fmt: skip
    return TaxDocument(
        source_id=str(record["Id"]), name=str(record.get("Name") or record["Id"]), kind="purchase",
        date=_date(record, "SCMC__Invoice_Date__c"), party_code=str(record.get("SCMC__Supplier_Site__c") or ""),
        currency=_text_or_none(get_path(record, "SCMC__Supplier_Site__r.SCMC__Currency__r.Name")),
        address=_address(record, "SCMC__Supplier_Site__r.", *_SITE_ADDRESS), lines=tuple(lines),
    )  # fmt: skip


def _text_or_none(value: object) -> str | None:
    return str(value)[:3] if value not in (None, "") else None


def _avatax_address(address: AvalaraAddress) -> dict[str, str]:
    return {"line1": address.line1, "city": address.city, "region": address.region,
            "postalCode": address.postal_code, "country": address.country}  # fmt: skip


def transaction_model(document: TaxDocument, company_code: str, origin: AvalaraAddress) -> dict[str, Any]:
    """AvaTax's CreateOrAdjustTransactionModel for the document, never committed at calculation.

    Sales and returns ship from the origin to the customer; a purchase (consumer use tax) ships
    from the supplier to the origin.
    """
    if not document.lines:
        raise ValueError(f"{document.name} has no taxable lines to send to Avalara")
    ship_from, ship_to = (document.address, origin) if document.kind == "purchase" else (origin, document.address)
    model: dict[str, Any] = {
        "type": _DOCUMENT_TYPE[document.kind],
        "code": transaction_code(document.kind, document.source_id),
        "companyCode": company_code,
        "date": document.date,
        "customerCode": document.party_code or document.source_id,
        "purchaseOrderNo": document.name,
        "commit": False,
        "addresses": {"shipFrom": _avatax_address(ship_from), "shipTo": _avatax_address(ship_to)},
        "lines": [
            {"number": line.line_id, "quantity": float(line.quantity), "amount": float(line.amount),
             "itemCode": line.item_code[:50], "description": line.description[:255]}
            for line in document.lines
        ],
        "description": f"OIM {document.name}",
    }  # fmt: skip
    if document.currency:
        model["currencyCode"] = document.currency
    return {"createTransactionModel": model}


# -- the answer --------------------------------------------------------------------------------
@dataclass(frozen=True)
class CalculatedTax:
    """What AvaTax answered: the transaction's code, total tax and tax per OIM line."""

    code: str
    total_tax: Decimal
    line_tax: dict[str, Decimal]


def calculated_tax(answer: Mapping[str, Any]) -> CalculatedTax:
    lines = answer.get("lines") or []
    line_tax = {str(line.get("lineNumber")): abs(_dec(line.get("tax"))) for line in lines if isinstance(line, dict)}
    return CalculatedTax(code=str(answer.get("code") or ""), total_tax=abs(_dec(answer.get("totalTax"))),
                         line_tax=line_tax)  # fmt: skip


def calculated_write_back(
    document: TaxDocument, result: CalculatedTax, avalara: AvalaraFlowSettings, now: dt.datetime,
    *, total_field: str = "SCMC__Total_Tax__c", line_tax_field: str | None = "SCMC__Tax__c",
) -> tuple[dict[str, Any], list[dict[str, Any]]]:  # fmt: skip
    """The OIM header and line updates that record a calculation: Total Tax, status, transaction id."""
    header: dict[str, Any] = {
        "Id": document.source_id,
        total_field: float(round_money(result.total_tax, 2)),
        avalara.transaction_id_field: result.code[:TRANSACTION_CODE_LENGTH],
        **status_write_back(avalara, CALCULATED, now),
    }
    lines: list[dict[str, Any]] = []
    if line_tax_field:
        lines = [
            {"Id": line.line_id, line_tax_field: float(round_money(result.line_tax.get(line.line_id, Decimal(0)), 2))}
            for line in document.lines
        ]
    return header, lines


def needs_calculation(records: Sequence[Mapping[str, Any]], avalara: AvalaraFlowSettings,
                      back_link_field: str) -> list[Mapping[str, Any]]:  # fmt: skip
    """The sources a "Calculate Tax" run calculates: not exported yet and not calculated."""
    return [r for r in records if not r.get(back_link_field) and not is_tax_calculated(r, avalara)]
