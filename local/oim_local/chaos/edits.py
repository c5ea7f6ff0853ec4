"""Source edits between runs, as users make them in OIM, and documents posted in Accounting.

Sales invoices not yet exported (some half written after a kill) get a quantity changed, written
lines deleted and a line added: the next runs must converge to the source as it is then. Sources
already exported get their document posted (Complete) and then a quantity changed in OIM: an
Exported source is never rewritten silently and a posted document never changes, so Accounting
must keep what was written. Every edit made in the org is returned as an oracle ``Edit`` when it
changes what Accounting should hold (only the edits of sources not yet exported).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from oim_connector.org.adapter import SalesforceOrg
from oim_connector.org.credentials import SalesforceCredentials
from oim_connector.org.soql import Select, is_in
from simple_salesforce.api import Salesforce

from oim_local.chaos.oracle import SHAPES, Edit, Records
from oim_local.org.process import OrgEndpoint

API_VERSION = "62.0"
INVOICE = SHAPES["sales-invoices"]
LINE = "SCMC__Invoice_Line_Item__c"
LINE_BACK_LINK = "SCMFFA__Sales_Invoice_Line_Item__c"
_ADDED_LINE = 9001  # an added line's number: after any the generator makes


@dataclass
class EditFigures:
    pending_sources_edited: int = 0
    half_written_edited: int = 0  # of those, documents a kill left half written (some lines in Accounting)
    quantities_changed: int = 0
    lines_deleted: int = 0
    lines_added: int = 0
    documents_posted: int = 0
    exported_sources_edited: int = 0
    frozen: set[str] = field(default_factory=set)  # source Ids edited after export: their documents stay

    def as_counts(self) -> dict[str, int]:
        return {
            "pending sources edited": self.pending_sources_edited,
            "of them half written": self.half_written_edited,
            "quantities changed": self.quantities_changed,
            "lines deleted": self.lines_deleted,
            "lines added": self.lines_added,
            "documents posted": self.documents_posted,
            "exported sources edited after posting": self.exported_sources_edited,
        }


class SourceEditor:
    def __init__(self, endpoint: OrgEndpoint, data_dir: Path, ids: dict[str, str]) -> None:
        session = requests.Session()
        session.trust_env = False
        session.verify = str(endpoint.ca_cert)
        self._client = Salesforce(instance_url=endpoint.instance_url, session_id=endpoint.token, session=session,
                                  version=API_VERSION)  # fmt: skip
        self._org = SalesforceOrg(SalesforceCredentials.model_validate({
            "auth": "token", "instance_url": endpoint.instance_url, "access_token": endpoint.token,
            "ca_bundle": Path(endpoint.ca_cert).read_text(encoding="utf-8"), "api_version": API_VERSION,
        }))  # fmt: skip
        self._ids = ids
        self._rids = {record_id: rid for rid, record_id in ids.items()}
        self._records = Records(data_dir, {INVOICE.source_object, LINE})

    def edit(self, invoices: list[str], rng: random.Random, count: int, figures: EditFigures) -> list[Edit]:
        """Edit up to ``count`` pending invoices and post and edit up to ``count`` exported ones."""
        sources = {
            str(r["Id"]): r
            for r in self._org.query(
                Select(
                    INVOICE.source_object,
                    ("Id", INVOICE.back_link),
                    where=is_in("Id", [self._ids[r] for r in invoices]),
                )
            )
        }
        lines: dict[str, list[dict[str, Any]]] = {}
        for row in self._org.query(Select(LINE, ("Id", "SCMC__Invoicing__c", "SCMC__Quantity__c", LINE_BACK_LINK),
                                          where=is_in("SCMC__Invoicing__c", list(sources)))):  # fmt: skip
            lines.setdefault(str(row["SCMC__Invoicing__c"]), []).append(row)
        pending = [s for s in sources if not sources[s].get(INVOICE.back_link) and len(lines.get(s, [])) >= 3]
        exported = [s for s in sources if sources[s].get(INVOICE.back_link) and lines.get(s)]
        # Half-written large documents first: their written lines are the ones worth deleting.
        pending.sort(key=lambda s: -sum(1 for line in lines[s] if line.get(LINE_BACK_LINK)))
        edits: list[Edit] = []
        for source_id in pending[:count]:
            edits.extend(self._edit_pending(source_id, sorted(lines[source_id], key=self._number), figures))
        for source_id in rng.sample(exported, min(count, len(exported))):
            self._post_and_edit(source_id, str(sources[source_id][INVOICE.back_link]), lines[source_id], figures)
        return edits

    def _number(self, line: Mapping[str, Any]) -> int:
        rid = self._rids.get(str(line["Id"]), "")
        digits = rid.rsplit("L", 1)[-1]
        return int(digits) if digits.isdigit() else 0

    def _edit_pending(self, source_id: str, lines: list[dict[str, Any]], figures: EditFigures) -> list[Edit]:
        """A quantity changed on the first line, the second and third deleted, a line added."""
        figures.pending_sources_edited += 1
        figures.half_written_edited += any(line.get(LINE_BACK_LINK) for line in lines)
        first, *deleted = lines[:3]
        quantity = float(first["SCMC__Quantity__c"] or 1) + 1
        self._client.restful(f"sobjects/{LINE}/{first['Id']}", method="PATCH", json={"SCMC__Quantity__c": quantity})
        edits = [Edit(sobject=LINE, reference_id=self._rids[str(first["Id"])], fields={"SCMC__Quantity__c": quantity})]
        figures.quantities_changed += 1
        for line in deleted:
            self._client.restful(f"sobjects/{LINE}/{line['Id']}", method="DELETE")
            edits.append(Edit(sobject=LINE, reference_id=self._rids[str(line["Id"])], delete=True))
            figures.lines_deleted += 1
        source_rid = self._rids[source_id]
        template = {k: v for k, v in self._records.by_id[self._rids[str(first["Id"])]].items()
                    if k not in ("_type", LINE_BACK_LINK)}  # fmt: skip
        added = {**template, "SCMC__Quantity__c": 3, "SCMC__Description__c": f"{source_rid} line added in OIM"}
        body = {k: self._ids[v[1:]] if isinstance(v, str) and v.startswith("@") else v for k, v in added.items()}
        answer = self._client.restful(f"sobjects/{LINE}", method="POST", json=body) or {}
        added_rid = f"{source_rid}L{_ADDED_LINE}"
        self._ids[added_rid] = str(answer["id"])
        self._rids[str(answer["id"])] = added_rid
        edits.append(Edit(sobject=LINE, reference_id=added_rid, fields=added))
        figures.lines_added += 1
        return edits

    def _post_and_edit(
        self, source_id: str, document_id: str, lines: list[dict[str, Any]], figures: EditFigures
    ) -> None:
        (result,) = self._org.post_documents([(INVOICE.target_object, document_id)])
        if not result.success:
            raise RuntimeError(f"posting {document_id} was refused: {result.error}")
        figures.documents_posted += 1
        line = lines[0]
        quantity = float(line["SCMC__Quantity__c"] or 1) + 5
        self._client.restful(f"sobjects/{LINE}/{line['Id']}", method="PATCH", json={"SCMC__Quantity__c": quantity})
        figures.exported_sources_edited += 1
        figures.frozen.add(source_id)
