"""AP voucher credits (SCMC__AP_Voucher_Credit__c) -> payable credit notes (c2g__codaPurchaseCreditNote__c).

connector-spec.md §7: the credited voucher is exported and its payable invoice posted
(Complete); every line credit has Quantity Vouchered; the same line split and GLA rules as
payable invoices (``payables``). The credit note is booked in the company and currency of the
payable invoice it credits, in the period copied onto the voucher credit, else the open period
of the credit date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from oim_connector.mapping.assemble import mapped_documents
from oim_connector.mapping.entry import DocumentMapping
from oim_connector.mapping.money import to_decimal
from oim_connector.mapping.payables import (
    SITE_CURRENCY,
    SUPPLIER_SITE_FIELDS,
    VOUCHER_LINE_FIELDS,
    PayableTarget,
    SourceLine,
    document_period,
    line_amount,
    map_payable_line,
    vendor_account,
)
from oim_connector.mapping.reference import ReferenceData
from oim_connector.mapping.rules import (
    MappingError,
    apply_rules,
    children,
    company_and_currency,
    get_path,
    map_all,
    parse_date,
)
from oim_connector.model.documents import Mapped, SourceLink, TargetLine
from oim_connector.model.settings import FieldRule, GeneralSettings, PayableCreditNoteSettings

PREFIX = "PCN"
SOURCE_OBJECT = "SCMC__AP_Voucher_Credit__c"
SOURCE_LINE_OBJECT = "SCMC__AP_Voucher_Line_Credit__c"
LINES_RELATIONSHIP = "SCMC__AP_Voucher_Line_Credits__r"
HEADER_OBJECT = "c2g__codaPurchaseCreditNote__c"
BACK_LINK_FIELD = "SCMFFA__Payable_Credit_Note__c"
EXPORTED = "Exported"
POSTED = "Complete"

TARGET = PayableTarget(
    prefix=PREFIX,
    source_line_object=SOURCE_LINE_OBJECT,
    parent_field="c2g__PurchaseCreditNote__c",
    product_line_object="c2g__codaPurchaseCreditNoteLineItem__c",
    expense_line_object="c2g__codaPurchaseCreditNoteExpLineItem__c",
    product_back_link="SCMFFA__Payable_Credit_Note_Line_Item__c",
    expense_back_link="SCMFFA__Payable_Credit_Note_Expense_Line_Item__c",
)

_VOUCHER = "SCMC__AP_Voucher__r."
# OIM DD 2023.1 SCMC__AP_Voucher_Credit__c: the vendor's number is "Supplier Invoice Number", Text(25).
CREDIT_NUMBER_FIELD = "SCMC__Invoice_Number__c"
# OIM DD 2023.3 SCMC__AP_Voucher_Line_Credit__c: "Quantity Vouchered" is SCMC__Quantity__c, Number(18,4).
QUANTITY_VOUCHERED_FIELD = "SCMC__Quantity__c"
_PIN = _VOUCHER + "SCMFFA__Payable_Invoice__r."
VOUCHER_LINE = "SCMC__AP_Voucher_Line__r"

HEADER_FIELDS = (
    "Id",
    "Name",
    "CreatedDate",
    "SCMC__Export_Status__c",
    "SCMFFA__Payable_Credit_Note__c",
    "SCMFFA__Payable_Credit_Note__r.Name",
    CREDIT_NUMBER_FIELD,
    "SCMC__Credit_Date__c",
    "SCMFFA__Period__c",
    "SCMC__AP_Voucher__c",
    _VOUCHER + "Name",
    _VOUCHER + "SCMC__Invoice_Number__c",
    _VOUCHER + "SCMC__Export_Status__c",
    _VOUCHER + "SCMFFA__Payable_Invoice__c",
    _PIN + "Name",
    _PIN + "c2g__InvoiceStatus__c",
    _PIN + "c2g__OwnerCompany__c",
    _PIN + "c2g__InvoiceCurrency__c",
    *(f"{_VOUCHER}SCMC__Supplier_Site__r.{f}" for f in SUPPLIER_SITE_FIELDS),
)
LINE_FIELDS = (
    "Id",
    "Name",
    QUANTITY_VOUCHERED_FIELD,
    "SCMC__Amount__c",
    "SCMC__Description__c",
    *(f"{VOUCHER_LINE}.{f}" for f in VOUCHER_LINE_FIELDS),
)


def external_id(source_id: str) -> str:
    return f"{PREFIX}:{source_id}"


def eligibility_errors(credit: Mapping[str, Any]) -> list[str]:
    """connector-spec §7: the voucher's payable invoice is posted; every line credit has Quantity Vouchered."""
    label = f"AP voucher credit {credit.get('Name') or credit.get('Id')}"
    voucher = get_path(credit, _VOUCHER + "Name") or credit.get("SCMC__AP_Voucher__c")
    invoice_number = get_path(credit, _VOUCHER + "SCMC__Invoice_Number__c")
    voucher_label = f"AP voucher {voucher}" + (f" ({invoice_number})" if invoice_number else "")
    errors = []
    pin = get_path(credit, _VOUCHER + "SCMFFA__Payable_Invoice__c")
    if get_path(credit, _VOUCHER + "SCMC__Export_Status__c") != EXPORTED or not pin:
        errors.append(
            f"{voucher_label}, credited by {label}, has not been exported to a payable invoice: create its payable "
            "invoice first"
        )
    else:
        status = get_path(credit, _PIN + "c2g__InvoiceStatus__c")
        if status != POSTED:
            errors.append(
                f"The payable invoice {get_path(credit, _PIN + 'Name') or pin} of {voucher_label} is not posted "
                f"(status {status or 'unknown'}): post it in Accounting before exporting {label}"
            )
    for line in children(credit, LINES_RELATIONSHIP):
        if line.get(QUANTITY_VOUCHERED_FIELD) is None:
            errors.append(
                f"Line credit {line.get('Name') or line['Id']} of {label} has no Quantity Vouchered: fill it on the "
                "AP voucher line credit"
            )
    return errors


def _map(
    credit: Mapping[str, Any],
    *,
    ref: ReferenceData,
    settings: PayableCreditNoteSettings,
    general: GeneralSettings,
    rules: Sequence[FieldRule],
    today: dt.date,
) -> Mapped:
    source_id = str(credit["Id"])
    name = str(credit.get("Name") or source_id)
    label = f"AP voucher credit {name}"
    # The credit note reverses the payable invoice: same company and currency.
    cc = company_and_currency(
        ref,
        company_id=get_path(credit, _PIN + "c2g__OwnerCompany__c"),
        currency_id=get_path(credit, _PIN + "c2g__InvoiceCurrency__c"),
        currency_iso=get_path(credit, f"{_VOUCHER}SCMC__Supplier_Site__r.{SITE_CURRENCY}"),
        default_company=general.default_company,
        record_label=label,
    )
    account = vendor_account(get_path(credit, _VOUCHER + "SCMC__Supplier_Site__r"), label)
    credit_date = parse_date(credit.get("SCMC__Credit_Date__c")) or parse_date(credit.get("CreatedDate")) or today
    period = document_period(ref, cc.company, credit.get("SCMFFA__Period__c"), credit_date, label)
    dp = cc.currency.decimal_places

    derived_header: dict[str, Any] = {
        "company": cc.company.id,
        "currency": cc.currency.id,
        "account": account,
        "vendor_credit_note_number": _credit_note_number(credit, settings, label),
        "document_date": credit_date.isoformat(),
        # An AP voucher credit has no due date (OIM DD 2023.1): the credit note is due when dated.
        "due_date": credit_date.isoformat(),
        "period": period.id,
        "payable_invoice": get_path(credit, _VOUCHER + "SCMFFA__Payable_Invoice__c"),
    }
    header_fields = apply_rules(rules, "header", credit, derived_header)

    def map_line(line_credit: Mapping[str, Any]) -> TargetLine:
        voucher_line = line_credit.get(VOUCHER_LINE) or {}
        quantity = to_decimal(line_credit.get("SCMC__Quantity__c"), Decimal(1)) or Decimal(0)
        unit_cost = to_decimal(voucher_line.get("SCMC__Unit_Cost__c"))
        amount = line_amount(quantity, unit_cost, to_decimal(line_credit.get("SCMC__Amount__c")), dp)
        line = SourceLine(line_credit, voucher_line, quantity, amount, line_credit.get("SCMC__Description__c"))
        line_label = f"Line credit {line_credit.get('Name') or line_credit['Id']}"
        return map_payable_line(
            line, target=TARGET, ref=ref, settings=settings, rules=rules, line_label=line_label, dp=dp
        )

    lines = map_all(children(credit, LINES_RELATIONSHIP), map_line)

    return mapped_documents(
        source=SourceLink(SOURCE_OBJECT, source_id, BACK_LINK_FIELD),
        source_name=name,
        sobject=HEADER_OBJECT,
        external_id=external_id(source_id),
        header_fields=header_fields,
        lines=lines,
        line_limit=settings.line_limit,
        name_hint=label,
        lock_key=account,
    )


def _credit_note_number(credit: Mapping[str, Any], settings: PayableCreditNoteSettings, label: str) -> str:
    number = credit.get(CREDIT_NUMBER_FIELD)
    if not number and settings.vendor_credit_note_number == "credit_number":
        raise MappingError(
            f"{label} has no Supplier Invoice Number: enter the vendor's credit note number on the AP voucher credit"
        )
    return str(number or credit.get("Name") or credit["Id"])


# The flow's entry point, shaped like every other flow's (mapping/entry.py).
map_payable_credit_note = DocumentMapping[PayableCreditNoteSettings](
    BACK_LINK_FIELD, "payable credit note", build=_map, refusals=eligibility_errors
)
