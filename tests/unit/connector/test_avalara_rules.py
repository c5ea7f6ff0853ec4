"""The Avalara accounting rules (mapping/avalara.py): refusal, the tax request, the write-back,
what is left to do after posting. Pure: no sockets, no clock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from oim_connector.mapping.avalara import (
    calculated_tax,
    calculated_write_back,
    commit_steps,
    credit_invoice_document,
    needs_calculation,
    sales_invoice_document,
    tax_header_fields,
    tax_refusal,
    transaction_model,
    voucher_document,
)
from oim_connector.model.settings import AvalaraAddress, AvalaraFlowSettings, ConnectorSettings
from pydantic import ValidationError

IN_USE = AvalaraFlowSettings(in_use=True)
NOW = dt.datetime(2026, 3, 10, 12, 30, tzinfo=dt.UTC)
ORIGIN = AvalaraAddress(line1="1 Main St", city="Austin", region="TX", postal_code="78701", country="US")


def _invoice(**header: object) -> dict[str, object]:
    lines = [
        {"Id": "L1", "RecordType": {"Name": "Item"}, "SCMC__Quantity__c": 3, "SCMC__Unit_Price__c": 33.333333,
         "SCMC__Item__r": {"Name": "WID-100"}, "SCMC__Description__c": "Widget"},
        {"Id": "L2", "RecordType": {"Name": "Freight"}, "SCMC__Quantity__c": 1, "SCMC__Unit_Price__c": 12.5},
        {"Id": "L3", "RecordType": {"Name": "Tax"}, "SCMC__Quantity__c": 1, "SCMC__Unit_Price__c": 9.99},
    ]  # fmt: skip
    return {"Id": "a4A1", "Name": "INV-000001", "SCMC__Invoice_Date__c": "2026-03-10", "SCMC__Customer__c": "001C",
            "SCMC__Customer__r": {"BillingState": "NY", "BillingCountry": "United States"},
            "SCMC__Sales_Order__r": {"SCMC__Currency__r": {"Name": "USD"}},
            "SCMC__Invoice_Line_Items__r": {"records": lines}, **header}  # fmt: skip


def test_nothing_is_refused_while_avalara_is_not_in_use() -> None:
    assert tax_refusal(_invoice(), AvalaraFlowSettings(), "sales invoice") is None
    assert tax_header_fields(AvalaraFlowSettings()) == ()
    assert ConnectorSettings().sales_invoices.avalara.in_use is False  # off by default for every flow


@pytest.mark.parametrize("status", [None, "", "Not Calculated", "Voided"])
def test_an_uncalculated_source_is_refused_with_what_to_do(status: str | None) -> None:
    message = tax_refusal(_invoice(SCMC__External_Tax_Status__c=status), IN_USE, "sales invoice")
    shown = status or "Not Calculated"
    assert message == (
        f"The tax of sales invoice INV-000001 has not been calculated in Avalara (tax status '{shown}'): "
        "press Calculate Tax on the record in OIM, or export it with the Calculate Tax option"
    )


@pytest.mark.parametrize("status", ["Calculated", "Posted", "Committed"])
def test_a_calculated_source_may_be_exported(status: str) -> None:
    assert tax_refusal(_invoice(SCMC__External_Tax_Status__c=status), IN_USE, "sales invoice") is None


def test_an_org_on_the_legacy_avalara_status_field_is_configured_not_coded() -> None:
    legacy = AvalaraFlowSettings(in_use=True, status_field="SCMAVA__Avalara_Tax_Status__c",
                                 transaction_id_field="SCMAVA__Avalara_Transaction_Id__c", status_date_field=None,
                                 calculated_values=["Saved", "Committed"])  # fmt: skip
    assert tax_refusal(_invoice(SCMAVA__Avalara_Tax_Status__c="Saved"), legacy, "sales invoice") is None
    assert tax_refusal(_invoice(SCMC__External_Tax_Status__c="Calculated"), legacy, "sales invoice") is not None
    assert tax_header_fields(legacy) == ("SCMAVA__Avalara_Tax_Status__c", "SCMAVA__Avalara_Transaction_Id__c")
    with pytest.raises(ValidationError, match="is not a field API name"):
        AvalaraFlowSettings(status_field="Robert'); DROP")


@pytest.mark.parametrize(
    ("status", "optional", "steps"),
    [
        ("Calculated", False, ("post", "commit")),
        ("Calculated", True, ("commit",)),
        ("Posted", False, ("commit",)),
        ("Committed", False, ()),
        ("Voided", True, ()),
        ("Not Calculated", True, ()),
    ],
)
def test_what_is_left_to_do_once_the_document_is_posted(status: str, optional: bool, steps: tuple[str, ...]) -> None:
    assert commit_steps(status, optional) == steps


def test_a_sales_invoice_is_sent_from_the_origin_to_the_customer_without_its_tax_lines() -> None:
    model = transaction_model(sales_invoice_document(_invoice()), "ACME", ORIGIN)["createTransactionModel"]
    assert (model["type"], model["code"], model["companyCode"], model["commit"]) == (
        "SalesInvoice", "OIM-SALES-a4A1", "ACME", False,
    )  # fmt: skip
    assert (model["date"], model["customerCode"], model["currencyCode"]) == ("2026-03-10", "001C", "USD")
    assert model["addresses"]["shipFrom"]["region"] == "TX"
    assert (model["addresses"]["shipTo"]["region"], model["addresses"]["shipTo"]["country"]) == ("NY", "US")
    assert [(line["number"], line["amount"]) for line in model["lines"]] == [("L1", 100.0), ("L2", 12.5)]


def test_a_credit_is_a_return_with_negative_amounts_and_a_voucher_a_purchase_received_at_the_origin() -> None:
    credit = {"Id": "a4C1", "Name": "CRINV-000004", "CreatedDate": "2026-03-15T10:00:00.000+0000",
              "SCMC__Invoicing__r": {"SCMC__Customer__c": "001C"},
              "SCMC__Credit_Invoice_Lines__r": {
                  "records": [{"Id": "CL1", "SCMC__Amount__c": 200, "SCMC__Quantity__c": 5}]}}  # fmt: skip
    model = transaction_model(credit_invoice_document(credit), "ACME", ORIGIN)["createTransactionModel"]
    assert (model["type"], model["date"], model["lines"][0]["amount"]) == ("ReturnInvoice", "2026-03-15", -200.0)

    voucher = {"Id": "a4E1", "Name": "APV-000001", "SCMC__Invoice_Date__c": "2026-03-20",
               "SCMC__Supplier_Site__r": {"SCMC__Mailing_State_Province__c": "IL"},
               "SCMC__AP_Voucher_Lines__r": {"records": [
                   {"Id": "VL1", "SCMC__Line_Type__c": "Item", "SCMC__Amount__c": 500, "SCMC__Quantity__c": 2},
                   {"Id": "VL2", "SCMC__Line_Type__c": "Tax", "SCMC__Amount__c": 41.25}]}}  # fmt: skip
    model = transaction_model(voucher_document(voucher), "ACME", ORIGIN)["createTransactionModel"]
    assert model["type"] == "PurchaseInvoice"
    assert (model["addresses"]["shipFrom"]["region"], model["addresses"]["shipTo"]["region"]) == ("IL", "TX")
    assert [line["number"] for line in model["lines"]] == ["VL1"]


def test_a_document_without_taxable_lines_is_not_sent() -> None:
    invoice = _invoice(SCMC__Invoice_Line_Items__r={"records": []})
    with pytest.raises(ValueError, match="INV-000001 has no taxable lines"):
        transaction_model(sales_invoice_document(invoice), "ACME", ORIGIN)


def test_the_calculation_is_written_back_on_oims_tax_fields() -> None:
    document = sales_invoice_document(_invoice())
    answer = {"code": "OIM-SALES-a4A1", "totalTax": 10.13,
              "lines": [{"lineNumber": "L1", "tax": 9.0}, {"lineNumber": "L2", "tax": 1.13}]}  # fmt: skip
    header, lines = calculated_write_back(document, calculated_tax(answer), IN_USE, NOW)
    assert header == {
        "Id": "a4A1", "SCMC__Total_Tax__c": 10.13, "SCMC__External_Tax_Transaction_ID__c": "OIM-SALES-a4A1",
        "SCMC__External_Tax_Status__c": "Calculated",
        "SCMC__External_Tax_Status_Last_Updated__c": "2026-03-10T12:30:00.000+0000",
    }  # fmt: skip
    assert lines == [{"Id": "L1", "SCMC__Tax__c": 9.0}, {"Id": "L2", "SCMC__Tax__c": 1.13}]
    assert calculated_tax({"code": "R", "totalTax": -16.5, "lines": []}).total_tax == Decimal("16.5")


def test_only_sources_not_exported_and_not_calculated_are_calculated() -> None:
    records = [
        _invoice(Id="a", SCMC__External_Tax_Status__c="Calculated"),
        _invoice(Id="b"),
        _invoice(Id="c", SCMFFA__Sales_Invoice__c="SIN1"),
    ]
    assert [r["Id"] for r in needs_calculation(records, IN_USE, "SCMFFA__Sales_Invoice__c")] == ["b"]
