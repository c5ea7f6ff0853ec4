"""Field mappings per flow: the default (data, mapping/defaults/<flow>.json), an administrator's
rules that add or override, the effective mapping, and validation against the org's describe
when the rules are saved (never at run time)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from oim_connector.admin.fields import Describes, FieldProblem, assignable, kind, writable
from oim_connector.mapping.rules import effective_rules
from oim_connector.model.flows import FlowId
from oim_connector.model.settings import ConnectorSettings, FieldRule

_DEFAULTS = Path(__file__).resolve().parent.parent / "mapping" / "defaults"


@dataclass(frozen=True)
class MappingObjects:
    """Which object a rule reads (by level) and which it writes."""

    source_header: str
    source_line: str | None
    targets: dict[str, tuple[str, ...]]  # level -> target objects written at that level


OBJECTS: dict[FlowId, MappingObjects] = {
    FlowId.SALES_INVOICES: MappingObjects(
        "SCMC__Invoicing__c",
        "SCMC__Invoice_Line_Item__c",
        {"header": ("c2g__codaInvoice__c",), "line": ("c2g__codaInvoiceLineItem__c",)},
    ),
    FlowId.SALES_CREDIT_NOTES: MappingObjects(
        "SCMC__Credit_Invoice__c",
        "SCMC__Credit_Invoice_Line__c",
        {"header": ("c2g__codaCreditNote__c",), "line": ("c2g__codaCreditNoteLineItem__c",)},
    ),
    FlowId.PAYABLE_INVOICES: MappingObjects(
        "SCMC__AP_Voucher__c",
        "SCMC__AP_Voucher_Line__c",
        {
            "header": ("c2g__codaPurchaseInvoice__c",),
            "product_line": ("c2g__codaPurchaseInvoiceLineItem__c",),
            "expense_line": ("c2g__codaPurchaseInvoiceExpenseLineItem__c",),
            "line": ("c2g__codaPurchaseInvoiceLineItem__c", "c2g__codaPurchaseInvoiceExpenseLineItem__c"),
        },
    ),
    FlowId.PAYABLE_CREDIT_NOTES: MappingObjects(
        "SCMC__AP_Voucher_Credit__c",
        "SCMC__AP_Voucher_Line_Credit__c",
        {
            "header": ("c2g__codaPurchaseCreditNote__c",),
            "product_line": ("c2g__codaPurchaseCreditNoteLineItem__c",),
            "expense_line": ("c2g__codaPurchaseCreditNoteExpLineItem__c",),
            "line": ("c2g__codaPurchaseCreditNoteLineItem__c", "c2g__codaPurchaseCreditNoteExpLineItem__c"),
        },
    ),
    FlowId.JOURNALS: MappingObjects(
        "SCMC__Inventory_Transaction_Perpetual_Record__c",
        "SCMC__Inventory_Transaction_Financial_Records__c",
        {"header": ("c2g__codaJournal__c",), "line": ("c2g__codaJournalLineItem__c",)},
    ),
    FlowId.VENDOR_ACCOUNTS: MappingObjects("SCMC__Supplier_Site__c", None, {"header": ("Account",)}),
}


@cache
def default_rules(flow: FlowId) -> tuple[FieldRule, ...]:
    """The flow's default mapping; a flow whose defaults are not there yet has none."""
    path = _DEFAULTS / f"{flow.python_name}.json"
    if not path.is_file():
        return ()
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(FieldRule.model_validate(rule) for rule in data["rules"])


def known_transforms(flow: FlowId) -> set[str]:
    """Named transforms a flow computes: those its default mapping uses."""
    return {r.transform for r in default_rules(flow) if r.transform}


def _flow_settings(settings: ConnectorSettings, flow: FlowId) -> Any:
    return settings.vendor_accounts if flow == FlowId.VENDOR_ACCOUNTS else settings.flow(flow)


def custom_rules(settings: ConnectorSettings, flow: FlowId) -> list[FieldRule]:
    return list(_flow_settings(settings, flow).custom_mappings)


def mapping_view(settings: ConnectorSettings, flow: FlowId) -> dict[str, Any]:
    """What the admin page shows: defaults, the administrator's rules and the effective mapping."""
    flow_settings = _flow_settings(settings, flow)
    defaults = default_rules(flow)
    custom = list(flow_settings.custom_mappings)
    effective = effective_rules(defaults, custom, flow_settings.use_custom_mappings)
    overridden = {(r.level, r.target.lower()) for r in custom} if flow_settings.use_custom_mappings else set()
    objects = OBJECTS[flow]

    def dump(rules: Sequence[FieldRule]) -> list[dict[str, Any]]:
        return [r.model_dump(exclude_none=True) for r in rules]

    return {
        "flow": flow.value,
        "sourceObject": objects.source_header,
        "sourceLineObject": objects.source_line,
        "targetObjects": {level: list(targets) for level, targets in objects.targets.items()},
        "useCustomMappings": flow_settings.use_custom_mappings,
        "transforms": sorted(known_transforms(flow)),
        "defaults": [
            {**r.model_dump(exclude_none=True), "overridden": (r.level, r.target.lower()) in overridden}
            for r in defaults
        ],
        "custom": dump(custom),
        "effective": dump(effective),
    }


def with_custom_rules(settings: ConnectorSettings, flow: FlowId, rules: Sequence[FieldRule]) -> ConnectorSettings:
    updated = settings.model_copy(deep=True)
    _flow_settings(updated, flow).custom_mappings = list(rules)
    return updated


def validate_rules(flow: FlowId, rules: Sequence[FieldRule], describes: Describes) -> list[str]:
    """Every problem of the rules, each naming the rule: unknown fields, paths, transforms, types."""
    objects = OBJECTS[flow]
    problems: list[str] = []
    transforms = known_transforms(flow)
    for index, rule in enumerate(rules, start=1):
        label = f"{flow.value} mapping {index} ({rule.level} {rule.target})"
        given = [x for x in (rule.source, rule.constant, rule.transform) if x is not None]
        if len(given) != 1:
            problems.append(f"{label}: give exactly one of a source field, a constant or a transform")
            continue
        targets = objects.targets.get(rule.level)
        if not targets:
            problems.append(f"{label}: {flow.value} has no {rule.level} level; use {', '.join(objects.targets)}")
            continue
        source_kind: str | None = None
        if rule.transform is not None:
            if rule.transform not in transforms:
                known = ", ".join(sorted(transforms))
                problems.append(f"{label}: unknown transform '{rule.transform}'; known: {known}")
                continue
        elif rule.source is not None:
            source_object = objects.source_header if rule.level == "header" else objects.source_line
            if source_object is None:
                problems.append(f"{label}: {flow.value} has no source lines")
                continue
            try:
                source_kind = kind(describes.resolve(source_object, rule.source))
            except FieldProblem as problem:
                problems.append(f"{label}: source {problem}")
                continue
        else:
            source_kind = _constant_kind(rule.constant)
        for target in targets:
            try:
                target_field = describes.field(target, rule.target)
            except FieldProblem as problem:
                problems.append(f"{label}: target {problem}")
                continue
            if not writable(target_field):
                problems.append(f"{label}: {target}.{target_field['name']} cannot be written")
                continue
            target_kind = kind(target_field)
            if source_kind is not None and not assignable(source_kind, target_kind):
                what = f"source {rule.source}" if rule.source else f"constant {rule.constant!r}"
                problems.append(
                    f"{label}: {what} is a {source_kind} value but {target}.{target_field['name']} is a "
                    f"{target_field.get('type')} field"
                )
            elif rule.constant is not None and target_field.get("restrictedPicklist"):
                allowed = [str(v.get("value")) for v in target_field.get("picklistValues", [])]
                if str(rule.constant) not in allowed:
                    problems.append(f"{label}: '{rule.constant}' is not a value of {target}.{target_field['name']}")
    return problems


def _constant_kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "text"
