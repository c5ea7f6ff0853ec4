"""Credentials hold no secret and point where the README says; the six permission sets mirror the
source product's and grant only classes, flows, fields and the principal that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.unit.salesforce.salesforce_dx import DEFAULT, PROJECT, text, xml

PERMISSION_SETS = sorted((DEFAULT / "permissionsets").glob("*.permissionset-meta.xml"))
# For an org with the earlier package: one companion per set, with the SCMFFA__ fields only.
COMPANIONS = sorted((PROJECT / "scmffa" / "main" / "default" / "permissionsets").glob("*.permissionset-meta.xml"))
CLASSES = {p.name.removesuffix(".cls") for p in (DEFAULT / "classes").glob("*.cls")}
FLOWS = {p.name.removesuffix(".flow-meta.xml") for p in (DEFAULT / "flows").glob("*.flow-meta.xml")}
FIELDS = {
    f"{p.parent.parent.name}.{p.name.removesuffix('.field-meta.xml')}" for p in (DEFAULT / "objects").glob("*/fields/*")
}
# The status mirror formulas read the earlier package's lookups: they ship in scmffa/, read-only.
MIRRORS = {
    f"{p.parent.parent.name}.{p.name.removesuffix('.field-meta.xml')}"
    for p in (PROJECT / "scmffa" / "main" / "default" / "objects").glob("*/fields/*")
}
CREDENTIAL = xml(DEFAULT / "externalCredentials" / "OIM_Connector_AWS.externalCredential-meta.xml")


def test_external_credential_signs_for_api_gateway_without_a_secret() -> None:
    assert text(CREDENTIAL, "authenticationProtocol") == "AwsSv4"
    params = {
        text(p, "parameterName"): (text(p, "parameterType"), text(p, "parameterValue"))
        for p in CREDENTIAL.iter("externalCredentialParameters")
    }
    assert params["AwsService"] == ("AuthParameter", "execute-api")
    assert params["AwsRegion"][0] == "AuthParameter"
    assert params["OIM_Connector_Principal"] == ("NamedPrincipal", None)
    assert set(params) == {"AwsService", "AwsRegion", "OIM_Connector_Principal"}


def test_named_credential_uses_it_and_carries_a_placeholder_url() -> None:
    named = xml(DEFAULT / "namedCredentials" / "OIM_Connector_API.namedCredential-meta.xml")
    params = {text(p, "parameterType"): p for p in named.iter("namedCredentialParameters")}
    assert text(params["Authentication"], "externalCredential") == "OIM_Connector_AWS"
    assert "SET-FROM-STACK-OUTPUT-ApiUrl" in (text(params["Url"], "parameterValue") or "")
    assert text(named, "namedCredentialType") == "SecuredEndpoint"


def test_no_secret_anywhere_in_the_metadata() -> None:
    pattern = re.compile(r"AKIA[0-9A-Z]{16}|aws_secret|SecretAccessKey|-----BEGIN", re.IGNORECASE)
    offenders = [
        p for p in (PROJECT / "force-app").rglob("*") if p.is_file() and pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_six_permission_sets_of_the_source_product() -> None:
    labels = {text(xml(p), "label"): p.name.removesuffix(".permissionset-meta.xml") for p in PERMISSION_SETS}
    assert set(labels) == {
        "OIM Accounting Administration",
        "OIM Accounting Pull AP Vouchers and AP Voucher Credits",
        "OIM Accounting Pull OIM Invoices and Credit Invoices",
        "OIM Accounting Push AP Vouchers and AP Voucher Credits",
        "OIM Accounting Push OIM Invoices and Credit Invoices",
        "OIM Accounting Sync Vendor Accounts to Supplier Sites",
    }
    assert all(api == label.replace(" ", "_") for label, api in labels.items())


@pytest.mark.parametrize("path", PERMISSION_SETS, ids=lambda p: p.name.split(".")[0])
def test_permission_set_grants_only_what_exists(path: Path) -> None:
    root = xml(path)
    principals = {
        f"{path.name.split('.')[0]}-{text(p, 'parameterName')}"
        for path in (DEFAULT / "externalCredentials").glob("*.externalCredential-meta.xml")
        for p in xml(path).iter("externalCredentialParameters")
        if text(p, "parameterType") == "NamedPrincipal"
    }
    assert {text(c, "apexClass") for c in root.iter("classAccesses")} <= CLASSES
    assert {text(f, "flowName") for f in root.iter("flowAccesses")} <= FLOWS
    assert {text(f, "field") for f in root.iter("fieldPermissions")} <= FIELDS
    granted = {text(e, "externalCredentialPrincipal") for e in root.iter("externalCredentialPrincipalAccesses")}
    assert granted <= principals
    # The admin principal (the OIM Connector tab's callouts) only for the administration set.
    admin = path.name.startswith("OIM_Accounting_Administration")
    assert ("OIM_Connector_AWS_Admin-OIM_Connector_Admin_Principal" in granted) == admin
    assert (root.find("tabSettings") is not None) == admin
    assert (root.find("customPermissions") is not None) == admin
    if root.find("flowAccesses") is not None:
        # A button user needs the action class and the principal that signs its callout.
        assert "OimCreateDocumentsAction" in {text(c, "apexClass") for c in root.iter("classAccesses")}
        assert root.find("externalCredentialPrincipalAccesses") is not None


def test_only_administration_reaches_the_posting_endpoint_and_edits_connector_fields() -> None:
    for path in PERMISSION_SETS:
        root = xml(path)
        admin = path.name.startswith("OIM_Accounting_Administration")
        assert ("OimPostingService" in {text(c, "apexClass") for c in root.iter("classAccesses")}) == admin
        assert any(text(f, "editable") == "true" for f in root.iter("fieldPermissions")) == admin
    admin_fields = {text(f, "field") for f in xml(PERMISSION_SETS[0]).iter("fieldPermissions")}
    admin_fields |= {text(f, "field") for f in xml(COMPANIONS[0]).iter("fieldPermissions")}
    # Every connector field (the platform events' and the trigger custom setting's need no field permission).
    assert admin_fields == MIRRORS | {
        f for f in FIELDS if not f.split(".")[0].endswith("__e") and not f.startswith("OIM_Trigger_Settings__c.")
    }


def test_the_six_sets_deploy_without_the_earlier_package_and_their_companions_add_its_fields() -> None:
    assert [p.name.replace("_SCMFFA_Fields", "") for p in COMPANIONS] == [p.name for p in PERMISSION_SETS]
    for base, companion in zip(PERMISSION_SETS, COMPANIONS, strict=True):
        base_fields = {text(f, "field") or "" for f in xml(base).iter("fieldPermissions")}
        added = {text(f, "field") or "" for f in xml(companion).iter("fieldPermissions")}
        assert not any(".SCMFFA__" in f for f in base_fields), base.name
        assert added and all(".SCMFFA__" in f or f in MIRRORS for f in added), companion.name
        assert added <= FIELDS | MIRRORS
        assert text(xml(companion), "label") == f"{text(xml(base), 'label')} (SCMFFA fields)"
