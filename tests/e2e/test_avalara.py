"""Avalara AvaTax alongside OIM, end to end on the sample data: the real handlers, the avalara SDK
over HTTPS to the local AvaTax stand-in, the local org, moto for AWS (connector-spec §10)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from oim_connector import wiring
from oim_connector.model.settings import (
    AvalaraFlowSettings,
    AvalaraSettings,
    ConnectorSettings,
    PayableInvoiceSettings,
    SalesCreditNoteSettings,
    SalesInvoiceSettings,
)
from oim_local.avatax.server import RunningAvaTax, start_avatax
from oim_local.avatax.service import DEFAULT_US_RATE, Fault
from oim_local.runner import events

from tests.e2e.conftest import Sample
from tests.e2e.helpers import body, result_for

IN_USE = AvalaraFlowSettings(in_use=True)
STATUS = "SCMC__External_Tax_Status__c"
TRANSACTION = "SCMC__External_Tax_Transaction_ID__c"


def _settings(*, auto_post: bool = True, posting_optional: bool = False) -> ConnectorSettings:
    return ConnectorSettings(
        sales_invoices=SalesInvoiceSettings(auto_post=auto_post, avalara=IN_USE),
        sales_credit_notes=SalesCreditNoteSettings(auto_post=auto_post, avalara=IN_USE),
        payable_invoices=PayableInvoiceSettings(auto_post=auto_post, avalara=IN_USE),
        avalara=AvalaraSettings(posting_optional=posting_optional),
    )


@pytest.fixture
def avatax(sample: Sample, tmp_path: Path) -> Iterator[RunningAvaTax]:
    with start_avatax(tmp_path / "avatax") as running:
        sample.env.use_avalara(running.secret())
        sample.env.save_settings(_settings())
        yield running


def _record(sample: Sample, flow: str, record_id: str, *, calculate: bool, key: str | None = None) -> dict[str, Any]:
    event = events.record_action(flow, record_id)
    if calculate:
        event = events.api_event("POST", f"/flows/{flow}/record", {"recordId": record_id, "calculateTax": True})
    if key:
        event["headers"]["Idempotency-Key"] = key  # a later click, not a double click
    answer: dict[str, Any] = body(sample.env.invoke(flow.replace("-", "_"), event))
    return answer


def _commit_twice_at_once() -> list[dict[str, object]]:
    """Two post-and-commit runs started at the same instant (two schedules firing together)."""
    reports: list[dict[str, object]] = []
    start = threading.Barrier(2)

    def run(run_id: str) -> None:
        start.wait()
        reports.append(wiring.commit_tax(run_id))

    threads = [threading.Thread(target=run, args=(f"run-{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return reports


def _tax_line(sample: Sample, line_object: str, parent_field: str, document_id: str) -> dict[str, Any]:
    (line,) = sample.query(
        f"SELECT Id, c2g__Product__c, c2g__Quantity__c, c2g__UnitPrice__c, OIM_External_Id__c FROM {line_object} "
        f"WHERE {parent_field} = '{document_id}' AND OIM_External_Id__c LIKE '%:TAX'"
    )
    return line


def _requests(avatax: RunningAvaTax, code: str) -> list[str]:
    return [r.path.rsplit("/", 1)[-1] for r in avatax.service.requests_for(code)]


def test_an_invoice_is_refused_until_its_tax_is_calculated_then_exported_posted_and_committed_once(
    sample: Sample, avatax: RunningAvaTax
) -> None:
    invoice_id = sample.ids["InvOk1"]

    # Avalara in use, tax not calculated: refused with what to do, nothing sent anywhere
    refused = result_for(_record(sample, "sales-invoices", invoice_id, calculate=False), invoice_id)
    assert refused["outcome"] == "failed"
    assert refused["errors"] == [
        "The tax of invoice INV-000001 has not been calculated in Avalara (tax status 'Not Calculated'): "
        "press Calculate Tax on the record in OIM, or export it with the Calculate Tax option"
    ]
    invoice = sample.get("SCMC__Invoicing__c", invoice_id)
    assert (invoice["SCMC__Export_Status__c"], invoice["SCMFFA__Sales_Invoice__c"]) == ("Export Error", None)
    assert avatax.service.requests == []

    # With Calculate Tax: AvaTax calculates from the lines, OIM gets the tax, the SIN carries it
    report = _record(sample, "sales-invoices", invoice_id, calculate=True)
    result = result_for(report, invoice_id)
    assert result["outcome"] == "created" and report["taxRequests"] == 1
    code = f"OIM-SALES-{invoice_id}"
    transaction = avatax.service.transactions[("DEFAULT", code)]
    assert transaction["status"] == "Saved" and transaction["type"] == "SalesInvoice"
    expected_tax = Decimal(str(transaction["totalTax"]))
    taxable = sum((Decimal(str(line["lineAmount"])) for line in transaction["lines"]), Decimal(0))
    assert expected_tax == (taxable * DEFAULT_US_RATE).quantize(Decimal("0.01")) != Decimal("27.23")
    invoice = sample.get("SCMC__Invoicing__c", invoice_id)
    assert (invoice[STATUS], invoice[TRANSACTION]) == ("Calculated", code)
    assert Decimal(str(invoice["SCMC__Total_Tax__c"])) == expected_tax
    assert invoice["SCMC__External_Tax_Status_Last_Updated__c"]
    (document,) = result["documents"]
    tax = _tax_line(sample, "c2g__codaInvoiceLineItem__c", "c2g__Invoice__c", document["id"])
    assert tax["c2g__Product__c"] == sample.ids["ProdTax"]
    assert (tax["c2g__Quantity__c"], Decimal(str(tax["c2g__UnitPrice__c"]))) == (1, expected_tax)
    assert sample.get("c2g__codaInvoice__c", document["id"])["c2g__InvoiceStatus__c"] == "Complete"

    # Posted: two runs at the same time commit it exactly once (posted first: posting is not optional)
    reports = _commit_twice_at_once()
    assert sorted(int(str(r["committed"])) for r in reports) == [0, 1]
    assert avatax.service.commits == {("DEFAULT", code): 1}
    assert _requests(avatax, code) == ["createoradjust", "verify", "commit"]
    assert sample.get("SCMC__Invoicing__c", invoice_id)[STATUS] == "Committed"
    assert avatax.service.transactions[("DEFAULT", code)]["status"] == "Committed"

    # A later run finds nothing left to commit
    later = wiring.commit_tax("run-3")
    assert (later["committed"], later["taxRequests"]) == (0, 0)


def test_a_credit_invoice_with_calculate_tax_gets_its_tax_line_and_is_committed_once(
    sample: Sample, avatax: RunningAvaTax
) -> None:
    credit_id = sample.ids["CrWithTax"]

    refused = result_for(_record(sample, "sales-credit-notes", credit_id, calculate=False), credit_id)
    assert refused["outcome"] == "failed" and "has not been calculated in Avalara" in refused["errors"][0]

    result = result_for(_record(sample, "sales-credit-notes", credit_id, calculate=True), credit_id)
    assert result["outcome"] == "created"
    code = f"OIM-RETURN-{credit_id}"
    transaction = avatax.service.transactions[("DEFAULT", code)]
    assert transaction["type"] == "ReturnInvoice"
    expected_tax = abs(Decimal(str(transaction["totalTax"])))
    credit = sample.get("SCMC__Credit_Invoice__c", credit_id)
    assert (credit[STATUS], Decimal(str(credit["SCMC__Total_Tax__c"]))) == ("Calculated", expected_tax)
    (document,) = result["documents"]
    tax = _tax_line(sample, "c2g__codaCreditNoteLineItem__c", "c2g__CreditNote__c", document["id"])
    assert Decimal(str(tax["c2g__UnitPrice__c"])) == expected_tax

    reports = _commit_twice_at_once()
    assert sum(int(str(r["committed"])) for r in reports) == 1
    assert avatax.service.commits == {("DEFAULT", code): 1}
    assert sample.get("SCMC__Credit_Invoice__c", credit_id)[STATUS] == "Committed"


def test_voucher_use_tax_is_calculated_then_the_pin_posted_then_committed_without_posting_when_optional(
    sample: Sample, avatax: RunningAvaTax
) -> None:
    sample.env.save_settings(_settings(auto_post=False, posting_optional=True))
    voucher_id = sample.ids["ApvMixed"]

    result = result_for(_record(sample, "payable-invoices", voucher_id, calculate=True), voucher_id)
    assert result["outcome"] == "created"
    code = f"OIM-PURCHASE-{voucher_id}"
    transaction = avatax.service.transactions[("DEFAULT", code)]
    assert transaction["type"] == "PurchaseInvoice"
    voucher = sample.get("SCMC__AP_Voucher__c", voucher_id)
    assert voucher[STATUS] == "Calculated"
    assert Decimal(str(voucher["SCMC__Total_Tax__c"])) == Decimal(str(transaction["totalTax"])) > 0

    # The PIN is not posted yet: nothing is committed
    assert wiring.commit_tax("before-posting")["committed"] == 0
    assert avatax.service.commits == {}

    (document,) = result["documents"]
    assert sample.env.org is not None
    (posted,) = sample.env.org.store.post_documents([("c2g__codaPurchaseInvoice__c", document["id"])])
    assert posted["success"], posted

    reports = _commit_twice_at_once()
    assert sum(int(str(r["committed"])) for r in reports) == 1
    assert avatax.service.commits == {("DEFAULT", code): 1}
    # "Posting Tax to Avalara Optional": committed straight from Calculated
    assert _requests(avatax, code) == ["createoradjust", "commit"]
    assert sample.get("SCMC__AP_Voucher__c", voucher_id)[STATUS] == "Committed"


def test_when_avalara_is_unavailable_nothing_is_exported_and_the_commit_is_retried_later(
    sample: Sample, avatax: RunningAvaTax
) -> None:
    invoice_id = sample.ids["InvOk2"]

    avatax.service.add_fault(Fault(status=503, times=1, match="createoradjust"))
    failed = result_for(_record(sample, "sales-invoices", invoice_id, calculate=True), invoice_id)
    assert failed["outcome"] == "failed"
    assert failed["errors"][0].startswith("Avalara is unavailable (HTTP 503: ServiceUnavailable)")
    assert "not exported; try again later" in failed["errors"][0]
    invoice = sample.get("SCMC__Invoicing__c", invoice_id)
    assert (invoice[STATUS], invoice["SCMFFA__Sales_Invoice__c"]) == (None, None)

    again = _record(sample, "sales-invoices", invoice_id, calculate=True, key="after-the-outage")
    assert result_for(again, invoice_id)["outcome"] == "created"
    code = f"OIM-SALES-{invoice_id}"

    avatax.service.add_fault(Fault(status=503, times=1, match="/commit"))
    first = sample.env.invoke("tax_commit", {"id": "scheduled-1"})
    assert (first["committed"], first["retryLater"]) == (0, 1)
    assert sample.get("SCMC__Invoicing__c", invoice_id)[STATUS] == "Posted"  # the post step went through
    assert avatax.service.commits == {}

    second = sample.env.invoke("tax_commit", {"id": "scheduled-2"})
    assert (second["committed"], second["retryLater"]) == (1, 0)
    assert avatax.service.commits == {("DEFAULT", code): 1}
    assert sample.get("SCMC__Invoicing__c", invoice_id)[STATUS] == "Committed"


def test_the_schedule_and_the_list_action_calculate_tax_when_their_setting_says_so(
    sample: Sample, avatax: RunningAvaTax
) -> None:
    # The schedule without its setting: every untaxed invoice refused, nothing sent to Avalara
    refused = sample.env.invoke("sales_invoices", events.schedule_event("sales-invoices", name="plain"))
    assert refused["counts"]["created"] == 0 and refused["counts"]["failed"] > 0, refused
    assert avatax.service.requests == []

    settings = _settings()
    settings.sales_invoices.avalara = AvalaraFlowSettings(in_use=True, calculate_on_schedule=True)
    sample.env.save_settings(settings)
    report = sample.env.invoke("sales_invoices", events.schedule_event("sales-invoices", name="calculating"))

    created = [r for r in report["results"] if r["outcome"] == "created"]
    calculated = [r for r in report["results"] if sample.get("SCMC__Invoicing__c", r["sourceId"])[STATUS]]
    # One Avalara request per invoice calculated, also those then refused for another reason (e.g. no product)
    assert created and report["taxRequests"] == len(calculated) > len(created)
    for result in created:
        invoice = sample.get("SCMC__Invoicing__c", result["sourceId"])
        assert invoice[STATUS] == "Calculated"
        (document,) = result["documents"]
        tax = _tax_line(sample, "c2g__codaInvoiceLineItem__c", "c2g__Invoice__c", document["id"])
        assert Decimal(str(tax["c2g__UnitPrice__c"])) == Decimal(str(invoice["SCMC__Total_Tax__c"]))

    # The list action: the body's calculateTax wins over the flow's setting (off here)
    credit_ids = [sample.ids["CrPartial"], sample.ids["CrFull"]]
    plain = body(sample.env.invoke("sales_credit_notes", events.list_action("sales-credit-notes", credit_ids)))
    assert {r["outcome"] for r in plain["results"]} == {"failed"}
    asked = events.api_event("POST", "/flows/sales-credit-notes/list", {"recordIds": credit_ids, "calculateTax": True})
    listed = body(sample.env.invoke("sales_credit_notes", asked))
    assert {r["outcome"] for r in listed["results"]} == {"created"} and listed["taxRequests"] == 2


def test_calculate_tax_without_an_avalara_connection_refuses_and_says_what_to_set(sample: Sample) -> None:
    sample.env.save_settings(_settings())
    invoice_id = sample.ids["InvOk1"]

    result = result_for(_record(sample, "sales-invoices", invoice_id, calculate=True), invoice_id)

    assert result["outcome"] == "failed"
    assert result["errors"] == [
        "Calculate Tax was asked for but the connector has no Avalara connection: set AVALARA_SECRET_ARN "
        "(an admin task)"
    ]
    assert sample.get("SCMC__Invoicing__c", invoice_id)["SCMFFA__Sales_Invoice__c"] is None
