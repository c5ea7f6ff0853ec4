"""What the sync takes from a change event besides the record: the values it carries, as hints."""

from __future__ import annotations

import json
from pathlib import Path

from oim_connector.mapping.vendor_accounts import duplicate_key
from oim_connector.vendor_sync.messages import parse_changes

EVENTS = Path(__file__).resolve().parents[3] / "events"


def test_a_cdc_create_carries_the_sites_field_values() -> None:
    batch = json.loads((EVENTS / "vendor_accounts_sqs_created.json").read_text(encoding="utf-8"))
    [change] = parse_changes(batch["Records"][0]["body"])

    assert change.change_type == "CREATE"
    assert change.payload_value("SCMC__Supplier_Name__c") == "Northwind Components Ltd"
    assert change.payload_value("SCMC__Active__c") is True
    assert change.payload_value("ChangeEventHeader") is None
    assert change.payload_value("SCMC__Office_Phone__c") is None  # not in the event: the sync reads it


def test_the_values_do_not_change_what_makes_two_changes_the_same_work() -> None:
    batch = json.loads((EVENTS / "vendor_accounts_sqs_created.json").read_text(encoding="utf-8"))
    event = json.loads(batch["Records"][0]["body"])
    [with_values] = parse_changes(json.dumps(event))
    event["detail"]["payload"] = {"ChangeEventHeader": event["detail"]["payload"]["ChangeEventHeader"]}
    [bare] = parse_changes(json.dumps(event))

    assert with_values.idempotency_key == bare.idempotency_key


def test_duplicate_keys_compare_text_as_soql_does_ignoring_case_and_never_match_blanks() -> None:
    assert duplicate_key("Acme Castings") == duplicate_key("ACME castings")
    assert duplicate_key("Acme") != duplicate_key("Acme Castings")
    assert duplicate_key("") is None and duplicate_key(None) is None


def test_the_packages_supplier_site_event_is_a_change_of_its_site() -> None:
    from oim_local.runner.supplier_queue import site_event

    site, version = "a3J5L0000000004UAA", "1795601699009:00000000000000000001"
    [dated] = parse_changes(json.dumps(site_event(site)))
    [versioned] = parse_changes(json.dumps(site_event(site, version=version)))

    assert (dated.sobject, dated.record_id, dated.change_type) == ("SCMC__Supplier_Site__c", site, "UPDATE")
    assert dated.version == "1795601700000:00000000000000000000"  # its creation time orders it
    assert versioned.version == version
