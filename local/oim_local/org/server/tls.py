"""The org's self-signed certificate for 127.0.0.1 and localhost, made once and kept next to
the database so clients can keep trusting the same file across restarts."""

from __future__ import annotations

import datetime as dt
import fcntl
import ipaddress
import os
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_VALIDITY = dt.timedelta(days=3650)


@dataclass(frozen=True)
class TlsFiles:
    cert: Path
    key: Path


def tls_dir_for(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".tls")


def ensure_certificate(db_path: Path) -> TlsFiles:
    """The certificate and key for ``db_path``'s org, generated on first use."""
    directory = tls_dir_for(db_path.resolve())
    files = TlsFiles(cert=directory / "cert.pem", key=directory / "key.pem")
    if files.cert.is_file() and files.key.is_file():
        return files
    directory.mkdir(parents=True, exist_ok=True)
    # Two processes starting on the same database must not write a mismatched pair.
    with (directory / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (files.cert.is_file() and files.key.is_file()):
            key = ec.generate_private_key(ec.SECP256R1())
            cert = _self_signed_certificate(key)
            key_pem = key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            _write_atomically(files.key, key_pem, mode=0o600)
            _write_atomically(files.cert, cert.public_bytes(serialization.Encoding.PEM), mode=0o644)
    return files


def server_context(files: TlsFiles) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certfile=str(files.cert), keyfile=str(files.key))
    return context


def _self_signed_certificate(key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "oim-connector local org"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    public_key = key.public_key()
    # The certificate is its own trust anchor, so it is marked as a CA with the extensions
    # strict verifiers (Python 3.13's VERIFY_X509_STRICT) insist on.
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + _VALIDITY)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public_key), critical=False)
        .sign(key, hashes.SHA256())
    )


def _write_atomically(path: Path, content: bytes, *, mode: int) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    os.replace(temporary, path)
