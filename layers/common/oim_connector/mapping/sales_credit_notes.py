"""OIM credit invoices (SCMC__Credit_Invoice__c) -> sales credit notes (c2g__codaCreditNote__c).

connector-spec §5 and §10: a credit invoice is credited against the original sales invoice,
which must be posted (Complete); company, account, currency and dimensions come from that
sales invoice; a void credit is dated on it; OIM's tax arrives as one summarised tax line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from oim_connector.mapping.assemble import mapped_documents
from oim_connector.mapping.entry import DocumentMapping
from oim_connector.mapping.money import as_number, round_money, to_decimal
from oim_connector.mapping.reference import ReferenceData
from oim_connector.mapping.rules import (
    MappingError,
    apply_rules,
    children,
    company_and_currency,
    get_path,
    map_all,
    open_period,
    parse_date,
)
from oim_connector.mapping.tax import TAX_LINE_TYPE, tax_line, tax_total
from oim_connector.model.documents import Mapped, SourceLink, TargetLine
from oim_connector.model.settings import FieldRule, GeneralSettings, SalesCreditNoteSettings

PREFIX = "SCN"
SOURCE_OBJECT = "SCMC__Credit_Invoice__c"
SOURCE_LINE_OBJECT = "SCMC__Credit_Invoice_Line__c"
LINES_RELATIONSHIP = "SCMC__Credit_Invoice_Lines__r"
HEADER_OBJECT = "c2g__codaCreditNote__c"
LINE_OBJECT = "c2g__codaCreditNoteLineItem__c"
PARENT_FIELD = "c2g__CreditNote__c"
BACK_LINK_FIELD = "SCMFFA__Credit_Note__c"
LINE_BACK_LINK_FIELD = "SCMFFA__Sales_Credit_Note_Line_Item__c"
POSTED = "Complete"
VOIDED = "Voided"
# The deprecated route: an OIM invoice credited straight into a sales credit note by voiding it.
ORIGINAL_OBJECT = "SCMC__Invoicing__c"

ORIGINAL = "SCMC__Invoicing__r."
SALES_INVOICE = ORIGINAL + "SCMFFA__Sales_Invoice__r."
ORIGINAL_LINE = "SCMC__Invoice_Line_Item__r."
ORIGINAL_GROUP = ORIGINAL_LINE + "SCMC__Item__r.SCMC__Product_Group__r."
SALES_INVOICE_LINE = ORIGINAL_LINE + "SCMFFA__Sales_Invoice_Line_Item__r."

HEADER_FIELDS = (
    "Id",
    "Name",
    "CreatedDate",
    "SCMC__Export_Status__c",
    "SCMC__Total_Tax__c",
    "SCMFFA__Credit_Note__c",
    "SCMFFA__Credit_Note__r.Name",
    "SCMFFA__Billing_Document__c",
    "SCMFFA__Credit_Invoice_Due_Date__c",
    "SCMC__Invoicing__c",
    ORIGINAL + "Name",
    ORIGINAL + "SCMC__Status__c",
    ORIGINAL + "SCMFFA__Accounting_Company__c",
    ORIGINAL + "SCMFFA__Credit_Note__c",
    ORIGINAL + "SCMFFA__Credit_Note__r.Name",
    ORIGINAL + "SCMFFA__Sales_Invoice__c",
    SALES_INVOICE + "Name",
    SALES_INVOICE + "c2g__InvoiceStatus__c",
    SALES_INVOICE + "c2g__InvoiceDate__c",
    SALES_INVOICE + "c2g__Account__c",
    SALES_INVOICE + "c2g__OwnerCompany__c",
    SALES_INVOICE + "c2g__InvoiceCurrency__c",
    SALES_INVOICE + "c2g__Dimension1__c",
    SALES_INVOICE + "c2g__Dimension2__c",
    SALES_INVOICE + "c2g__Dimension3__c",
    SALES_INVOICE + "c2g__Dimension4__c",
)
LINE_FIELDS = (
    "Id",
    "Name",
    "SCMC__Quantity__c",
    "SCMC__Amount__c",
    "SCMC__Tax__c",
    "SCMC__Description__c",
    "SCMC__Invoice_Line_Item__c",
    ORIGINAL_LINE + "Name",
    ORIGINAL_LINE + "RecordType.Name",
    ORIGINAL_LINE + "SCMC__Description__c",
    ORIGINAL_LINE + "SCMFFA__Product__c",
    ORIGINAL_LINE + "SCMC__Item__r.Name",
    ORIGINAL_LINE + "SCMFFA__Sales_Invoice_Line_Item__c",
    SALES_INVOICE_LINE + "c2g__Product__c",
    *(SALES_INVOICE_LINE + f"c2g__Dimension{n}__c" for n in range(1, 5)),
    *(ORIGINAL_GROUP + f"SCMFFA__Dimension_{n}__c" for n in range(1, 5)),
)


def external_id(source_id: str) -> str:
    return f"{PREFIX}:{source_id}"


def eligibility_errors(credit: Mapping[str, Any]) -> list[str]:
    """connector-spec §5: the original sales invoice is posted, no void-path credit note, no billing document."""
    name = credit.get("Name") or credit.get("Id")
    if credit.get("SCMFFA__Billing_Document__c"):
        return [f"Credit invoice {name} is linked to a billing document and is exported through consolidated invoicing"]
    if not credit.get("SCMC__Invoicing__c"):
        return [f"Credit invoice {name} has no original invoice: link it to the OIM invoice it credits"]
    original = get_path(credit, ORIGINAL + "Name") or credit["SCMC__Invoicing__c"]
    void_note = get_path(credit, ORIGINAL + "SCMFFA__Credit_Note__c")
    if void_note:
        note_name = get_path(credit, ORIGINAL + "SCMFFA__Credit_Note__r.Name") or void_note
        return [
            f"The original invoice {original} was already credited by sales credit note {note_name} through the "
            f"old void process: a second credit note would credit it twice, so cancel credit invoice {name} in OIM"
        ]
    if not get_path(credit, ORIGINAL + "SCMFFA__Sales_Invoice__c"):
        return [
            f"The original invoice {original} has not been exported to Accounting: create its sales invoice and "
            "post it first"
        ]
    status = get_path(credit, SALES_INVOICE + "c2g__InvoiceStatus__c")
    if status != POSTED:
        sales_invoice = get_path(credit, SALES_INVOICE + "Name") or get_path(
            credit, ORIGINAL + "SCMFFA__Sales_Invoice__c"
        )
        return [
            f"The original invoice {original} has not been posted in Accounting (sales invoice {sales_invoice} is "
            f"{status or 'not posted'}): post sales invoice {sales_invoice} first"
        ]
    return []


def deprecated_route_message(invoice_name: str) -> str:
    """The answer to a request for a credit note straight from an OIM invoice (the old void route)."""
    return (
        f"{invoice_name} is an OIM invoice, not a credit invoice: sales credit notes are no longer created straight "
        "from an invoice by voiding it. Credit (or void) the invoice in OIM and export the credit invoice it creates."
    )


def credit_note_date(credit: Mapping[str, Any], today: dt.date) -> dt.date:
    """The Accounting Credit Invoice Date formula: a void credit is dated on the original sales invoice."""
    if get_path(credit, ORIGINAL + "SCMC__Status__c") == VOIDED:
        invoice_date = parse_date(get_path(credit, SALES_INVOICE + "c2g__InvoiceDate__c"))
        if invoice_date is not None:
            return invoice_date
    return parse_date(credit.get("CreatedDate")) or today


def _map(
    credit: Mapping[str, Any],
    *,
    ref: ReferenceData,
    settings: SalesCreditNoteSettings,
    general: GeneralSettings,  # unused: every flow's mapping takes it (mapping/entry.py)
    rules: Sequence[FieldRule],
    today: dt.date,
) -> Mapped:
    source_id = str(credit["Id"])
    name = str(credit.get("Name") or source_id)
    label = f"credit invoice {name}"
    # The credit note is booked where the original sales invoice was, whatever the user's company.
    cc = company_and_currency(
        ref,
        company_id=get_path(credit, SALES_INVOICE + "c2g__OwnerCompany__c")
        or get_path(credit, ORIGINAL + "SCMFFA__Accounting_Company__c"),
        currency_id=get_path(credit, SALES_INVOICE + "c2g__InvoiceCurrency__c"),
        currency_iso=None,
        default_company=None,
        record_label=label,
    )
    account_id = get_path(credit, SALES_INVOICE + "c2g__Account__c")
    document_date = credit_note_date(credit, today)
    period = open_period(ref, cc.company, document_date, label)
    dp = cc.currency.decimal_places

    derived_header: dict[str, Any] = {
        "company": cc.company.id,
        "currency": cc.currency.id,
        "account": account_id,
        "document_date": document_date.isoformat(),
        "due_date": (parse_date(credit.get("SCMFFA__Credit_Invoice_Due_Date__c")) or document_date).isoformat(),
        "period": period.id,
        "sales_invoice": get_path(credit, ORIGINAL + "SCMFFA__Sales_Invoice__c"),
        **{f"dimension_{n}": get_path(credit, SALES_INVOICE + f"c2g__Dimension{n}__c") for n in range(1, 5)},
    }
    header_fields = apply_rules(rules, "header", credit, derived_header)

    tax_from_lines = Decimal(0)
    credited: list[Mapping[str, Any]] = []
    for line in children(credit, LINES_RELATIONSHIP):
        if get_path(line, ORIGINAL_LINE + "RecordType.Name") == TAX_LINE_TYPE:
            # A credited OIM tax line folds into the one summarised tax line below.
            tax_from_lines += to_decimal(line.get("SCMC__Amount__c"), Decimal(0)) or Decimal(0)
        else:
            tax_from_lines += to_decimal(line.get("SCMC__Tax__c"), Decimal(0)) or Decimal(0)
            credited.append(line)
    lines = map_all(credited, lambda line: _map_line(line, rules=rules, settings=settings, dp=dp))

    total_tax = tax_total(credit.get("SCMC__Total_Tax__c"), tax_from_lines, settings.tax_source, dp)
    if total_tax != 0:
        lines.append(tax_line(sobject=LINE_OBJECT, parent_field=PARENT_FIELD, header_external_id=external_id(source_id),
                              record_label=f"Credit invoice {name}", total=total_tax, ref=ref))  # fmt: skip

    return mapped_documents(
        source=SourceLink(SOURCE_OBJECT, source_id, BACK_LINK_FIELD),
        source_name=name,
        sobject=HEADER_OBJECT,
        external_id=external_id(source_id),
        header_fields=header_fields,
        lines=lines,
        line_limit=settings.line_limit,
        name_hint=name,
        lock_key=account_id,
    )


def quantity_and_unit_price(
    amount: Decimal, quantity: Decimal | None, dp: int, rule: str
) -> tuple[Decimal, Decimal, Decimal]:
    """(quantity, unit price, line amount) for a credited amount.

    Accounting recomputes a line as quantity x unit price. When the amount does not divide by
    the quantity within the currency's decimals (100.00 / 3), a rounded unit price would lose
    or gain cents, so by default the line carries quantity 1 x the whole amount instead.
    """
    amount = round_money(amount, dp)
    if not quantity:
        return Decimal(1), amount, amount
    unit_price = amount / quantity
    if round_money(unit_price, dp) == unit_price:
        return quantity, unit_price, amount
    if rule == "quantity_one":
        return Decimal(1), amount, amount
    unit_price = unit_price.quantize(Decimal("1e-9"))
    return quantity, unit_price, round_money(quantity * unit_price, dp)


def _map_line(
    line: Mapping[str, Any], *, rules: Sequence[FieldRule], settings: SalesCreditNoteSettings, dp: int
) -> TargetLine:
    line_name = line.get("Name") or line.get("Id")
    if not line.get("SCMC__Invoice_Line_Item__c"):
        raise MappingError(f"Line {line_name}: no original invoice line: link it to the invoice line it credits")
    amount = to_decimal(line.get("SCMC__Amount__c"))
    if amount is None:
        raise MappingError(f"Line {line_name}: no credited amount: fill Amount on the credit invoice line")
    quantity, unit_price, line_amount = quantity_and_unit_price(
        amount, to_decimal(line.get("SCMC__Quantity__c")), dp, settings.uneven_unit_price
    )
    product = get_path(line, ORIGINAL_LINE + "SCMFFA__Product__c") or get_path(
        line, SALES_INVOICE_LINE + "c2g__Product__c"
    )
    if not product:
        original = get_path(line, ORIGINAL_LINE + "Name") or line["SCMC__Invoice_Line_Item__c"]
        raise MappingError(
            f"Line {line_name}: the original invoice line {original} has no product: set its Product in OIM"
        )
    item_name = get_path(line, ORIGINAL_LINE + "SCMC__Item__r.Name")
    derived = {
        "product": product,
        "quantity": as_number(quantity),
        "unit_price": as_number(unit_price),
        "description": line.get("SCMC__Description__c")
        or get_path(line, ORIGINAL_LINE + "SCMC__Description__c")
        or item_name,
        "item_name": item_name,
        **_dimensions(line, settings),
    }
    fields = apply_rules(rules, "line", line, derived)
    return TargetLine(
        sobject=LINE_OBJECT,
        external_id=f"{PREFIX}:{line['Id']}",
        parent_field=PARENT_FIELD,
        fields=fields,
        amount=line_amount,
        source_links=(SourceLink(SOURCE_LINE_OBJECT, str(line["Id"]), LINE_BACK_LINK_FIELD),),
    )


def _dimensions(line: Mapping[str, Any], settings: SalesCreditNoteSettings) -> dict[str, Any]:
    """The credit reverses the analysis booked on the original sales invoice line when there is one."""
    if settings.line_dimensions == "sales_invoice_line" and get_path(
        line, ORIGINAL_LINE + "SCMFFA__Sales_Invoice_Line_Item__c"
    ):
        return {f"dimension_{n}": get_path(line, SALES_INVOICE_LINE + f"c2g__Dimension{n}__c") for n in range(1, 5)}
    return {f"dimension_{n}": get_path(line, ORIGINAL_GROUP + f"SCMFFA__Dimension_{n}__c") for n in range(1, 5)}


# The flow's entry point, shaped like every other flow's (mapping/entry.py).
map_sales_credit_note = DocumentMapping[SalesCreditNoteSettings](
    BACK_LINK_FIELD, "sales credit note", build=_map, refusals=eligibility_errors
)
