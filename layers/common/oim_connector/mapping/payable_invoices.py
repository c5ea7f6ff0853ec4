"""AP vouchers (SCMC__AP_Voucher__c) -> payable invoices (c2g__codaPurchaseInvoice__c).

connector-spec.md §3 and §6: a matched voucher whose purchase orders share one company and
currency (the default company when no line has a PO), whose supplier site has a vendor
account; product and expense lines by the rules of ``payables``; the voucher's period when
set, else the open period of the invoice date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from oim_connector.mapping.assemble import mapped_documents
from oim_connector.mapping.entry import DocumentMapping
from oim_connector.mapping.money import as_number, to_decimal
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
    NO_COMPANY_NAME,
    CompanyAndCurrency,
    MappingError,
    apply_rules,
    children,
    company_and_currency,
    get_path,
    map_all,
    parse_date,
)
from oim_connector.mapping.totals import total_difference
from oim_connector.model.documents import Mapped, SourceLink, TargetLine
from oim_connector.model.settings import FieldRule, GeneralSettings, PayableInvoiceSettings

PREFIX = "PIN"
SOURCE_OBJECT = "SCMC__AP_Voucher__c"
SOURCE_LINE_OBJECT = "SCMC__AP_Voucher_Line__c"
LINES_RELATIONSHIP = "SCMC__AP_Voucher_Lines__r"
HEADER_OBJECT = "c2g__codaPurchaseInvoice__c"
BACK_LINK_FIELD = "SCMFFA__Payable_Invoice__c"
MATCHED = "Matched"

TARGET = PayableTarget(
    prefix=PREFIX,
    source_line_object=SOURCE_LINE_OBJECT,
    parent_field="c2g__PurchaseInvoice__c",
    product_line_object="c2g__codaPurchaseInvoiceLineItem__c",
    expense_line_object="c2g__codaPurchaseInvoiceExpenseLineItem__c",
    product_back_link="SCMFFA__Payable_Invoice_Line_Item__c",
    expense_back_link="SCMFFA__Payable_Invoice_Expense_Line_Item__c",
)

_PO = "SCMC__Purchase_Order_Line_Item__r.SCMC__Purchase_Order__"
_SITE_CURRENCY = f"SCMC__Supplier_Site__r.{SITE_CURRENCY}"

HEADER_FIELDS = (
    "Id",
    "Name",
    "CreatedDate",
    "SCMC__Status__c",
    "SCMC__Export_Status__c",
    "SCMFFA__Payable_Invoice__c",
    "SCMFFA__Payable_Invoice__r.Name",
    "SCMC__Invoice_Number__c",
    "SCMC__Invoice_Date__c",
    "SCMC__Due_Date__c",
    "SCMC__Invoice_Total__c",
    "SCMFFA__Accounting_Company__c",
    "SCMFFA__Accounting_Currency__c",
    "SCMFFA__Period__c",
    "SCMC__Supplier_Site__c",
    *(f"SCMC__Supplier_Site__r.{f}" for f in SUPPLIER_SITE_FIELDS),
)
LINE_FIELDS = (
    *VOUCHER_LINE_FIELDS,
    _PO + "c",
    _PO + "r.Name",
    _PO + "r.SCMFFA__Accounting_Company__c",
    _PO + "r.SCMFFA__Company_Name__c",
    _PO + "r.SCMFFA__Accounting_Currency__c",
    _PO + "r.SCMC__Currency__r.Name",
)


ACCOUNTING_DATE_FIELD = "SCMC__Accounting_Date__c"


def posted_voucher_updates(
    voucher_ids: Sequence[str], settings: PayableInvoiceSettings, posted_on: dt.date
) -> list[dict[str, Any]]:
    """The AP vouchers whose payable invoices were just posted: their Accounting Date is the posting date."""
    if not settings.fill_accounting_date:
        return []
    return [{"Id": voucher_id, ACCOUNTING_DATE_FIELD: posted_on.isoformat()} for voucher_id in voucher_ids]


def external_id(source_id: str) -> str:
    return f"{PREFIX}:{source_id}"


def eligibility_errors(voucher: Mapping[str, Any]) -> list[str]:
    """connector-spec §6: only matched vouchers become payable invoices."""
    status = voucher.get("SCMC__Status__c")
    if status != MATCHED:
        return [
            f"AP voucher {voucher.get('Name') or voucher.get('Id')} is {status or 'not matched'}: only matched AP "
            "vouchers can be exported; match it in OIM first"
        ]
    return []


def no_invoice_number(label: str) -> str:
    return f"{label} has no Supplier Invoice Number: enter the vendor's invoice number on the voucher"


def matching_refusals(voucher: Mapping[str, Any]) -> list[str]:
    """Validate While Matching (connector-spec §6): what would stop the voucher from exporting once
    matched that the voucher and its supplier site tell alone. The Salesforce package applies the same
    rules when a user matches a voucher (OimMatchingValidation); the test vectors
    OimMatchingVectors.json (its static resource) hold both to the same answers."""
    label = f"AP voucher {voucher.get('Name') or voucher.get('Id')}"
    refusals = []
    if not voucher.get("SCMC__Invoice_Number__c"):
        refusals.append(no_invoice_number(label))
    try:
        vendor_account(voucher.get("SCMC__Supplier_Site__r"), label)
    except MappingError as error:
        refusals.append(str(error))
    return refusals


def _map(
    voucher: Mapping[str, Any],
    *,
    ref: ReferenceData,
    settings: PayableInvoiceSettings,
    general: GeneralSettings,
    rules: Sequence[FieldRule],
    today: dt.date,
) -> Mapped:
    source_id = str(voucher["Id"])
    name = str(voucher.get("Name") or source_id)
    label = f"AP voucher {name}"
    voucher_lines = children(voucher, LINES_RELATIONSHIP)
    cc = voucher_company_and_currency(voucher, voucher_lines, ref, general, label)
    account = vendor_account(voucher.get("SCMC__Supplier_Site__r"), label)
    invoice_number = voucher.get("SCMC__Invoice_Number__c")
    if not invoice_number:
        raise MappingError(no_invoice_number(label))
    invoice_date = parse_date(voucher.get("SCMC__Invoice_Date__c")) or parse_date(voucher.get("CreatedDate")) or today
    period = document_period(ref, cc.company, voucher.get("SCMFFA__Period__c"), invoice_date, label)
    dp = cc.currency.decimal_places

    derived_header: dict[str, Any] = {
        "company": cc.company.id,
        "currency": cc.currency.id,
        "account": account,
        "vendor_invoice_number": str(invoice_number),
        "document_date": invoice_date.isoformat(),
        "due_date": (parse_date(voucher.get("SCMC__Due_Date__c")) or invoice_date).isoformat(),
        "period": period.id,
    }
    header_fields = apply_rules(rules, "header", voucher, derived_header)

    def map_line(voucher_line: Mapping[str, Any]) -> TargetLine:
        quantity = to_decimal(voucher_line.get("SCMC__Quantity__c"), Decimal(1)) or Decimal(0)
        unit_cost = to_decimal(voucher_line.get("SCMC__Unit_Cost__c"))
        amount = line_amount(quantity, unit_cost, to_decimal(voucher_line.get("SCMC__Amount__c")), dp)
        line = SourceLine(voucher_line, voucher_line, quantity, amount, voucher_line.get("SCMC__Description__c"))
        line_label = f"Line {voucher_line.get('Name') or voucher_line['Id']}"
        return map_payable_line(
            line, target=TARGET, ref=ref, settings=settings, rules=rules, line_label=line_label, dp=dp
        )

    lines = map_all(voucher_lines, map_line)
    rounding = _rounding_line(voucher, lines, ref=ref, settings=settings, label=label, dp=dp)
    if rounding is not None:
        lines = [*lines, rounding]
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


def voucher_company_and_currency(
    voucher: Mapping[str, Any],
    voucher_lines: Sequence[Mapping[str, Any]],
    ref: ReferenceData,
    general: GeneralSettings,
    label: str,
) -> CompanyAndCurrency:
    """The one company and currency of the purchase orders behind the lines (connector-spec §3.1, fact 3);
    without any PO, the voucher's own Accounting Company, else the default company. An AP voucher has no
    currency field (OIM DD 2023.1 SCMC__AP_Voucher__c), so the ISO code comes from its purchase orders, else
    from its supplier site (OIM DD 2023.3 SCMC__Supplier_Site__c.SCMC__Currency__c)."""
    orders: dict[str, Mapping[str, Any]] = {}
    for line in voucher_lines:
        po_id = get_path(line, _PO + "c")
        if po_id:
            orders[str(po_id)] = get_path(line, _PO + "r") or {}
    if not orders:
        return company_and_currency(
            ref,
            company_id=voucher.get("SCMFFA__Accounting_Company__c"),
            currency_id=voucher.get("SCMFFA__Accounting_Currency__c"),
            currency_iso=get_path(voucher, _SITE_CURRENCY),
            default_company=general.default_company,
            record_label=label,
        )
    companies: dict[str, list[str]] = {}
    currencies: dict[str, list[str]] = {}
    for po_id, order in orders.items():
        po_name = str(order.get("Name") or po_id)
        company_id = order.get("SCMFFA__Accounting_Company__c") or _company_named(ref, order, po_name, label)
        if not company_id:
            raise MappingError(
                f"Purchase order {po_name} of {label} has no Accounting Company: set its Company Name in OIM"
            )
        companies.setdefault(str(company_id), []).append(po_name)
        currency = ref.currencies.get(order.get("SCMFFA__Accounting_Currency__c") or "")
        iso = currency.iso_code if currency else get_path(order, "SCMC__Currency__r.Name")
        currencies.setdefault(str(iso or "no currency"), []).append(po_name)
    if len(companies) > 1:
        described = ", ".join(
            f"{_company_name(ref, company_id)} ({', '.join(names)})" for company_id, names in companies.items()
        )
        raise MappingError(
            f"The purchase orders of {label} belong to different companies: {described}. A payable invoice "
            "belongs to one company: split the voucher so each holds the lines of one company"
        )
    if len(currencies) > 1:
        described = ", ".join(f"{iso} ({', '.join(names)})" for iso, names in currencies.items())
        raise MappingError(
            f"The purchase orders of {label} are in different currencies: {described}. A payable invoice has "
            "one currency: split the voucher so each holds the lines of one currency"
        )
    order = next(iter(orders.values()))
    return company_and_currency(
        ref,
        company_id=next(iter(companies)),
        currency_id=order.get("SCMFFA__Accounting_Currency__c"),
        currency_iso=get_path(order, "SCMC__Currency__r.Name") or get_path(voucher, _SITE_CURRENCY),
        default_company=None,
        record_label=label,
    )


def _company_named(ref: ReferenceData, order: Mapping[str, Any], po_name: str, label: str) -> str | None:
    """The company the purchase order's Company Name picklist names, when its lookup is empty."""
    name = order.get("SCMFFA__Company_Name__c")
    if not name or name == NO_COMPANY_NAME:
        return None
    company = ref.company_by_name(name)
    if company is None:
        raise MappingError(
            f"The Company Name '{name}' of purchase order {po_name} ({label}) names no Accounting company: choose "
            "the name of an existing company (the picklist values must match the companies' names exactly)"
        )
    return company.id


def _company_name(ref: ReferenceData, company_id: str) -> str:
    company = ref.companies.get(company_id)
    return company.name if company else company_id


ROUNDING_DESCRIPTION = "Rounding to OIM's Invoice Total"
TOTAL_FIELD = "SCMC__Invoice_Total__c"  # OIM DD 2023.1 AP_Voucher__c: Invoice Total (Summary)


def _rounding_line(
    voucher: Mapping[str, Any],
    lines: Sequence[TargetLine],
    *,
    ref: ReferenceData,
    settings: PayableInvoiceSettings,
    label: str,
    dp: int,
) -> TargetLine | None:
    """The payable invoice must book what OIM vouchered, to the cent (connector-spec §6; issue 15)."""
    if not settings.check_voucher_total:
        return None
    booked = sum((line.amount for line in lines), Decimal(0))
    difference = total_difference(voucher.get(TOTAL_FIELD), booked, dp=dp, line_count=len(lines), label=label,
                                  total_label="Invoice Total", rounding_gla=settings.rounding_gla)  # fmt: skip
    if difference == 0:
        return None
    gla = ref.gla_by_reporting_code.get(settings.rounding_gla or "")
    if gla is None:
        raise MappingError(
            f"The rounding GLA '{settings.rounding_gla}' of the payable invoice settings does not exist in "
            "Accounting: correct the setting"
        )
    return TargetLine(
        sobject=TARGET.expense_line_object,
        external_id=f"{external_id(str(voucher['Id']))}:ROUNDING",
        parent_field=TARGET.parent_field,
        fields={
            "c2g__GeneralLedgerAccount__c": gla,
            "c2g__NetValue__c": as_number(difference),
            "c2g__LineDescription__c": ROUNDING_DESCRIPTION,
        },
        amount=difference,
    )


# The flow's entry point, shaped like every other flow's (mapping/entry.py).
map_payable_invoice = DocumentMapping[PayableInvoiceSettings](
    BACK_LINK_FIELD, "payable invoice", build=_map, not_eligible=eligibility_errors
)
