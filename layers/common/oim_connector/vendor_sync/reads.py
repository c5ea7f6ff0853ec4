"""What the sync reads for a batch of supplier sites, in as few requests as the data allows.

One composite request reads every site of the batch (with its linked account), the accounts
already created for them (by external id: a graph that committed before a crash left one
behind) and, the first time, the default control GLAs; one more query finds the existing
vendors the new sites could duplicate. Reads never depend on how many sites the batch holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from oim_connector.mapping.reference import ReferenceData
from oim_connector.mapping.vendor_accounts import (
    ACCOUNT_FIELDS,
    ACCOUNT_OBJECT,
    SITE_ACCOUNT_FIELD,
    SITE_FIELDS,
    SITE_OBJECT,
    DuplicateCandidate,
    duplicate_field,
    duplicate_key,
    external_id,
)
from oim_connector.model.documents import EXTERNAL_ID_FIELD
from oim_connector.model.settings import FieldRule, VendorAccountSettings
from oim_connector.org.port import OrgPort
from oim_connector.org.soql import Select, is_in, ne
from oim_connector.vendor_sync.messages import RecordChange

GLA_OBJECT = "c2g__codaGeneralLedgerAccount__c"


@dataclass(frozen=True)
class SiteBatch:
    """The current state of a batch's sites and of the vendor accounts they already have."""

    sites: dict[str, dict[str, Any]]
    accounts_by_external_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Possible duplicates read ahead for the values the change events carried, and those values' keys.
    duplicate_rows: tuple[dict[str, Any], ...] = ()
    duplicate_keys_read: frozenset[str] = frozenset()

    def account_of(self, site: Mapping[str, Any]) -> dict[str, Any] | None:
        """The site's linked account, else the one created for it (by external id), else ``None``."""
        if site.get(SITE_ACCOUNT_FIELD):
            linked = site.get("SCMC__Account__r")
            return dict(linked) if isinstance(linked, dict) else {"Id": site[SITE_ACCOUNT_FIELD]}
        return self.accounts_by_external_id.get(external_id(str(site["Id"])))


class SiteReader:
    """Reads through the org port; holds the default GLAs once looked up (one invocation)."""

    def __init__(self, org: OrgPort, settings: VendorAccountSettings, rules: Sequence[FieldRule]) -> None:
        self.org = org
        self.settings = settings
        self.checked = duplicate_field(settings)
        self.account_targets = [r.target for r in rules if r.level == "header"]
        self.rule_sources = [r.source for r in rules if r.level == "header" and r.source]
        self._reference: ReferenceData | None = None

    @property
    def reference(self) -> ReferenceData:
        return self._reference or ReferenceData(gla_by_reporting_code={})

    def read(self, changes: Sequence[RecordChange]) -> SiteBatch:
        """One composite request: the sites, their accounts by external id, the default GLAs (first
        time only) and, read ahead, the duplicates of the values the events carried (a CDC create
        carries the supplier name), so a batch of new sites usually needs no further read."""
        site_ids = list(dict.fromkeys(c.record_id for c in changes))
        account_fields = tuple(dict.fromkeys((*ACCOUNT_FIELDS, *self.account_targets)))
        site_fields = tuple(dict.fromkeys((*SITE_FIELDS, *self.rule_sources,
                                           *(f"SCMC__Account__r.{f}" for f in account_fields))))  # fmt: skip
        selects = [
            Select(SITE_OBJECT, site_fields, where=is_in("Id", site_ids)),
            Select(ACCOUNT_OBJECT, account_fields, where=is_in(EXTERNAL_ID_FIELD, [external_id(i) for i in site_ids])),
        ]
        hinted = self._hinted_values(changes)
        if hinted:
            selects.append(self._duplicate_select(hinted))
        codes = [c for c in (self.settings.default_ap_control_gla, self.settings.default_ar_control_gla) if c]
        wants_glas = self._reference is None and bool(codes)
        if wants_glas:
            by_code = is_in("c2g__ReportingCode__c", codes)
            selects.append(Select(GLA_OBJECT, ("Id", "c2g__ReportingCode__c"), where=by_code))
        sites, accounts, *rest = self.org.query_batch(selects)
        duplicate_rows = rest.pop(0) if hinted else []
        if self._reference is None:
            found = rest.pop(0) if wants_glas else []
            self._reference = ReferenceData(gla_by_reporting_code={r["c2g__ReportingCode__c"]: r["Id"] for r in found})
        return SiteBatch(
            sites={str(s["Id"]): s for s in sites},
            accounts_by_external_id={str(a[EXTERNAL_ID_FIELD]): a for a in accounts},
            duplicate_rows=tuple(duplicate_rows),
            duplicate_keys_read=frozenset(k for v in hinted if (k := duplicate_key(v)) is not None),
        )

    def duplicates(
        self, new_sites: Sequence[Mapping[str, Any]], batch: SiteBatch
    ) -> dict[str, list[DuplicateCandidate]]:
        """The existing vendors each new site would duplicate (duplicate check setting): from what was
        read ahead, plus one query for the values that were not."""
        checked = self.checked
        if not checked:
            return {}
        own = {str(s["Id"]): s.get(checked) for s in new_sites if duplicate_key(s.get(checked)) is not None}
        missing = list(dict.fromkeys(v for v in own.values() if duplicate_key(v) not in batch.duplicate_keys_read))
        rows = [*batch.duplicate_rows, *(self.org.query(self._duplicate_select(missing)) if missing else ())]
        return {site_id: self._candidates(site_id, value, rows) for site_id, value in own.items()}

    def _hinted_values(self, changes: Sequence[RecordChange]) -> list[Any]:
        if not self.checked:
            return []
        values = (c.payload_value(self.checked) for c in changes)
        return list(dict.fromkeys(v for v in values if duplicate_key(v) is not None))

    def _duplicate_select(self, values: Sequence[Any]) -> Select:
        checked = str(self.checked)
        if self.settings.duplicate_check == "supplier_name":
            return Select(ACCOUNT_OBJECT, ("Id", "Name"), where=is_in("Name", values), order_by=("Id",))
        where = is_in(checked, values) & ne(SITE_ACCOUNT_FIELD, None)
        return Select(SITE_OBJECT, ("Id", "Name", checked, SITE_ACCOUNT_FIELD, "SCMC__Account__r.Name"), where=where,
                      order_by=("Id",))  # fmt: skip

    def _candidates(self, site_id: str, value: Any, rows: Sequence[Mapping[str, Any]]) -> list[DuplicateCandidate]:
        key = duplicate_key(value)
        if self.settings.duplicate_check == "supplier_name":
            return [DuplicateCandidate(r["Id"], r["Name"], f"supplier name '{value}'")
                    for r in rows if duplicate_key(r.get("Name")) == key]  # fmt: skip
        checked = str(self.checked)
        return [
            DuplicateCandidate(r[SITE_ACCOUNT_FIELD], str((r.get("SCMC__Account__r") or {}).get("Name")),
                               f"{checked} '{value}' as supplier site {r['Name']}")
            for r in rows if duplicate_key(r.get(checked)) == key and r["Id"] != site_id
        ]  # fmt: skip
