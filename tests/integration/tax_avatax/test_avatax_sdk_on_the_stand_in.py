"""Avalara's own SDK (through the tax port's adapter) against the local AvaTax stand-in over HTTPS:
the endpoints it calls, Avalara's error shape, faults, and credentials that never reach the logs."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from oim_connector.tax.avatax import AvaTaxAdapter
from oim_connector.tax.credentials import AvalaraCredentials
from oim_connector.tax.port import TaxServiceError, TaxServiceUnavailableError
from oim_local.avatax.server import RunningAvaTax, start_avatax
from oim_local.avatax.service import Fault


@pytest.fixture
def avatax(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningAvaTax]:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    with start_avatax(tmp_path / "avatax") as running:
        yield running


def _model(code: str = "OIM-SALES-1", region: str = "TX") -> dict[str, Any]:
    return {"createTransactionModel": {
        "type": "SalesInvoice", "code": code, "companyCode": "DEFAULT", "date": "2026-03-10", "customerCode": "C1",
        "commit": False, "addresses": {"shipFrom": {"region": "TX"}, "shipTo": {"region": region, "country": "US"}},
        "lines": [{"number": "L1", "amount": 100.0, "quantity": 1}, {"number": "L2", "amount": 19.99}],
    }}  # fmt: skip


def test_the_sdk_calculates_posts_and_commits_through_the_endpoints_avalara_documents(avatax: RunningAvaTax) -> None:
    adapter = AvaTaxAdapter(AvalaraCredentials.model_validate(avatax.secret()))

    calculated = adapter.create_or_adjust(_model())
    adjusted = adapter.create_or_adjust(_model())  # calculating again adjusts the same transaction
    posted = adapter.verify("DEFAULT", "OIM-SALES-1", {})
    committed = adapter.commit("DEFAULT", "OIM-SALES-1")
    again = adapter.commit("DEFAULT", "OIM-SALES-1")

    assert (calculated["status"], calculated["totalTax"]) == ("Saved", 9.9)  # 8.25 + 1.65 (Texas 8.25 %)
    assert [line["tax"] for line in calculated["lines"]] == [8.25, 1.65]
    assert adjusted["id"] == calculated["id"] and adjusted["adjustmentReason"] == "Other"
    assert (posted["status"], committed["status"], again["status"]) == ("Posted", "Committed", "Committed")
    assert avatax.service.commits == {("DEFAULT", "OIM-SALES-1"): 1}
    assert [(r.method, r.path) for r in avatax.service.requests] == [
        ("POST", "/api/v2/transactions/createoradjust"),
        ("POST", "/api/v2/transactions/createoradjust"),
        ("POST", "/api/v2/companies/DEFAULT/transactions/OIM-SALES-1/verify"),
        ("POST", "/api/v2/companies/DEFAULT/transactions/OIM-SALES-1/commit"),
        ("POST", "/api/v2/companies/DEFAULT/transactions/OIM-SALES-1/commit"),
    ]
    assert adapter.requests_made() == 5


def test_refusals_come_back_in_avalaras_error_shape_as_clear_errors(avatax: RunningAvaTax) -> None:
    adapter = AvaTaxAdapter(AvalaraCredentials.model_validate(avatax.secret()))

    with pytest.raises(TaxServiceError, match="EntityNotFoundError: Document with code 'nope'") as missing:
        adapter.commit("DEFAULT", "nope")
    assert missing.value.status == 404 and not isinstance(missing.value, TaxServiceUnavailableError)
    unknown_company = _model()
    unknown_company["createTransactionModel"]["companyCode"] = "GLOBEX"
    with pytest.raises(TaxServiceError, match="CompanyNotFoundError: Company 'GLOBEX' was not found"):
        adapter.create_or_adjust(unknown_company)
    raw = requests.post(f"{avatax.url}/api/v2/transactions/createoradjust", json={}, verify=str(avatax.ca_cert),
                        timeout=10)  # fmt: skip
    error = raw.json()["error"]
    assert (raw.status_code, error["code"]) == (401, "AuthenticationException")
    assert set(error["details"][0]) >= {"code", "number", "message", "description", "faultCode", "helpLink", "severity"}


def test_a_wrong_license_key_is_refused_and_never_logged(
    avatax: RunningAvaTax, caplog: pytest.LogCaptureFixture
) -> None:
    secret = avatax.secret() | {"license_key": "wrong-key-0123456789"}
    adapter = AvaTaxAdapter(AvalaraCredentials.model_validate(secret))
    caplog.set_level(logging.DEBUG)

    with pytest.raises(TaxServiceError, match="AuthenticationException"):
        adapter.create_or_adjust(_model())

    assert "wrong-key-0123456789" not in caplog.text
    assert "wrong-key-0123456789" not in repr(AvalaraCredentials.model_validate(secret))


def test_faults_on_demand_and_an_unreachable_avalara_are_unavailable_not_refused(avatax: RunningAvaTax) -> None:
    adapter = AvaTaxAdapter(AvalaraCredentials.model_validate(avatax.secret()))
    avatax.service.add_fault(Fault(status=503, times=2, match="createoradjust"))

    for _ in range(2):
        with pytest.raises(TaxServiceUnavailableError, match=r"HTTP 503: ServiceUnavailable"):
            adapter.create_or_adjust(_model())
    assert adapter.create_or_adjust(_model())["status"] == "Saved"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    gone = AvaTaxAdapter(AvalaraCredentials.model_validate(
        avatax.secret() | {"environment": f"https://127.0.0.1:{closed_port}", "timeout_seconds": 2}))  # fmt: skip
    with pytest.raises(TaxServiceUnavailableError, match="Avalara could not be reached"):
        gone.commit("DEFAULT", "OIM-SALES-1")


def test_the_control_path_needs_its_token(avatax: RunningAvaTax) -> None:
    url = f"{avatax.url}/_local/faults"
    refused = requests.post(url, json={"status": 503}, verify=str(avatax.ca_cert), timeout=10)
    accepted = requests.post(url, json={"status": 503, "match": "commit"}, verify=str(avatax.ca_cert), timeout=10,
                             headers={"X-Local-Control-Token": avatax.control_token})  # fmt: skip
    assert (refused.status_code, accepted.status_code) == (403, 200)
    assert avatax.service.faults == [Fault(status=503, times=1, match="commit")]
