"""The local org over real HTTPS: TLS trust, sessions, paging, graphs, faults, control API, OAuth."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import requests
from oim_local.org.runtime import RunningOrg, start_local_org
from oim_local.org.server.faults import FaultKind, FaultPlan

from tests.integration.local_org.conftest import trusting_session
from tests.unit.local_org.server.server_helpers import data_url, invoice_graph, make_books

pytestmark = pytest.mark.integration


def url(org: RunningOrg, rest: str) -> str:
    return org.instance_url + data_url(rest)


def account_named(org: RunningOrg, name: str) -> list[str]:
    return org.store.find_by_external_id("Account", "Name", name)


def test_serves_tls_on_loopback_trusted_only_through_its_own_certificate(org: RunningOrg) -> None:
    assert org.instance_url.startswith("https://127.0.0.1:")
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(url(org, "limits"), verify=True, timeout=10)
    trusted = requests.get(
        url(org, "limits"), verify=str(org.ca_cert), headers={"Authorization": f"Bearer {org.token}"}, timeout=10
    )
    assert trusted.status_code == 200


def test_requests_ca_bundle_pointing_at_the_certificate_also_works(
    org: RunningOrg, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(org.ca_cert))
    with requests.Session() as http:
        response = http.get(url(org, "limits"), headers={"Authorization": f"Bearer {org.token}"}, timeout=10)
    assert response.status_code == 200


def test_the_certificate_is_made_once_and_reused_on_restart(tmp_path: Path) -> None:
    with start_local_org(tmp_path / "org.db") as first:
        certificate = first.ca_cert.read_bytes()
    with start_local_org(tmp_path / "org.db") as second:
        assert second.ca_cert.read_bytes() == certificate
        assert second.ca_cert == tmp_path / "org.db.tls" / "cert.pem"


def test_a_bad_token_is_401_and_every_answer_carries_the_usage(org: RunningOrg, session: requests.Session) -> None:
    refused = requests.get(
        url(org, "limits"), verify=str(org.ca_cert), headers={"Authorization": "Bearer nope"}, timeout=10
    )
    assert refused.status_code == 401
    assert refused.json() == [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
    assert session.get(url(org, "limits"), timeout=10).headers["Sforce-Limit-Info"] == "api-usage=1/5000000"


def test_4500_rows_page_through_next_records_url(org: RunningOrg, session: requests.Session) -> None:
    with org.store.transaction():
        for number in range(4500):
            org.store.create("Account", {"Name": f"P{number:05d}"})

    page = session.get(url(org, "query"), params={"q": "SELECT Id, Name FROM Account"}, timeout=30).json()
    sizes = [len(page["records"])]
    while not page["done"]:
        page = session.get(org.instance_url + page["nextRecordsUrl"], timeout=30).json()
        sizes.append(len(page["records"]))

    assert sizes == [2000, 2000, 500]
    assert org.counters().requests_by_kind == {"query": 1, "query_more": 2}


def test_a_failed_graph_rolls_back_while_its_neighbour_commits(org: RunningOrg, session: requests.Session) -> None:
    books = make_books(org.store)
    payload = {"graphs": [invoice_graph("ok", books, "OK"), invoice_graph("bad", books, "BAD", bad_line=2)]}

    body = session.post(url(org, "composite/graph"), json=payload, timeout=30).json()

    assert [graph["isSuccessful"] for graph in body["graphs"]] == [True, False]
    external_ids = ("SIN:OK", "SIN:BAD")
    found = [org.store.find_by_external_id("c2g__codaInvoice__c", "OIM_External_Id__c", e) for e in external_ids]
    assert [len(ids) for ids in found] == [1, 0]


def test_503_after_commit_committed_and_503_before_commit_did_not(org: RunningOrg, session: requests.Session) -> None:
    org.set_faults(FaultPlan(rate=1.0, kinds=(FaultKind.UNAVAILABLE_BEFORE_COMMIT,)))
    assert session.post(url(org, "sobjects/Account"), json={"Name": "Before"}, timeout=10).status_code == 503
    org.set_faults(FaultPlan(rate=1.0, kinds=(FaultKind.UNAVAILABLE_AFTER_COMMIT,)))
    assert session.post(url(org, "sobjects/Account"), json={"Name": "After"}, timeout=10).status_code == 503

    assert (account_named(org, "Before"), len(account_named(org, "After"))) == ([], 1)


def test_a_dropped_connection_after_commit_leaves_the_record_written(
    org: RunningOrg, session: requests.Session
) -> None:
    org.set_faults(FaultPlan(rate=1.0, kinds=(FaultKind.DROP_AFTER_COMMIT,)))

    with pytest.raises(requests.exceptions.ConnectionError):
        session.post(url(org, "sobjects/Account"), json={"Name": "Dropped"}, timeout=10)

    assert len(account_named(org, "Dropped")) == 1
    org.set_faults(None)
    assert session.get(url(org, "limits"), timeout=10).status_code == 200  # a new connection is fine


def test_the_control_api_over_http(org: RunningOrg, session: requests.Session) -> None:
    control = org.instance_url + "/__local"
    session.get(url(org, "limits"), timeout=10)
    assert session.get(control + "/counters", timeout=10).json()["requests_by_kind"] == {"limits": 1}
    assert session.put(control + "/faults", json={"rate": 1, "kinds": ["concurrent_limit"]}, timeout=10).ok
    limited = session.get(url(org, "limits"), timeout=10)
    assert limited.status_code == 403
    assert limited.json()[0]["message"] == "ConcurrentPerOrgLongTxn Limit exceeded."
    assert session.delete(control + "/faults", timeout=10).status_code == 204
    assert session.post(control + "/counters/reset", timeout=10).status_code == 204
    assert org.counters().total_requests == 0
    assert requests.get(control + "/counters", verify=str(org.ca_cert), timeout=10).status_code == 401


def test_client_credentials_over_http_issue_a_token_the_org_accepts(tmp_path: Path) -> None:
    with start_local_org(tmp_path / "org.db", client_id="cid", client_secret="csecret") as org:
        token_url = org.instance_url + "/services/oauth2/token"
        issued = requests.post(
            token_url,
            data={"grant_type": "client_credentials"},
            auth=("cid", "csecret"),
            verify=str(org.ca_cert),
            timeout=10,
        )
        assert issued.status_code == 200
        assert issued.json()["instance_url"] == org.instance_url
        with trusting_session(org, token=issued.json()["access_token"]) as http:
            assert http.get(url(org, "limits"), timeout=10).status_code == 200
        refused = requests.post(
            token_url,
            data={"grant_type": "client_credentials"},
            auth=("cid", "wrong"),
            verify=str(org.ca_cert),
            timeout=10,
        )
        assert (refused.status_code, refused.json()["error"]) == (400, "invalid_client")


def test_concurrent_graph_requests_all_commit(org: RunningOrg) -> None:
    books = make_books(org.store)
    statuses: list[int] = []
    all_graphs_succeeded: list[bool] = []

    def post_graphs(worker: int) -> None:
        with trusting_session(org) as http:
            for batch in range(3):
                graphs = [invoice_graph(f"g{n}", books, f"{worker}-{batch}-{n}") for n in range(5)]
                response = http.post(url(org, "composite/graph"), json={"graphs": graphs}, timeout=60)
                statuses.append(response.status_code)
                all_graphs_succeeded.append(all(graph["isSuccessful"] for graph in response.json()["graphs"]))

    threads = [threading.Thread(target=post_graphs, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * 12
    assert all_graphs_succeeded == [True] * 12
    assert org.counters().graphs == 60
    count = org.store.connection.execute('SELECT COUNT(*) FROM "c2g__codaInvoice__c"').fetchone()[0]
    assert count == 60
