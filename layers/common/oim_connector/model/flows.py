"""The connector's flows and their identifiers."""

from __future__ import annotations

from enum import StrEnum


class FlowId(StrEnum):
    SALES_INVOICES = "sales-invoices"
    SALES_CREDIT_NOTES = "sales-credit-notes"
    PAYABLE_INVOICES = "payable-invoices"
    PAYABLE_CREDIT_NOTES = "payable-credit-notes"
    JOURNALS = "journals"
    VENDOR_ACCOUNTS = "vendor-accounts"

    @property
    def python_name(self) -> str:
        return self.value.replace("-", "_")


DOCUMENT_FLOWS = (
    FlowId.SALES_INVOICES,
    FlowId.SALES_CREDIT_NOTES,
    FlowId.PAYABLE_INVOICES,
    FlowId.PAYABLE_CREDIT_NOTES,
    FlowId.JOURNALS,
)


def parse_flow(value: str) -> FlowId:
    try:
        return FlowId(value)
    except ValueError:
        known = ", ".join(f.value for f in FlowId)
        raise ValueError(f"Unknown flow '{value[:60]}': use one of {known}") from None
