"""Post and commit: the scheduled job that commits OIM documents' tax in Avalara once their
Accounting document is posted (connector-spec §10).

It finds the OIM invoices, credit invoices and AP vouchers that are exported, whose Accounting
document is Complete and whose tax is calculated (or posted) but not committed. For each, under
a claim so concurrent runs commit once: post the tax (VerifyTransaction) unless "Posting Tax to
Avalara Optional", commit it (CommitTransaction), and write the External Tax Status back.
When Avalara is unavailable nothing changes in OIM and the claim is released: the next run
(every few minutes) tries again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from oim_connector.errors import OrgError, TransientOrgError
from oim_connector.mapping.avalara import (
    CALCULATED,
    COMMITTED,
    POSTED,
    commit_steps,
    status_write_back,
)
from oim_connector.model.documents import EXPORT_STATUS_FIELD
from oim_connector.model.flows import FlowId
from oim_connector.model.settings import AvalaraFlowSettings, ConnectorSettings
from oim_connector.org.port import OrgPort
from oim_connector.org.soql import Select, all_of, eq, gt, is_in, ne
from oim_connector.tax.claims import Claim
from oim_connector.tax.port import TaxPort, TaxServiceError, TaxServiceUnavailableError

log = logging.getLogger(__name__)

COMPLETE = "Complete"
EXPORTED = "Exported"
PAGE = 200


@dataclass(frozen=True)
class CommitSource:
    flow: FlowId
    sobject: str
    back_link: str
    document_status: str  # path to the Accounting document's status
    label: str


COMMIT_SOURCES = (
    CommitSource(FlowId.SALES_INVOICES, "SCMC__Invoicing__c", "SCMFFA__Sales_Invoice__c",
                 "SCMFFA__Sales_Invoice__r.c2g__InvoiceStatus__c", "invoice"),
    CommitSource(FlowId.SALES_CREDIT_NOTES, "SCMC__Credit_Invoice__c", "SCMFFA__Credit_Note__c",
                 "SCMFFA__Credit_Note__r.c2g__CreditNoteStatus__c", "credit invoice"),
    # Consumer use tax: calculated on the voucher, PIN created and posted, then committed (§6).
    CommitSource(FlowId.PAYABLE_INVOICES, "SCMC__AP_Voucher__c", "SCMFFA__Payable_Invoice__c",
                 "SCMFFA__Payable_Invoice__r.c2g__InvoiceStatus__c", "AP voucher"),
)  # fmt: skip


class ClaimStore(Protocol):
    def claim(self, key: str, owner: str, now: dt.datetime, stale_after: dt.timedelta) -> Claim: ...

    def complete(self, key: str, owner: str, now: dt.datetime) -> None: ...

    def release(self, key: str, owner: str) -> None: ...


class CommitOutcome(StrEnum):
    COMMITTED = "committed"
    ALREADY_COMMITTED = "already committed"
    SKIPPED = "skipped"
    RETRY = "retry later"
    FAILED = "failed"


class _Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class CommitResult(_Camel):
    flow: str
    source_id: str
    source_name: str | None = None
    transaction_code: str
    outcome: CommitOutcome
    steps: list[str] = Field(default_factory=list)
    message: str | None = None


class CommitReport(_Camel):
    run_id: str
    committed: int = 0
    # Found committed by another run (only OIM's status written here).
    already_committed: int = 0
    retry_later: int = 0
    failed: int = 0
    skipped: int = 0
    tax_requests: int = 0
    api_requests: int = 0
    results: list[CommitResult] = Field(default_factory=list)

    def add(self, result: CommitResult) -> None:
        self.results.append(result)
        if result.outcome == CommitOutcome.COMMITTED:
            self.committed += 1
        elif result.outcome == CommitOutcome.ALREADY_COMMITTED:
            self.already_committed += 1
        elif result.outcome == CommitOutcome.RETRY:
            self.retry_later += 1
        elif result.outcome == CommitOutcome.FAILED:
            self.failed += 1
        else:
            self.skipped += 1

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


def commit_posted_tax(
    *,
    org: OrgPort,
    tax: TaxPort,
    claims: ClaimStore,
    settings: ConnectorSettings,
    run_id: str,
    now: dt.datetime,
    flows: Sequence[FlowId] | None = None,
) -> CommitReport:
    report = CommitReport(run_id=run_id)
    requests_before, tax_before = org.usage().requests_made, tax.requests_made()
    for source in COMMIT_SOURCES:
        avalara = getattr(settings.flow(source.flow), "avalara", None)
        if not isinstance(avalara, AvalaraFlowSettings) or not avalara.in_use:
            continue
        if flows is not None and source.flow not in flows:
            continue
        for record in _eligible(org, source, avalara):
            report.add(_commit_one(record, source, avalara, org=org, tax=tax, claims=claims, settings=settings,
                                   run_id=run_id, now=now))  # fmt: skip
    report.api_requests = org.usage().requests_made - requests_before
    report.tax_requests = tax.requests_made() - tax_before
    return report


def _eligible(org: OrgPort, source: CommitSource, avalara: AvalaraFlowSettings) -> list[dict[str, Any]]:
    fields = ("Id", "Name", avalara.status_field, avalara.transaction_id_field, source.back_link,
              source.document_status)  # fmt: skip
    found: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        where = all_of([
            eq(EXPORT_STATUS_FIELD, EXPORTED), ne(source.back_link, None), eq(source.document_status, COMPLETE),
            is_in(avalara.status_field, [CALCULATED, POSTED]), ne(avalara.transaction_id_field, None),
            *([gt("Id", after)] if after else []),
        ])  # fmt: skip
        page = list(org.query(Select(source.sobject, fields, where=where, order_by=("Id",), limit=PAGE)))
        found.extend(page)
        if len(page) < PAGE:
            return found
        after = str(page[-1]["Id"])


def _commit_one(
    record: dict[str, Any], source: CommitSource, avalara: AvalaraFlowSettings, *, org: OrgPort, tax: TaxPort,
    claims: ClaimStore, settings: ConnectorSettings, run_id: str, now: dt.datetime,
) -> CommitResult:  # fmt: skip
    source_id = str(record["Id"])
    code = str(record.get(avalara.transaction_id_field) or "")
    status = str(record.get(avalara.status_field) or "")
    result = CommitResult(flow=source.flow.value, source_id=source_id, source_name=record.get("Name"),
                          transaction_code=code, outcome=CommitOutcome.SKIPPED)  # fmt: skip
    key = f"{source.sobject}#{source_id}#{code}"
    shared = settings.avalara
    claim = claims.claim(key, run_id, now, dt.timedelta(minutes=shared.stale_claim_minutes))
    if claim == Claim.BUSY:
        result.message = "another run is committing this document's tax"
        return result
    if claim == Claim.DONE:
        # Avalara has it committed; a write-back that failed last time is repeated.
        result.outcome = CommitOutcome.ALREADY_COMMITTED
        return _write_status(org, source, avalara, result, COMMITTED, now)
    try:
        for step in commit_steps(status, shared.posting_optional):
            if step == "post":
                tax.verify(shared.company_code, code, {})
                result.steps.append("posted")
                _write_status(org, source, avalara, result, POSTED, now)
            else:
                tax.commit(shared.company_code, code)
                result.steps.append("committed")
    except TaxServiceUnavailableError as error:
        claims.release(key, run_id)
        result.outcome = CommitOutcome.RETRY
        result.message = f"{error.message}: the tax is committed by a later run"
        return result
    except TaxServiceError as error:
        claims.release(key, run_id)
        result.outcome = CommitOutcome.FAILED
        result.message = (f"Avalara refused to commit the tax of {source.label} {record.get('Name')}: "
                          f"{error.message}")  # fmt: skip
        return result
    claims.complete(key, run_id, now)
    result.outcome = CommitOutcome.COMMITTED
    return _write_status(org, source, avalara, result, COMMITTED, now)


def _write_status(
    org: OrgPort, source: CommitSource, avalara: AvalaraFlowSettings, result: CommitResult, status: str,
    now: dt.datetime,
) -> CommitResult:  # fmt: skip
    record = {"Id": result.source_id, **status_write_back(avalara, status, now)}
    try:
        saved = org.update_records(source.sobject, [record])
        errors = [e for r in saved if not r.success for e in r.errors]
    except (TransientOrgError, OrgError) as error:
        errors = [error.message]
    if errors:
        log.warning("could not write the tax status back on %s: %s", result.source_id, "; ".join(errors))
        result.message = f"Avalara has it {status.lower()}; OIM's status is written by the next run"
    return result
