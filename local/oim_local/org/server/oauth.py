"""``POST /services/oauth2/token``: the client credentials and JWT bearer flows."""

from __future__ import annotations

import base64
import binascii
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote_plus

from cryptography.hazmat.primitives.asymmetric import rsa

from oim_local.org.identity import ORG_ID, USER_ID
from oim_local.org.server.auth import TokenRegistry
from oim_local.org.server.jwt_bearer import InvalidAssertion, verify_assertion
from oim_local.org.server.wire import ApiRequest, ApiResponse

CLIENT_CREDENTIALS = "client_credentials"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
LOGIN_AUDIENCE = "https://login.salesforce.com"


@dataclass(frozen=True)
class OAuthConfig:
    instance_url: str
    client_id: str | None = None
    client_secret: str | None = None
    jwt_public_key: rsa.RSAPublicKey | None = None
    jwt_username: str | None = None


class TokenEndpoint:
    def __init__(self, config: OAuthConfig, tokens: TokenRegistry, clock: Callable[[], float] = time.time) -> None:
        self._config = config
        self._tokens = tokens
        self._clock = clock

    def handle(self, request: ApiRequest) -> ApiResponse:
        if request.method != "POST":
            return _oauth_error(405, "invalid_request", "must use HTTP POST")
        form = _form(request)
        grant_type = form.get("grant_type")
        if grant_type == CLIENT_CREDENTIALS:
            if not self._client_credentials_match(request, form):
                return _oauth_error(400, "invalid_client", "invalid client credentials")
        elif grant_type == JWT_BEARER:
            refusal = self._jwt_refusal(form.get("assertion"))
            if refusal is not None:
                return _oauth_error(400, "invalid_grant", refusal)
        else:
            return _oauth_error(400, "unsupported_grant_type", "grant type not supported")
        issued = self._tokens.issue()
        instance_url = self._config.instance_url
        return ApiResponse(
            200,
            {
                "access_token": issued.access_token,
                "instance_url": instance_url,
                "id": f"{instance_url}/id/{ORG_ID}/{USER_ID}",
                "token_type": "Bearer",
                "issued_at": str(int(issued.issued_at * 1000)),
                "scope": "api",
            },
        )

    def _client_credentials_match(self, request: ApiRequest, form: dict[str, str]) -> bool:
        expected_id, expected_secret = self._config.client_id, self._config.client_secret
        if not expected_id or not expected_secret:
            return False
        client_id, client_secret = _basic_credentials(request)
        if client_id is None:
            client_id, client_secret = form.get("client_id"), form.get("client_secret")
        return (
            client_id is not None
            and client_secret is not None
            and hmac.compare_digest(client_id.encode(), expected_id.encode())
            and hmac.compare_digest(client_secret.encode(), expected_secret.encode())
        )

    def _jwt_refusal(self, assertion: str | None) -> str | None:
        config = self._config
        if config.jwt_public_key is None or not config.client_id or not config.jwt_username:
            return "the JWT bearer flow is not configured on this org"
        if not assertion:
            return "the assertion parameter is missing"
        try:
            verify_assertion(
                assertion,
                public_key=config.jwt_public_key,
                client_id=config.client_id,
                username=config.jwt_username,
                audiences=(config.instance_url, LOGIN_AUDIENCE),
                now=self._clock(),
            )
        except InvalidAssertion as refusal:
            return str(refusal)
        return None


def _oauth_error(status: int, error: str, description: str) -> ApiResponse:
    return ApiResponse(status, {"error": error, "error_description": description})


def _form(request: ApiRequest) -> dict[str, str]:
    fields = parse_qs(request.body.decode("utf-8", errors="replace"), keep_blank_values=True)
    # Some clients send the parameters in the query string instead of the body.
    for name, values in request.query.items():
        fields.setdefault(name, values)
    return {name: values[0] for name, values in fields.items() if values}


def _basic_credentials(request: ApiRequest) -> tuple[str | None, str | None]:
    scheme, _, encoded = (request.header("authorization") or "").partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None, None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    client_id, separator, client_secret = decoded.partition(":")
    if not separator:
        return None, None
    # RFC 6749 2.3.1: both parts are form-urlencoded before Basic encoding.
    return unquote_plus(client_id), unquote_plus(client_secret)
