"""Reference data the mapping looks things up in, loaded in bulk once per run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Company:
    id: str
    name: str


@dataclass(frozen=True)
class AccountingCurrency:
    id: str
    iso_code: str
    company_id: str
    decimal_places: int
    home: bool = False


@dataclass(frozen=True)
class Period:
    id: str
    name: str
    company_id: str
    start: dt.date
    end: dt.date
    closed: bool


@dataclass(frozen=True)
class ExchangeRate:
    currency_id: str
    start: dt.date
    rate: Decimal


@dataclass(frozen=True)
class ReferenceData:
    companies: dict[str, Company] = field(default_factory=dict)
    currencies: dict[str, AccountingCurrency] = field(default_factory=dict)
    periods: tuple[Period, ...] = ()
    # OIM line type (Freight, Tax, ...) -> Product2 Id
    line_type_products: dict[str, str] = field(default_factory=dict)
    # Product2 Id of a line-type product -> (its name, its purchase analysis GLA)
    line_type_product_details: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    # ITFR GL category -> (company Id or None for any company) -> GLA Id
    gl_category_accounts: dict[str, dict[str | None, str]] = field(default_factory=dict)
    exchange_rates: tuple[ExchangeRate, ...] = ()
    # GLA reporting code -> GLA Id
    gla_by_reporting_code: dict[str, str] = field(default_factory=dict)

    def company_by_name(self, name: str | None) -> Company | None:
        if not name:
            return None
        wanted = name.strip().lower()
        return next((c for c in self.companies.values() if c.name.lower() == wanted), None)

    def currency_for(self, company_id: str, iso_code: str | None) -> AccountingCurrency | None:
        if not iso_code:
            return None
        wanted = iso_code.upper()
        return next(
            (c for c in self.currencies.values() if c.company_id == company_id and c.iso_code.upper() == wanted),
            None,
        )

    def home_currency(self, company_id: str) -> AccountingCurrency | None:
        return next((c for c in self.currencies.values() if c.company_id == company_id and c.home), None)

    def period_for(self, company_id: str, day: dt.date) -> Period | None:
        return next(
            (p for p in self.periods if p.company_id == company_id and p.start <= day <= p.end),
            None,
        )

    def rate_on(self, currency_id: str, day: dt.date) -> Decimal | None:
        candidates = [r for r in self.exchange_rates if r.currency_id == currency_id and r.start <= day]
        if not candidates:
            return None
        return max(candidates, key=lambda r: r.start).rate
