"""The org's certificate, and ``org serve`` refusing bad options before it opens anything."""

from __future__ import annotations

import argparse
import ipaddress
import stat
from pathlib import Path

import pytest
from cryptography import x509
from oim_local.commands import org_serve
from oim_local.org.server.tls import ensure_certificate


def test_the_certificate_names_127_0_0_1_and_localhost_and_is_made_once(tmp_path: Path) -> None:
    files = ensure_certificate(tmp_path / "org.db")

    certificate = x509.load_pem_x509_certificate(files.cert.read_bytes())
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("127.0.0.1")]
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    assert files.cert.parent == tmp_path / "org.db.tls"
    assert stat.S_IMODE(files.key.stat().st_mode) == 0o600
    assert ensure_certificate(tmp_path / "org.db").cert.read_bytes() == files.cert.read_bytes()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--faults", "gremlins"], "unknown fault kind 'gremlins'"),
        (["--fault-rate", "1.5"], "rate"),
    ],
)
def test_org_serve_refuses_bad_fault_options_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    parser = argparse.ArgumentParser()
    org_serve.register(parser.add_subparsers())
    args = parser.parse_args(["org", "serve", "--db", str(tmp_path / "org.db"), *options])

    code = args.handler(args)

    assert code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "org.db").exists()
