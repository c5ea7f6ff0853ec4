"""The connector's settings: the source product's custom settings, per flow and general.

Inferred rules of the spec ([I]) are settings with the inferred behaviour as default, so an
admin can change them without a code change.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from oim_connector.model.field_names import field_name_problems
from oim_connector.model.flows import FlowId

# The values of Accounting's restricted c2g__codaJournal__c.c2g__Type__c picklist (both published MDAPI dumps of
# the c2g package): a journal of any other type is refused by Accounting.
JournalType = Literal[
    "Manual Journal",
    "Cash Matching Journal",
    "Cancelling Journal",
    "Income Schedule",
    "Reversing Journal",
    "Reconciliation Journal",
    "Year End Journal",
]

_FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,79}$")


def _check_field_name(value: str) -> str:
    if not _FIELD_NAME.match(value):
        raise ValueError(f"'{value[:60]}' is not a field API name (letters, digits and underscores, e.g. My_Flag__c)")
    return value


FieldApiName = Annotated[str, AfterValidator(_check_field_name)]
# Hooks come only from this package, shipped in the layer (see oim_connector.hooks).
HOOK_PACKAGE = "oim_hooks"
_HOOK_NAME = re.compile(r"^oim_hooks(\.[A-Za-z_][A-Za-z0-9_]*)+:[A-Za-z_][A-Za-z0-9_]*$")


def hook_name_problem(name: str) -> str | None:
    """Why the name is not an allow-listed hook name (a pure string check), or None."""
    if _HOOK_NAME.match(name):
        return None
    return (
        f"The hook '{name[:200]}' is not allowed: hooks come only from the {HOOK_PACKAGE} package shipped "
        f"in the layer, written as {HOOK_PACKAGE}.module:function "
        f"(e.g. {HOOK_PACKAGE}.skip_customer:remove_customer_invoices)"
    )


def _check_hook_name(value: str) -> str:
    problem = hook_name_problem(value)
    if problem:
        raise ValueError(problem)
    return value


# A hook: "oim_hooks.module:function", a module of the allow-listed package.
HookName = Annotated[str, AfterValidator(_check_hook_name)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class FieldRule(_Strict):
    """One target field's value: a source path, a constant, or a named transform."""

    target: FieldApiName
    source: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*){0,4}$")] | None = None
    constant: str | int | float | bool | None = None
    transform: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    # "product_line" / "expense_line": only the product or the expense lines of payable documents.
    level: Literal["header", "line", "product_line", "expense_line"] = "header"


LINE_LEVELS = ("line", "product_line", "expense_line")


class FlowSettings(_Strict):
    auto_post: bool = False
    create_when: bool = False
    custom_criteria_field: FieldApiName | None = None
    line_limit: int = Field(default=1000, ge=1, le=10000)
    use_custom_mappings: bool = True
    custom_mappings: list[FieldRule] = Field(default_factory=list)
    # Called with the documents about to be written; may change or drop them (the source product's plugins).
    hook: HookName | None = None


TaxStatusValue = Annotated[str, Field(min_length=1, max_length=40)]


class AvalaraFlowSettings(_Strict):
    """Avalara AvaTax alongside OIM (connector-spec §10): tax is calculated on the OIM document
    before export and committed once its Accounting document is posted. Off by default."""

    in_use: bool = False
    # "Calculate Tax" when the list action does not say, and on the flow's schedule.
    calculate_on_list: bool = False
    calculate_on_schedule: bool = False
    # OIM's tax status fields (Winter 2023 data dictionaries); overridable for orgs on the legacy
    # SCMAVA fields (e.g. "Avalara Tax Status", whose API name is not published).
    status_field: FieldApiName = "SCMC__External_Tax_Status__c"
    transaction_id_field: FieldApiName = "SCMC__External_Tax_Transaction_ID__c"
    status_date_field: FieldApiName | None = "SCMC__External_Tax_Status_Last_Updated__c"
    # Status values meaning "tax calculated" (the legacy SCMAVA status says 'Saved').
    calculated_values: list[TaxStatusValue] = Field(default_factory=lambda: ["Calculated", "Posted", "Committed"],
                                                    min_length=1)  # fmt: skip


class SalesInvoiceSettings(FlowSettings):
    # [I] Item-like record types whose product comes from the item's product group.
    item_line_types: list[str] = Field(default_factory=lambda: ["Item", "Drop Ship Item", "Virtual Kit Item"])
    # [I] Where the OIM tax total is read: the header's Total Tax, else the sum of line taxes.
    tax_source: Literal["header_total", "line_sum"] = "header_total"
    # [I] Quantity sent for non-item lines (Freight, Discount...): their own, or always 1.
    non_item_quantity: Literal["line", "one"] = "line"
    # [I] OIM's invoice total, compared with the sales invoice's to the cent. OIM's help names it only by
    # label ("Total Invoice After Rebate Discount"), so the org's API name is set here; unset, no comparison.
    header_total_field: FieldApiName | None = None
    # [I] With a GLA (reporting code) here, a difference the lines' rounding explains is booked on it as a
    # rounding line; without, the invoice is refused.
    rounding_gla: str | None = Field(default=None, max_length=24, description="reporting code of the rounding GLA")
    avalara: AvalaraFlowSettings = Field(default_factory=AvalaraFlowSettings)
    # [I] Line types whose unit price may be negative (a discount or a deposit taken off the
    # invoice); on every other line a negative price, and on every line a negative quantity, is
    # refused: returns and refunds are OIM credit invoices (sales credit notes). See mapping/signs.py.
    negative_price_line_types: list[str] = Field(default_factory=lambda: ["Discount", "Deposit"])


# A credit note line's tax switches carry no "1" (Certinia Accounting DD 2025.3,
# c2g__codaCreditNoteLineItem__c; see api-names-evidence.md): mappings saved before the names were
# corrected named the sales invoice line's, which this org does not have. They move to the published
# names when the settings are read, so a saved mapping keeps working without the admin's edit.
_CREDIT_NOTE_LINE_TAX_SWITCHES = {
    "c2g__derivetaxrate1fromcode__c": "c2g__DeriveTaxRateFromCode__c",
    "c2g__calculatetaxvalue1fromrate__c": "c2g__CalculateTaxValueFromRate__c",
}


class SalesCreditNoteSettings(FlowSettings):
    @field_validator("custom_mappings")
    @classmethod
    def _published_tax_switches(cls, rules: list[FieldRule]) -> list[FieldRule]:
        return [
            rule.model_copy(update={"target": _CREDIT_NOTE_LINE_TAX_SWITCHES[rule.target.lower()]})
            if rule.level in LINE_LEVELS and rule.target.lower() in _CREDIT_NOTE_LINE_TAX_SWITCHES
            else rule
            for rule in rules
        ]

    # [I] Where the OIM tax total is read: the credit invoice's Total Tax, else the sum of line taxes.
    tax_source: Literal["header_total", "line_sum"] = "header_total"
    # [I] A credit line carries its credited amount. When amount / quantity has more decimals than
    # the currency, "quantity_one" sends quantity 1 x the amount (the total stays exact to the cent);
    # "nine_decimals" keeps the quantity and a unit price rounded to 9 decimals.
    uneven_unit_price: Literal["quantity_one", "nine_decimals"] = "quantity_one"
    # [I] Line dimensions: those booked on the original sales invoice line (so the credit reverses
    # the same analysis), else the product group's; or always the product group's.
    line_dimensions: Literal["sales_invoice_line", "product_group"] = "sales_invoice_line"
    avalara: AvalaraFlowSettings = Field(default_factory=AvalaraFlowSettings)


class PayableLineSettings(FlowSettings):
    """How AP voucher lines become payable product and expense lines (invoices and credit notes)."""

    # [I] What makes a product line: the connector's Product Line flag on the AP voucher line, or
    # (the legacy rule) having an item.
    product_line_rule: Literal["flag", "item"] = "flag"
    # [I] Product and GLA: "derive" computes them at export from the item, product group, category
    # and PO line (the voucher line's own Product / GLA fields only when no rule applies);
    # "line_first" takes the voucher line's fields when they are filled.
    line_accounts: Literal["derive", "line_first"] = "derive"


class PayableInvoiceSettings(PayableLineSettings):
    # Enforced in Salesforce, where the match happens (a trigger cannot call the connector): the
    # custom setting OIM Trigger Settings "Validate While Matching" switches it; keep both equal.
    validate_while_matching: bool = False
    # [I] Refuse a voucher whose lines do not add up to its Invoice Total (SCMC__Invoice_Total__c), to the cent.
    check_voucher_total: bool = True
    # [I] With a GLA (reporting code) here, a difference that the lines' rounding explains is booked on it
    # as an expense line, so the payable invoice equals OIM's total to the cent; without, it is refused.
    rounding_gla: str | None = Field(default=None, max_length=24, description="reporting code of the rounding GLA")
    # [I] When the connector posts a payable invoice, fill its AP voucher's Accounting Date with the
    # posting date (OIM's data dictionary: "the date that the payable invoice ... is posted").
    fill_accounting_date: bool = True
    # Consumer use tax (connector-spec §6): calculated on the voucher, committed after the PIN is posted.
    avalara: AvalaraFlowSettings = Field(default_factory=AvalaraFlowSettings)


class PayableCreditNoteSettings(PayableLineSettings):
    # [I] Vendor Credit Note Number: the supplier's credit number, else the voucher credit's name;
    # "credit_number" refuses a voucher credit without one.
    vendor_credit_note_number: Literal["credit_number_or_name", "credit_number"] = "credit_number_or_name"


JournalCompanySource = Literal["icp", "purchase_order"]
JournalCurrencySource = Literal["trade", "icp"]
JournalDateSource = Literal["record", "invoice", "ap_voucher", "transaction"]
RelatedGlaSource = Literal["product_group_inventory", "product_group_cogs", "reason_code", "category_purchase_analysis",
                           "po_line"]  # fmt: skip
_COMPANY_SOURCES: tuple[JournalCompanySource, ...] = ("icp", "purchase_order")
_CURRENCY_SOURCES: tuple[JournalCurrencySource, ...] = ("trade", "icp")
_DATE_SOURCES: tuple[JournalDateSource, ...] = ("record", "invoice", "ap_voucher", "transaction")
_RELATED_GLA_SOURCES: dict[str, tuple[RelatedGlaSource, ...]] = {
    "Inventory": ("product_group_inventory",),
    "Cost of Goods Sold": ("product_group_cogs",),
    "Miscellaneous": ("reason_code",),
    "Scrap": ("reason_code",),
    "Expenses": ("po_line", "category_purchase_analysis"),
    "Non-Inventory": ("po_line", "category_purchase_analysis"),
}


class JournalSettings(FlowSettings):
    eligible_transaction_types: list[str] = Field(
        default_factory=lambda: [
            "Accrual Reversal", "Add Logistics Cost", "Add Service Cost", "Adjust Current Value",
            "Allocate Production Order Items", "AP Voucher Credit", "Bill Drop Ship Item",
            "Confirm Production Order Pick-list", "Credit Drop Ship Item", "Credit Use Tax", "Cycle Count",
            "Inspection Reject Return Parts to Vendor", "Inspection Reject Scrap Parts",
            "Issue Customer Items Pick-list", "Issue Production Order Pick", "Issue Supplier Items Pick-list",
            "Item Changed Ownership", "Item Transfer Inbound", "Item Transfer Outbound", "Manufacture Item",
            "Miscellaneous Issue", "Miscellaneous Receipt", "PPV", "Receive Customer Returned Material",
            "Receive Exchanged Items (Cores)", "Receive Purchased Material",
            "Removed from Inventory - Consumed in Service Purchase Order",
            "Reverse Receive Customer Returned Material", "Reverse Receive Purchased Material",
            "Reverse Production Order Allocation", "Scrap Inventory", "Use Tax", "Void PPV",
        ]
    )  # fmt: skip
    custom_transaction_types: list[str] = Field(default_factory=list)
    summarise_lines: bool = False
    rounding_gla: str | None = Field(default=None, description="reporting code of the GLA for conversion rounding")
    # [D] The field of an OIM GL account mapping (SCMC__GL_Account__c) naming the company it is for;
    # null in an org without one, where every mapping serves every company.
    gl_mapping_company_field: FieldApiName | None = "SCMFFA__Accounting_Company__c"
    # [I] Where the company comes from when the perpetual record has no Accounting Company.
    company_sources: list[JournalCompanySource] = Field(default_factory=lambda: list(_COMPANY_SOURCES))
    # [I] Whose currency the journal is in when the perpetual record has no Accounting Currency.
    currency_sources: list[JournalCurrencySource] = Field(default_factory=lambda: list(_CURRENCY_SOURCES))
    # [I] Journal date: the first of these that is filled ("record" is the perpetual record's Journal Date).
    journal_date_sources: list[JournalDateSource] = Field(default_factory=lambda: list(_DATE_SOURCES))
    # [I] Journal type when the perpetual record has none.
    default_journal_type: JournalType = "Manual Journal"
    # [I] Related records that give a financial record's GLA, by its GL category, before the GL Account mapping.
    related_gla_sources: dict[str, list[RelatedGlaSource]] = Field(
        default_factory=lambda: {category: list(sources) for category, sources in _RELATED_GLA_SOURCES.items()}
    )
    # Past the line limit each part must balance on its own: with this GLA (reporting code) set, a part
    # that does not is balanced by a clearing line (the clearing lines of all parts net to zero).
    split_clearing_gla: str | None = Field(default=None, description="reporting code of the split clearing GLA")


class VendorAccountSettings(_Strict):
    sync_suppliers_to_accounts: bool = True
    sync_accounts_to_suppliers: bool = False
    # With sync_accounts_to_suppliers: a new vendor account without a supplier site gets one.
    create_sites_for_new_vendors: bool = True
    default_ap_control_gla: str | None = Field(default=None, description="reporting code")
    default_ar_control_gla: str | None = Field(default=None, description="reporting code")
    duplicate_check: Literal["supplier_name", "custom_criteria", "off"] = "supplier_name"
    duplicate_check_field: FieldApiName | None = None
    use_custom_mappings: bool = True
    custom_mappings: list[FieldRule] = Field(default_factory=list)
    # [I] The new account's Name: the site's supplier name (vendor accounts are named after the
    # supplier, and the duplicate check compares supplier names), or the site's own Name.
    account_name_source: Literal["supplier_name", "site_name"] = "supplier_name"
    # [I] A new site that got a default control GLA also gets it on the site itself.
    write_default_glas_to_site: bool = True
    # [I] Only Accounts of these types sync back to their supplier sites (spec: Type = 'Vendor').
    reverse_account_types: list[str] = Field(default_factory=lambda: ["Vendor", "Customer and Vendor"])


class GeneralSettings(_Strict):
    default_company: str | None = Field(default=None, max_length=80)
    send_emails: bool = True
    send_notifications: bool = True
    # DeveloperName of a public group that also receives the Salesforce notification of every run.
    notification_group: str | None = Field(default=None, max_length=80, pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    # Bounded parallel graph requests toward Salesforce.
    max_parallel_requests: int = Field(default=4, ge=1, le=10)
    # A record left "Export in Process" longer than this (by a process that died) is processed again.
    stale_claim_minutes: int = Field(default=30, ge=1, le=10080)
    # OIM names the connector uses that this org spells differently: connector name -> the org's name.
    # For the names no published data dictionary shows (``unverified`` in the data model); applied to
    # every query and write of a run, so an org's own names need no code change.
    field_names: dict[str, str] = Field(default_factory=dict, max_length=200)

    @field_validator("field_names")
    @classmethod
    def _known_names(cls, names: dict[str, str]) -> dict[str, str]:
        problems = field_name_problems(names)
        if problems:
            # Each problem already says what to change: no "Value error," in front.
            raise PydanticCustomError("field_names", "{problems}", {"problems": "; ".join(problems)})
        return names

    # Nodes in one composite graph (one Apex transaction, Accounting's triggers run for every node).
    # A document bigger than this is written under the large-document protocol; a graph failing on a
    # governor limit is written again in graphs half as big (docs/architecture.md).
    nodes_per_graph: int = Field(default=500, ge=10, le=500)


class AvalaraAddress(_Strict):
    line1: str = Field(default="", max_length=100)
    city: str = Field(default="", max_length=50)
    region: str = Field(default="", max_length=3)
    postal_code: str = Field(default="", max_length=11)
    country: str = Field(default="US", min_length=2, max_length=2)


class AvalaraSettings(_Strict):
    """What every Avalara flow shares (OIM Tax Calculation Settings, OIM - Avalara - Accounting Settings)."""

    # The code of the company in Avalara ("Company Code" of the OIM Tax Calculation Settings).
    company_code: str = Field(default="DEFAULT", min_length=1, max_length=25)
    # [C] "Posting Tax to Avalara Optional", default off: tax is posted before it is committed.
    posting_optional: bool = False
    # Where goods ship from on sales, and are received on purchases (the org address of the tax settings).
    origin: AvalaraAddress = Field(default_factory=AvalaraAddress)
    # A commit claimed by a run that died is retried after this long.
    stale_claim_minutes: int = Field(default=15, ge=1, le=1440)


class ConnectorSettings(_Strict):
    version: int = 1
    general: GeneralSettings = Field(default_factory=GeneralSettings)
    sales_invoices: SalesInvoiceSettings = Field(default_factory=SalesInvoiceSettings)
    sales_credit_notes: SalesCreditNoteSettings = Field(default_factory=SalesCreditNoteSettings)
    payable_invoices: PayableInvoiceSettings = Field(default_factory=PayableInvoiceSettings)
    payable_credit_notes: PayableCreditNoteSettings = Field(default_factory=PayableCreditNoteSettings)
    journals: JournalSettings = Field(default_factory=JournalSettings)
    vendor_accounts: VendorAccountSettings = Field(default_factory=VendorAccountSettings)
    avalara: AvalaraSettings = Field(default_factory=AvalaraSettings)

    def flow(self, flow: FlowId) -> FlowSettings:
        value = getattr(self, flow.python_name)
        assert isinstance(value, FlowSettings)
        return value
