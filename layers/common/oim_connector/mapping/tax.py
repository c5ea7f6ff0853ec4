"""OIM's tax on sales documents: one summarised tax line, never recalculated by Accounting.

connector-spec §10: tax is calculated in OIM (Avalara) before export. The sales invoice and
the sales credit note carry it as one line using the product mapped to the OIM line type
"Tax", with tax derivation switched off, so the document's tax equals OIM's to the cent.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from oim_connector.mapping.money import as_number, round_money, to_decimal
from oim_connector.mapping.reference import ReferenceData
from oim_connector.mapping.rules import MappingError
from oim_connector.model.documents import TargetLine

TAX_LINE_TYPE = "Tax"
TAX_LINE_SUFFIX = "TAX"
TAX_LINE_DESCRIPTION = "Tax calculated in OIM"

TaxSource = Literal["header_total", "line_sum"]

# The tax derivation switches of each line object, as Accounting publishes them (both MDAPI dumps and
# the Accounting 2025.3 data dictionary): a sales invoice line numbers them "1", a credit note line does not.
TAX_SWITCHES: dict[str, tuple[str, str]] = {
    "c2g__codaInvoiceLineItem__c": ("c2g__DeriveTaxRate1FromCode__c", "c2g__CalculateTaxValue1FromRate__c"),
    "c2g__codaCreditNoteLineItem__c": ("c2g__DeriveTaxRateFromCode__c", "c2g__CalculateTaxValueFromRate__c"),
}


def tax_switches_off(sobject: str) -> dict[str, bool]:
    """The line's tax derivation switched off, so Accounting keeps OIM's tax to the cent."""
    derive, calculate = TAX_SWITCHES[sobject]
    return {derive: False, calculate: False}


def tax_total(header_total: object, from_lines: Decimal, source: TaxSource, decimal_places: int) -> Decimal:
    """The OIM document's tax: its header Total Tax when asked for and present, else the lines' sum."""
    header = to_decimal(header_total)
    if source == "header_total" and header is not None:
        return round_money(header, decimal_places)
    return round_money(from_lines, decimal_places)


def tax_line(
    *,
    sobject: str,
    parent_field: str,
    header_external_id: str,
    record_label: str,
    total: Decimal,
    ref: ReferenceData,
) -> TargetLine:
    """The summarised tax line; refused with the setting to add when no product is mapped to "Tax"."""
    product = ref.line_type_products.get(TAX_LINE_TYPE)
    if not product:
        raise MappingError(
            f"{record_label} carries OIM tax of {total} but no product is mapped to the OIM line type 'Tax': "
            "add a 'Tax' OIM Line Type to Product Mapping"
        )
    return TargetLine(
        sobject=sobject,
        external_id=f"{header_external_id}:{TAX_LINE_SUFFIX}",
        parent_field=parent_field,
        fields={
            "c2g__Product__c": product,
            "c2g__Quantity__c": 1,
            "c2g__UnitPrice__c": as_number(total),
            "c2g__DeriveUnitPriceFromProduct__c": False,
            **tax_switches_off(sobject),
            "c2g__LineDescription__c": TAX_LINE_DESCRIPTION,
        },
        amount=total,
    )
