"""Reference data carried from one part of a run to the next, in the continuation message.

A run that goes on in a continuation would otherwise load its reference data (companies,
currencies, periods, mappings) again in every part. The first part hands it on, compressed,
with the settings it was loaded under and when; a later part uses it only under the same
settings and while it is young (an admin who opens a period sees the next run use it), and
loads it again otherwise. SQS takes 256 KB a message: a larger snapshot is not carried.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import zlib
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from oim_connector.mapping.reference import AccountingCurrency, Company, ExchangeRate, Period, ReferenceData
from oim_connector.model.settings import ConnectorSettings

MAX_CARRIED_CHARS = 150_000  # leaves room in a 256 KB message for the rest of it
MAX_AGE = dt.timedelta(minutes=15)


class CarriedReference(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True)

    settings_hash: str = Field(min_length=1, max_length=64)
    loaded_at: dt.datetime
    data: str = Field(max_length=MAX_CARRIED_CHARS)


def settings_hash(settings: ConnectorSettings) -> str:
    return hashlib.sha256(settings.model_dump_json().encode()).hexdigest()


def carry(reference: ReferenceData, settings: ConnectorSettings, loaded_at: dt.datetime) -> CarriedReference | None:
    data = base64.b64encode(zlib.compress(json.dumps(_to_json(reference)).encode(), 9)).decode("ascii")
    if len(data) > MAX_CARRIED_CHARS:
        return None
    return CarriedReference(settings_hash=settings_hash(settings), loaded_at=loaded_at, data=data)


def reuse(carried: CarriedReference | None, settings: ConnectorSettings, now: dt.datetime) -> ReferenceData | None:
    """The carried reference data, when it was loaded under these settings and recently; else None (load it)."""
    if carried is None or carried.settings_hash != settings_hash(settings):
        return None
    if not dt.timedelta(0) <= now - carried.loaded_at <= MAX_AGE:
        return None
    return _from_json(json.loads(zlib.decompress(base64.b64decode(carried.data))))


def _to_json(ref: ReferenceData) -> dict[str, Any]:
    return {
        "companies": [[c.id, c.name] for c in ref.companies.values()],
        "currencies": [[c.id, c.iso_code, c.company_id, c.decimal_places, c.home] for c in ref.currencies.values()],
        "periods": [
            [p.id, p.name, p.company_id, p.start.isoformat(), p.end.isoformat(), p.closed] for p in ref.periods
        ],
        "line_type_products": ref.line_type_products,
        "line_type_product_details": {k: list(v) for k, v in ref.line_type_product_details.items()},
        "gl_category_accounts": [
            [category, company, gla]
            for category, by_company in ref.gl_category_accounts.items()
            for company, gla in by_company.items()
        ],
        "exchange_rates": [[r.currency_id, r.start.isoformat(), str(r.rate)] for r in ref.exchange_rates],
        "gla_by_reporting_code": ref.gla_by_reporting_code,
    }


def _from_json(data: dict[str, Any]) -> ReferenceData:
    gl_category_accounts: dict[str, dict[str | None, str]] = {}
    for category, company, gla in data["gl_category_accounts"]:
        gl_category_accounts.setdefault(category, {})[company] = gla
    return ReferenceData(
        companies={i: Company(i, name) for i, name in data["companies"]},
        currencies={c[0]: AccountingCurrency(c[0], c[1], c[2], int(c[3]), bool(c[4])) for c in data["currencies"]},
        periods=tuple(
            Period(p[0], p[1], p[2], dt.date.fromisoformat(p[3]), dt.date.fromisoformat(p[4]), bool(p[5]))
            for p in data["periods"]
        ),
        line_type_products=dict(data["line_type_products"]),
        line_type_product_details={k: (v[0], v[1]) for k, v in data["line_type_product_details"].items()},
        gl_category_accounts=gl_category_accounts,
        exchange_rates=tuple(
            ExchangeRate(r[0], dt.date.fromisoformat(r[1]), Decimal(r[2])) for r in data["exchange_rates"]
        ),
        gla_by_reporting_code=dict(data["gla_by_reporting_code"]),
    )
