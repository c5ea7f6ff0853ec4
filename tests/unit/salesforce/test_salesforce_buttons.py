"""Every record action and list-view button runs a flow of docs/architecture.md, on the right
object, through a screen flow that exists and calls the invocable action."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.unit.salesforce.salesforce_dx import DEFAULT, apex, architecture_flows, text, xml

FLOWS = architecture_flows()
BY_SOURCE = {flow.source: flow for flow in FLOWS.values()}
BY_TARGET = {flow.target: flow for flow in FLOWS.values()}
QUICK_ACTIONS = sorted((DEFAULT / "quickActions").glob("*.quickAction-meta.xml"))
LIST_BUTTONS = sorted((DEFAULT / "objects").glob("*/webLinks/*.webLink-meta.xml"))

RECORD_ACTIONS = {
    "SCMC__Invoicing__c": "Create Sales Invoice",
    "SCMC__Credit_Invoice__c": "Create Sales Credit Note",
    "SCMC__AP_Voucher__c": "Create Payable Invoice",
    "SCMC__AP_Voucher_Credit__c": "Create Payable Credit Note",
    "SCMC__Inventory_Transaction_Perpetual_Record__c": "Create Journal",
}
ACCOUNTING_LIST_BUTTONS = {
    "c2g__codaInvoice__c": "Create from OIM Invoices",
    "c2g__codaCreditNote__c": "Create from Credit Invoices",
    "c2g__codaPurchaseInvoice__c": "Create from AP Vouchers",
    "c2g__codaPurchaseCreditNote__c": "Create from AP Voucher Credits",
    "c2g__codaJournal__c": "Create from Inventory Transactions",
}


def test_architecture_table_is_read() -> None:
    assert set(FLOWS) == {
        "sales-invoices", "sales-credit-notes", "payable-invoices",
        "payable-credit-notes", "journals", "vendor-accounts",
    }  # fmt: skip


def test_apex_flow_catalog_is_the_architecture_table() -> None:
    source = apex("OimFlowCatalog")

    def mapping(name: str) -> dict[str, str]:
        block = source.split(name, 1)[1].split("};", 1)[0]
        return dict(re.findall(r"'([a-z-]+)' => '(\w+)'", block))

    assert mapping("SOURCE_BY_FLOW") == {f.flow_id: f.source for f in FLOWS.values()}
    assert mapping("TARGET_BY_FLOW") == {f.flow_id: f.target for f in FLOWS.values()}


def test_each_document_flow_has_its_record_action() -> None:
    labels = {p.name.split(".")[0]: text(xml(p), "label") for p in QUICK_ACTIONS}
    assert labels == RECORD_ACTIONS


@pytest.mark.parametrize("path", QUICK_ACTIONS, ids=lambda p: p.name.split(".")[0])
def test_record_action_runs_the_flow_of_its_object(path: Path) -> None:
    root = xml(path)
    flow = BY_SOURCE[path.name.split(".")[0]]
    assert text(root, "type") == "Flow"
    assert text(root, "flowDefinition") == "OIM_Create_Document_From_Record"
    # The invocable action takes the flow from the record's object: the description says which one.
    assert f"/flows/{flow.flow_id}/record" in (text(root, "description") or "")


def test_each_accounting_list_view_has_its_button() -> None:
    labels = {
        p.parent.parent.name: text(xml(p), "masterLabel")
        for p in LIST_BUTTONS
        if p.parent.parent.name.startswith("c2g__")
    }
    assert labels == ACCOUNTING_LIST_BUTTONS


@pytest.mark.parametrize("path", LIST_BUTTONS, ids=lambda p: f"{p.parent.parent.name}.{p.name.split('.')[0]}")
def test_list_button_runs_a_documented_flow_on_its_object(path: Path) -> None:
    root = xml(path)
    url = urlsplit(text(root, "url") or "")
    query = parse_qs(url.query)
    flow = FLOWS[query["flowId"][0]]
    obj = path.parent.parent.name
    assert url.path == "/flow/OIM_Create_Documents_From_List"
    assert (text(root, "linkType"), text(root, "displayType")) == ("url", "massActionButton")
    if obj == flow.target:
        # Accounting list views: the selected Accounting rows are not sources, so "all eligible".
        assert query["allEligible"] == ["true"]
        assert text(root, "requireRowSelection") == "false"
    else:
        # OIM list views: the selected source rows arrive in the flow's "ids" variable.
        assert obj == flow.source
        assert "allEligible" not in query
        assert text(root, "requireRowSelection") == "true"
    assert query["retURL"] == [f"/lightning/o/{obj}/list"]


def flow_xml(name: str) -> tuple[dict[str, dict[str, str | None]], list[str], set[str]]:
    root = xml(DEFAULT / "flows" / f"{name}.flow-meta.xml")
    variables = {
        text(v, "name") or "": {
            "type": text(v, "dataType"),
            "collection": text(v, "isCollection"),
            "input": text(v, "isInput"),
        }
        for v in root.iter("variables")
    }
    actions = [text(a, "actionName") or "" for a in root.iter("actionCalls")]
    action_inputs = {text(p, "name") or "" for a in root.iter("actionCalls") for p in a.iter("inputParameters")}
    return variables, actions, action_inputs


def test_list_flow_takes_what_the_buttons_send() -> None:
    variables, actions, inputs = flow_xml("OIM_Create_Documents_From_List")
    assert variables["flowId"] == {"type": "String", "collection": "false", "input": "true"}
    assert variables["ids"] == {"type": "String", "collection": "true", "input": "true"}
    assert variables["allEligible"] == {"type": "Boolean", "collection": "false", "input": "true"}
    assert actions == ["OimCreateDocumentsAction"]
    assert inputs == {"flow", "recordIds", "allEligible", "clickNonce"}


def test_record_flow_takes_the_record_id() -> None:
    variables, actions, inputs = flow_xml("OIM_Create_Document_From_Record")
    assert variables["recordId"] == {"type": "String", "collection": "false", "input": "true"}
    assert actions == ["OimCreateDocumentsAction"]
    assert inputs == {"recordIds", "clickNonce"}


def test_flow_inputs_are_invocable_variables_and_the_result_screen_gets_every_output() -> None:
    action = apex("OimCreateDocumentsAction")
    request, result = action.split("public class Result", 1)
    variable = re.compile(r"@InvocableVariable\((?:[^()']|'[^']*')*\)\s+public [\w<>]+ (\w+);")
    declared = set(variable.findall(request))
    outputs = set(variable.findall(result))
    assert declared == {"flow", "recordIds", "allEligible", "clickNonce"}
    assert outputs == {"success", "documentIds", "documentNames", "message", "jobId"}
    for name in ("OIM_Create_Documents_From_List", "OIM_Create_Document_From_Record"):
        root = xml(DEFAULT / "flows" / f"{name}.flow-meta.xml")
        component = next(f for f in root.iter("fields") if text(f, "fieldType") == "ComponentInstance")
        assert text(component, "extensionName") == "c:oimDocumentResult"
        given = {text(p, "name"): text(p, "value/elementReference") for p in component.iter("inputParameters")}
        assert given == {o: f"Create_Documents.{o}" for o in outputs}
