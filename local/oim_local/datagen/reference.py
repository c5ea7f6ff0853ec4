"""Reference data shared by the sample and volume data sets.

Two Accounting companies in different home currencies, their currencies, exchange rates and
2026 periods, GL accounts, dimensions, tax codes, OIM line-type record types, products,
product groups, items, mappings, ICPs, reason codes, payment terms, customers, vendors and
the supplier sites linked to the vendors. Every record's referenceId says what it is.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator

from oim_local.datagen.tree import Record, record, ref

COMPANY_US = "Acme Industries US"
COMPANY_UK = "Acme Industries UK"
YEAR = 2026
CLOSED_US_PERIOD = 9  # 2026/009 is closed in the US company

INVOICE_LINE_TYPES = (
    "Item",
    "Drop Ship Item",
    "Virtual Kit Item",
    "Deposit",
    "Discount",
    "Freight",
    "Labor",
    "Miscellaneous",
    "Tax",
)

# (referenceId, name, reporting code, type)
GL_ACCOUNTS = (
    ("GlaSalesRevenue", "Sales Revenue", "4000", "Profit and Loss"),
    ("GlaSalesDiscounts", "Sales Discounts", "4100", "Profit and Loss"),
    ("GlaFreightIncome", "Freight Income", "4200", "Profit and Loss"),
    ("GlaServiceRevenue", "Service Revenue", "4300", "Profit and Loss"),
    ("GlaArControl", "Accounts Receivable Control", "1200", "Balance Sheet"),
    ("GlaInventory", "Inventory", "1300", "Balance Sheet"),
    ("GlaInTransit", "Inventory in Transit", "1350", "Balance Sheet"),
    ("GlaApControl", "Accounts Payable Control", "2000", "Balance Sheet"),
    ("GlaAccruedPurchases", "Accrued Purchases (GRNI)", "2100", "Balance Sheet"),
    ("GlaSalesTaxPayable", "Sales Tax Payable", "2200", "Balance Sheet"),
    ("GlaUseTaxPayable", "Use Tax Payable", "2300", "Balance Sheet"),
    ("GlaCustomerDeposits", "Customer Deposits", "2400", "Balance Sheet"),
    ("GlaVat", "VAT Control", "2500", "Balance Sheet"),
    ("GlaCogs", "Cost of Goods Sold", "5000", "Profit and Loss"),
    ("GlaPpv", "Purchase Price Variance", "5100", "Profit and Loss"),
    ("GlaCycleCount", "Inventory Adjustments - Cycle Count", "5200", "Profit and Loss"),
    ("GlaScrap", "Scrap and Write-off", "5300", "Profit and Loss"),
    ("GlaUseTaxExpense", "Use Tax Expense", "6100", "Profit and Loss"),
    ("GlaPurchaseTax", "Non-recoverable Purchase Tax", "6150", "Profit and Loss"),
    ("GlaFreight", "Freight Expense", "6200", "Profit and Loss"),
    ("GlaMaintenance", "Repairs and Maintenance", "6300", "Profit and Loss"),
    ("GlaMiscExpense", "Miscellaneous Expense", "6900", "Profit and Loss"),
    ("GlaRounding", "Currency Rounding", "7900", "Profit and Loss"),
)

# ITFR GL category -> GL account; WIP is deliberately not mapped.
GL_CATEGORY_MAPPINGS = (
    ("Inventory", "GlaInventory"),
    ("Accrued Purchases", "GlaAccruedPurchases"),
    ("Goods Received Not Invoiced", "GlaAccruedPurchases"),
    ("Cost of Goods Sold", "GlaCogs"),
    ("Shipped not Invoiced", "GlaCogs"),
    ("PPV", "GlaPpv"),
    ("Cycle Count", "GlaCycleCount"),
    ("Scrap", "GlaScrap"),
    ("Transfer", "GlaInTransit"),
    ("Use Tax Expense", "GlaUseTaxExpense"),
    ("Use Tax Payable", "GlaUseTaxPayable"),
    ("Miscellaneous", "GlaMiscExpense"),
    ("Expenses", "GlaMiscExpense"),
)

# (referenceId, name, code, sales revenue GLA, purchase analysis GLA)
PRODUCTS = (
    ("ProdWidget", "Widget", "P-WIDGET", "GlaSalesRevenue", "GlaAccruedPurchases"),
    ("ProdGadget", "Gadget", "P-GADGET", "GlaSalesRevenue", "GlaAccruedPurchases"),
    ("ProdFreight", "Freight", "P-FREIGHT", "GlaFreightIncome", "GlaFreight"),
    ("ProdDiscount", "Discount", "P-DISCOUNT", "GlaSalesDiscounts", "GlaMiscExpense"),
    ("ProdDeposit", "Customer Deposit", "P-DEPOSIT", "GlaCustomerDeposits", "GlaMiscExpense"),
    ("ProdLabor", "Labor", "P-LABOR", "GlaServiceRevenue", "GlaMiscExpense"),
    ("ProdMisc", "Miscellaneous Charges", "P-MISC", "GlaSalesRevenue", "GlaMiscExpense"),
    ("ProdTax", "Sales Tax", "P-TAX", "GlaSalesTaxPayable", "GlaPurchaseTax"),
)

LINE_TYPE_PRODUCTS = (
    ("Deposit", "ProdDeposit"),
    ("Discount", "ProdDiscount"),
    ("Freight", "ProdFreight"),
    ("Labor", "ProdLabor"),
    ("Miscellaneous", "ProdMisc"),
    ("Tax", "ProdTax"),
)

# product group referenceId -> its product (None: a group not yet set up for accounting)
GROUP_PRODUCTS: dict[str, str | None] = {
    "PgWidgets": "ProdWidget",
    "PgGadgets": "ProdGadget",
    "PgNoProduct": None,
    "PgCharges": "ProdFreight",
}

# category product group referenceId -> its Purchase Analysis GLA for Category
CATEGORY_GLAS = {"PgCatMaintenance": "GlaMaintenance"}

# item referenceId -> (name, description, product group)
ITEMS = {
    "ItemWidgetA": ("WID-100", "Standard widget, blue", "PgWidgets"),
    "ItemWidgetB": ("WID-200", "Heavy-duty widget", "PgWidgets"),
    "ItemGadget": ("GAD-300", "Precision gadget", "PgGadgets"),
    "ItemKit": ("KIT-500", "Gadget starter kit (virtual kit)", "PgGadgets"),
    "ItemSpare": ("SPR-900", "Spare part, not yet set up for accounting", "PgNoProduct"),
    "ItemFreightIn": ("ACC-FREIGHT", "Inbound freight (accounting item)", "PgCharges"),
}

# customer referenceId -> (name, company, AR control GLA or None)
CUSTOMERS = {
    "CustNorthwind": ("Northwind Traders", COMPANY_US, "GlaArControl"),
    "CustContoso": ("Contoso Manufacturing", COMPANY_US, "GlaArControl"),
    "CustFabrikam": ("Fabrikam Ltd", COMPANY_UK, "GlaArControl"),
    "CustTailspin": ("Tailspin Toys", COMPANY_US, None),
}

# vendor referenceId -> (name, company, trading currency, site referenceId, site name, city)
VENDORS = {
    "VendGlobex": (
        "Globex Components",
        COMPANY_US,
        "USD",
        "SiteGlobex",
        "Globex Components - Springfield",
        "Springfield",
    ),
    "VendInitech": ("Initech Supplies", COMPANY_US, "USD", "SiteInitech", "Initech Supplies - Austin", "Austin"),
    "VendUmbrella": (
        "Umbrella Metals Ltd",
        COMPANY_UK,
        "GBP",
        "SiteUmbrella",
        "Umbrella Metals - Sheffield",
        "Sheffield",
    ),
}

LONG_TERMS_NAME = "2% 10 Days, Net 45 End of Month Following Invoice"


def item_product(item: str) -> str | None:
    """The product OIM sets on a line for this item: its product group's product."""
    return GROUP_PRODUCTS[ITEMS[item][2]]


def reference_records() -> Iterator[Record]:
    yield from _record_types()
    yield from _companies()
    yield from _ledger()
    yield from _products()
    yield from _oim_setup()
    yield from _accounts()


def period_ref(company: str, month: int) -> str:
    return f"Period{'US' if company == COMPANY_US else 'UK'}{month:02d}"


def currency_ref(company: str, iso: str) -> str:
    """The referenceId of the company's accounting currency with this ISO code."""
    return f"Cur{iso.title()}{'US' if company == COMPANY_US else 'UK'}"


def company_ref(company: str) -> str:
    return "CompanyUS" if company == COMPANY_US else "CompanyUK"


def warehouse_ref(icp: str) -> str:
    """The referenceId of the one warehouse of an ICP (``IcpDallas`` -> ``WhDallas``)."""
    return "Wh" + icp.removeprefix("Icp")


def location_ref(icp: str) -> str:
    """The referenceId of the one inventory location of an ICP's warehouse (``IcpDallas`` -> ``LocDallas``)."""
    return "Loc" + icp.removeprefix("Icp")


def _record_types() -> Iterator[Record]:
    for line_type in INVOICE_LINE_TYPES:
        developer_name = line_type.replace(" ", "_")
        yield record(
            "RecordType",
            "Rt" + line_type.replace(" ", ""),
            {"Name": line_type, "DeveloperName": developer_name, "SobjectType": "SCMC__Invoice_Line_Item__c"},
        )


def _companies() -> Iterator[Record]:
    yield record("c2g__codaCompany__c", "CompanyUS", {"Name": COMPANY_US, "c2g__ExternalId__c": "ACME-US"})
    yield record("c2g__codaCompany__c", "CompanyUK", {"Name": COMPANY_UK, "c2g__ExternalId__c": "ACME-UK"})
    # (company, ISO, decimals, home, rate per unit of home currency)
    currencies = (
        (COMPANY_US, "USD", 2, True, None),
        (COMPANY_US, "EUR", 2, False, 0.92),
        (COMPANY_US, "JPY", 0, False, 151.5),
        (COMPANY_UK, "GBP", 2, True, None),
        (COMPANY_UK, "USD", 2, False, 1.27),
        (COMPANY_UK, "EUR", 2, False, 1.17),
    )
    for company, iso, decimals, home, rate in currencies:
        cur = currency_ref(company, iso)
        yield record(
            "c2g__codaAccountingCurrency__c",
            cur,
            {
                "Name": iso,
                "c2g__OwnerCompany__c": ref(company_ref(company)),
                "c2g__DecimalPlaces__c": decimals,
                "c2g__Home__c": home,
            },
        )
        if rate is not None:
            yield record(
                "c2g__codaExchangeRate__c",
                "Rate" + cur.removeprefix("Cur"),
                {
                    "c2g__ExchangeRateCurrency__c": ref(cur),
                    "c2g__OwnerCompany__c": ref(company_ref(company)),
                    "c2g__StartDate__c": f"{YEAR}-01-01",
                    "c2g__Rate__c": rate,
                },
            )
    for company in (COMPANY_US, COMPANY_UK):
        year = "Year" + company_ref(company).removeprefix("Company")
        yield record(
            "c2g__codaYear__c",
            year,
            {
                "Name": str(YEAR),
                "c2g__OwnerCompany__c": ref(company_ref(company)),
                "c2g__StartDate__c": f"{YEAR}-01-01",
            },
        )
        for month in range(1, 13):
            last_day = calendar.monthrange(YEAR, month)[1]
            yield record(
                "c2g__codaPeriod__c",
                period_ref(company, month),
                {
                    "Name": f"{YEAR}/{month:03d}",
                    "c2g__OwnerCompany__c": ref(company_ref(company)),
                    "c2g__YearName__c": ref(year),
                    "c2g__StartDate__c": f"{YEAR}-{month:02d}-01",
                    "c2g__EndDate__c": f"{YEAR}-{month:02d}-{last_day:02d}",
                    "c2g__Closed__c": company == COMPANY_US and month == CLOSED_US_PERIOD,
                },
            )


def _ledger() -> Iterator[Record]:
    for rid, name, code, gla_type in GL_ACCOUNTS:
        yield record(
            "c2g__codaGeneralLedgerAccount__c",
            rid,
            {"Name": name, "c2g__ReportingCode__c": code, "c2g__Type__c": gla_type},
        )
    dimensions = (
        (1, "Dim1Industrial", "Industrial Products", "BU-IND"),
        (1, "Dim1Consumer", "Consumer Products", "BU-CON"),
        (2, "Dim2East", "East Region", "RG-EAST"),
        (2, "Dim2West", "West Region", "RG-WEST"),
        (3, "Dim3Direct", "Direct Sales", "CH-DIRECT"),
        (3, "Dim3Distributor", "Distributors", "CH-DIST"),
        (4, "Dim4Core", "Core Range", "PR-CORE"),
        (4, "Dim4Launch", "2026 Launch", "PR-LAUNCH"),
    )
    for number, rid, name, code in dimensions:
        yield record(f"c2g__codaDimension{number}__c", rid, {"Name": name, "c2g__ReportingCode__c": code})
    tax_codes = (
        ("TaxUsSales", "US-SALES", "US sales tax (calculated in OIM by Avalara)", "GlaSalesTaxPayable"),
        ("TaxUkVatStd", "UK-VAT-STD", "UK VAT standard rate 20%", "GlaVat"),
        ("TaxExempt", "EXEMPT", "Exempt from tax", None),
    )
    for rid, name, description, gla in tax_codes:
        yield record(
            "c2g__codaTaxCode__c",
            rid,
            {
                "Name": name,
                "c2g__Description__c": description,
                "c2g__GeneralLedgerAccount__c": ref(gla) if gla else None,
            },
        )


def _products() -> Iterator[Record]:
    for rid, name, code, revenue, purchase in PRODUCTS:
        yield record(
            "Product2",
            rid,
            {
                "Name": name,
                "ProductCode": code,
                "c2g__CODASalesRevenueAccount__c": ref(revenue),
                "c2g__CODAPurchaseAnalysisAccount__c": ref(purchase),
            },
        )
    for iso in ("USD", "GBP", "EUR", "JPY"):
        yield record("SCMC__Currency_Master__c", "Cm" + iso, {"Name": iso})
    groups: tuple[tuple[str, str, dict[str, object]], ...] = (
        (
            "PgWidgets",
            "Widgets",
            _item_group(GROUP_PRODUCTS["PgWidgets"], "Dim1Industrial", "Dim2East", "Dim3Direct", "Dim4Core"),
        ),
        (
            "PgGadgets",
            "Gadgets",
            _item_group(GROUP_PRODUCTS["PgGadgets"], "Dim1Consumer", "Dim2West", "Dim3Distributor", "Dim4Launch"),
        ),
        (
            "PgNoProduct",
            "Unmapped Spares",
            _item_group(GROUP_PRODUCTS["PgNoProduct"], "Dim1Industrial", None, None, None),
        ),
        (
            "PgCharges",
            "Accounting Charges",
            _item_group(GROUP_PRODUCTS["PgCharges"], "Dim1Industrial", None, None, None),
        ),
        (
            "PgCatMaintenance",
            "MRO Supplies",
            {
                "SCMC__Category__c": True,
                "SCMFFA__Purchase_Analysis_GLA_for_Category__c": ref(CATEGORY_GLAS["PgCatMaintenance"]),
                "SCMFFA__Dimension_1__c": ref("Dim1Industrial"),
            },
        ),
    )
    for rid, name, fields in groups:
        yield record("SCMC__Product_Group__c", rid, {"Name": name, **fields})
    for rid, (name, description, group) in ITEMS.items():
        yield record(
            "SCMC__Item__c",
            rid,
            {"Name": name, "SCMC__Item_Description__c": description, "SCMC__Product_Group__c": ref(group)},
        )


def _item_group(
    product: str | None, d1: str | None, d2: str | None, d3: str | None, d4: str | None
) -> dict[str, object]:
    return {
        "SCMFFA__Product__c": ref(product) if product else None,
        "SCMFFA__Inventory_GLA__c": ref("GlaInventory"),
        "SCMFFA__COGS_GLA__c": ref("GlaCogs"),
        "SCMFFA__Dimension_1__c": ref(d1) if d1 else None,
        "SCMFFA__Dimension_2__c": ref(d2) if d2 else None,
        "SCMFFA__Dimension_3__c": ref(d3) if d3 else None,
        "SCMFFA__Dimension_4__c": ref(d4) if d4 else None,
    }


def _oim_setup() -> Iterator[Record]:
    for line_type, product in LINE_TYPE_PRODUCTS:
        yield record(
            "SCMC__Line_Type_Product_Mapping__c",
            "Ltm" + line_type,
            {"SCMC__Line_Type__c": line_type, "SCMC__Product__c": ref(product)},
        )
    for category, gla in GL_CATEGORY_MAPPINGS:
        yield record(
            "SCMC__GL_Account__c",
            "GlMap" + category.title().replace(" ", ""),
            {
                "Name": category,
                "SCMC__OIM_Account__c": category,
                "SCMC__Account_Description__c": f"{category} postings from inventory transactions",
                "SCMFFA__General_Ledger_Account__c": ref(gla),
            },
        )
    icps = (
        ("IcpDallas", "Dallas Distribution Center", "CmUSD", COMPANY_US),
        ("IcpReno", "Reno Warehouse", "CmUSD", COMPANY_US),
        ("IcpLeeds", "Leeds Warehouse", "CmGBP", COMPANY_UK),
        ("IcpRotterdam", "Rotterdam Hub", "CmEUR", COMPANY_UK),
    )
    for rid, name, currency, company in icps:
        yield record(
            "SCMC__ICP__c",
            rid,
            {
                "Name": name,
                "SCMC__Currency__c": ref(currency),
                "SCMFFA__Accounting_Company__c": ref(company_ref(company)),
            },
        )
        # ICP <- warehouse <- inventory location: the only published path from a perpetual record to its ICP.
        yield record("SCMC__Warehouse__c", warehouse_ref(rid), {"Name": name, "SCMC__ICP__c": ref(rid)})
        yield record(
            "SCMC__Inventory_Location__c",
            location_ref(rid),
            {"Name": "A1", "SCMC__Warehouse__c": ref(warehouse_ref(rid)), "SCMC__Level1__c": "A1"},
        )
    reasons = (
        ("RcSamples", "Samples to customers", "GlaMiscExpense"),
        ("RcWriteOff", "Damaged - write off", "GlaScrap"),
        ("RcFound", "Found stock", "GlaCycleCount"),
    )
    for rid, name, gla in reasons:
        yield record("SCMC__Reason_Code__c", rid, {"Name": name, "SCMFFA__General_Ledger_Account__c": ref(gla)})
    yield record("SCMC__PO_Payment_Terms__c", "TermsNet30", {"Name": "Net 30", "SCMC__Terms_Name__c": "Net 30"})
    yield record(
        "SCMC__PO_Payment_Terms__c",
        "TermsLong",
        {"Name": "2/10 Net 45 EOM", "SCMC__Terms_Name__c": LONG_TERMS_NAME},
    )


def _accounts() -> Iterator[Record]:
    for rid, (name, company, ar_control) in CUSTOMERS.items():
        yield record(
            "Account",
            rid,
            {
                "Name": name,
                "Type": "Customer",
                "c2g__CODAAccountsReceivableControl__c": ref(ar_control) if ar_control else None,
                "c2g__CODAAccountTradingCurrency__c": "USD" if company == COMPANY_US else "GBP",
                "SCMFFA__Company_Name__c": company,
            },
        )
    for rid, (name, company, currency, _site, _site_name, city) in VENDORS.items():
        yield record(
            "Account",
            rid,
            {
                "Name": name,
                "Type": "Vendor",
                "BillingCity": city,
                "c2g__CODAAccountsPayableControl__c": ref("GlaApControl"),
                "c2g__CODAAccountTradingCurrency__c": currency,
                "c2g__CODADescription1__c": "Net 30",
                "SCMFFA__Company_Name__c": company,
            },
        )
    for rid, (name, _company, currency, site, site_name, city) in VENDORS.items():
        yield record(
            "SCMC__Supplier_Site__c",
            site,
            {
                "Name": site_name,
                "SCMC__Supplier_Name__c": name,
                "SCMC__Account__c": ref(rid),
                "SCMC__Currency__c": ref("Cm" + currency),
                "SCMC__Mailing_City__c": city,
                "SCMC__PO_Payment_Terms__c": ref("TermsNet30"),
                "SCMC__Preferred_Communication_Purchase_Order__c": "Email",
                "SCMFFA__Accounts_Payable_Control_GLA__c": ref("GlaApControl"),
            },
        )
