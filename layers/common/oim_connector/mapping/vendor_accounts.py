"""Supplier sites (SCMC__Supplier_Site__c) -> vendor Accounts, and back.

connector-spec.md §9: creating a site creates its vendor account, changing a mapped field
updates the linked account; control GLAs default from the settings for new sites; payment
terms are cut to the 24 characters of the account's text field; a site that would duplicate
an existing vendor is refused. Pure: the site, its account and the duplicate candidates come
in as arguments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from oim_connector.mapping.reference import ReferenceData
from oim_connector.mapping.rules import MappingError, apply_rules, get_path
from oim_connector.model.documents import Mapped, SourceLink, TargetDocument
from oim_connector.model.settings import FieldRule, VendorAccountSettings

PREFIX = "SUPPLIER_SITE"
SITE_OBJECT = "SCMC__Supplier_Site__c"
ACCOUNT_OBJECT = "Account"
SITE_ACCOUNT_FIELD = "SCMC__Account__c"
# The connector's own field on the site: why the sync refused it, so the user who saved it sees why.
SITE_ERROR_FIELD = "Vendor_Sync_Error__c"
SITE_ERROR_LENGTH = 255
SITE_AP_FIELD = "SCMFFA__Accounts_Payable_Control_GLA__c"
SITE_AR_FIELD = "SCMFFA__Accounts_Receivable_Control_GLA__c"
ACCOUNT_AP_FIELD = "c2g__CODAAccountsPayableControl__c"
ACCOUNT_AR_FIELD = "c2g__CODAAccountsReceivableControl__c"
ACCOUNT_SITE_FIELD = "Supplier_Site__c"
ACCOUNT_VERSION_FIELD = "Supplier_Site_Version__c"
PAYMENT_TERMS_LENGTH = 24  # Account's payment terms text field (c2g__CODADescription1__c)

SITE_FIELDS = (
    "Id",
    "Name",
    "SystemModstamp",
    SITE_ERROR_FIELD,
    "SCMC__Supplier_Name__c",
    "SCMC__Account__c",
    "SCMC__Active__c",
    "SCMC__Office_Phone__c",
    "SCMC__FAX__c",
    "SCMC__Currency__c",
    "SCMC__Currency__r.Name",
    "SCMC__Mailing_Street__c",
    "SCMC__Mailing_Street_Additional_Information__c",
    "SCMC__Mailing_City__c",
    "SCMC__Mailing_State_Province__c",
    "SCMC__Mailing_Zip_Postal_Code__c",
    "SCMC__Mailing_Country__c",
    "SCMC__PO_Payment_Terms__c",
    "SCMC__PO_Payment_Terms__r.SCMC__Terms_Name__c",
    SITE_AP_FIELD,
    SITE_AR_FIELD,
)
# Fields of the account the mapping compares against (besides the rules' targets).
ACCOUNT_FIELDS = ("Id", "Name", "Type", "OIM_External_Id__c", ACCOUNT_SITE_FIELD, ACCOUNT_VERSION_FIELD)


def external_id(site_id: str) -> str:
    return f"{PREFIX}:{site_id}"


@dataclass(frozen=True)
class DuplicateCandidate:
    """An existing vendor the new site would duplicate, and why."""

    account_id: str
    account_name: str
    matched_on: str  # e.g. "supplier name 'Globex Components'"


def duplicate_field(settings: VendorAccountSettings) -> str | None:
    """The site field whose value another vendor must not share, or ``None`` when the check is off."""
    if settings.duplicate_check == "supplier_name":
        return "SCMC__Supplier_Name__c"
    if settings.duplicate_check == "custom_criteria":
        return settings.duplicate_check_field
    return None


def duplicate_key(value: Any) -> str | None:
    """A value as SOQL's ``=`` compares it (text ignoring case), so rows read for several sites at
    once are matched back to the right site; ``None`` for a blank value, which matches nothing."""
    if value in (None, ""):
        return None
    return str(value).lower()


def site_label(site: Mapping[str, Any]) -> str:
    return f"Supplier site {site.get('Name') or site.get('Id')}"


def map_vendor_account(
    site: Mapping[str, Any],
    *,
    account: Mapping[str, Any] | None,
    duplicates: Sequence[DuplicateCandidate],
    ref: ReferenceData,
    settings: VendorAccountSettings,
    rules: Sequence[FieldRule],
    version: str,
) -> Mapped:
    """The account fields for the site's current state; the site link when the site has none.

    ``account`` is the site's linked account, or the account already created for it (found by
    its external id); ``None`` means a new vendor account.
    """
    site_id = str(site["Id"])
    name = site.get("Name")
    linked = bool(site.get(SITE_ACCOUNT_FIELD))
    if account is not None:
        reason = _older_change(site_id, account, version)
        if reason:
            return Mapped(site_id, name, skip_reason=reason)
    elif duplicates:
        return Mapped(site_id, name, errors=(_duplicate_message(site, duplicates),))
    try:
        fields, site_defaults = _account_fields(site, account=account, ref=ref, settings=settings, rules=rules,
                                                version=version)  # fmt: skip
    except MappingError as error:
        return Mapped(site_id, name, errors=(str(error),))
    if linked and account is not None and _unchanged(fields, account):
        # Nothing to write: also what stops the two directions from echoing each other forever.
        return Mapped(site_id, name, skip_reason=f"Vendor account {account.get('Name')} is already in sync")
    document = TargetDocument(ACCOUNT_OBJECT, external_id(site_id), fields, (), Decimal(0), name_hint=name)
    header_link = None if linked else SourceLink(SITE_OBJECT, site_id, SITE_ACCOUNT_FIELD, extra_fields=site_defaults)
    return Mapped(site_id, name, documents=(document,), header_link=header_link)


def _older_change(site_id: str, account: Mapping[str, Any], version: str) -> str | None:
    """An older change never overwrites a newer one. The stored version belongs to the site
    named on the account; an account shared by several sites is ordered by the queue alone."""
    stored = account.get(ACCOUNT_VERSION_FIELD)
    if account.get(ACCOUNT_SITE_FIELD) == site_id and stored and str(stored) > version:
        return f"A newer change of this site (version {stored}) is already applied to {account.get('Name')}"
    return None


def _duplicate_message(site: Mapping[str, Any], duplicates: Sequence[DuplicateCandidate]) -> str:
    first = duplicates[0]
    return (
        f"{site_label(site)} would duplicate the vendor account {first.account_name} ({first.account_id}), "
        f"which has the same {first.matched_on}: link the site to that account (Account field on the site) "
        "or correct the site, then replay its change"
    )


def _account_fields(
    site: Mapping[str, Any],
    *,
    account: Mapping[str, Any] | None,
    ref: ReferenceData,
    settings: VendorAccountSettings,
    rules: Sequence[FieldRule],
    version: str,
) -> tuple[dict[str, Any], dict[str, Any]]:
    new = account is None
    owner = account.get(ACCOUNT_SITE_FIELD) if account is not None else None
    ap, ap_default = _control_gla(site, account, SITE_AP_FIELD, ACCOUNT_AP_FIELD, settings.default_ap_control_gla,
                                  "Default AP Control GLA", ref)  # fmt: skip
    ar, ar_default = _control_gla(site, account, SITE_AR_FIELD, ACCOUNT_AR_FIELD, settings.default_ar_control_gla,
                                  "Default AR Control GLA", ref)  # fmt: skip
    site_defaults: dict[str, Any] = {}
    if new and settings.write_default_glas_to_site:
        site_defaults = {field: value for field, value in ((SITE_AP_FIELD, ap_default), (SITE_AR_FIELD, ar_default))
                         if value}  # fmt: skip
    derived = {
        "account_name": _account_name(site, settings),
        "account_type": _account_type(account),
        "street": _street(site),
        "payment_terms": _payment_terms(site),
        "ap_control": ap,
        "ar_control": ar,
        "site": owner or site["Id"],
        "version": version,
    }
    fields = apply_rules(rules, "header", site, derived)
    if owner not in (None, site["Id"]):
        # A shared account keeps the version of the site it was created for.
        fields.pop(ACCOUNT_VERSION_FIELD, None)
    return fields, site_defaults


def _control_gla(
    site: Mapping[str, Any],
    account: Mapping[str, Any] | None,
    site_field: str,
    account_field: str,
    default_code: str | None,
    setting_label: str,
    ref: ReferenceData,
) -> tuple[str | None, str | None]:
    """(GLA for the account, default applied) — the site's own GLA, else the account's current
    one, else for a new vendor the default from the settings."""
    own = site.get(site_field)
    if own:
        return str(own), None
    if account is not None:
        current = account.get(account_field)
        return (str(current) if current else None), None
    if not default_code:
        return None, None
    gla = ref.gla_by_reporting_code.get(default_code)
    if gla is None:
        raise MappingError(
            f"{site_label(site)}: no general ledger account has the reporting code '{default_code}' named by the "
            f"{setting_label} setting: correct the setting or create the GLA in Accounting"
        )
    return gla, gla


def _account_name(site: Mapping[str, Any], settings: VendorAccountSettings) -> str:
    supplier = site.get("SCMC__Supplier_Name__c")
    if settings.account_name_source == "supplier_name" and supplier:
        return str(supplier)
    return str(site.get("Name") or supplier)


def _account_type(account: Mapping[str, Any] | None) -> str:
    current = account.get("Type") if account is not None else None
    if current == "Customer":
        return "Customer and Vendor"
    return str(current) if current in ("Vendor", "Customer and Vendor") else "Vendor"


def _street(site: Mapping[str, Any]) -> str | None:
    parts = [site.get("SCMC__Mailing_Street__c"), site.get("SCMC__Mailing_Street_Additional_Information__c")]
    text = "\n".join(str(p) for p in parts if p)
    return text or None


def _payment_terms(site: Mapping[str, Any]) -> str | None:
    """The site's Payment_Terms_Name__c formula: the PO payment terms name cut to 24 characters."""
    terms = get_path(site, "SCMC__PO_Payment_Terms__r.SCMC__Terms_Name__c")
    return str(terms)[:PAYMENT_TERMS_LENGTH] if terms else None


def _same(a: Any, b: Any) -> bool:
    if a in (None, "") and b in (None, ""):
        return True
    return bool(a == b)


def _unchanged(fields: Mapping[str, Any], account: Mapping[str, Any]) -> bool:
    return all(_same(value, get_path(account, target)) for target, value in fields.items()
               if target != ACCOUNT_VERSION_FIELD)  # fmt: skip


# -- the reverse direction: vendor Account -> its supplier sites -----------------------------


def reverse_rules(rules: Sequence[FieldRule], settings: VendorAccountSettings) -> dict[str, str]:
    """Account field -> site field: the inverse of the forward rules that copy a plain site field,
    so a value synced one way and back comes out unchanged (no ping-pong), plus the name and
    control GLAs."""
    pairs = {r.target: r.source for r in rules if r.level == "header" and r.source and "." not in r.source}
    pairs["Name"] = "SCMC__Supplier_Name__c" if settings.account_name_source == "supplier_name" else "Name"
    pairs[ACCOUNT_AP_FIELD] = SITE_AP_FIELD
    pairs[ACCOUNT_AR_FIELD] = SITE_AR_FIELD
    return pairs


SITE_EXTERNAL_ID_PREFIX = "SITE"
SITE_NAME_LENGTH = 80


def new_supplier_site(account: Mapping[str, Any], *, pairs: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
    """(external id, fields) of the supplier site a new vendor account gets (accounts -> suppliers):
    the account's values through the reverse rules, its name, and the link to it."""
    fields = map_supplier_site(account, {}, pairs=pairs)
    fields.setdefault("Name", str(account.get("Name") or account["Id"])[:SITE_NAME_LENGTH])
    fields[SITE_ACCOUNT_FIELD] = account["Id"]
    return f"{SITE_EXTERNAL_ID_PREFIX}:{account['Id']}", fields


def map_supplier_site(
    account: Mapping[str, Any], site: Mapping[str, Any], *, pairs: Mapping[str, str]
) -> dict[str, Any]:
    """Site fields that differ from the account's: empty when the site is already in sync."""
    changes: dict[str, Any] = {}
    for account_field, site_field in pairs.items():
        value = get_path(account, account_field)
        if account_field in (ACCOUNT_AP_FIELD, ACCOUNT_AR_FIELD) and not value:
            continue  # never clear a site's GLA because the account has none yet
        if not _same(value, site.get(site_field)):
            changes[site_field] = value
    return changes
