"""Writes the six permission sets, mirroring the source product's (connector-spec.md §12.2).

Run from the repository root after fields or classes change:
    .venv/bin/python salesforce/scripts/generate_permission_sets.py
Field permissions come from the field files under force-app; tests/unit/salesforce checks that every
permission names a field, class, flow and principal that exists.

The earlier connector package's fields (SCMFFA__) exist only in an org that has that package, so
their permissions are apart: force-app's six sets name only fields any org can have, and for an org
with the earlier package, scmffa/ holds one companion set per set ("... (SCMFFA fields)").
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "salesforce" / "force-app" / "main" / "default"
SCMFFA_DEFAULT = ROOT / "salesforce" / "scmffa" / "main" / "default"
EARLIER = "SCMFFA__"
# Objects of the package whose fields need no field permissions: platform events, the trigger switches.
NO_FIELD_PERMISSIONS = ("OIM_Trigger_Settings__c",)
PRINCIPAL = "OIM_Connector_AWS-OIM_Connector_Principal"
ADMIN_PRINCIPAL = "OIM_Connector_AWS_Admin-OIM_Connector_Admin_Principal"
BUTTON_CLASSES = ("OimCreateDocumentsAction",)
BUTTON_FLOWS = ("OIM_Create_Document_From_Record", "OIM_Create_Documents_From_List")

SALES = (
    "SCMC__Invoicing__c",
    "SCMC__Invoice_Line_Item__c",
    "SCMC__Credit_Invoice__c",
    "SCMC__Credit_Invoice_Line__c",
    "c2g__codaInvoice__c",
    "c2g__codaInvoiceLineItem__c",
    "c2g__codaCreditNote__c",
    "c2g__codaCreditNoteLineItem__c",
)
PAYABLES = (
    "SCMC__AP_Voucher__c",
    "SCMC__AP_Voucher_Line__c",
    "SCMC__AP_Voucher_Credit__c",
    "SCMC__AP_Voucher_Line_Credit__c",
    "c2g__codaPurchaseInvoice__c",
    "c2g__codaPurchaseInvoiceLineItem__c",
    "c2g__codaPurchaseInvoiceExpenseLineItem__c",
    "c2g__codaPurchaseCreditNote__c",
    "c2g__codaPurchaseCreditNoteLineItem__c",
    "c2g__codaPurchaseCreditNoteExpLineItem__c",
)
VENDORS = ("Account", "SCMC__Supplier_Site__c")


@dataclass
class PermissionSet:
    name: str
    label: str
    description: str
    objects: tuple[str, ...] | None  # None: every object with connector fields
    editable: bool = False
    classes: tuple[str, ...] = BUTTON_CLASSES
    flows: tuple[str, ...] = BUTTON_FLOWS
    principal: bool = True
    events: tuple[str, ...] = field(default_factory=tuple)
    admin: bool = False  # the OIM Connector tab: its principal, custom permission and tab visibility


PERMISSION_SETS = (
    PermissionSet(
        "OIM_Accounting_Administration",
        "OIM Accounting Administration",
        "Administers the OIM to Accounting connector and is the connector's integration user: every "
        "connector field (read and edit), every button, the posting endpoint and the platform events. "
        "Also the journal buttons, for which the source product has no separate permission set.",
        objects=None,
        editable=True,
        classes=("OimAdminController", "OimCreateDocumentsAction", "OimPostingService"),
        events=("OIM_Document_Event__e", "Supplier_Site_Event__e"),
        admin=True,
    ),
    PermissionSet(
        "OIM_Accounting_Pull_AP_Vouchers_and_AP_Voucher_Credits",
        "OIM Accounting Pull AP Vouchers and AP Voucher Credits",
        'List-view buttons "Create from AP Vouchers" and "Create from AP Voucher Credits".',
        objects=PAYABLES,
    ),
    PermissionSet(
        "OIM_Accounting_Pull_OIM_Invoices_and_Credit_Invoices",
        "OIM Accounting Pull OIM Invoices and Credit Invoices",
        'List-view buttons "Create from OIM Invoices" and "Create from Credit Invoices".',
        objects=SALES,
    ),
    PermissionSet(
        "OIM_Accounting_Push_AP_Vouchers_and_AP_Voucher_Credits",
        "OIM Accounting Push AP Vouchers and AP Voucher Credits",
        'Record actions "Create Payable Invoice" and "Create Payable Credit Note".',
        objects=PAYABLES,
    ),
    PermissionSet(
        "OIM_Accounting_Push_OIM_Invoices_and_Credit_Invoices",
        "OIM Accounting Push OIM Invoices and Credit Invoices",
        'Record actions "Create Sales Invoice" and "Create Sales Credit Note".',
        objects=SALES,
    ),
    PermissionSet(
        "OIM_Accounting_Sync_Vendor_Accounts_to_Supplier_Sites",
        "OIM Accounting Sync Vendor Accounts to Supplier Sites",
        "Sees the vendor account and supplier site fields the real-time sync keeps (no button).",
        objects=VENDORS,
        classes=(),
        flows=(),
        principal=False,
    ),
)


def connector_fields() -> list[tuple[str, str, bool]]:
    """(object, field, needs the earlier package): the fields generate_fields.py writes, and those
    under scmffa/ (the status mirrors read the earlier package's lookups). Platform events' and the
    trigger switches' fields need no field permissions."""
    found = []
    for root in (DEFAULT, SCMFFA_DEFAULT):
        for path in (root / "objects").glob("*/fields/*.field-meta.xml"):
            obj, fld = path.parent.parent.name, path.name.removesuffix(".field-meta.xml")
            if obj.endswith("__e") or obj in NO_FIELD_PERMISSIONS:
                continue
            found.append((obj, fld, root == SCMFFA_DEFAULT or fld.startswith(EARLIER)))
    return sorted(found)


def earlier_package_companion(ps: PermissionSet) -> PermissionSet:
    """The set that adds the SCMFFA__ field permissions of ``ps``, for an org with the earlier package."""
    return PermissionSet(
        f"{ps.name}_SCMFFA_Fields",
        f"{ps.label} (SCMFFA fields)",
        f"Adds to {ps.label}, in an org with the earlier connector package (SCMFFA): its fields.",
        objects=ps.objects,
        editable=ps.editable,
        classes=(),
        flows=(),
        principal=False,
    )


def xml_of(ps: PermissionSet, earlier: bool = False) -> str:
    """The set's file; ``earlier``: only the SCMFFA__ fields (the companion), else only the others."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">',
    ]
    for cls in ps.classes:
        lines += [
            "    <classAccesses>",
            f"        <apexClass>{cls}</apexClass>",
            "        <enabled>true</enabled>",
            "    </classAccesses>",
        ]
    if ps.admin:
        lines += ["    <customPermissions>", "        <enabled>true</enabled>",
                  "        <name>OIM_Connector_Administration</name>", "    </customPermissions>"]  # fmt: skip
    lines.append(f"    <description>{ps.description}</description>")
    principals = ([PRINCIPAL] if ps.principal else []) + ([ADMIN_PRINCIPAL] if ps.admin else [])
    for principal in principals:
        lines += [
            "    <externalCredentialPrincipalAccesses>",
            "        <enabled>true</enabled>",
            f"        <externalCredentialPrincipal>{principal}</externalCredentialPrincipal>",
            "    </externalCredentialPrincipalAccesses>",
        ]
    for obj, fld, needs_earlier in connector_fields():
        if ps.objects is not None and obj not in ps.objects:
            continue
        if needs_earlier != earlier:
            continue
        formula = (SCMFFA_DEFAULT / "objects" / obj / "fields" / f"{fld}.field-meta.xml").exists()
        lines += [
            "    <fieldPermissions>",
            f"        <editable>{'true' if ps.editable and not formula else 'false'}</editable>",
            f"        <field>{obj}.{fld}</field>",
            "        <readable>true</readable>",
            "    </fieldPermissions>",
        ]
    for flow in ps.flows:
        lines += [
            "    <flowAccesses>",
            "        <enabled>true</enabled>",
            f"        <flowName>{flow}</flowName>",
            "    </flowAccesses>",
        ]
    lines += ["    <hasActivationRequired>false</hasActivationRequired>", f"    <label>{ps.label}</label>"]
    for event in ps.events:
        lines += [
            "    <objectPermissions>",
            "        <allowCreate>true</allowCreate>",
            "        <allowDelete>false</allowDelete>",
            "        <allowEdit>false</allowEdit>",
            "        <allowRead>true</allowRead>",
            "        <modifyAllRecords>false</modifyAllRecords>",
            f"        <object>{event}</object>",
            "        <viewAllRecords>false</viewAllRecords>",
            "    </objectPermissions>",
        ]
    if ps.admin:
        lines += ["    <tabSettings>", "        <tab>OIM_Connector</tab>", "        <visibility>Visible</visibility>",
                  "    </tabSettings>"]  # fmt: skip
    lines.append("</PermissionSet>")
    return "\n".join(lines) + "\n"


def main() -> int:
    out = DEFAULT / "permissionsets"
    out.mkdir(parents=True, exist_ok=True)
    companions = SCMFFA_DEFAULT / "permissionsets"
    companions.mkdir(parents=True, exist_ok=True)
    for ps in PERMISSION_SETS:
        (out / f"{ps.name}.permissionset-meta.xml").write_text(xml_of(ps), encoding="utf-8")
        companion = earlier_package_companion(ps)
        (companions / f"{companion.name}.permissionset-meta.xml").write_text(
            xml_of(companion, earlier=True), encoding="utf-8"
        )
    print(
        f"wrote {len(PERMISSION_SETS)} permission sets under {out.relative_to(ROOT)} and their SCMFFA companions under "
        f"{companions.relative_to(ROOT)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
