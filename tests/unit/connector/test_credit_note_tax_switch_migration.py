"""Custom mappings saved under the credit note line's old tax switch names keep working after the correction."""

from __future__ import annotations

import json

from oim_connector.model.settings import ConnectorSettings
from oim_connector.settings_store import parse_settings

OLD_RULES = [
    {"level": "line", "target": "c2g__DeriveTaxRate1FromCode__c", "constant": True},
    {"level": "line", "target": "C2G__CALCULATETAXVALUE1FROMRATE__C", "constant": True},
    {"level": "line", "target": "c2g__LineDescription__c", "source": "SCMC__Description__c"},
]


def test_saved_credit_note_mappings_move_to_the_published_names_when_read() -> None:
    saved = json.dumps({"sales_credit_notes": {"custom_mappings": OLD_RULES},
                        "sales_invoices": {"custom_mappings": OLD_RULES[:1]}})  # fmt: skip

    settings = parse_settings(saved)

    rules = settings.sales_credit_notes.custom_mappings
    assert [(r.target, r.constant) for r in rules] == [
        ("c2g__DeriveTaxRateFromCode__c", True),
        ("c2g__CalculateTaxValueFromRate__c", True),
        ("c2g__LineDescription__c", None),
    ]
    # A sales invoice line does number its switches "1" (published): its mapping is left as saved.
    assert settings.sales_invoices.custom_mappings[0].target == "c2g__DeriveTaxRate1FromCode__c"
    # Saved again, the settings hold only the published names.
    again = ConnectorSettings.model_validate_json(settings.model_dump_json())
    assert "1From" not in json.dumps(again.sales_credit_notes.model_dump())


def test_a_header_rule_with_the_old_name_is_not_moved_onto_a_line_field() -> None:
    header = {"level": "header", "target": "c2g__DeriveTaxRate1FromCode__c", "constant": True}
    settings = ConnectorSettings.model_validate({"sales_credit_notes": {"custom_mappings": [header]}})
    assert settings.sales_credit_notes.custom_mappings[0].target == "c2g__DeriveTaxRate1FromCode__c"
