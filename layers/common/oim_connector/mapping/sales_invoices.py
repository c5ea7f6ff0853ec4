"""OIM invoices (SCMC__Invoicing__c) -> sales invoices (c2g__codaInvoice__c).

connector-spec.md §3-§4 and §10: eligibility, company and currency from the OIM records,
product per line type, the derived unit price, dimensions from the product group, and OIM's
tax carried as one summarised tax line so Accounting never recalculates it.
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
from oim_connector.mapping.signs import check_invoice_total, check_line_signs
from oim_connector.mapping.tax import TAX_LINE_TYPE, tax_line, tax_switches_off, tax_total
from oim_connector.mapping.totals import total_difference
from oim_connector.model.documents import Mapped, SourceLink, TargetLine
from oim_connector.model.settings import FieldRule, GeneralSettings, SalesInvoiceSettings

PREFIX = "SIN"
SOURCE_OBJECT = "SCMC__Invoicing__c"
SOURCE_LINE_OBJECT = "SCMC__Invoice_Line_Item__c"
LINES_RELATIONSHIP = "SCMC__Invoice_Line_Items__r"
HEADER_OBJECT = "c2g__codaInvoice__c"
LINE_OBJECT = "c2g__codaInvoiceLineItem__c"
PARENT_FIELD = "c2g__Invoice__c"
BACK_LINK_FIELD = "SCMFFA__Sales_Invoice__c"
LINE_BACK_LINK_FIELD = "SCMFFA__Sales_Invoice_Line_Item__c"
DEPOSIT_LINE_TYPE = "Deposit"
SHIPMENT_COMPLETE = "Shipment complete"

HEADER_FIELDS = (
    "Id",
    "Name",
    "CreatedDate",
    "SCMC__Status__c",
    "SCMC__Proforma__c",
    "SCMC__Export_Status__c",
    "SCMFFA__Sales_Invoice__c",
    "SCMFFA__Sales_Invoice__r.Name",
    "SCMFFA__Billing_Document__c",
    "SCMC__Shipping__r.SCMC__Status__c",
    "SCMC__Sales_Order__r.SCMC__Drop_Ship__c",
    "SCMFFA__Accounting_Company__c",
    "SCMFFA__Accounting_Currency__c",
    "SCMC__Sales_Order__r.SCMFFA__Accounting_Company__c",
    "SCMC__Sales_Order__r.SCMFFA__Company_Name__c",
    "SCMC__Sales_Order__r.SCMFFA__Accounting_Currency__c",
    "SCMC__Sales_Order__r.SCMC__Currency__r.Name",
    "SCMC__Customer__c",
    "SCMC__Customer__r.Name",
    "SCMC__Customer__r.c2g__CODAAccountsReceivableControl__c",
    "SCMC__Sales_Order__r.SCMC__Customer_Account__c",
    "SCMC__Sales_Order__r.SCMC__Customer_Account__r.Name",
    "SCMC__Sales_Order__r.SCMC__Customer_Account__r.c2g__CODAAccountsReceivableControl__c",
    "SCMC__Invoice_Date__c",
    "SCMC__Due_Date__c",
    "SCMC__Total_Tax__c",
)
LINE_FIELDS = (
    "Id",
    "Name",
    "RecordType.Name",
    "SCMC__Item__c",
    "SCMC__Item__r.Name",
    "SCMC__Item__r.SCMC__Product__c",
    "SCMC__Item__r.SCMC__Product_Group__c",
    "SCMC__Item__r.SCMC__Product_Group__r.Name",
    "SCMC__Item__r.SCMC__Product_Group__r.SCMFFA__Product__c",
    "SCMC__Item__r.SCMC__Product_Group__r.SCMFFA__Dimension_1__c",
    "SCMC__Item__r.SCMC__Product_Group__r.SCMFFA__Dimension_2__c",
    "SCMC__Item__r.SCMC__Product_Group__r.SCMFFA__Dimension_3__c",
    "SCMC__Item__r.SCMC__Product_Group__r.SCMFFA__Dimension_4__c",
    "SCMC__Quantity__c",
    "SCMC__Unit_Price__c",
    "SCMC__Price_With_Options__c",
    "SCMC__Description__c",
    "SCMC__Tax__c",
    "SCMFFA__Product__c",
)


def external_id(source_id: str) -> str:
    return f"{PREFIX}:{source_id}"


def eligibility_errors(invoice: Mapping[str, Any]) -> list[str]:
    """connector-spec §4: closed, not proforma, shipped (unless drop ship), no billing document."""
    name = invoice.get("Name") or invoice.get("Id")
    errors = []
    status = invoice.get("SCMC__Status__c")
    if status != "Closed":
        errors.append(f"Invoice {name} is {status or 'not closed'}: only closed OIM invoices can be exported")
    if invoice.get("SCMC__Proforma__c"):
        errors.append(f"Invoice {name} is a proforma invoice, which is never booked in Accounting")
    if invoice.get("SCMFFA__Billing_Document__c"):
        errors.append(f"Invoice {name} is linked to a billing document and is exported through consolidated invoicing")
    if not _is_drop_ship(invoice) and get_path(invoice, "SCMC__Shipping__r.SCMC__Status__c") != SHIPMENT_COMPLETE:
        errors.append(f"The shipment of invoice {name} is not complete: complete the shipment in OIM first")
    return errors


def _is_drop_ship(invoice: Mapping[str, Any]) -> bool:
    if get_path(invoice, "SCMC__Sales_Order__r.SCMC__Drop_Ship__c"):
        return True
    return any(get_path(line, "RecordType.Name") == "Drop Ship Item" for line in children(invoice, LINES_RELATIONSHIP))


def _map(
    invoice: Mapping[str, Any],
    *,
    ref: ReferenceData,
    settings: SalesInvoiceSettings,
    general: GeneralSettings,
    rules: Sequence[FieldRule],
    today: dt.date,
) -> Mapped:
    source_id = str(invoice["Id"])
    name = str(invoice.get("Name") or source_id)
    label = f"invoice {name}"
    cc = company_and_currency(
        ref,
        company_id=invoice.get("SCMFFA__Accounting_Company__c")
        or get_path(invoice, "SCMC__Sales_Order__r.SCMFFA__Accounting_Company__c"),
        currency_id=invoice.get("SCMFFA__Accounting_Currency__c")
        or get_path(invoice, "SCMC__Sales_Order__r.SCMFFA__Accounting_Currency__c"),
        currency_iso=get_path(invoice, "SCMC__Sales_Order__r.SCMC__Currency__r.Name"),
        default_company=general.default_company,
        record_label=label,
        company_name=get_path(invoice, "SCMC__Sales_Order__r.SCMFFA__Company_Name__c"),
    )
    account_id, account_name, ar_control = _customer(invoice)
    if not account_id:
        raise MappingError(f"Invoice {name} has no customer account: set the customer on the sales order")
    if not ar_control:
        raise MappingError(
            f"Customer account '{account_name}' has no accounts receivable control GLA: set it on the account"
        )
    document_date = parse_date(invoice.get("SCMC__Invoice_Date__c")) or parse_date(invoice.get("CreatedDate")) or today
    period = open_period(ref, cc.company, document_date, label)
    dp = cc.currency.decimal_places

    derived_header: dict[str, Any] = {
        "company": cc.company.id,
        "currency": cc.currency.id,
        "account": account_id,
        "document_date": document_date.isoformat(),
        "due_date": (parse_date(invoice.get("SCMC__Due_Date__c")) or document_date).isoformat(),
        "period": period.id,
    }
    header_fields = apply_rules(rules, "header", invoice, derived_header)

    tax_from_lines = Decimal(0)
    typed_lines: list[tuple[Mapping[str, Any], str]] = []
    for line in children(invoice, LINES_RELATIONSHIP):
        line_type = get_path(line, "RecordType.Name") or "Item"
        if line_type == TAX_LINE_TYPE:
            # OIM tax lines fold into the one summarised tax line below.
            tax_from_lines += _unit_price(line, line_type) * (to_decimal(line.get("SCMC__Quantity__c")) or Decimal(1))
        else:
            tax_from_lines += to_decimal(line.get("SCMC__Tax__c"), Decimal(0)) or Decimal(0)
            typed_lines.append((line, line_type))
    lines = map_all(
        typed_lines, lambda typed: _map_line(typed[0], typed[1], rules=rules, ref=ref, settings=settings, dp=dp)
    )

    check_invoice_total(record_label=f"Invoice {name}", net_total=sum((line.amount for line in lines), Decimal(0)))
    total_tax = tax_total(invoice.get("SCMC__Total_Tax__c"), tax_from_lines, settings.tax_source, dp)
    if total_tax != 0:
        lines.append(tax_line(sobject=LINE_OBJECT, parent_field=PARENT_FIELD, header_external_id=external_id(source_id),
                              record_label=f"Invoice {name}", total=total_tax, ref=ref))  # fmt: skip
    rounding = _rounding_line(invoice, lines, ref=ref, settings=settings, label=f"Invoice {name}", dp=dp)
    if rounding is not None:
        lines.append(rounding)

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


ROUNDING_DESCRIPTION = "Rounding to OIM's invoice total"


def _rounding_line(
    invoice: Mapping[str, Any],
    lines: Sequence[TargetLine],
    *,
    ref: ReferenceData,
    settings: SalesInvoiceSettings,
    label: str,
    dp: int,
) -> TargetLine | None:
    """The sales invoice books OIM's own total to the cent, or is refused (issue 15)."""
    if not settings.header_total_field:
        return None
    booked = sum((line.amount for line in lines), Decimal(0))
    difference = total_difference(get_path(invoice, settings.header_total_field), booked, dp=dp,
                                  line_count=len(lines), label=label, total_label=settings.header_total_field,
                                  rounding_gla=settings.rounding_gla)  # fmt: skip
    if difference == 0:
        return None
    gla = ref.gla_by_reporting_code.get(settings.rounding_gla or "")
    if gla is None:
        raise MappingError(
            f"The rounding GLA '{settings.rounding_gla}' of the sales invoice settings does not exist in Accounting: "
            "correct the setting"
        )
    return TargetLine(
        sobject=LINE_OBJECT,
        external_id=f"{external_id(str(invoice['Id']))}:ROUNDING",
        parent_field=PARENT_FIELD,
        fields={
            # Accounting wants a product on every sales invoice line: the first line's, booked on the rounding GLA.
            "c2g__Product__c": lines[0].fields.get("c2g__Product__c") if lines else None,
            "c2g__Quantity__c": 1,
            "c2g__UnitPrice__c": as_number(difference),
            "c2g__DeriveUnitPriceFromProduct__c": False,
            **tax_switches_off(LINE_OBJECT),
            "c2g__GeneralLedgerAccount__c": gla,
            "c2g__LineDescription__c": ROUNDING_DESCRIPTION,
        },
        amount=difference,
    )


def _customer(invoice: Mapping[str, Any]) -> tuple[str | None, str | None, str | None]:
    if invoice.get("SCMC__Customer__c"):
        return (
            invoice["SCMC__Customer__c"],
            get_path(invoice, "SCMC__Customer__r.Name"),
            get_path(invoice, "SCMC__Customer__r.c2g__CODAAccountsReceivableControl__c"),
        )
    prefix = "SCMC__Sales_Order__r.SCMC__Customer_Account__"
    return (get_path(invoice, prefix + "c"), get_path(invoice, prefix + "r.Name"),
            get_path(invoice, prefix + "r.c2g__CODAAccountsReceivableControl__c"))  # fmt: skip


def _unit_price(line: Mapping[str, Any], line_type: str) -> Decimal:
    """The Derived_Unit_Price__c formula: Deposit lines use Unit Price, others Price With Options."""
    field = "SCMC__Unit_Price__c" if line_type == DEPOSIT_LINE_TYPE else "SCMC__Price_With_Options__c"
    price = to_decimal(line.get(field))
    if price is None:
        price = to_decimal(line.get("SCMC__Unit_Price__c"), Decimal(0))
    assert price is not None
    return price


def _map_line(
    line: Mapping[str, Any],
    line_type: str,
    *,
    rules: Sequence[FieldRule],
    ref: ReferenceData,
    settings: SalesInvoiceSettings,
    dp: int,
) -> TargetLine:
    check_line_signs(
        record_label="Invoice line",
        line_label=str(line.get("Name") or line.get("SCMC__Description__c") or line["Id"]),
        line_type=line_type,
        quantity=to_decimal(line.get("SCMC__Quantity__c"), Decimal(1)) or Decimal(0),
        unit_price=_unit_price(line, line_type),
        negative_price_types=settings.negative_price_line_types,
    )
    product = _product(line, line_type, ref, settings)
    is_item = line_type in settings.item_line_types
    quantity = to_decimal(line.get("SCMC__Quantity__c"), Decimal(1)) or Decimal(1)
    if not is_item and settings.non_item_quantity == "one":
        quantity = Decimal(1)
    unit_price = _unit_price(line, line_type)
    if not is_item and settings.non_item_quantity == "one":
        unit_price = unit_price * (to_decimal(line.get("SCMC__Quantity__c"), Decimal(1)) or Decimal(1))
    group = "SCMC__Item__r.SCMC__Product_Group__r."
    derived = {
        "product": product,
        "quantity": as_number(quantity),
        "unit_price": as_number(unit_price),
        "description": line.get("SCMC__Description__c") or get_path(line, "SCMC__Item__r.Name") or line_type,
        "dimension_1": get_path(line, group + "SCMFFA__Dimension_1__c"),
        "dimension_2": get_path(line, group + "SCMFFA__Dimension_2__c"),
        "dimension_3": get_path(line, group + "SCMFFA__Dimension_3__c"),
        "dimension_4": get_path(line, group + "SCMFFA__Dimension_4__c"),
        "source_line": line["Id"],
        "item": line.get("SCMC__Item__c"),
    }
    fields = apply_rules(rules, "line", line, derived)
    return TargetLine(
        sobject=LINE_OBJECT,
        external_id=f"{PREFIX}:{line['Id']}",
        parent_field=PARENT_FIELD,
        fields=fields,
        amount=round_money(quantity * unit_price, dp),
        source_links=(SourceLink(SOURCE_LINE_OBJECT, str(line["Id"]), LINE_BACK_LINK_FIELD),),
    )


def _product(line: Mapping[str, Any], line_type: str, ref: ReferenceData, settings: SalesInvoiceSettings) -> str:
    explicit = line.get("SCMFFA__Product__c")
    if explicit:
        return str(explicit)
    line_name = line.get("Name") or line.get("Id")
    if line_type in settings.item_line_types:
        product = get_path(line, "SCMC__Item__r.SCMC__Product_Group__r.SCMFFA__Product__c") or get_path(
            line, "SCMC__Item__r.SCMC__Product__c"
        )
        if not product:
            item = get_path(line, "SCMC__Item__r.Name") or "(no item)"
            group = get_path(line, "SCMC__Item__r.SCMC__Product_Group__r.Name")
            where = f"product group '{group}'" if group else f"item '{item}'"
            raise MappingError(f"Line {line_name}: item '{item}' has no product: link a product to its {where}")
        return str(product)
    product = ref.line_type_products.get(line_type)
    if not product:
        raise MappingError(
            f"Line {line_name}: no product is mapped to the OIM line type '{line_type}': add it to the "
            "OIM Line Type to Product Mappings"
        )
    return product


# The flow's entry point, shaped like every other flow's (mapping/entry.py).
map_sales_invoice = DocumentMapping[SalesInvoiceSettings](
    BACK_LINK_FIELD, "sales invoice", build=_map, not_eligible=eligibility_errors
)
