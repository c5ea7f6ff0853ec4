"""What the stand-in knows and does: transactions by company and code, their status
(Saved -> Posted -> Committed), deterministic rates, and every request it was sent.

Errors use AvaTax's documented shape: {"error": {"code", "message", "target", "details": [...]}}.
"""

from __future__ import annotations

import base64
import datetime as dt
import hmac
import itertools
import json
import threading
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

# Combined rates by ship-to region, fixed so tests and the demo can check amounts to the cent.
RATES: dict[str, Decimal] = {
    "TX": Decimal("0.0825"), "CA": Decimal("0.0725"), "NY": Decimal("0.08875"), "IL": Decimal("0.1025"),
    "WA": Decimal("0.101"), "FL": Decimal("0.07"), "MA": Decimal("0.0625"), "OR": Decimal("0"),
}  # fmt: skip
DEFAULT_US_RATE = Decimal("0.06")
HELP = "https://developer.avalara.com/avatax/errors/"

SAVED, POSTED, COMMITTED = "Saved", "Posted", "Committed"


@dataclass
class Answer:
    status: int
    body: dict[str, Any] | None


@dataclass
class Fault:
    """The next ``times`` requests whose path contains ``match`` answer ``status`` (Avalara's shape)."""

    status: int = 503
    times: int = 1
    match: str = ""


@dataclass
class SeenRequest:
    method: str
    path: str
    transaction: str | None
    status: int


def error(status: int, code: str, message: str, *, number: int = 0, target: str = "HttpRequest") -> Answer:
    detail = {
        "code": code, "number": number, "message": message, "description": message,
        "faultCode": "Client" if status < 500 else "Server", "helpLink": HELP + code, "severity": "Error",
    }  # fmt: skip
    return Answer(status, {"error": {"code": code, "message": message, "target": target, "details": [detail]}})


def _money(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@dataclass
class AvaTaxService:
    account_id: str
    license_key: str
    company_codes: frozenset[str] = frozenset({"DEFAULT"})
    transactions: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    requests: list[SeenRequest] = field(default_factory=list)
    # (company, code) -> how many times a Saved/Posted transaction became Committed
    commits: dict[tuple[str, str], int] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(85000000001))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- control ---------------------------------------------------------------------------------
    def add_fault(self, fault: Fault) -> None:
        with self._lock:
            self.faults.append(fault)

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def state(self) -> dict[str, Any]:
        with self._lock:
            return {
                "transactions": [dict(t) for t in self.transactions.values()],
                "commits": [{"companyCode": c, "code": k, "commits": n} for (c, k), n in self.commits.items()],
                "requests": [vars(r) for r in self.requests],
            }

    def requests_for(self, code: str) -> list[SeenRequest]:
        with self._lock:
            return [r for r in self.requests if r.transaction == code]

    # -- the API ---------------------------------------------------------------------------------
    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
        route = path.split("?", 1)[0].rstrip("/")
        parts = route.split("/")
        code = parts[6] if len(parts) >= 7 and parts[3] == "companies" and parts[5] == "transactions" else None
        answer = self._answer(method, route, parts, headers, body)
        with self._lock:
            self.requests.append(SeenRequest(method, route, code or _code_in(body), answer.status))
        return answer

    def _answer(self, method: str, route: str, parts: list[str], headers: dict[str, str], body: bytes) -> Answer:
        fault = self._take_fault(route)
        if fault is not None:
            return error(fault.status, "ServiceUnavailable" if fault.status >= 500 else "RateLimitExceeded",
                         "The AvaTax service is temporarily unavailable", number=fault.status)  # fmt: skip
        if route == "/api/v2/utilities/ping" and method == "GET":
            return Answer(200, {"version": "local", "authenticated": self._authenticated(headers)})
        if not self._authenticated(headers):
            return error(401, "AuthenticationException", "Authentication failed: check the account id and license key",
                         number=-1)  # fmt: skip
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return error(400, "InvalidJson", "The request body is not valid JSON", number=12)
        if method == "POST" and route == "/api/v2/transactions/createoradjust":
            model = data.get("createTransactionModel") if isinstance(data, dict) else None
            if not isinstance(model, dict):
                return error(400, "ValueRequiredError", "Field 'createTransactionModel' is required.", number=5,
                             target="IncorrectData")  # fmt: skip
            return self._create(model, adjust=True)
        if method == "POST" and route == "/api/v2/transactions/create":
            return self._create(data if isinstance(data, dict) else {}, adjust=False)
        if len(parts) >= 7 and parts[3] == "companies" and parts[5] == "transactions":
            key = (parts[4], parts[6])
            action = parts[7] if len(parts) > 7 else ""
            if method == "GET" and action == "":
                return self._get(key)
            if method == "POST" and action == "verify":
                return self._verify(key)
            if method == "POST" and action == "commit":
                return self._commit(key, data if isinstance(data, dict) else {})
        return error(404, "EntityNotFoundError", f"No such AvaTax endpoint: {method} {route}", number=4)

    def _take_fault(self, route: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.match in route and fault.times > 0:
                    fault.times -= 1
                    if fault.times == 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def _authenticated(self, headers: dict[str, str]) -> bool:
        value = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        if not value.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(value[6:]).decode().partition(":")
        except ValueError:
            return False
        return hmac.compare_digest(user, self.account_id) and hmac.compare_digest(password, self.license_key)

    def _create(self, model: dict[str, Any], *, adjust: bool) -> Answer:
        company = str(model.get("companyCode") or "DEFAULT")
        if company not in self.company_codes:
            return error(400, "CompanyNotFoundError", f"Company '{company}' was not found.", number=28)
        lines = model.get("lines")
        if not isinstance(lines, list) or not lines:
            return error(400, "MissingLine", "A transaction must have at least one line.", number=131)
        addresses = model.get("addresses") if isinstance(model.get("addresses"), dict) else {}
        rate = _rate((addresses or {}).get("shipTo") or {})
        code = str(model.get("code") or f"local-{next(self._ids)}")
        key = (company, code)
        with self._lock:
            existing = self.transactions.get(key)
            if existing is not None and not adjust:
                return error(400, "DuplicateDocumentCode", f"Document '{code}' already exists.", number=303)
            if existing is not None and existing["status"] == COMMITTED:
                return error(400, "CannotModifyLockedTransaction",
                             f"Transaction '{code}' is committed and cannot be adjusted.", number=1201)  # fmt: skip
            answer_lines: list[dict[str, Any]] = []
            total = Decimal(0)
            for line in lines:
                amount = Decimal(str(line.get("amount") or 0))
                tax = (amount * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                total += tax
                answer_lines.append({"lineNumber": str(line.get("number") or len(answer_lines) + 1),
                                     "lineAmount": _money(amount), "tax": _money(tax), "taxCalculated": _money(tax),
                                     "rate": float(rate)})  # fmt: skip
            transaction = {
                "id": existing["id"] if existing else next(self._ids),
                "code": code, "companyCode": company, "type": model.get("type") or "SalesOrder",
                "date": model.get("date"), "status": COMMITTED if model.get("commit") else SAVED,
                "totalAmount": _money(sum((Decimal(str(x.get("amount") or 0)) for x in lines), Decimal(0))),
                "totalTax": _money(total), "currencyCode": model.get("currencyCode") or "USD",
                "lines": answer_lines, "adjustmentReason": "Other" if existing else "NotAdjusted",
                "modifiedDate": dt.datetime.now(dt.UTC).isoformat(),
            }  # fmt: skip
            if transaction["status"] == COMMITTED:
                self.commits[key] = self.commits.get(key, 0) + 1
            self.transactions[key] = transaction
            return Answer(201 if existing is None else 200, dict(transaction))

    def _get(self, key: tuple[str, str]) -> Answer:
        with self._lock:
            found = self.transactions.get(key)
        if found is None:
            return _not_found(key)
        return Answer(200, dict(found))

    def _verify(self, key: tuple[str, str]) -> Answer:
        with self._lock:
            found = self.transactions.get(key)
            if found is None:
                return _not_found(key)
            if found["status"] == COMMITTED:
                return error(400, "CannotModifyLockedTransaction", f"Transaction '{key[1]}' is already committed.",
                             number=1201)  # fmt: skip
            found["status"] = POSTED
            return Answer(200, dict(found))

    def _commit(self, key: tuple[str, str], data: dict[str, Any]) -> Answer:
        if data.get("commit") is not True:
            return error(400, "ValueRequiredError", "Field 'commit' must be true.", number=5, target="IncorrectData")
        with self._lock:
            found = self.transactions.get(key)
            if found is None:
                return _not_found(key)
            if found["status"] != COMMITTED:
                found["status"] = COMMITTED
                self.commits[key] = self.commits.get(key, 0) + 1
            return Answer(200, dict(found))


def _code_in(body: bytes) -> str | None:
    """The transaction code a create request names, to count requests per document."""
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return None
    model = data.get("createTransactionModel", data) if isinstance(data, dict) else None
    code = model.get("code") if isinstance(model, dict) else None
    return str(code) if code else None


def _not_found(key: tuple[str, str]) -> Answer:
    return error(404, "EntityNotFoundError", f"Document with code '{key[1]}' for company '{key[0]}' not found.",
                 number=4)  # fmt: skip


def _rate(address: dict[str, Any]) -> Decimal:
    if str(address.get("country") or "US").upper() not in ("US", "USA"):
        return Decimal(0)
    return RATES.get(str(address.get("region") or "").upper(), DEFAULT_US_RATE)
