"""The OIM names an admin may map to the org's own (``general.field_names``), and how a missing one is told.

These are the names the connector uses that no published Certinia data dictionary shows
(``unverified`` in the local data model, with the evidence for every other name): a customer org
may spell one differently, and the admin says so in the settings instead of changing code. A test
keeps this list equal to the unverified names the connector's code and default mappings use.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

OVERRIDABLE_NAMES: frozenset[str] = frozenset(
    {
        "SCMC__AP_Voucher_Line_Credits__r",
        "SCMC__AP_Voucher_Lines__r",
        "SCMC__Active__c",
        "SCMC__Amount__c",
        "SCMC__Category__c",
        "SCMC__Credit_Invoice_Lines__r",
        "SCMC__Currency__c",
        "SCMC__Customer_Account__c",
        "SCMC__Description__c",
        "SCMC__Drop_Ship__c",
        "SCMC__Due_Date__c",
        "SCMC__Export_Error__c",
        "SCMC__Export_Status__c",
        "SCMC__Financial_Records__r",
        "SCMC__GL_Account__c",
        "SCMC__Inventory_Transactions__c",
        "SCMC__Invoice_Date__c",
        "SCMC__Invoice_Line_Items__r",
        "SCMC__Invoicing__c",
        "SCMC__Item__c",
        "SCMC__Line_Type_Product_Mapping__c",
        "SCMC__Line_Type__c",
        "SCMC__Mailing_City__c",
        "SCMC__Mailing_Country__c",
        "SCMC__Mailing_State_Province__c",
        "SCMC__Mailing_Street_Additional_Information__c",
        "SCMC__Mailing_Street__c",
        "SCMC__Mailing_Zip_Postal_Code__c",
        "SCMC__OIM_Account__c",
        "SCMC__Office_Phone__c",
        "SCMC__PO_Payment_Terms__c",
        "SCMC__Product_Group__c",
        "SCMC__Product__c",
        "SCMC__Proforma__c",
        "SCMC__Purchase_Order_Line_Item__c",
        "SCMC__Quantity__c",
        "SCMC__Status__c",
        "SCMC__Supplier_Name__c",
        "SCMC__Supplier_Site__c",
        "SCMC__Tax__c",
        "SCMC__Total_Tax__c",
        "SCMC__Transaction_Date__c",
        "SCMC__Unit_Cost__c",
        "SCMFFA__Company_Name__c",
        "SCMFFA__AP_Voucher_Credit__c",
        "SCMFFA__AP_Voucher_Line_Credit__c",
        "SCMFFA__AP_Voucher_Line__c",
        "SCMFFA__Accounting_Company__c",
        "SCMFFA__Accounting_Currency__c",
        "SCMFFA__Billing_Document__c",
        "SCMFFA__COGS_GLA__c",
        "SCMFFA__Credit_Invoice_Line__c",
        "SCMFFA__Credit_Invoice__c",
        "SCMFFA__Credit_Note__c",
        "SCMFFA__Dimension_1__c",
        "SCMFFA__Dimension_2__c",
        "SCMFFA__Dimension_3__c",
        "SCMFFA__Dimension_4__c",
        "SCMFFA__General_Ledger_Account__c",
        "SCMFFA__Inventory_GLA__c",
        "SCMFFA__Item__c",
        "SCMFFA__Journal_Date__c",
        "SCMFFA__Journal_Type__c",
        "SCMFFA__Journal__c",
        "SCMFFA__OIM_Invoice_Line__c",
        "SCMFFA__OIM_Invoice__c",
        "SCMFFA__Payable_Invoice_Expense_Line_Item__c",
        "SCMFFA__Payable_Invoice_Line_Item__c",
        "SCMFFA__Product__c",
        "SCMFFA__Purchase_Analysis_GLA_for_Category__c",
    }
)
_BY_LOWER = {name.lower(): name for name in OVERRIDABLE_NAMES}

# A Salesforce API name: an optional namespace prefix, words of letters and digits joined by single
# underscores, and the custom suffix (__c field or object, __r relationship).
_API_NAME = re.compile(r"^(?:[A-Za-z][A-Za-z0-9]*__)?[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*__[cr]$")
_MISSING = re.compile(r"No such column '([^']+)'|Didn't understand relationship '([^']+)'")


def overridable(name: str) -> str | None:
    """The connector's spelling of ``name`` (API names are case-insensitive), when it can be overridden."""
    name = name.lower()
    if name.endswith("__r"):
        relationship = _BY_LOWER.get(name)
        field = _BY_LOWER.get(name[:-3] + "__c")
        return relationship or (field[:-3] + "__r" if field else None)
    return _BY_LOWER.get(name)


def field_name_problems(names: Mapping[str, str]) -> list[str]:
    """Each entry of ``general.field_names`` that cannot be applied, saying what to change."""
    problems = []
    for connector_name, org_name in names.items():
        where = f"'{connector_name}'"
        if overridable(connector_name) is None:
            close = difflib.get_close_matches(connector_name, sorted(OVERRIDABLE_NAMES), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(
                f"{where}: not a name the connector uses that can be overridden{hint}; the key is the connector's "
                "name (an unverified OIM name), the value the org's"
            )
        elif not _API_NAME.match(org_name) or len(org_name) > 80:
            problems.append(
                f"{where}: '{org_name[:80]}' is not a valid API name (letters, digits and single underscores, "
                "an optional namespace, ending in __c or __r, e.g. SCMC__Export_Status__c)"
            )
        elif org_name[-3:].lower() != connector_name[-3:].lower():
            problems.append(f"{where}: '{org_name}' must end in {connector_name[-3:]} like the name it replaces")
    return problems


def missing_name_hint(message: str) -> str:
    """For an org's 'No such column' answer about an overridable name: which setting to set."""
    found = _MISSING.search(message)
    name = overridable(found.group(1) or found.group(2)) if found else None
    if name is None:
        return ""
    return (
        f"This org has no '{name}'. If it names it differently, map it in the settings: "
        f'general.field_names {{"{name}": "<the org\'s API name>"}}.'
    )
