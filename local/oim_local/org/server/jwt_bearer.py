"""Checks an OAuth JWT bearer assertion (RS256) the way Salesforce does, with PyJWT."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


class InvalidAssertion(Exception):
    """The assertion is refused; the message says why (safe to show: no secrets in it)."""


def load_rsa_public_key(pem: bytes) -> rsa.RSAPublicKey:
    """A PEM public key or a PEM certificate (what an admin uploads to the connected app)."""
    key: object = (
        x509.load_pem_x509_certificate(pem).public_key()
        if b"BEGIN CERTIFICATE" in pem
        else serialization.load_pem_public_key(pem)
    )
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("the JWT public key must be an RSA key (RS256)")
    return key


# PyJWT's refusal -> what the org answers (most specific first: several subclass DecodeError).
_REFUSALS: tuple[tuple[type[jwt.exceptions.PyJWTError], str], ...] = (
    (jwt.exceptions.InvalidAlgorithmError, "the assertion must be signed with RS256"),
    (jwt.exceptions.InvalidSignatureError, "the assertion's signature does not verify"),
    (jwt.exceptions.InvalidIssuerError, "the assertion's issuer is not the configured client id"),
    (jwt.exceptions.InvalidSubjectError, "the assertion's subject is not the configured user"),
    (jwt.exceptions.InvalidAudienceError, "the assertion's audience is not this org"),
    (jwt.exceptions.MissingRequiredClaimError, "the assertion has expired or has no exp claim"),
    (jwt.exceptions.DecodeError, "the assertion's header or payload is not JSON in base64url"),
)


def verify_assertion(
    assertion: str,
    *,
    public_key: rsa.RSAPublicKey,
    client_id: str,
    username: str,
    audiences: Collection[str],
    now: float,
) -> dict[str, Any]:
    """The claims of a valid assertion; raises ``InvalidAssertion`` otherwise.

    Expiry is checked against ``now`` (the org's clock, which tests move), not PyJWT's wall clock.
    """
    # Salesforce takes the audience with or without its trailing slash.
    accepted = [form for value in audiences for form in (value.rstrip("/"), value.rstrip("/") + "/")]
    try:
        claims: dict[str, Any] = jwt.decode(
            assertion, public_key, algorithms=["RS256"], audience=accepted, issuer=client_id, subject=username,
            options={"require": ["exp"], "verify_exp": False, "verify_iat": False, "verify_nbf": False},
        )  # fmt: skip
    except jwt.exceptions.PyJWTError as error:
        if isinstance(error, jwt.exceptions.DecodeError) and "segments" in str(error):
            raise InvalidAssertion("the assertion is not a JWT (header.payload.signature)") from None
        reason = next((text for kind, text in _REFUSALS if isinstance(error, kind)), "the assertion is not valid")
        raise InvalidAssertion(reason) from None
    expiry = claims.get("exp")
    if not isinstance(expiry, int | float) or isinstance(expiry, bool) or expiry <= now:
        raise InvalidAssertion("the assertion has expired or has no exp claim")
    return claims
