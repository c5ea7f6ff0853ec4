"""Applies one record change through the org port: read the current state, map, write one graph.

Supplier site -> vendor Account: the account upsert (by external id ``SUPPLIER_SITE:<site Id>``)
and the site's Account lookup are one composite graph, so a site is never left linked to
nothing nor an account created twice, whatever is retried. Account -> supplier sites (behind
``sync_accounts_to_suppliers``) updates only the site fields that differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from oim_connector.errors import ConnectorError
from oim_connector.mapping.defaults import default_rules
from oim_connector.mapping.reference import ReferenceData
from oim_connector.mapping.rules import effective_rules
from oim_connector.mapping.vendor_accounts import (
    ACCOUNT_FIELDS,
    ACCOUNT_OBJECT,
    SITE_ACCOUNT_FIELD,
    SITE_FIELDS,
    SITE_OBJECT,
    DuplicateCandidate,
    external_id,
    map_supplier_site,
    map_vendor_account,
    reverse_rules,
    site_label,
)
from oim_connector.model.documents import EXTERNAL_ID_FIELD, Mapped
from oim_connector.model.settings import FieldRule, VendorAccountSettings
from oim_connector.org.graph import Graph, GraphNode, ref, update_node, upsert_node
from oim_connector.org.port import OrgPort
from oim_connector.org.soql import Select, eq, is_in, ne
from oim_connector.vendor_sync.messages import RecordChange

IGNORED_CHANGE_TYPES = ("DELETE", "GAP_DELETE", "UNDELETE", "GAP_UNDELETE")

Outcome = Literal["created", "updated", "skipped"]


class SyncRefused(ConnectorError):
    """The change cannot be applied until someone fixes the data or the settings; the message
    says what to fix. The message is retried, then kept in the dead-letter queue for replay."""


@dataclass(frozen=True)
class SyncResult:
    record_id: str
    outcome: Outcome
    account_id: str | None = None
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"recordId": self.record_id, "outcome": self.outcome, "accountId": self.account_id,
                "reason": self.reason}  # fmt: skip


class VendorSync:
    """One per invocation: holds the settings and the default GLAs it looked up."""

    def __init__(self, org: OrgPort, settings: VendorAccountSettings) -> None:
        self.org = org
        self.settings = settings
        self.rules: list[FieldRule] = effective_rules(
            default_rules("vendor_accounts"), settings.custom_mappings, settings.use_custom_mappings
        )
        self._ref: ReferenceData | None = None

    def apply(self, change: RecordChange) -> SyncResult:
        if change.change_type in IGNORED_CHANGE_TYPES:
            return SyncResult(change.record_id, "skipped", reason=f"{change.change_type} changes are not synced")
        if change.sobject == SITE_OBJECT:
            return self.apply_site(change)
        return self.apply_account(change)

    # -- supplier site -> vendor account -------------------------------------------------------
    def apply_site(self, change: RecordChange) -> SyncResult:
        if not self.settings.sync_suppliers_to_accounts:
            return SyncResult(change.record_id, "skipped", reason="Sync Suppliers to Accounts is off")
        site = self._site(change.record_id)
        account = self._own_account(site)
        duplicates = self._duplicates(site) if account is None else []
        mapped = map_vendor_account(site, account=account, duplicates=duplicates, ref=self._reference(),
                                    settings=self.settings, rules=self.rules, version=change.version)  # fmt: skip
        if mapped.errors:
            raise SyncRefused("; ".join(mapped.errors))
        if mapped.skip_reason:
            return SyncResult(change.record_id, "skipped", account.get("Id") if account else None, mapped.skip_reason)
        return self._write(site, mapped)

    def _site(self, site_id: str) -> dict[str, Any]:
        account_paths = tuple(f"SCMC__Account__r.{f}" for f in (*ACCOUNT_FIELDS, *self._account_targets()))
        fields = tuple(dict.fromkeys((*SITE_FIELDS, *self._rule_sources(), *account_paths)))
        found = list(self.org.query(Select(SITE_OBJECT, fields, where=eq("Id", site_id))))
        if not found:
            raise SyncRefused(f"Supplier site {site_id} does not exist (or the integration user cannot see it)")
        return found[0]

    def _own_account(self, site: dict[str, Any]) -> dict[str, Any] | None:
        linked = site.get("SCMC__Account__r")
        if site.get(SITE_ACCOUNT_FIELD):
            return dict(linked) if isinstance(linked, dict) else {"Id": site[SITE_ACCOUNT_FIELD]}
        # A graph that committed before a crash left the account behind: find it by its external id.
        fields = tuple(dict.fromkeys((*ACCOUNT_FIELDS, *self._account_targets())))
        found = list(
            self.org.query(Select(ACCOUNT_OBJECT, fields, where=eq(EXTERNAL_ID_FIELD, external_id(site["Id"]))))
        )
        return found[0] if found else None

    def _duplicates(self, site: dict[str, Any]) -> list[DuplicateCandidate]:
        mode = self.settings.duplicate_check
        if mode == "supplier_name":
            name = site.get("SCMC__Supplier_Name__c")
            if not name:
                return []
            select = Select(ACCOUNT_OBJECT, ("Id", "Name"), where=eq("Name", name), order_by=("Id",))
            return [DuplicateCandidate(r["Id"], r["Name"], f"supplier name '{name}'") for r in self.org.query(select)]
        if mode == "custom_criteria" and self.settings.duplicate_check_field:
            field = self.settings.duplicate_check_field
            value = site.get(field)
            if value in (None, ""):
                return []
            where = eq(field, value) & ne("Id", site["Id"]) & ne(SITE_ACCOUNT_FIELD, None)
            select = Select(SITE_OBJECT, ("Id", "Name", SITE_ACCOUNT_FIELD, "SCMC__Account__r.Name"), where=where,
                            order_by=("Id",))  # fmt: skip
            return [DuplicateCandidate(r[SITE_ACCOUNT_FIELD], str((r.get("SCMC__Account__r") or {}).get("Name")),
                                       f"{field} '{value}' as supplier site {r['Name']}")
                    for r in self.org.query(select)]  # fmt: skip
        return []

    def _write(self, site: dict[str, Any], mapped: Mapped) -> SyncResult:
        document = mapped.documents[0]
        nodes: list[GraphNode]
        if mapped.header_link is None:
            nodes = [update_node(ACCOUNT_OBJECT, str(site[SITE_ACCOUNT_FIELD]), "account", document.fields)]
        else:
            link = mapped.header_link
            nodes = [
                upsert_node(ACCOUNT_OBJECT, EXTERNAL_ID_FIELD, document.external_id, "account", document.fields),
                update_node(SITE_OBJECT, link.record_id, "site", {link.field: ref("account"), **link.extra_fields}),
            ]
        result = self.org.run_graphs([Graph(f"site_{site['Id']}", tuple(nodes))])[0]
        if not result.successful:
            problems = "; ".join(message for _, _, message in result.errors()) or "the org rolled the change back"
            raise SyncRefused(f"The vendor account of {site_label(site)} could not be saved: {problems}")
        node = result.nodes["account"]
        account_id = node.record_id or site.get(SITE_ACCOUNT_FIELD)
        outcome: Outcome = "created" if node.created else "updated"
        return SyncResult(str(site["Id"]), outcome, account_id)

    def _reference(self) -> ReferenceData:
        """Only the GLAs the default settings name: one small query per invocation, not per message."""
        if self._ref is None:
            codes = [c for c in (self.settings.default_ap_control_gla, self.settings.default_ar_control_gla) if c]
            glas: dict[str, str] = {}
            if codes:
                select = Select("c2g__codaGeneralLedgerAccount__c", ("Id", "c2g__ReportingCode__c"),
                                where=is_in("c2g__ReportingCode__c", codes))  # fmt: skip
                glas = {r["c2g__ReportingCode__c"]: r["Id"] for r in self.org.query(select)}
            self._ref = ReferenceData(gla_by_reporting_code=glas)
        return self._ref

    def _account_targets(self) -> list[str]:
        return [r.target for r in self.rules if r.level == "header"]

    def _rule_sources(self) -> list[str]:
        return [r.source for r in self.rules if r.level == "header" and r.source]

    # -- vendor account -> supplier sites (optional) -------------------------------------------
    def apply_account(self, change: RecordChange) -> SyncResult:
        if not self.settings.sync_accounts_to_suppliers:
            return SyncResult(change.record_id, "skipped", reason="Sync Accounts to Suppliers is off")
        pairs = reverse_rules(self.rules, self.settings)
        fields = tuple(dict.fromkeys(("Id", "Name", "Type", *pairs)))
        accounts = list(self.org.query(Select(ACCOUNT_OBJECT, fields, where=eq("Id", change.record_id))))
        if not accounts:
            raise SyncRefused(f"Account {change.record_id} does not exist (or the integration user cannot see it)")
        account = accounts[0]
        if account.get("Type") not in self.settings.reverse_account_types:
            kind = account.get("Type") or "blank"
            reason = f"Account {account['Name']} is not a vendor (Type {kind})"
            return SyncResult(change.record_id, "skipped", change.record_id, reason)
        site_fields = tuple(dict.fromkeys(("Id", "Name", *pairs.values())))
        sites = list(self.org.query(Select(SITE_OBJECT, site_fields, where=eq(SITE_ACCOUNT_FIELD, account["Id"]),
                                           order_by=("Id",))))  # fmt: skip
        updates = [{"Id": s["Id"], **changes} for s in sites if (changes := map_supplier_site(account, s, pairs=pairs))]
        if not updates:
            # The ping-pong guard: a change this connector made on the other side finds nothing to do.
            return SyncResult(change.record_id, "skipped", change.record_id, "Its supplier sites are already in sync")
        failed = [r for r in self.org.update_records(SITE_OBJECT, updates) if not r.success]
        if failed:
            raise SyncRefused(f"The supplier sites of account {account['Name']} could not be updated: "
                              + "; ".join(e for r in failed for e in r.errors))  # fmt: skip
        return SyncResult(change.record_id, "updated", change.record_id)
