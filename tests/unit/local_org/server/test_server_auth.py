"""Sessions and the OAuth token endpoint: bearer checks, client credentials, JWT bearer, TTL."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from oim_local.org.server.app import OrgApp, OrgSettings
from oim_local.org.server.auth import TokenRegistry
from oim_local.org.server.jwt_bearer import load_rsa_public_key
from oim_local.org.server.oauth import JWT_BEARER, OAuthConfig
from oim_local.org.server.wire import ApiResponse
from oim_local.org.store import OrgStore

from tests.unit.local_org.server.jwt_helpers import new_rsa_key, public_pem, sign_assertion
from tests.unit.local_org.server.server_helpers import TOKEN, call, data_url

INSTANCE_URL = "https://127.0.0.1:8443"
CLIENT_ID = "3MVG-local-client"
CLIENT_SECRET = "local-secret"
USERNAME = "integration@example.com"
NOW = 1_800_000_000.0


@pytest.fixture(scope="module")
def jwt_key() -> rsa.RSAPrivateKey:
    return new_rsa_key()


@pytest.fixture
def clock() -> list[float]:
    return [NOW]


@pytest.fixture
def oauth_app(store: OrgStore, jwt_key: rsa.RSAPrivateKey, clock: list[float]) -> OrgApp:
    oauth = OAuthConfig(
        instance_url=INSTANCE_URL,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        jwt_public_key=load_rsa_public_key(public_pem(jwt_key)),
        jwt_username=USERNAME,
    )
    settings = OrgSettings(INSTANCE_URL, static_token=TOKEN, token_ttl_seconds=600, oauth=oauth)
    return OrgApp(store, settings, clock=lambda: clock[0])


def token_request(app: OrgApp, form: dict[str, str], headers: dict[str, str] | None = None) -> ApiResponse:
    all_headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
    return call(app, "POST", "/services/oauth2/token", urlencode(form).encode(), token=None, headers=all_headers)


def claims(**overrides: Any) -> dict[str, Any]:
    return {
        "iss": CLIENT_ID,
        "sub": USERNAME,
        "aud": "https://login.salesforce.com",
        "exp": int(NOW) + 180,
        **overrides,
    }


@pytest.mark.parametrize("token", [None, "wrong", ""])
def test_a_missing_or_wrong_bearer_token_is_401_invalid_session(app: OrgApp, token: str | None) -> None:
    response = call(app, "GET", data_url("limits"), token=token)
    assert response.status == 401
    assert response.body == [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
    assert app.counters().total_requests == 0


def test_the_apex_posting_endpoint_needs_a_session_too(app: OrgApp) -> None:
    assert call(app, "POST", "/services/apexrest/SCMFFA/v1/post", {"documents": []}, token=None).status == 401


def test_client_credentials_with_http_basic_issue_a_working_token(oauth_app: OrgApp) -> None:
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()

    response = token_request(oauth_app, {"grant_type": "client_credentials"}, {"Authorization": f"Basic {basic}"})

    assert response.status == 200
    assert set(response.body) >= {"access_token", "instance_url", "token_type", "issued_at", "id"}
    assert response.body["token_type"] == "Bearer"
    assert response.body["instance_url"] == INSTANCE_URL
    assert response.body["issued_at"] == str(int(NOW * 1000))
    assert call(oauth_app, "GET", data_url("limits"), token=response.body["access_token"]).status == 200


def test_client_credentials_in_the_form_work_and_a_wrong_secret_is_invalid_client(oauth_app: OrgApp) -> None:
    good = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    assert token_request(oauth_app, good).status == 200

    refused = token_request(oauth_app, {**good, "client_secret": "guess"})

    assert refused.status == 400
    assert refused.body == {"error": "invalid_client", "error_description": "invalid client credentials"}


def test_an_issued_token_expires_after_the_ttl_but_the_static_token_does_not(
    oauth_app: OrgApp, clock: list[float]
) -> None:
    form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    issued = token_request(oauth_app, form).body["access_token"]

    clock[0] = NOW + 601

    assert call(oauth_app, "GET", data_url("limits"), token=issued).status == 401
    assert call(oauth_app, "GET", data_url("limits"), token=TOKEN).status == 200


def test_a_valid_jwt_assertion_issues_a_token(oauth_app: OrgApp, jwt_key: rsa.RSAPrivateKey) -> None:
    for audience in ("https://login.salesforce.com", INSTANCE_URL):
        assertion = sign_assertion(jwt_key, claims(aud=audience))
        response = token_request(oauth_app, {"grant_type": JWT_BEARER, "assertion": assertion})
        assert response.status == 200
        assert call(oauth_app, "GET", data_url("limits"), token=response.body["access_token"]).status == 200


@pytest.mark.parametrize(
    ("make_assertion", "reason"),
    [
        (lambda key: sign_assertion(key, claims(exp=int(NOW) - 1)), "expired"),
        (lambda key: sign_assertion(key, claims(aud="https://evil.example")), "audience"),
        (lambda key: sign_assertion(key, claims(sub="someone@else.com")), "subject"),
        (lambda key: sign_assertion(key, claims(iss="other-client")), "issuer"),
        (lambda key: sign_assertion(new_rsa_key(), claims()), "signature"),
        (lambda key: "not-a-jwt", "not a JWT"),
        (lambda key: "e30.%%%.e30", "not JSON"),
    ],
)
def test_a_bad_jwt_assertion_is_invalid_grant_saying_why(
    oauth_app: OrgApp,
    jwt_key: rsa.RSAPrivateKey,
    make_assertion: Callable[[rsa.RSAPrivateKey], str],
    reason: str,
) -> None:
    response = token_request(oauth_app, {"grant_type": JWT_BEARER, "assertion": make_assertion(jwt_key)})

    assert response.status == 400
    assert response.body["error"] == "invalid_grant"
    assert reason in response.body["error_description"]


def test_an_unknown_grant_type_is_unsupported(oauth_app: OrgApp) -> None:
    response = token_request(oauth_app, {"grant_type": "password", "username": "u", "password": "p"})
    assert (response.status, response.body["error"]) == (400, "unsupported_grant_type")


def test_an_org_without_a_configured_client_refuses_client_credentials(app: OrgApp) -> None:
    form = {"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"}
    assert token_request(app, form).body["error"] == "invalid_client"


def test_revoking_the_static_token_ends_its_sessions(tmp_path: Path) -> None:
    registry = TokenRegistry("static", ttl_seconds=60)
    assert registry.is_valid("static")
    registry.revoke("static")
    assert not registry.is_valid("static")
