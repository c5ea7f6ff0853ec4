"""Values never longer than their Accounting field: cut with the full value kept, or refused by name."""

from __future__ import annotations

from decimal import Decimal

from oim_connector.mapping.field_limits import LIMITS, fit_mapped
from oim_connector.model.documents import Mapped, TargetDocument, TargetLine
from oim_local.org.schema import load_schema


def test_the_limits_are_the_data_models_lengths_for_every_text_field_of_every_document_object() -> None:
    schema = load_schema()
    for sobject, limits in LIMITS.items():
        obj = schema.object(sobject)
        assert obj is not None, sobject
        text_fields = {
            f.name: f.length for f in obj.fields.values() if f.type in ("string", "textarea") and not f.system
        }
        assert {name: limit.length for name, limit in limits.items()} == text_fields, sobject


def _invoice(**fields: object) -> Mapped:
    line = TargetLine("c2g__codaInvoiceLineItem__c", "SIN:a:1", "c2g__Invoice__c",
                      {"c2g__LineDescription__c": "d" * 300}, Decimal(1))  # fmt: skip
    document = TargetDocument("c2g__codaInvoice__c", "SIN:a", dict(fields), (line,), Decimal(1))
    return Mapped("a", "INV-000001", documents=(document,))


def test_a_long_customer_reference_is_cut_and_kept_whole_in_the_description() -> None:
    reference = "PO-" + "7" * 30

    (document,) = fit_mapped(
        _invoice(c2g__CustomerReference__c=reference, c2g__InvoiceDescription__c="Invoice")
    ).documents

    assert document.fields["c2g__CustomerReference__c"] == reference[:24]
    assert document.fields["c2g__InvoiceDescription__c"] == f"Invoice | Customer Reference: {reference}"
    assert document.lines[0].fields["c2g__LineDescription__c"] == "d" * 255


def test_a_value_that_must_not_be_cut_is_refused_naming_the_field_and_its_limit() -> None:
    mapped = fit_mapped(_invoice(OIM_External_Id__c="SIN:" + "x" * 90))

    assert mapped.documents == ()
    assert mapped.errors == (
        "The OIM External Id of the Invoice for INV-000001 is 94 characters long; "
        "c2g__codaInvoice__c.OIM_External_Id__c holds 80: shorten it in OIM",
    )
