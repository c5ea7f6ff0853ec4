"""Bulk loading of the reference data every document flow looks things up in.

A handful of small queries per run (companies, currencies, periods, line-type mappings, and
what a flow asks for besides), sent together: five queries ride in one composite request.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from oim_connector.mapping.reference import AccountingCurrency, Company, ExchangeRate, Period, ReferenceData
from oim_connector.mapping.rules import parse_date
from oim_connector.org.port import OrgPort
from oim_connector.org.soql import Select, eq

if TYPE_CHECKING:
    from oim_connector.mapping.payables import PayablesReference

COMPANIES = Select("c2g__codaCompany__c", ("Id", "Name"))
CURRENCIES = Select(
    "c2g__codaAccountingCurrency__c", ("Id", "Name", "c2g__OwnerCompany__c", "c2g__DecimalPlaces__c", "c2g__Home__c")
)
PERIODS = Select(
    "c2g__codaPeriod__c",
    ("Id", "Name", "c2g__OwnerCompany__c", "c2g__StartDate__c", "c2g__EndDate__c", "c2g__Closed__c"),
    order_by=("c2g__StartDate__c",),
)
LINE_TYPE_PRODUCTS = Select(
    "SCMC__Line_Type_Product_Mapping__c",
    ("SCMC__Line_Type__c", "SCMC__Product__c", "SCMC__Product__r.Name",
     "SCMC__Product__r.c2g__CODAPurchaseAnalysisAccount__c"),
)  # fmt: skip
GL_MAPPING_OBJECT = "SCMC__GL_Account__c"


def gl_mappings_select(company_field: str | None) -> Select:
    """OIM GL account mappings; with ``company_field``, each says which company it is for (blank: all)."""
    fields = ("SCMC__OIM_Account__c", *((company_field,) if company_field else ()), "SCMFFA__General_Ledger_Account__c")
    return Select(GL_MAPPING_OBJECT, fields, where=~eq("SCMFFA__General_Ledger_Account__c", None))


EXCHANGE_RATES = Select(
    "c2g__codaExchangeRate__c", ("c2g__ExchangeRateCurrency__c", "c2g__StartDate__c", "c2g__Rate__c")
)
GL_ACCOUNTS = Select("c2g__codaGeneralLedgerAccount__c", ("Id", "c2g__ReportingCode__c"))


def load_reference_data(
    org: OrgPort,
    *,
    gl_mappings: bool = False,
    exchange_rates: bool = False,
    gl_accounts: bool = False,
    gl_mapping_company_field: str | None = None,
) -> ReferenceData:
    wanted = [COMPANIES, CURRENCIES, PERIODS, LINE_TYPE_PRODUCTS]
    wanted += [gl_mappings_select(gl_mapping_company_field)] if gl_mappings else []
    wanted += [EXCHANGE_RATES] if exchange_rates else []
    wanted += [GL_ACCOUNTS] if gl_accounts else []
    rows = dict(zip((s.sobject for s in wanted), org.query_batch(wanted), strict=True))

    companies = {r["Id"]: Company(r["Id"], r["Name"]) for r in rows[COMPANIES.sobject]}
    currencies = {
        r["Id"]: AccountingCurrency(r["Id"], r["Name"], r["c2g__OwnerCompany__c"],
                                    int(r.get("c2g__DecimalPlaces__c") or 2), bool(r.get("c2g__Home__c")))
        for r in rows[CURRENCIES.sobject]
    }  # fmt: skip
    periods = tuple(_period(r) for r in rows[PERIODS.sobject])
    mappings = rows[LINE_TYPE_PRODUCTS.sobject]
    line_type_products = {r["SCMC__Line_Type__c"]: r["SCMC__Product__c"] for r in mappings}
    product_details = {
        r["SCMC__Product__c"]: (
            str((r.get("SCMC__Product__r") or {}).get("Name") or r["SCMC__Product__c"]),
            (r.get("SCMC__Product__r") or {}).get("c2g__CODAPurchaseAnalysisAccount__c"),
        )
        for r in mappings
    }
    gl_category_accounts: dict[str, dict[str | None, str]] = {}
    for r in rows.get(GL_MAPPING_OBJECT, []):
        by_company = gl_category_accounts.setdefault(r["SCMC__OIM_Account__c"], {})
        company = r.get(gl_mapping_company_field) if gl_mapping_company_field else None
        by_company[company] = r["SCMFFA__General_Ledger_Account__c"]
    rates = tuple(
        ExchangeRate(r["c2g__ExchangeRateCurrency__c"], _start_date(r), Decimal(str(r["c2g__Rate__c"])))
        for r in rows.get(EXCHANGE_RATES.sobject, [])
    )
    glas = {r["c2g__ReportingCode__c"]: r["Id"] for r in rows.get(GL_ACCOUNTS.sobject, [])}
    return ReferenceData(
        companies=companies,
        currencies=currencies,
        periods=periods,
        line_type_products=line_type_products,
        line_type_product_details=product_details,
        gl_category_accounts=gl_category_accounts,
        exchange_rates=rates,
        gla_by_reporting_code=glas,
    )


def load_payables_reference(org: OrgPort, settings: object) -> PayablesReference:
    """The shared reference data plus the purchase analysis GLAs of the line-type products,
    which expense tax lines are booked to (read with the line-type mappings)."""
    from oim_connector.mapping.payables import PayablesReference

    base = load_reference_data(org)
    fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
    return PayablesReference(**fields, products=dict(base.line_type_product_details))


def _period(record: dict[str, Any]) -> Period:
    start = parse_date(record.get("c2g__StartDate__c"))
    end = parse_date(record.get("c2g__EndDate__c"))
    if start is None or end is None:
        raise ValueError(f"period {record.get('Name')} has no start or end date")
    return Period(record["Id"], record["Name"], record["c2g__OwnerCompany__c"], start, end,
                  bool(record.get("c2g__Closed__c")))  # fmt: skip


def _start_date(record: dict[str, Any]) -> Any:
    start = parse_date(record.get("c2g__StartDate__c"))
    if start is None:
        raise ValueError("an exchange rate has no start date")
    return start
