"""The document flows the engine knows, by flow id.

Each flow lives in ``oim_connector.flows.<python name>`` and exposes ``FLOW``, an instance of
its ``DocumentFlow``; a flow whose module is not there yet answers "not implemented yet".
"""

from __future__ import annotations

import importlib

from oim_connector.errors import BadRequestError
from oim_connector.flows.base import DocumentFlow
from oim_connector.model.flows import DOCUMENT_FLOWS, FlowId


def _load(flow: FlowId) -> DocumentFlow | None:
    try:
        module = importlib.import_module(f"oim_connector.flows.{flow.python_name}")
    except ModuleNotFoundError as error:
        if error.name == f"oim_connector.flows.{flow.python_name}":
            return None
        raise
    found = getattr(module, "FLOW", None)
    return found if isinstance(found, DocumentFlow) else None


def implemented_flows() -> list[FlowId]:
    return [flow for flow in DOCUMENT_FLOWS if _load(flow) is not None]


def document_flow(flow: FlowId) -> DocumentFlow:
    found = _load(flow) if flow in DOCUMENT_FLOWS else None
    if found is None:
        raise BadRequestError(f"The {flow.value} flow is not implemented yet")
    return found
