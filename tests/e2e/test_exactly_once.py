"""Exactly once where it matters (issue 16): a run that loses a race never overwrites the
winner's status, a large document is never half written while looking whole and a rerun
converges it to the source as it is then, and a posted document is never changed."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest
from oim_connector.engine import RunContext, run_flow
from oim_connector.flows.registry import document_flow
from oim_connector.model.flows import FlowId
from oim_connector.model.report import RunReport
from oim_connector.model.requests import RunRequest, TriggerKind
from oim_connector.model.settings import ConnectorSettings
from oim_connector.org.adapter import SalesforceOrg
from oim_connector.org.credentials import SalesforceCredentials
from oim_connector.org.graph import Graph, GraphResult
from oim_connector.org.retry import RetryPolicy
from oim_local.org.errors import SalesforceApiError
from oim_local.org.runtime import FaultPlan, RunningOrg
from oim_local.org.server.faults import FaultKind
from oim_local.org.server.governor import TriggerCost
from oim_local.runner.environment import salesforce_secret_for

from tests.e2e.conftest import Sample

INVOICE = "SCMC__Invoicing__c"
SOURCE_LINE = "SCMC__Invoice_Line_Item__c"
SIN = "c2g__codaInvoice__c"
SIN_LINE = "c2g__codaInvoiceLineItem__c"


def _adapter(org: RunningOrg) -> SalesforceOrg:
    return SalesforceOrg(
        SalesforceCredentials.model_validate(salesforce_secret_for(org)),
        retry=RetryPolicy(max_attempts=2, base_delay_seconds=0.01, max_delay_seconds=0.02),
    )


def _run(port: Any, ids: Sequence[str], run_id: str, settings: ConnectorSettings | None = None) -> RunReport:
    request = RunRequest(flow=FlowId("sales-invoices"), trigger=TriggerKind.LIST, run_id=run_id, record_ids=tuple(ids))
    ctx = RunContext(org=port, settings=settings or ConnectorSettings(), today=dt.date.today())
    return run_flow(request, document_flow(FlowId("sales-invoices")), ctx)


class _AfterFirstGraphs:
    """The real adapter; ``then`` runs once the first graph request has returned (or before it)."""

    def __init__(self, inner: SalesforceOrg, *, before: Any = None, after: Any = None) -> None:
        self._inner, self._before, self._after = inner, before, after

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def run_graphs(self, graphs: Sequence[Graph]) -> list[GraphResult]:
        before, self._before = self._before, None
        if before is not None:
            before()
        results = self._inner.run_graphs(graphs)
        after, self._after = self._after, None
        if after is not None:
            after()
        return results


def test_a_run_that_loses_a_race_leaves_the_winners_records_exported_without_error(sample: Sample) -> None:
    org = sample.env.org
    assert org is not None
    ids = [sample.ids["InvOk1"], sample.ids["InvOk2"]]

    def winner_commits_then_rows_lock() -> None:
        # The loser has read the sources as eligible; the winner exports them now, and the
        # loser's own graphs then meet locked rows until its retries run out.
        winner = _run(_adapter(org), ids, "winner")
        assert winner.counts.created == 2
        org.set_faults(FaultPlan(rate=1.0, kinds=(FaultKind.UNABLE_TO_LOCK_ROW,)))

    loser = _run(_AfterFirstGraphs(_adapter(org), before=winner_commits_then_rows_lock), ids, "loser")
    org.set_faults(None)

    assert loser.counts.failed == 2  # the loser reports its own failure honestly ...
    for source_id in ids:  # ... but never overwrites what the winner wrote
        source = sample.get(INVOICE, source_id)
        assert source["SCMFFA__Sales_Invoice__c"]
        assert source["SCMC__Export_Status__c"] == "Exported"
        assert source["SCMC__Export_Error__c"] is None
    assert len(sample.query(f"SELECT Id FROM {SIN} WHERE SCMFFA__OIM_Invoice__c IN ('{ids[0]}', '{ids[1]}')")) == 2


def _make_large(sample: Sample, invoice_id: str, extra_lines: int) -> None:
    """Copies of the invoice's first item line, so it needs several graphs."""
    store = sample.env.org.store  # type: ignore[union-attr]
    (line,) = sample.query(
        f"SELECT RecordTypeId, SCMC__Item__c, SCMC__Quantity__c, SCMC__Unit_Price__c, SCMFFA__Product__c "
        f"FROM {SOURCE_LINE} WHERE SCMC__Invoicing__c = '{invoice_id}' AND SCMC__Item__c != null "
        "ORDER BY Name LIMIT 1"
    )
    body = {k: v for k, v in line.items() if k != "attributes"}
    for number in range(extra_lines):
        store.create(SOURCE_LINE, {**body, "SCMC__Invoicing__c": invoice_id, "SCMC__Unit_Price__c": 100 + number,
                                   "SCMC__Description__c": f"bulk line {number}"})  # fmt: skip


def _held(sample: Sample, header_id: str) -> list[dict[str, Any]]:
    return sample.query(
        f"SELECT Id, OIM_External_Id__c, c2g__Quantity__c, c2g__UnitPrice__c FROM {SIN_LINE} "
        f"WHERE c2g__Invoice__c = '{header_id}'"
    )


def test_a_large_invoice_cut_by_the_daily_limit_then_edited_converges_to_the_source(sample: Sample) -> None:
    org = sample.env.org
    assert org is not None
    invoice_id = sample.ids["InvOk1"]
    _make_large(sample, invoice_id, 396)  # 400 source lines: about 800 nodes, several graphs

    # The first graph goes through, then the daily limit runs out.
    cut = _run(_AfterFirstGraphs(_adapter(org), after=lambda: org.set_faults(FaultPlan(daily_limit_after=0))),
               [invoice_id], "cut")  # fmt: skip
    org.set_faults(None)

    assert cut.stopped_reason
    (header,) = sample.query(f"SELECT Id, Name, OIM_Export_Incomplete__c FROM {SIN} "
                             f"WHERE OIM_External_Id__c = 'SIN:{invoice_id}'")  # fmt: skip
    assert header["OIM_Export_Incomplete__c"] is True  # half written, and it says so
    assert 0 < len(_held(sample, header["Id"])) < 400
    source = sample.get(INVOICE, invoice_id)
    assert source["SCMFFA__Sales_Invoice__c"] is None and source["SCMC__Export_Status__c"] != "Exported"
    (refusal,) = org.store.post_documents([(SIN, header["Id"])])
    assert not refusal["success"] and "still being written" in refusal["error"]

    # Edited in OIM: three written lines deleted, a quantity changed.
    written = sample.query(f"SELECT Id FROM {SOURCE_LINE} WHERE SCMC__Invoicing__c = '{invoice_id}' "
                           "AND SCMFFA__Sales_Invoice_Line_Item__c != null ORDER BY Name")  # fmt: skip
    for line in written[:3]:
        org.store.delete(SOURCE_LINE, line["Id"])
    org.store.update(SOURCE_LINE, written[3]["Id"], {"SCMC__Quantity__c": 7})

    rerun = _run(_adapter(org), [invoice_id], "rerun")

    (result,) = rerun.results
    assert result.outcome.value in ("created", "updated"), result.errors
    lines = _held(sample, header["Id"])
    source_lines = sample.query(f"SELECT Id FROM {SOURCE_LINE} WHERE SCMC__Invoicing__c = '{invoice_id}'")
    assert len(source_lines) == 397
    held_ids = {str(line["OIM_External_Id__c"]) for line in lines}
    assert {f"SIN:{line['Id']}" for line in source_lines} <= held_ids
    assert not any(f"SIN:{line['Id']}" in held_ids for line in written[:3])  # deleted in Accounting too
    assert (
        next(line for line in lines if line["OIM_External_Id__c"] == f"SIN:{written[3]['Id']}")["c2g__Quantity__c"] == 7
    )
    (document,) = result.documents
    total = sum((Decimal(str(x["c2g__Quantity__c"])) * Decimal(str(x["c2g__UnitPrice__c"])) for x in lines),
                Decimal(0))  # fmt: skip
    assert document.lines == len(lines) and Decimal(document.total) == total.quantize(Decimal("0.01"))
    finished = sample.get(SIN, header["Id"])
    assert finished["OIM_Export_Incomplete__c"] is False
    source = sample.get(INVOICE, invoice_id)
    assert source["SCMFFA__Sales_Invoice__c"] == header["Id"] and source["SCMC__Export_Status__c"] == "Exported"
    assert source["SCMC__Export_Error__c"] is None


def test_a_posted_document_is_never_changed_by_the_org_or_the_connector(sample: Sample) -> None:
    org = sample.env.org
    assert org is not None
    invoice_id = sample.ids["InvOk1"]
    _make_large(sample, invoice_id, 296)
    settings = ConnectorSettings.model_validate({"general": {"nodes_per_graph": 100}})
    cut = _run(_AfterFirstGraphs(_adapter(org), after=lambda: org.set_faults(FaultPlan(daily_limit_after=0))),
               [invoice_id], "cut", settings)  # fmt: skip
    org.set_faults(None)
    assert cut.stopped_reason
    (header,) = sample.query(f"SELECT Id, Name FROM {SIN} WHERE OIM_External_Id__c = 'SIN:{invoice_id}'")
    # Someone posts it in Accounting by other means (not through the connector's endpoint).
    org.store.update(SIN, header["Id"], {"c2g__InvoiceStatus__c": "Complete"})

    with pytest.raises(SalesforceApiError) as refused:
        org.store.update(SIN, header["Id"], {"c2g__CustomerReference__c": "changed"})
    assert refused.value.error_code == "FIELD_CUSTOM_VALIDATION_EXCEPTION"
    assert "posted" in refused.value.message
    (line,) = sample.query(f"SELECT Id FROM {SIN_LINE} WHERE c2g__Invoice__c = '{header['Id']}' LIMIT 1")
    with pytest.raises(SalesforceApiError):
        org.store.delete(SIN_LINE, line["Id"])

    rerun = _run(_adapter(org), [invoice_id], "rerun", settings)

    (result,) = rerun.results
    assert result.outcome.value == "failed"
    assert "posted (status Complete)" in result.errors[0] and header["Name"] in result.errors[0]
    assert sample.get(INVOICE, invoice_id)["SCMC__Export_Status__c"] == "Export Error"


def test_a_graph_that_hits_a_governor_limit_is_written_again_in_smaller_graphs(sample: Sample) -> None:
    org = sample.env.org
    assert org is not None
    invoice_id = sample.ids["InvOk2"]
    _make_large(sample, invoice_id, 146)  # 150 lines: one graph of about 300 nodes
    # Accounting's triggers spend one SOQL query per line: at most 100 in a transaction.
    org.set_faults(FaultPlan(trigger_cost=TriggerCost(soql=1.0, cpu_ms=0, dml=0, dml_rows=0)))

    report = _run(_adapter(org), [invoice_id], "governed")
    org.set_faults(None)

    (result,) = report.results
    assert result.outcome.value == "created", result.errors
    (document,) = result.documents
    assert document.id and len(_held(sample, document.id)) == document.lines == 150
    assert sample.get(SIN, document.id)["OIM_Export_Incomplete__c"] is False
    assert sample.get(INVOICE, invoice_id)["SCMC__Export_Status__c"] == "Exported"


def test_the_org_fails_a_graph_over_a_governor_limit_as_a_real_org_does(sample: Sample) -> None:
    org = sample.env.org
    assert org is not None
    invoice_id = sample.ids["InvOk2"]
    _make_large(sample, invoice_id, 146)
    org.set_faults(FaultPlan(trigger_cost=TriggerCost(soql=1.0, cpu_ms=0, dml=0, dml_rows=0)))
    settings = ConnectorSettings.model_validate({"general": {"nodes_per_graph": 500}})
    port = _adapter(org)
    mapped_graphs: list[GraphResult] = []

    class _Recording(_AfterFirstGraphs):
        def run_graphs(self, graphs: Sequence[Graph]) -> list[GraphResult]:
            results = super().run_graphs(graphs)
            mapped_graphs.extend(results)
            return results

    _run(_Recording(port), [invoice_id], "governed", settings)
    org.set_faults(None)

    first = mapped_graphs[0]
    assert not first.successful
    ((_, code, message),) = [e for e in first.errors() if "LimitException" in e[2]]
    assert code == "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY"
    assert "System.LimitException: Too many SOQL queries: 101" in message


def test_three_concurrent_runs_with_lock_errors_leave_no_linked_record_in_export_error(sample: Sample) -> None:
    org = sample.env.org
    assert org is not None
    sources = sample.query(f"SELECT Id FROM {INVOICE} WHERE SCMFFA__Sales_Invoice__c = null")
    ids = [str(s["Id"]) for s in sources]
    org.set_faults(FaultPlan(seed=16, rate=0.3, kinds=(FaultKind.UNABLE_TO_LOCK_ROW,)))
    reports: list[RunReport] = []

    def one_run(name: str) -> None:
        reports.append(_run(_adapter(org), ids, name))

    threads = [threading.Thread(target=one_run, args=(f"run{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    org.set_faults(None)

    assert len(reports) == 3
    for source in sample.query(f"SELECT Id, SCMFFA__Sales_Invoice__c, SCMC__Export_Status__c, SCMC__Export_Error__c "
                               f"FROM {INVOICE} WHERE SCMFFA__Sales_Invoice__c != null"):  # fmt: skip
        assert source["SCMC__Export_Status__c"] == "Exported", source
        assert source["SCMC__Export_Error__c"] is None, source
    headers = sample.query(f"SELECT OIM_External_Id__c FROM {SIN} WHERE OIM_External_Id__c != null")
    assert len({h["OIM_External_Id__c"] for h in headers}) == len(headers)  # nothing written twice


def test_a_large_invoice_a_slower_run_marks_again_after_it_was_linked_is_converged_by_the_next_run(
    sample: Sample,
) -> None:
    org = sample.env.org
    assert org is not None
    invoice_id = sample.ids["InvOk1"]
    _make_large(sample, invoice_id, 296)  # several graphs

    whole: list[int] = []

    def faster_run_writes_it_whole() -> None:
        faster = _run(_adapter(org), [invoice_id], "faster")
        assert faster.counts.created == 1
        whole.append(faster.results[0].documents[0].lines)

    # The slower run read the source as unlinked; the faster one writes and links the whole invoice; the
    # slower one's first graph then marks the header incomplete again, and the daily limit stops it there.
    slower = _run(
        _AfterFirstGraphs(_adapter(org), before=faster_run_writes_it_whole,
                          after=lambda: org.set_faults(FaultPlan(daily_limit_after=0))),
        [invoice_id], "slower",
    )  # fmt: skip
    org.set_faults(None)
    assert slower.stopped_reason
    (header,) = sample.query(
        f"SELECT Id, OIM_Export_Incomplete__c FROM {SIN} WHERE OIM_External_Id__c = 'SIN:{invoice_id}'"
    )
    assert header["OIM_Export_Incomplete__c"] is True
    assert sample.get(INVOICE, invoice_id)["SCMC__Export_Status__c"] == "Exported"  # looks done, is not

    # The next scheduled run picks it up again and finishes it, instead of skipping it as linked.
    request = RunRequest(flow=FlowId("sales-invoices"), trigger=TriggerKind.SCHEDULE, run_id="next", all_eligible=True)
    ctx = RunContext(org=_adapter(org), settings=ConnectorSettings(), today=dt.date.today())
    following = run_flow(request, document_flow(FlowId("sales-invoices")), ctx)

    (result,) = [r for r in following.results if r.source_id == invoice_id]
    assert result.outcome.value == "updated", result.errors
    assert sample.get(SIN, header["Id"])["OIM_Export_Incomplete__c"] is False
    assert len(_held(sample, header["Id"])) == whole[0] == result.documents[0].lines > 300
    source = sample.get(INVOICE, invoice_id)
    assert source["SCMFFA__Sales_Invoice__c"] == header["Id"] and source["SCMC__Export_Status__c"] == "Exported"
    assert source["SCMC__Export_Error__c"] is None
    assert len(sample.query(f"SELECT Id FROM {SIN} WHERE SCMFFA__OIM_Invoice__c = '{invoice_id}'")) == 1
