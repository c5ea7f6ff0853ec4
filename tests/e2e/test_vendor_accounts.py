"""The canonical vendor-accounts SQS events (events/) through the real handler and the sample org."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Sample

pytestmark = pytest.mark.e2e

EVENTS = Path(__file__).resolve().parents[2] / "events"


def canonical(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8"))
    return event


def test_the_mixed_batch_fails_exactly_its_malformed_and_missing_site_messages(sample: Sample) -> None:
    result = sample.env.invoke("vendor_accounts", canonical("vendor_accounts_sqs_batch_mixed"))

    assert result == {"batchItemFailures": [{"itemIdentifier": "2e1424d4-f796-459a-8184-9c92662be6d3"},
                                            {"itemIdentifier": "2e1424d4-f796-459a-8184-9c92662be6d4"}]}  # fmt: skip
    # The good message: site 2 (Initech Supplies - Austin) brought its linked account up to date.
    assert sample.ids["SiteInitech"] == "a3J5L0000000002UAA"
    account = sample.get("Account", sample.ids["VendInitech"])
    assert account["Supplier_Site__c"] == "a3J5L0000000002UAA"
    assert account["Supplier_Site_Version__c"] == "1795601699002:00000010813280944402"
    assert (account["Name"], account["Type"], account["c2g__CODADescription1__c"]) == (
        "Initech Supplies",
        "Vendor",
        "Net 30",
    )


def test_a_created_site_message_applied_twice_writes_once(sample: Sample) -> None:
    event = canonical("vendor_accounts_sqs_created")
    assert sample.env.invoke("vendor_accounts", event) == {"batchItemFailures": []}
    before = sample.get("Account", sample.ids["VendGlobex"])["SystemModstamp"]
    assert sample.env.invoke("vendor_accounts", event) == {"batchItemFailures": []}
    assert sample.get("Account", sample.ids["VendGlobex"])["SystemModstamp"] == before
    assert len(sample.query("SELECT Id FROM Account WHERE Name = 'Globex Components'")) == 1
