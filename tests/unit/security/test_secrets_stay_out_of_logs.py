"""Tokens and keys never reach log output or error messages, even when the secret is wrong."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from aws_lambda_powertools import Logger
from moto import mock_aws
from oim_connector import wiring
from oim_connector.errors import ConnectorError
from oim_connector.org.credentials import SalesforceCredentials, sign_jwt_assertion

TOKEN = "00DTOKEN!SECRET-ACCESS-TOKEN-4242"
CLIENT_SECRET = "CLIENT-SECRET-9f8e7d"
PRIVATE_KEY = (
    "-----BEGIN PRIVATE KEY-----\nTUlJQ2RnSUJBREFOQmdrcWhraUc5dzBCQVFFRkFBU0NBbUF3Z2dKY0FnRUFBb0dCQU1I\n"
    "-----END PRIVATE KEY-----\n"
)
SECRETS = (TOKEN, CLIENT_SECRET, "TUlJQ2RnSUJBREFOQmdrcWhraUc5dzBCQVFF")


@pytest.fixture
def secret_arn(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    with mock_aws():
        client = boto3.client("secretsmanager")

        def put(value: dict[str, Any]) -> str:
            arn = client.create_secret(Name=f"sf-{len(value)}-{value.get('auth')}", SecretString=json.dumps(value))[
                "ARN"
            ]
            monkeypatch.setenv("SALESFORCE_SECRET_ARN", arn)
            wiring.reset()
            return str(arn)

        yield put
    wiring.reset()


def _assert_clean(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


BAD_SECRETS = [
    {"auth": "token", "instance_url": "http://not-https", "access_token": TOKEN},
    {"auth": "client_credentials", "instance_url": "https://x.my.salesforce.com", "client_secret": CLIENT_SECRET},
    {"auth": "jwt", "instance_url": "https://x.my.salesforce.com", "private_key": PRIVATE_KEY, "extra": TOKEN},
    {"auth": "nope", "access_token": TOKEN, "client_secret": CLIENT_SECRET, "private_key": PRIVATE_KEY},
]


@pytest.mark.parametrize("secret", BAD_SECRETS)
def test_a_bad_secret_is_named_by_its_fields_never_its_values(
    secret_arn: Any, secret: dict[str, Any], caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    secret_arn(secret)
    logger = Logger(service="security-test")
    # The connector's own loggers at DEBUG; botocore's DEBUG wire log would print any secret it
    # fetches, so it stays at the default level (docs: never enable botocore DEBUG in a stack).
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="oim_connector")
    with pytest.raises(ConnectorError) as raised:
        try:
            wiring.salesforce_org()
        except ConnectorError as error:
            logger.exception("could not reach Salesforce: %s", error.message)
            raise
    out = capsys.readouterr()
    _assert_clean(str(raised.value), repr(raised.value), caplog.text, out.out, out.err)
    assert "Salesforce secret" in str(raised.value)


def test_a_key_that_is_not_a_key_fails_without_showing_it(caplog: pytest.LogCaptureFixture) -> None:
    credentials = SalesforceCredentials(
        auth="jwt", instance_url="https://x.my.salesforce.com", client_id="id", username="u",
        private_key=PRIVATE_KEY,  # type: ignore[arg-type]
    )  # fmt: skip
    with pytest.raises(Exception) as raised:
        sign_jwt_assertion(credentials)
    _assert_clean(str(raised.value), repr(raised.value), caplog.text)


def test_credentials_never_print_their_secrets() -> None:
    credentials = SalesforceCredentials(
        auth="token", instance_url="https://x.my.salesforce.com", access_token=TOKEN,  # type: ignore[arg-type]
        client_secret=CLIENT_SECRET, private_key=PRIVATE_KEY,  # type: ignore[arg-type]
    )  # fmt: skip
    _assert_clean(repr(credentials), str(credentials), credentials.model_dump_json(), f"{credentials}")
