"""Attack: one idempotency table serves every function, so a record written by one function
could answer another's request with the same key. Records are kept apart per function: every
key starts with the function's own name (powertools' default for `once`, record_prefix for
KeyedOnce), proven on one shared table (moto, in process)."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws
from oim_connector.config import environment
from oim_connector.triggers import idempotency
from oim_connector.triggers.idempotency import KeyedOnce, once

TABLE = "oim-connector-idempotency"


@pytest.fixture
def table(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    with mock_aws():
        dynamodb = boto3.resource("dynamodb", region_name="eu-west-1")
        created = dynamodb.create_table(
            TableName=TABLE, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        )  # fmt: skip
        monkeypatch.setenv("IDEMPOTENCY_TABLE", TABLE)
        environment.cache_clear()
        yield created
        environment.cache_clear()
        idempotency._persistence.cache_clear()
        idempotency._keyed_store.cache_clear()


def _as_function(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", name)
    idempotency._persistence.cache_clear()  # a new execution environment: a new store
    idempotency._keyed_store.cache_clear()


def test_the_same_key_in_two_functions_runs_in_each(table: object, monkeypatch: pytest.MonkeyPatch) -> None:
    key = {"flow": "sales-invoices", "recordId": "a4A000000000001AAA"}
    _as_function(monkeypatch, "oim-connector-SalesInvoices")
    assert once(key, lambda: {"ran": "sales"}, None) == {"ran": "sales"}
    assert once(key, lambda: {"ran": "again"}, None) == {"ran": "sales"}  # the same function: answered once

    _as_function(monkeypatch, "oim-connector-Journals")
    assert once(key, lambda: {"ran": "journals"}, None) == {"ran": "journals"}  # never the other's answer

    ids = sorted(item["id"] for item in table.scan()["Items"])  # type: ignore[attr-defined]
    assert [i.split(".", 1)[0] for i in ids] == ["oim-connector-Journals", "oim-connector-SalesInvoices"]


def test_keyed_records_start_with_the_function_name(table: object, monkeypatch: pytest.MonkeyPatch) -> None:
    key = {"siteId": "a5A000000000001AAA"}
    _as_function(monkeypatch, "oim-connector-VendorAccounts")
    guard = KeyedOnce("vendor_sync.change", None, expires_after_seconds=60)
    assert guard.claim(key) is None
    guard.complete(key, {"done": True})

    _as_function(monkeypatch, "oim-connector-Other")
    assert KeyedOnce("vendor_sync.change", None, expires_after_seconds=60).claim(key) is None  # its own record

    ids = {item["id"].split("#", 1)[0] for item in table.scan()["Items"]}  # type: ignore[attr-defined]
    assert ids == {"oim-connector-VendorAccounts.vendor_sync.change", "oim-connector-Other.vendor_sync.change"}
