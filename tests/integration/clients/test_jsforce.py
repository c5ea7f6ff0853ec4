"""jsforce 3 (tests/clients/package.json) against the local org, through a small Node script."""

from __future__ import annotations

import json
import subprocess

import pytest
from oim_local.org.identity import ORG_ID, USERNAME
from oim_local.org.runtime import RunningOrg

from tests.integration.clients.conftest import CLIENTS_DIR, EXTRA_ACCOUNTS, NODE_BIN, client_env

pytestmark = [pytest.mark.integration, pytest.mark.clients]


def test_jsforce_reads_writes_pages_and_posts_a_tree(
    clients_org: RunningOrg, tmp_path_factory: pytest.TempPathFactory
) -> None:
    env = client_env(clients_org, tmp_path_factory.mktemp("jsforce-home"))
    env.update(OIM_INSTANCE_URL=clients_org.instance_url, OIM_ACCESS_TOKEN=clients_org.token)
    completed = subprocess.run(
        [str(NODE_BIN / "node"), "jsforce_check.mjs"],
        cwd=CLIENTS_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    seen = json.loads(completed.stdout)
    assert seen["username"] == USERNAME
    assert seen["organizationId"] == ORG_ID
    assert seen["queryRecords"] == seen["queryTotalSize"] > EXTRA_ACCOUNTS
    assert seen["renamed"] == "jsforce Account renamed"
    assert seen["remainingAfterDelete"] == 0
    assert "c2g__Account__c" in seen["describedFields"]
    assert seen["dailyApiRequests"]["Remaining"] < seen["dailyApiRequests"]["Max"]
    assert seen["tree"]["hasErrors"] is False
    created = {result["referenceId"]: result["id"] for result in seen["tree"]["results"]}
    assert clients_org.store.get("Account", created["acc2"])["Name"] == "Tree Two"
