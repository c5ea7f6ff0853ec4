"""Found by the chaos oracle: a rerun converging a large document deletes the lines the source no
longer has; a row lock on that delete was reported as "Accounting refused to delete lines" and
marked the source Export Error, falsely (the next run healed it). A lock is retried, and still
held after the retries it is transient: the document is left for the next run, unmarked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from oim_connector.errors import TransientOrgError
from oim_connector.org.adapter import SalesforceOrg
from oim_connector.org.credentials import SalesforceCredentials
from oim_connector.org.retry import RetryPolicy
from oim_connector.org.soql import Select
from oim_local.org.runtime import FaultPlan, RunningOrg, start_local_org
from oim_local.org.server.faults import FaultKind
from oim_local.runner.environment import salesforce_secret_for
from oim_local.sample import load_sample

pytestmark = pytest.mark.integration

LINE = "SCMC__Invoice_Line_Item__c"
FAST = RetryPolicy(max_attempts=3, base_delay_seconds=0.001, concurrency_delay_seconds=0.001)


@pytest.fixture
def org(tmp_path: Path) -> Iterator[RunningOrg]:
    db = tmp_path / "org.db"
    load_sample(db)
    with start_local_org(db) as running:
        yield running


def test_a_locked_row_on_delete_is_transient_and_the_delete_goes_through_once_the_lock_is_gone(
    org: RunningOrg,
) -> None:
    sf = SalesforceOrg(SalesforceCredentials.model_validate(salesforce_secret_for(org)), retry=FAST)
    line_id = str(next(iter(sf.query(Select(LINE, ("Id",)))))["Id"])

    org.set_faults(FaultPlan(seed=1, rate=1.0, kinds=(FaultKind.UNABLE_TO_LOCK_ROW,)))
    with pytest.raises(TransientOrgError):
        sf.delete_records([line_id])
    org.set_faults(None)
    assert [r["Id"] for r in sf.query(Select(LINE, ("Id",))) if r["Id"] == line_id] == [line_id]  # still there

    (result,) = sf.delete_records([line_id])
    assert result.success
    assert [r for r in sf.query(Select(LINE, ("Id",))) if r["Id"] == line_id] == []
