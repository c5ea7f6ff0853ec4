"""What payable invoices and payable credit notes share: AP voucher lines -> product or expense lines.

connector-spec.md §3.4, §6 and §7, fact 6: the Product Line flag splits the lines; a product
line takes the product of its item's product group (accounting items alike, tax lines the "Tax"
line-type mapping); an expense line takes a GLA by precedence: the product's purchase analysis
GLA, the category's purchase analysis GLA for Category PO lines, the PO line's GLA for
Description PO lines. Dimensions 1-4 come from the product group. Pure: no I/O, no clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from oim_connector.mapping.money import as_number, round_money, to_decimal
from oim_connector.mapping.reference import Company, Period, ReferenceData
from oim_connector.mapping.rules import MappingError, apply_rules, get_path, open_period
from oim_connector.model.documents import SourceLink, TargetLine
from oim_connector.model.settings import FieldRule, PayableLineSettings

TAX_LINE_TYPE = "Tax"
CATEGORY_PO_LINE = "Category"
DESCRIPTION_PO_LINE = "Description"
MAX_DESCRIPTION = 255

_PO_LINE = "SCMC__Purchase_Order_Line_Item__r."
# An AP voucher line's SCMC__Item__c is a text formula (PO line -> Item Master -> Name, OIM DD 2023.3
# AP_Voucher_Line__c), not a lookup: the item record is the PO line's Item Master, or the Accounting Item of an
# accounting line (same data dictionary). ``with_item`` puts the one that applies under ITEM.
_PO_ITEM = _PO_LINE + "SCMC__Item_Master__"
_ACCOUNTING_ITEM = "SCMC__Accounting_Item__"
ITEM = "__item"
_GROUP = ITEM + ".SCMC__Product_Group__r."
_ITEM_PATHS = (
    "Name",
    "SCMC__Product_Group__r.Name",
    "SCMC__Product_Group__r.SCMFFA__Product__c",
    "SCMC__Product_Group__r.SCMFFA__Product__r.Name",
    "SCMC__Product_Group__r.SCMFFA__Product__r.c2g__CODAPurchaseAnalysisAccount__c",
    *(f"SCMC__Product_Group__r.SCMFFA__Dimension_{n}__c" for n in range(1, 5)),
)
_CATEGORY = _PO_LINE + "SCMC__Category__r."
_DIMENSIONS = tuple(f"SCMFFA__Dimension_{n}__c" for n in range(1, 5))

# Fields of an AP voucher line the rules read; credits read them through SCMC__AP_Voucher_Line__r.
VOUCHER_LINE_FIELDS = (
    "Id",
    "Name",
    "SCMC__Line_Type__c",
    _ACCOUNTING_ITEM + "c",
    *(f"{_ACCOUNTING_ITEM}r.{p}" for p in _ITEM_PATHS),
    _PO_ITEM + "c",
    *(f"{_PO_ITEM}r.{p}" for p in _ITEM_PATHS),
    "SCMC__Purchase_Order_Line_Item__c",
    _PO_LINE + "Name",
    _PO_LINE + "SCMC__Line_Type__c",
    _PO_LINE + "SCMFFA__General_Ledger_Account__c",
    _PO_LINE + "SCMC__Category__c",
    _CATEGORY + "Name",
    _CATEGORY + "SCMFFA__Purchase_Analysis_GLA_for_Category__c",
    *(_CATEGORY + d for d in _DIMENSIONS),
    "SCMC__Quantity__c",
    "SCMC__Unit_Cost__c",
    "SCMC__Amount__c",
    "SCMC__Description__c",
    "SCMFFA__Product_Line__c",
    "SCMFFA__Product__c",
    "SCMFFA__General_Ledger_Account__c",
)


@dataclass(frozen=True)
class PayablesReference(ReferenceData):
    # Product2 Id -> (name, purchase analysis GLA Id) for the products of the line-type mappings,
    # so an expense tax line finds the GLA of the "Tax" product.
    products: dict[str, tuple[str, str | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class PayableTarget:
    """The Accounting line objects of one payable document kind, and the source line's back-links."""

    prefix: str
    source_line_object: str
    parent_field: str
    product_line_object: str
    expense_line_object: str
    product_back_link: str
    expense_back_link: str


@dataclass(frozen=True)
class SourceLine:
    """One line to export: the record written back to, and the AP voucher line its rules come from."""

    record: Mapping[str, Any]  # the AP voucher line, or the AP voucher line credit
    voucher_line: Mapping[str, Any]
    quantity: Decimal
    amount: Decimal  # in the document currency, rounded to its decimal places
    description: str | None


def line_amount(quantity: Decimal | None, unit_cost: Decimal | None, amount: Decimal | None, dp: int) -> Decimal:
    """The line's extended amount as OIM holds it, else quantity x unit cost."""
    if amount is not None:
        return round_money(amount, dp)
    return round_money((quantity if quantity is not None else Decimal(1)) * (unit_cost or Decimal(0)), dp)


def quantity_and_price(
    quantity: Decimal, unit_cost: Decimal | None, amount: Decimal, dp: int
) -> tuple[Decimal, Decimal]:
    """Quantity and unit price whose product rounds to the line amount, so totals hold to the cent:
    OIM's unit cost when it does, else amount / quantity (9 decimals), else 1 x the amount."""
    if quantity != 0:
        if unit_cost is not None and round_money(quantity * unit_cost, dp) == amount:
            return quantity, unit_cost
        price = (amount / quantity).quantize(Decimal("0.000000001"))
        if round_money(quantity * price, dp) == amount:
            return quantity, price
    return Decimal(1), amount


def with_item(voucher_line: Mapping[str, Any]) -> dict[str, Any]:
    """The voucher line with its item record under ITEM: the Accounting Item, else the PO line's Item Master."""
    for path in (_ACCOUNTING_ITEM, _PO_ITEM):
        item_id = get_path(voucher_line, path + "c")
        if item_id:
            return {**voucher_line, ITEM: {**(get_path(voucher_line, path + "r") or {}), "Id": item_id}}
    return {**voucher_line, ITEM: None}


def _item_id(voucher_line: Mapping[str, Any]) -> str | None:
    value = get_path(voucher_line, ITEM + ".Id")
    return str(value) if value else None


def is_product_line(voucher_line: Mapping[str, Any], settings: PayableLineSettings) -> bool:
    if settings.product_line_rule == "item":
        return _item_id(voucher_line) is not None
    return bool(voucher_line.get("SCMFFA__Product_Line__c"))


def map_payable_line(
    line: SourceLine,
    *,
    target: PayableTarget,
    ref: ReferenceData,
    settings: PayableLineSettings,
    rules: Sequence[FieldRule],
    line_label: str,
    dp: int,
) -> TargetLine:
    voucher_line = with_item(line.voucher_line)
    product_line = is_product_line(voucher_line, settings)
    dimensions = _dimensions(voucher_line)
    derived: dict[str, Any] = {
        "description": _description(line, voucher_line),
        "dimension_1": dimensions[0],
        "dimension_2": dimensions[1],
        "dimension_3": dimensions[2],
        "dimension_4": dimensions[3],
        "source_line": line.record["Id"],
        "item": _item_id(voucher_line),
    }
    if product_line:
        quantity, price = quantity_and_price(
            line.quantity, to_decimal(voucher_line.get("SCMC__Unit_Cost__c")), line.amount, dp
        )
        derived |= {
            "product": product_for(voucher_line, ref, settings, line_label),
            "quantity": as_number(quantity),
            "unit_price": as_number(price),
        }
        level, sobject, back_link = "product_line", target.product_line_object, target.product_back_link
    else:
        derived |= {"gla": gla_for(voucher_line, ref, settings, line_label), "net_value": as_number(line.amount)}
        level, sobject, back_link = "expense_line", target.expense_line_object, target.expense_back_link
    fields = apply_rules(rules, "line", line.record, derived) | apply_rules(rules, level, line.record, derived)
    record_id = str(line.record["Id"])
    return TargetLine(
        sobject=sobject,
        external_id=f"{target.prefix}:{record_id}",
        parent_field=target.parent_field,
        fields=fields,
        amount=line.amount,
        source_links=(SourceLink(target.source_line_object, record_id, back_link),),
    )


def _description(line: SourceLine, voucher_line: Mapping[str, Any]) -> str:
    text = (
        line.description
        or voucher_line.get("SCMC__Description__c")
        or get_path(voucher_line, ITEM + ".Name")
        or voucher_line.get("SCMC__Line_Type__c")
        or "AP voucher line"
    )
    return str(text)[:MAX_DESCRIPTION]


def _line_type(voucher_line: Mapping[str, Any]) -> str:
    return str(voucher_line.get("SCMC__Line_Type__c") or "Item")


def _dimensions(voucher_line: Mapping[str, Any]) -> tuple[Any, ...]:
    """The item's product group (accounting items alike), else the category of a Category PO line."""
    if _item_id(voucher_line):
        return tuple(get_path(voucher_line, _GROUP + d) for d in _DIMENSIONS)
    if get_path(voucher_line, _PO_LINE + "SCMC__Category__c"):
        return tuple(get_path(voucher_line, _CATEGORY + d) for d in _DIMENSIONS)
    return (None, None, None, None)


def product_for(
    voucher_line: Mapping[str, Any], ref: ReferenceData, settings: PayableLineSettings, line_label: str
) -> str:
    own = voucher_line.get("SCMFFA__Product__c")
    if settings.line_accounts == "line_first" and own:
        return str(own)
    if _line_type(voucher_line) == TAX_LINE_TYPE:
        return _tax_product(ref, line_label)
    if _item_id(voucher_line):
        return _item_product(voucher_line, line_label)
    if own:
        return str(own)
    raise MappingError(
        f"{line_label} is a product line (Product Line is checked) but has no item to take a product from: "
        "choose an item on the line, or uncheck Product Line to export it as an expense line"
    )


def _tax_product(ref: ReferenceData, line_label: str) -> str:
    product = ref.line_type_products.get(TAX_LINE_TYPE)
    if not product:
        raise MappingError(
            f"{line_label} is a tax line but no product is mapped to the OIM line type 'Tax': "
            "add a 'Tax' OIM Line Type to Product Mapping"
        )
    return product


def _item_product(voucher_line: Mapping[str, Any], line_label: str) -> str:
    item = get_path(voucher_line, ITEM + ".Name") or _item_id(voucher_line)
    group = get_path(voucher_line, _GROUP + "Name")
    if not group:
        raise MappingError(f"{line_label}: item '{item}' has no product group: set the product group on the item")
    product = get_path(voucher_line, _GROUP + "SCMFFA__Product__c")
    if not product:
        raise MappingError(
            f"{line_label}: product group '{group}' of item '{item}' has no product: link a product to the "
            "product group"
        )
    return str(product)


def gla_for(voucher_line: Mapping[str, Any], ref: ReferenceData, settings: PayableLineSettings, line_label: str) -> str:
    """The expense line's GLA, by the precedence of connector-spec §6."""
    own = voucher_line.get("SCMFFA__General_Ledger_Account__c")
    if settings.line_accounts == "line_first" and own:
        return str(own)
    if _line_type(voucher_line) == TAX_LINE_TYPE:
        return _tax_gla(ref, line_label)
    if _item_id(voucher_line):
        _item_product(voucher_line, line_label)
        gla = get_path(voucher_line, _GROUP + "SCMFFA__Product__r.c2g__CODAPurchaseAnalysisAccount__c")
        if not gla:
            product = get_path(voucher_line, _GROUP + "SCMFFA__Product__r.Name")
            raise MappingError(f"{line_label}: product '{product}' has no purchase analysis GLA: set it on the product")
        return str(gla)
    po_line_type = get_path(voucher_line, _PO_LINE + "SCMC__Line_Type__c")
    po_line = get_path(voucher_line, _PO_LINE + "Name") or voucher_line.get("SCMC__Purchase_Order_Line_Item__c")
    if po_line_type == CATEGORY_PO_LINE:
        return _category_gla(voucher_line, po_line, line_label)
    if po_line_type == DESCRIPTION_PO_LINE:
        gla = get_path(voucher_line, _PO_LINE + "SCMFFA__General_Ledger_Account__c")
        if not gla:
            raise MappingError(
                f"{line_label}: purchase order line {po_line} is a Description line without a General Ledger "
                "Account: set the General Ledger Account on the PO line"
            )
        return str(gla)
    if own:
        return str(own)
    raise MappingError(
        f"{line_label} has no item, category or purchase order line to take a general ledger account from: "
        "set the General Ledger Account on the AP voucher line"
    )


def _category_gla(voucher_line: Mapping[str, Any], po_line: Any, line_label: str) -> str:
    category = get_path(voucher_line, _CATEGORY + "Name")
    if not category:
        raise MappingError(
            f"{line_label}: purchase order line {po_line} is a Category line without a category: set the "
            "category on the PO line"
        )
    gla = get_path(voucher_line, _CATEGORY + "SCMFFA__Purchase_Analysis_GLA_for_Category__c")
    if not gla:
        raise MappingError(
            f"{line_label}: product group '{category}' has no purchase analysis GLA for category: set it on the "
            "product group"
        )
    return str(gla)


def _tax_gla(ref: ReferenceData, line_label: str) -> str:
    product = _tax_product(ref, line_label)
    known = ref.products.get(product) if isinstance(ref, PayablesReference) else None
    name, gla = known if known else (product, None)
    if not gla:
        raise MappingError(
            f"{line_label}: product '{name}', mapped to the OIM line type 'Tax', has no purchase analysis GLA: "
            "set it on the product"
        )
    return gla


def document_period(
    ref: ReferenceData, company: Company, period_id: str | None, day: dt.date, record_label: str
) -> Period:
    """The period chosen on the OIM record (refused when closed or of another company), else the
    open period of the document date."""
    if not period_id:
        return open_period(ref, company, day, record_label)
    period = next((p for p in ref.periods if p.id == period_id), None)
    if period is None:
        raise MappingError(f"The period on {record_label} ({period_id}) is not an accounting period: choose another")
    if period.company_id != company.id:
        owner = ref.companies.get(period.company_id)
        raise MappingError(
            f"Period {period.name} on {record_label} belongs to company '{owner.name if owner else period.company_id}'"
            f", not to '{company.name}': choose a period of '{company.name}'"
        )
    if period.closed:
        raise MappingError(
            f"Period {period.name} of company '{company.name}' is closed, so {record_label} cannot be booked in it: "
            f"choose an open period on {record_label}, or reopen the period in Accounting"
        )
    return period


def vendor_account(site: Mapping[str, Any] | None, record_label: str) -> str:
    """The vendor account of the supplier site, which must have an accounts payable control GLA."""
    if not site:
        raise MappingError(f"{record_label} has no supplier site: set the supplier site in OIM")
    account = site.get("SCMC__Account__c")
    site_name = site.get("Name") or "(unnamed)"
    if not account:
        raise MappingError(
            f"Supplier site '{site_name}' of {record_label} has no vendor account: link the site to an account "
            "(the vendor accounts sync creates it)"
        )
    if not get_path(site, "SCMC__Account__r.c2g__CODAAccountsPayableControl__c"):
        name = get_path(site, "SCMC__Account__r.Name") or account
        raise MappingError(f"Vendor account '{name}' has no accounts payable control GLA: set it on the account")
    return str(account)


SUPPLIER_SITE_FIELDS = (
    "Name",
    "SCMC__Account__c",
    "SCMC__Account__r.Name",
    "SCMC__Account__r.c2g__CODAAccountsPayableControl__c",
    # An AP voucher has no currency of its own (OIM DD 2023.1 SCMC__AP_Voucher__c): the site's is the fallback.
    "SCMC__Currency__r.Name",
)
SITE_CURRENCY = "SCMC__Currency__r.Name"
