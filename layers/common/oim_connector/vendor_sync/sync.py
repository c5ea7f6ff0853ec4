"""Applies record changes through the org port, a batch at a time: read, map, write.

Supplier site -> vendor Account: the account upsert (by external id ``SUPPLIER_SITE:<site Id>``)
and the site's Account lookup are one composite graph per site, so a site is never left linked
to nothing nor an account created twice, whatever is retried. A batch's sites are read together
(``reads.py``) and their graphs packed into as few requests as the limits allow, each graph still
its own transaction. Account -> supplier sites (behind ``sync_accounts_to_suppliers``) updates
only the site fields that differ.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from oim_connector.errors import ConnectorError
from oim_connector.mapping.defaults import default_rules
from oim_connector.mapping.rules import chunk, effective_rules
from oim_connector.mapping.vendor_accounts import (
    ACCOUNT_OBJECT,
    ACCOUNT_SITE_FIELD,
    SITE_ACCOUNT_FIELD,
    SITE_ERROR_FIELD,
    SITE_ERROR_LENGTH,
    SITE_OBJECT,
    duplicate_key,
    map_supplier_site,
    map_vendor_account,
    new_supplier_site,
    reverse_rules,
    site_label,
)
from oim_connector.model.documents import EXTERNAL_ID_FIELD, Mapped
from oim_connector.model.settings import FieldRule, VendorAccountSettings
from oim_connector.org.graph import Graph, GraphNode, GraphResult, pack_graphs, ref, update_node, upsert_node
from oim_connector.org.port import OrgPort
from oim_connector.org.soql import Select, eq
from oim_connector.vendor_sync.messages import RecordChange
from oim_connector.vendor_sync.reads import SiteBatch, SiteReader

IGNORED_CHANGE_TYPES = ("DELETE", "GAP_DELETE", "UNDELETE", "GAP_UNDELETE")
SITES_PER_READ = 200  # keeps each read's IN list well inside the URL length Salesforce accepts

log = logging.getLogger(__name__)

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


Applied = SyncResult | ConnectorError  # what became of one change: its result, or why it failed


class VendorSync:
    """One per invocation: holds the settings and the default GLAs it looked up."""

    def __init__(self, org: OrgPort, settings: VendorAccountSettings) -> None:
        self.org = org
        self.settings = settings
        self.rules: list[FieldRule] = effective_rules(
            default_rules("vendor_accounts"), settings.custom_mappings, settings.use_custom_mappings
        )
        self.reader = SiteReader(org, settings, self.rules)

    def apply_all(self, changes: Sequence[RecordChange]) -> dict[RecordChange, Applied]:
        """Every change's outcome. A site changed several times in the batch is synced once, at its
        newest version (the sync reads the site's current state, so the older changes are covered)."""
        applied: dict[RecordChange, Applied] = {}
        newest: dict[str, RecordChange] = {}
        for change in changes:
            if change.change_type in IGNORED_CHANGE_TYPES:
                applied[change] = SyncResult(change.record_id, "skipped",
                                             reason=f"{change.change_type} changes are not synced")  # fmt: skip
            elif change.sobject == SITE_OBJECT and not self.settings.sync_suppliers_to_accounts:
                applied[change] = SyncResult(change.record_id, "skipped", reason="Sync Suppliers to Accounts is off")
            elif change.sobject == SITE_OBJECT:
                if change.record_id not in newest or change.version > newest[change.record_id].version:
                    newest[change.record_id] = change
            else:
                applied[change] = self._guarded(self.apply_account, change)
        by_site = self.apply_sites(list(newest.values()))
        for change in changes:
            if change in applied:
                continue
            latest, result = newest[change.record_id], by_site[change.record_id]
            if change == latest or not isinstance(result, SyncResult):
                applied[change] = result
            else:
                reason = f"Superseded by its newer change {latest.version} in the same batch"
                applied[change] = SyncResult(change.record_id, "skipped", result.account_id, reason)
        return applied

    @staticmethod
    def _guarded(apply: Callable[[RecordChange], SyncResult], change: RecordChange) -> Applied:
        try:
            return apply(change)
        except ConnectorError as error:
            return error

    # -- supplier site -> vendor account -------------------------------------------------------
    def apply_sites(self, changes: Sequence[RecordChange]) -> dict[str, Applied]:
        """Each site's outcome (one change per site). New sites that could duplicate each other are
        applied in turns, so the second finds the first's account as sequential syncs would."""
        results: dict[str, Applied] = {}
        for part in chunk(changes, SITES_PER_READ):
            pending = list(part)
            while pending:
                done, pending = self._sites_round(pending)
                results.update(done)
        return results

    def _sites_round(self, changes: Sequence[RecordChange]) -> tuple[dict[str, Applied], list[RecordChange]]:
        results: dict[str, Applied] = {}
        try:
            batch = self.reader.read(changes)
        except ConnectorError as error:
            return {c.record_id: error for c in changes}, []
        for change in changes:
            if change.record_id not in batch.sites:
                results[change.record_id] = SyncRefused(
                    f"Supplier site {change.record_id} does not exist (or the integration user cannot see it)"
                )
        present = [c for c in changes if c.record_id not in results]
        new_sites = [batch.sites[c.record_id] for c in present if batch.account_of(batch.sites[c.record_id]) is None]
        now, later = self._first_of_each_duplicate_key(new_sites)
        try:
            duplicates = self.reader.duplicates(now, batch)
        except ConnectorError as error:
            results.update({str(site["Id"]): error for site in now})
            duplicates = {}
        waiting = {str(site["Id"]) for site in later}
        graphs: dict[str, Graph] = {}
        refusals: dict[str, str] = {}
        for change in present:
            site_id = change.record_id
            if site_id in results or site_id in waiting:
                continue
            site = batch.sites[site_id]
            account = batch.account_of(site)
            mapped = map_vendor_account(site, account=account, duplicates=duplicates.get(site_id, []),
                                        ref=self.reader.reference, settings=self.settings, rules=self.rules,
                                        version=change.version)  # fmt: skip
            if mapped.errors:
                results[site_id] = SyncRefused("; ".join(mapped.errors))
                refusals[site_id] = "; ".join(mapped.errors)
            elif mapped.skip_reason:
                results[site_id] = SyncResult(site_id, "skipped", account.get("Id") if account else None,
                                              mapped.skip_reason)  # fmt: skip
            else:
                graphs[site_id] = _site_graph(site, mapped)
        results.update(self._write(graphs, batch))
        self._record_refusals(refusals, batch)
        return results, [c for c in changes if c.record_id in waiting]

    def _record_refusals(self, refusals: Mapping[str, str], batch: SiteBatch) -> None:
        """Write each refusal on its site (SITE_ERROR_FIELD), unless the site already says so: the
        user who saved it sees why, and an unchanged value makes no new change event (no loop)."""
        updates = [
            {"Id": site_id, SITE_ERROR_FIELD: text}
            for site_id, reason in refusals.items()
            if (text := reason[:SITE_ERROR_LENGTH]) != batch.sites[site_id].get(SITE_ERROR_FIELD)
        ]
        if not updates:
            return
        try:
            failed = [r for r in self.org.update_records(SITE_OBJECT, updates) if not r.success]
        except ConnectorError as error:  # the refusal itself stands; the field is a courtesy
            log.warning("could not write the refusals on the supplier sites: %s", error.__class__.__name__)
            return
        if failed:
            log.warning("could not write %d refusals on their supplier sites", len(failed))

    def _first_of_each_duplicate_key(
        self, new_sites: Sequence[Mapping[str, Any]]
    ) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
        """(applied now, applied next turn): a new site sharing its duplicate key with an earlier new
        site of the batch waits, so two new sites never both create the same vendor."""
        checked = self.reader.checked
        seen: set[str] = set()
        now: list[Mapping[str, Any]] = []
        later: list[Mapping[str, Any]] = []
        for site in new_sites:
            key = duplicate_key(site.get(checked)) if checked else None
            if key is not None and key in seen:
                later.append(site)
                continue
            if key is not None:
                seen.add(key)
            now.append(site)
        return now, later

    def _write(self, graphs: Mapping[str, Graph], batch: SiteBatch) -> dict[str, Applied]:
        by_graph = {graph.graph_id: site_id for site_id, graph in graphs.items()}
        results: dict[str, Applied] = {}
        for request in pack_graphs(list(graphs.values())):
            try:
                answers = self.org.run_graphs(request)
            except ConnectorError as error:
                results.update({by_graph[g.graph_id]: error for g in request})
                continue
            for answer in answers:
                site = batch.sites[by_graph[answer.graph_id]]
                results[str(site["Id"])] = _graph_outcome(site, answer)
            for graph in request:  # a graph the org did not answer for was not applied
                results.setdefault(by_graph[graph.graph_id], SyncRefused("The org returned no result for the change"))
        return results

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
        if not sites and change.change_type == "CREATE" and self.settings.create_sites_for_new_vendors:
            return self._create_site(account, pairs)
        updates = [{"Id": s["Id"], **changes} for s in sites if (changes := map_supplier_site(account, s, pairs=pairs))]
        if not updates:
            # The ping-pong guard: a change this connector made on the other side finds nothing to do.
            return SyncResult(change.record_id, "skipped", change.record_id, "Its supplier sites are already in sync")
        failed = [r for r in self.org.update_records(SITE_OBJECT, updates) if not r.success]
        if failed:
            raise SyncRefused(f"The supplier sites of account {account['Name']} could not be updated: "
                              + "; ".join(e for r in failed for e in r.errors))  # fmt: skip
        return SyncResult(change.record_id, "updated", change.record_id)

    def _create_site(self, account: Mapping[str, Any], pairs: Mapping[str, str]) -> SyncResult:
        """A new vendor account's supplier site, linked both ways in one transaction; keyed by the
        account (SITE:<id>), so a replayed change finds the site instead of creating a second."""
        external_id, fields = new_supplier_site(account, pairs=pairs)
        graph = Graph(f"account_{account['Id']}", (
            upsert_node(SITE_OBJECT, EXTERNAL_ID_FIELD, external_id, "site", fields),
            update_node(ACCOUNT_OBJECT, str(account["Id"]), "account", {ACCOUNT_SITE_FIELD: ref("site")}),
        ))  # fmt: skip
        (answer,) = self.org.run_graphs([graph])
        if not answer.successful:
            problems = "; ".join(message for _, _, message in answer.errors()) or "the org rolled the change back"
            raise SyncRefused(f"The supplier site of the new vendor account {account['Name']} could not be created: "
                              f"{problems}")  # fmt: skip
        return SyncResult(str(account["Id"]), "created", str(account["Id"]), "supplier site created")


def _site_graph(site: Mapping[str, Any], mapped: Mapped) -> Graph:
    """The account upsert (or update) and, for a site without one, its link: one transaction. A
    site that showed an earlier refusal (SITE_ERROR_FIELD) has it cleared in the same transaction."""
    document = mapped.documents[0]
    nodes: list[GraphNode]
    clear = {SITE_ERROR_FIELD: None} if site.get(SITE_ERROR_FIELD) else {}
    if mapped.header_link is None:
        nodes = [update_node(ACCOUNT_OBJECT, str(site[SITE_ACCOUNT_FIELD]), "account", document.fields)]
        if clear:
            nodes.append(update_node(SITE_OBJECT, str(site["Id"]), "site", clear))
    else:
        link = mapped.header_link
        nodes = [
            upsert_node(ACCOUNT_OBJECT, EXTERNAL_ID_FIELD, document.external_id, "account", document.fields),
            update_node(
                SITE_OBJECT, link.record_id, "site", {link.field: ref("account"), **link.extra_fields, **clear}
            ),
        ]
    return Graph(f"site_{site['Id']}", tuple(nodes))


def _graph_outcome(site: Mapping[str, Any], answer: GraphResult) -> Applied:
    if not answer.successful:
        problems = "; ".join(message for _, _, message in answer.errors()) or "the org rolled the change back"
        return SyncRefused(f"The vendor account of {site_label(site)} could not be saved: {problems}")
    node = answer.nodes["account"]
    outcome: Outcome = "created" if node.created else "updated"
    return SyncResult(str(site["Id"]), outcome, node.record_id or site.get(SITE_ACCOUNT_FIELD))
