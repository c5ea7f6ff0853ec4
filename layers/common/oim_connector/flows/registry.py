"""The document flows the engine knows, by flow id."""

from __future__ import annotations

from collections.abc import Callable

from oim_connector.errors import BadRequestError
from oim_connector.flows.base import DocumentFlow
from oim_connector.model.flows import FlowId


def _sales_invoices() -> DocumentFlow:
    from oim_connector.flows.sales_invoices import SalesInvoiceFlow

    return SalesInvoiceFlow()


FLOW_FACTORIES: dict[FlowId, Callable[[], DocumentFlow]] = {
    FlowId.SALES_INVOICES: _sales_invoices,
}


def document_flow(flow: FlowId) -> DocumentFlow:
    factory = FLOW_FACTORIES.get(flow)
    if factory is None:
        raise BadRequestError(f"The {flow.value} flow is not implemented yet")
    return factory()
