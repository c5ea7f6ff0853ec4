"""The connector's client library, simple-salesforce, against the local org over HTTPS."""

from __future__ import annotations

from typing import cast

import pytest
import requests
from oim_local.org.runtime import RunningOrg
from simple_salesforce.api import Salesforce, SFType

from tests.unit.local_org.server.server_helpers import EXT, invoice_graph, make_books

pytestmark = pytest.mark.integration


@pytest.fixture
def sf(org: RunningOrg) -> Salesforce:
    session = requests.Session()
    session.verify = str(org.ca_cert)
    session.trust_env = False  # else REQUESTS_CA_BUNDLE in the environment overrides verify
    return Salesforce(instance_url=org.instance_url, session_id=org.token, session=session)


def test_query_all_follows_every_page(org: RunningOrg, sf: Salesforce) -> None:
    with org.store.transaction():
        for number in range(2500):
            org.store.create("Account", {"Name": f"S{number:04d}"})

    result = sf.query_all("SELECT Id, Name FROM Account ORDER BY Name")

    assert result["totalSize"] == 2500
    assert [record["Name"] for record in result["records"]] == [f"S{number:04d}" for number in range(2500)]
    assert org.counters().requests_by_kind == {"query": 1, "query_more": 1}
    assert sf.api_usage["api-usage"].used == 2


def test_restful_composite_graph(org: RunningOrg, sf: Salesforce) -> None:
    books = make_books(org.store)
    payload = {"graphs": [invoice_graph("g1", books, "SF1"), invoice_graph("g2", books, "SF2", bad_line=1)]}

    result = sf.restful("composite/graph", method="POST", json=payload)

    assert result is not None
    assert [graph["isSuccessful"] for graph in result["graphs"]] == [True, False]
    assert org.counters().records_written == 4


def test_sobject_upsert_by_external_id_and_by_id(org: RunningOrg, sf: Salesforce) -> None:
    books = make_books(org.store)
    invoicing_id = org.store.create("SCMC__Invoicing__c", {"SCMC__Customer__c": books.account})

    invoicings, invoices = cast(SFType, sf.SCMC__Invoicing__c), cast(SFType, sf.c2g__codaInvoice__c)

    updated = invoicings.upsert(f"Id/{invoicing_id}", {"SCMC__Export_Status__c": "Exported"})
    header = {"c2g__Account__c": books.account, "c2g__OwnerCompany__c": books.company}
    created = invoices.upsert(f"{EXT}/SIN:{invoicing_id}", header)
    again = invoices.upsert(f"{EXT}/SIN:{invoicing_id}", header)

    assert (updated, created, again) == (200, 201, 200)
    status = org.store.get("SCMC__Invoicing__c", invoicing_id, ["SCMC__Export_Status__c"])
    assert status["SCMC__Export_Status__c"] == "Exported"
    assert len(org.store.find_by_external_id("c2g__codaInvoice__c", EXT, f"SIN:{invoicing_id}")) == 1
