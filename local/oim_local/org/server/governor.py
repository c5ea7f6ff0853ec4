"""Apex governor limits per graph: each graph is one Apex transaction in which Accounting's own
triggers run for every node that writes an Accounting (c2g__) record.

Salesforce documents collation (bulkifying) for ``composite`` subrequests but not for graph
nodes, so each node is charged on its own: a configurable trigger cost per node against the
per-transaction limits (100 SOQL queries, 10,000 ms CPU, 150 DML statements, 10,000 DML rows).
Exceeding one fails the node, so the whole graph rolls back, with the error a real org returns
when a trigger hits a limit: ``CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY`` and a
``System.LimitException`` message naming the trigger.
"""

from __future__ import annotations

from pydantic import ConfigDict, Field
from pydantic.dataclasses import dataclass

from oim_local.org.errors import SalesforceApiError

SOQL_LIMIT = 100
CPU_MS_LIMIT = 10_000
DML_LIMIT = 150
DML_ROWS_LIMIT = 10_000


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class TriggerCost:
    """What Accounting's triggers spend per c2g__ node written (defaults: a plausible managed package)."""

    soql: float = Field(default=0.4, ge=0)
    cpu_ms: float = Field(default=30.0, ge=0)
    dml: float = Field(default=0.25, ge=0)
    dml_rows: float = Field(default=2.0, ge=0)


class GovernorMeter:
    """The limits spent so far in one graph (one transaction)."""

    def __init__(self, cost: TriggerCost | None) -> None:
        self._cost = cost
        self.soql = self.cpu_ms = self.dml = self.dml_rows = 0.0

    def charge(self, sobject: str) -> None:
        cost = self._cost
        if cost is None or not sobject.lower().startswith("c2g__"):
            return
        self.soql += cost.soql
        self.cpu_ms += cost.cpu_ms
        # The node's own write is the API's, not Apex's: only what the triggers do counts.
        self.dml += cost.dml
        self.dml_rows += cost.dml_rows
        trigger = f"c2g.{sobject.removeprefix('c2g__').removesuffix('__c')}Trigger"
        if self.soql > SOQL_LIMIT:
            raise _limit(trigger, f"Too many SOQL queries: {SOQL_LIMIT + 1}")
        if self.cpu_ms > CPU_MS_LIMIT:
            raise _limit(trigger, "Apex CPU time limit exceeded")
        if self.dml > DML_LIMIT:
            raise _limit(trigger, f"Too many DML statements: {DML_LIMIT + 1}")
        if self.dml_rows > DML_ROWS_LIMIT:
            raise _limit(trigger, f"Too many DML rows: {DML_ROWS_LIMIT + 1}")


def _limit(trigger: str, what: str) -> SalesforceApiError:
    return SalesforceApiError(
        400,
        "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY",
        f"{trigger}: execution of AfterInsert caused by: System.LimitException: {what}",
    )
