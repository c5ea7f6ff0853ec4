"""Settings checked against the org before they are saved: the settings model checks shapes,
this checks that the fields, companies, GLAs and hooks they name exist."""

from __future__ import annotations

from typing import Any

from oim_connector.admin.avalara_checks import avalara_problems
from oim_connector.admin.fields import Describes, FieldProblem
from oim_connector.admin.mappings import OBJECTS, validate_rules
from oim_connector.errors import OrgError, TransientOrgError
from oim_connector.flows.reference_loader import GL_MAPPING_OBJECT
from oim_connector.hooks import HookError, check_hook
from oim_connector.model.flows import DOCUMENT_FLOWS, FlowId
from oim_connector.model.settings import ConnectorSettings
from oim_connector.org.port import OrgPort
from oim_connector.org.soql import Select, eq


def validate_settings(settings: ConnectorSettings, org: OrgPort) -> list[str]:
    """Every problem, each saying what to change; an empty list means the settings can be saved."""
    describes = Describes(org)
    problems: list[str] = []
    try:
        for flow in DOCUMENT_FLOWS:
            flow_settings = settings.flow(flow)
            source = OBJECTS[flow].source_header
            if flow_settings.custom_criteria_field:
                problems += _checkbox(
                    describes, source, flow_settings.custom_criteria_field, f"{flow.value}: the custom criteria field"
                )
            problems += validate_rules(flow, flow_settings.custom_mappings, describes)
            if flow_settings.hook:
                try:
                    check_hook(flow_settings.hook)
                except HookError as error:
                    problems.append(f"{flow.value}: {error.message}")
        vendor = settings.vendor_accounts
        if vendor.duplicate_check == "custom_criteria":
            if not vendor.duplicate_check_field:
                problems.append("vendor-accounts: the duplicate check uses custom criteria but names no field")
            else:
                problems += _checkbox(
                    describes,
                    OBJECTS[FlowId.VENDOR_ACCOUNTS].source_header,
                    vendor.duplicate_check_field,
                    "vendor-accounts: the duplicate check field",
                )
        problems += validate_rules(FlowId.VENDOR_ACCOUNTS, vendor.custom_mappings, describes)
        problems += avalara_problems(settings, describes)
        company_field = settings.journals.gl_mapping_company_field
        if company_field:
            problems += _company_lookup(describes, GL_MAPPING_OBJECT, company_field,
                                        "journals: the GL account mapping company field")  # fmt: skip
        problems += _exists(
            org, "c2g__codaCompany__c", "Name", settings.general.default_company, "general: the default company"
        )
        for label, code in (
            ("default AP control GLA", vendor.default_ap_control_gla),
            ("default AR control GLA", vendor.default_ar_control_gla),
        ):
            problems += _exists(
                org, "c2g__codaGeneralLedgerAccount__c", "c2g__ReportingCode__c", code, f"vendor-accounts: the {label}"
            )
    except (TransientOrgError, OrgError) as error:
        problems.append(f"The org could not be asked to check the settings: {error.message}")
    return problems


def _checkbox(describes: Describes, sobject: str, name: str, label: str) -> list[str]:
    try:
        described: dict[str, Any] = describes.field(sobject, name)
    except FieldProblem:
        return [f"{label} {name} is not a field of {sobject}: use the API name of a checkbox field on it"]
    if described.get("type") != "boolean":
        return [f"{label} {name} is a {described.get('type')} field; it must be a checkbox (or formula checkbox)"]
    return []


def _company_lookup(describes: Describes, sobject: str, name: str, label: str) -> list[str]:
    try:
        described: dict[str, Any] = describes.field(sobject, name)
    except FieldProblem:
        return [f"{label} {name} is not a field of {sobject}: name its lookup to the company, or leave it empty "
                "when mappings are not company-specific"]  # fmt: skip
    if "c2g__codaCompany__c" not in (described.get("referenceTo") or []):
        return [f"{label} {name} is not a lookup to the company (c2g__codaCompany__c)"]
    return []


def _exists(org: OrgPort, sobject: str, field: str, value: str | None, label: str) -> list[str]:
    if not value:
        return []
    # The value is rendered as a SOQL literal by the query builder, never pasted.
    found = list(org.query(Select(sobject, ("Id",), where=eq(field, value), limit=1)))
    return [] if found else [f"{label} '{value}' does not exist in Accounting ({sobject}.{field})"]
