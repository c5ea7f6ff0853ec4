"""Checks an OAuth JWT bearer assertion (RS256) the way Salesforce does, with ``cryptography``."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Collection
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


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


def verify_assertion(
    assertion: str,
    *,
    public_key: rsa.RSAPublicKey,
    client_id: str,
    username: str,
    audiences: Collection[str],
    now: float,
) -> dict[str, Any]:
    """The claims of a valid assertion; raises ``InvalidAssertion`` otherwise."""
    parts = assertion.split(".")
    if len(parts) != 3:
        raise InvalidAssertion("the assertion is not a JWT (header.payload.signature)")
    header = _decode_json(parts[0], "header")
    claims = _decode_json(parts[1], "payload")
    if header.get("alg") != "RS256":
        raise InvalidAssertion("the assertion must be signed with RS256")
    signature = _decode_segment(parts[2], "signature")
    try:
        public_key.verify(signature, f"{parts[0]}.{parts[1]}".encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise InvalidAssertion("the assertion's signature does not verify") from None
    if claims.get("iss") != client_id:
        raise InvalidAssertion("the assertion's issuer is not the configured client id")
    if claims.get("sub") != username:
        raise InvalidAssertion("the assertion's subject is not the configured user")
    audience = claims.get("aud")
    claimed = audience if isinstance(audience, list) else [audience]
    accepted = {value.rstrip("/") for value in audiences}
    if not any(isinstance(value, str) and value.rstrip("/") in accepted for value in claimed):
        raise InvalidAssertion("the assertion's audience is not this org")
    expiry = claims.get("exp")
    if not isinstance(expiry, int | float) or isinstance(expiry, bool) or expiry <= now:
        raise InvalidAssertion("the assertion has expired or has no exp claim")
    return claims


def _decode_segment(segment: str, what: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise InvalidAssertion(f"the assertion's {what} is not base64url") from None


def _decode_json(segment: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(_decode_segment(segment, what))
    except (ValueError, UnicodeDecodeError):
        raise InvalidAssertion(f"the assertion's {what} is not JSON") from None
    if not isinstance(value, dict):
        raise InvalidAssertion(f"the assertion's {what} is not a JSON object")
    return value
