"""Salesforce credentials as stored in Secrets Manager, and the login flows that use them."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Literal

import requests
from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from oim_connector.errors import AuthenticationError, ConfigurationError

AuthKind = Literal["token", "client_credentials", "jwt"]


class SalesforceCredentials(BaseModel):
    """The secret's JSON. Secrets are SecretStr so they never print by accident."""

    model_config = ConfigDict(extra="forbid")

    auth: AuthKind
    instance_url: str = Field(pattern=r"^https://")
    login_url: str | None = Field(default=None, pattern=r"^https://")
    access_token: SecretStr | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None
    username: str | None = None
    private_key: SecretStr | None = None
    # PEM of a CA to trust in addition to the system's (the local org's self-signed certificate).
    ca_bundle: str | None = None
    api_version: str = Field(default="62.0", pattern=r"^\d{2}\.0$")

    @model_validator(mode="after")
    def _complete_for_kind(self) -> SalesforceCredentials:
        needed = {
            "token": ("access_token",),
            "client_credentials": ("client_id", "client_secret"),
            "jwt": ("client_id", "username", "private_key"),
        }[self.auth]
        missing = [name for name in needed if getattr(self, name) in (None, "")]
        if missing:
            raise ValueError(f"auth '{self.auth}' needs {', '.join(missing)} in the Salesforce secret")
        return self

    @property
    def token_url(self) -> str:
        return f"{(self.login_url or self.instance_url).rstrip('/')}/services/oauth2/token"


@dataclass(frozen=True)
class OrgSession:
    instance_url: str
    access_token: str


def sign_jwt_assertion(creds: SalesforceCredentials, *, now: float | None = None) -> str:
    """An RS256 JWT bearer assertion (RFC 7523) signed with the connected app's key (PyJWT)."""
    import jwt

    assert creds.private_key is not None
    issued = int(now if now is not None else time.time())
    claims = {
        "iss": creds.client_id,
        "sub": creds.username,
        "aud": (creds.login_url or creds.instance_url).rstrip("/"),
        "exp": issued + 180,
    }
    try:
        return jwt.encode(claims, creds.private_key.get_secret_value(), algorithm="RS256")
    except (jwt.exceptions.InvalidKeyError, ValueError, TypeError):
        # Neither the key nor the library's words about it: they may quote the secret.
        raise ConfigurationError(
            "The Salesforce private key must be an unencrypted PEM RSA private key (JWT bearer uses RS256)"
        ) from None


class TokenProvider:
    """Logs in once per execution environment and again only when the session expires."""

    def __init__(self, creds: SalesforceCredentials, http: requests.Session, timeout: float = 15.0) -> None:
        self._creds = creds
        self._http = http
        self._timeout = timeout
        self._session: OrgSession | None = None
        self._lock = threading.Lock()

    def session(self, *, refresh: bool = False) -> OrgSession:
        with self._lock:
            if self._session is None or refresh:
                self._session = self._login()
            return self._session

    def _login(self) -> OrgSession:
        creds = self._creds
        if creds.auth == "token":
            assert creds.access_token is not None
            return OrgSession(creds.instance_url, creds.access_token.get_secret_value())
        if creds.auth == "client_credentials":
            assert creds.client_secret is not None
            data = {
                "grant_type": "client_credentials",
                "client_id": creds.client_id or "",
                "client_secret": creds.client_secret.get_secret_value(),
            }
        else:
            data = {
                "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                "assertion": sign_jwt_assertion(creds),
            }
        try:
            response = self._http.post(creds.token_url, data=data, timeout=self._timeout)
        except requests.RequestException as error:
            raise AuthenticationError(
                f"Could not reach the Salesforce login endpoint: {type(error).__name__}"
            ) from None
        if response.status_code != 200:
            try:
                detail = response.json().get("error_description") or response.json().get("error")
            except ValueError:
                detail = f"HTTP {response.status_code}"
            raise AuthenticationError(
                f"Salesforce login ({creds.auth}) was refused: {detail}. Check the connector's Salesforce secret."
            )
        body = response.json()
        return OrgSession(body.get("instance_url") or creds.instance_url, body["access_token"])
