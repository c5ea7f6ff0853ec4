"""The simple-salesforce adapter against the local org over HTTPS: logins, session refresh,
retries by error class, and the daily API limit."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from oim_connector.errors import AuthenticationError
from oim_connector.model.flows import FlowId
from oim_connector.model.requests import RunRequest, TriggerKind
from oim_connector.org.adapter import SalesforceOrg
from oim_connector.org.credentials import SalesforceCredentials
from oim_connector.org.retry import RetryPolicy
from oim_connector.org.soql import Select
from oim_connector.service import ConnectorService, Services
from oim_connector.settings_store import StaticSettingsStore
from oim_local.org.runtime import FaultPlan, RunningOrg, start_local_org
from oim_local.org.server.faults import FaultKind
from oim_local.sample import load_sample

pytestmark = pytest.mark.integration

CLIENT_ID = "3MVG9-connector"
CLIENT_SECRET = "s3cr3t-client-secret"
FAST = RetryPolicy(max_attempts=8, base_delay_seconds=0.001, concurrency_delay_seconds=0.001)


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def org(tmp_path: Path, rsa_key: rsa.RSAPrivateKey) -> Iterator[RunningOrg]:
    db = tmp_path / "org.db"
    load_sample(db)
    public_pem = rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with start_local_org(db, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, jwt_public_key_pem=public_pem,
                         jwt_username="integration@acme.example", token_ttl_seconds=1) as running:  # fmt: skip
        yield running


def _ca(org: RunningOrg) -> str:
    return Path(org.ca_cert).read_text(encoding="utf-8")


def _client_credentials(org: RunningOrg, secret: str = CLIENT_SECRET) -> SalesforceCredentials:
    return SalesforceCredentials(auth="client_credentials", instance_url=org.instance_url, client_id=CLIENT_ID,
                                 client_secret=secret, ca_bundle=_ca(org))  # type: ignore[arg-type]  # fmt: skip


def _companies(sf: SalesforceOrg) -> list[str]:
    return sorted(r["Name"] for r in sf.query(Select("c2g__codaCompany__c", ("Name",))))


def test_client_credentials_login_and_transparent_refresh_when_the_session_expires(org: RunningOrg) -> None:
    sf = SalesforceOrg(_client_credentials(org), retry=FAST)

    assert _companies(sf) == ["Acme Industries UK", "Acme Industries US"]
    time.sleep(1.2)  # the issued token lives one second
    assert _companies(sf) == ["Acme Industries UK", "Acme Industries US"]
    assert org.counters().requests_by_kind.get("token") == 2


def test_jwt_bearer_login_signs_with_the_connected_apps_key(org: RunningOrg, rsa_key: rsa.RSAPrivateKey) -> None:
    pem = rsa_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()  # fmt: skip
    creds = SalesforceCredentials(auth="jwt", instance_url=org.instance_url, client_id=CLIENT_ID,
                                  username="integration@acme.example", private_key=pem,
                                  ca_bundle=_ca(org))  # type: ignore[arg-type]  # fmt: skip

    assert _companies(SalesforceOrg(creds, retry=FAST)) == ["Acme Industries UK", "Acme Industries US"]


def test_a_refused_login_says_what_to_check_and_never_shows_the_secret(org: RunningOrg) -> None:
    sf = SalesforceOrg(_client_credentials(org, secret="wrong-secret"), retry=FAST)

    with pytest.raises(AuthenticationError) as raised:
        _companies(sf)

    assert "Check the connector's Salesforce secret" in raised.value.message
    assert "wrong-secret" not in raised.value.message


def test_transient_faults_are_retried_until_the_answer_arrives(org: RunningOrg) -> None:
    sf = SalesforceOrg(SalesforceCredentials(auth="token", instance_url=org.instance_url, access_token=org.token,
                                             ca_bundle=_ca(org)), retry=FAST)  # type: ignore[arg-type]  # fmt: skip
    org.set_faults(FaultPlan(seed=7, rate=0.3, kinds=(FaultKind.UNAVAILABLE_BEFORE_COMMIT, FaultKind.CONCURRENT_LIMIT,
                                                      FaultKind.DROP_AFTER_COMMIT)))  # fmt: skip

    for _ in range(5):
        assert _companies(sf) == ["Acme Industries UK", "Acme Industries US"]


def test_the_daily_limit_stops_the_run_and_leaves_the_remaining_records_untouched(tmp_path: Path) -> None:
    db = tmp_path / "org.db"
    ids = load_sample(db).reference_ids
    eligible = [ids[k] for k in ("InvOk1", "InvOk2", "InvJpy", "InvDropShip", "InvUK")]
    # 4 requests: enough for the first batches (the first query rides with the reference data), not for all.
    with start_local_org(db, daily_limit=4) as org:
        sf = SalesforceOrg(SalesforceCredentials(auth="token", instance_url=org.instance_url,
                                                 access_token=org.token, ca_bundle=_ca(org)),
                           retry=FAST)  # type: ignore[arg-type]  # fmt: skip
        service = ConnectorService(Services(org=lambda: sf, settings=StaticSettingsStore(), batch_size=2))
        request = RunRequest(flow=FlowId.SALES_INVOICES, trigger=TriggerKind.SCHEDULE, run_id="r", all_eligible=True)

        report = service.run(request)

        assert report.stopped_reason is not None and "daily API limit" in report.stopped_reason
        statuses = [org.store.get("SCMC__Invoicing__c", i)["SCMC__Export_Status__c"] for i in eligible]
        assert statuses.count("Exported") == report.counts.created > 0
        assert statuses.count("New") == len(eligible) - report.counts.created > 0


def test_a_record_an_update_refuses_is_named_by_the_id_it_was_sent_with(org: RunningOrg) -> None:
    # Salesforce leaves "id" out of a failed item of an sObject collection; the caller's log and
    # retries need to know which record it was.
    sf = SalesforceOrg(_client_credentials(org), retry=FAST)
    account_id = next(iter(sf.query(Select("Account", ("Id",)))))["Id"]
    missing_id = "001" + "9" * 15

    results = sf.update_records("Account", [{"Id": account_id, "Phone": "555-0100"}, {"Id": missing_id, "Phone": "1"}])

    assert [(r.record_id, r.success) for r in results] == [(account_id, True), (missing_id, False)]
    assert results[1].errors
