"""The tax port on Avalara's own Python SDK (``avalara`` on PyPI, pinned).

The SDK's calls used here: ``create_or_adjust_transaction`` (POST /api/v2/transactions/createoradjust),
``verify_transaction`` (POST /api/v2/companies/{company}/transactions/{code}/verify) and
``commit_transaction`` (POST /api/v2/companies/{company}/transactions/{code}/commit). Its
``environment`` argument takes a base URL, which is how the local stand-in is reached. The SDK
calls ``requests``' module functions, which take their CA bundle from REQUESTS_CA_BUNDLE: a secret
that carries ``ca_bundle`` (local runs only) sets it for the process.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

import requests

from oim_connector.tax.credentials import AvalaraCredentials
from oim_connector.tax.port import TaxServiceError, TaxServiceUnavailableError

APP_NAME = "oim-connector"
APP_VERSION = "1.0"


class AvaTaxAdapter:
    def __init__(self, credentials: AvalaraCredentials, machine_name: str = "lambda") -> None:
        from avalara import AvataxClient  # type: ignore[import-untyped]

        if credentials.ca_bundle:
            os.environ["REQUESTS_CA_BUNDLE"] = _ca_file(credentials.ca_bundle)
        # The SDK logs each call (URL, status, correlation id; never bodies nor credentials) to this logger.
        self._client = AvataxClient(APP_NAME, APP_VERSION, machine_name, credentials.environment,
                                    timeout_limit=credentials.timeout_seconds, is_log_req_resp_allowed=False,
                                    logger=logging.getLogger("oim_connector.tax.avatax_sdk"))  # fmt: skip
        self._client.add_credentials(credentials.account_id, credentials.license_key.get_secret_value())
        self._count = 0
        self._lock = threading.Lock()

    def requests_made(self) -> int:
        return self._count

    def create_or_adjust(self, model: dict[str, Any]) -> dict[str, Any]:
        return self._call(lambda: self._client.create_or_adjust_transaction(model))

    def verify(self, company_code: str, code: str, model: dict[str, Any]) -> dict[str, Any]:
        return self._call(lambda: self._client.verify_transaction(company_code, code, model))

    def commit(self, company_code: str, code: str) -> dict[str, Any]:
        return self._call(lambda: self._client.commit_transaction(company_code, code, {"commit": True}))

    def _call(self, send: Any) -> dict[str, Any]:
        with self._lock:
            self._count += 1
        try:
            response: requests.Response = send()
        except requests.RequestException as error:
            raise TaxServiceUnavailableError(f"Avalara could not be reached ({type(error).__name__})") from None
        if response.status_code == 429 or response.status_code >= 500:
            raise TaxServiceUnavailableError(
                f"Avalara is unavailable (HTTP {response.status_code}{_detail(response)})", status=response.status_code
            )
        if response.status_code >= 400:
            code, message = _error(response)
            raise TaxServiceError(f"Avalara refused the request: {code}: {message}", code=code,
                                  status=response.status_code)  # fmt: skip
        try:
            body = response.json()
        except ValueError:
            raise TaxServiceUnavailableError("Avalara answered something that is not JSON") from None
        if not isinstance(body, dict):
            raise TaxServiceUnavailableError("Avalara answered an unexpected shape")
        return body


def _error(response: requests.Response) -> tuple[str, str]:
    """AvaTax's documented error shape: {"error": {"code", "message", "details": [...]}}."""
    try:
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        return f"HTTP {response.status_code}", "no error body"
    details = error.get("details") or []
    described = "; ".join(str(d.get("description") or d.get("message") or "") for d in details if isinstance(d, dict))
    return str(error.get("code") or f"HTTP {response.status_code}"), str(described or error.get("message") or "")


def _detail(response: requests.Response) -> str:
    code, _ = _error(response)
    return f": {code}" if not code.startswith("HTTP") else ""


def _ca_file(pem: str) -> str:
    digest = hashlib.sha256(pem.encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"oim-avatax-ca-{digest}.pem"
    if not path.exists():
        path.write_text(pem, encoding="utf-8")
    return str(path)
