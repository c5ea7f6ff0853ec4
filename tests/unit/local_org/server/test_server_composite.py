"""Composite: references between subrequests, allOrNone, and the 25-subrequest limit."""

from __future__ import annotations

from typing import Any

from oim_local.org.server.app import OrgApp
from oim_local.org.server.graph import ROLLED_BACK_MESSAGE
from oim_local.org.store import OrgStore

from tests.unit.local_org.server.server_helpers import call, data_url

COMPOSITE_URL = data_url("composite")


def create_account(reference_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"method": "POST", "url": data_url("sobjects/Account"), "referenceId": reference_id, "body": body}


def test_subrequests_refer_to_earlier_results_including_query_records(app: OrgApp, store: OrgStore) -> None:
    payload = {
        "compositeRequest": [
            create_account("acct", {"Name": "Composite Co"}),
            {
                "method": "GET",
                "url": data_url("query?q=SELECT+Id,Name+FROM+Account+WHERE+Name='Composite Co'"),
                "referenceId": "found",
            },
            {
                "method": "PATCH",
                "url": data_url("sobjects/Account/@{found.records[0].Id}"),
                "referenceId": "rename",
                "body": {"Name": "@{found.records[0].Name} Ltd"},
            },
        ]
    }

    response = call(app, "POST", COMPOSITE_URL, payload)

    statuses = [result["httpStatusCode"] for result in response.body["compositeResponse"]]
    assert statuses == [201, 200, 204]
    account_id = response.body["compositeResponse"][0]["body"]["id"]
    assert store.get("Account", account_id, ["Name"])["Name"] == "Composite Co Ltd"


def test_all_or_none_rolls_back_every_subrequest_when_one_fails(app: OrgApp, store: OrgStore) -> None:
    payload = {
        "allOrNone": True,
        "compositeRequest": [create_account("good", {"Name": "Rolled Back"}), create_account("bad", {"Nope__c": 1})],
    }

    response = call(app, "POST", COMPOSITE_URL, payload)

    good, bad = response.body["compositeResponse"]
    assert good["body"] == [{"errorCode": "PROCESSING_HALTED", "message": ROLLED_BACK_MESSAGE}]
    assert bad["body"][0]["errorCode"] == "INVALID_FIELD"
    assert store.find_by_external_id("Account", "Name", "Rolled Back") == []


def test_without_all_or_none_only_dependants_of_a_failure_fail(app: OrgApp, store: OrgStore) -> None:
    payload = {
        "compositeRequest": [
            create_account("bad", {"Nope__c": 1}),
            create_account("independent", {"Name": "Stays"}),
            {
                "method": "PATCH",
                "url": data_url("sobjects/Account/@{bad.id}"),
                "referenceId": "dependant",
                "body": {"Name": "x"},
            },
        ]
    }

    response = call(app, "POST", COMPOSITE_URL, payload)

    statuses = [result["httpStatusCode"] for result in response.body["compositeResponse"]]
    assert statuses == [400, 201, 400]
    assert "bad.id" in response.body["compositeResponse"][2]["body"][0]["message"]
    assert len(store.find_by_external_id("Account", "Name", "Stays")) == 1


def test_more_than_25_subrequests_refuses_the_whole_request(app: OrgApp, store: OrgStore) -> None:
    payload = {"compositeRequest": [create_account(f"a{i}", {"Name": f"A{i}"}) for i in range(26)]}

    response = call(app, "POST", COMPOSITE_URL, payload)

    assert response.status == 400
    assert "limit is 25" in response.body[0]["message"]
    assert store.connection.execute('SELECT COUNT(*) FROM "Account"').fetchone()[0] == 0
