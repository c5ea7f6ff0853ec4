"""The package's automatic side: triggers that publish the connector's events (each with Apex tests),
the event channels the Event Relays read, the relays with their named credential, and the custom
notification type the stack's CustomNotificationTypeId names."""

from __future__ import annotations

import json
import re

from oim_connector.admin.schedules import Schedule
from oim_connector.mapping.payable_invoices import matching_refusals
from oim_connector.model.settings import ConnectorSettings, FieldRule
from oim_connector.triggers.events import EVENTS_BY_FLOW
from oim_local.org.schema import load_schema

from tests.unit.salesforce.salesforce_dx import DEFAULT, PROJECT, apex, text, xml

TRIGGERS = sorted((DEFAULT / "triggers").glob("*.trigger"))
RELAY = PROJECT / "relay" / "main" / "default"
SCHEMA = load_schema()


def test_every_trigger_calls_a_publisher_that_an_apex_test_exercises() -> None:
    tests = "\n".join(p.read_text(encoding="utf-8") for p in (DEFAULT / "classes").glob("*Test.cls"))
    assert len(TRIGGERS) == 8
    for path in TRIGGERS:
        source = path.read_text(encoding="utf-8")
        obj = re.search(r"trigger \w+ on (\w+) \(", source)
        call = re.search(r"(Oim\w+)\.(on\w+)\(Trigger\.new", source)
        assert obj and call, path.name
        assert f"{call.group(1)}.enabled()" in source, f"{path.name} has no switch"
        # A test saves a record of the trigger's object, so the trigger and its publisher run.
        assert f"new {obj.group(1)}(" in tests, f"no Apex test saves a {obj.group(1)} ({path.name})"


def test_the_published_moments_are_the_ones_the_functions_act_on() -> None:
    source = apex("OimDocumentEvents")
    published = set(re.findall(r"public static final String \w+ = '([a-z-]+)';", source))
    assert published == set().union(*EVENTS_BY_FLOW.values())
    for flow, moments in EVENTS_BY_FLOW.items():
        for moment in moments - {"criteria-checked"}:
            constant = moment.upper().replace("-", "_")
            assert re.search(rf"event\('{flow.value}', {constant},", source), (flow, moment)


def test_the_relays_read_the_channels_that_carry_the_connectors_events() -> None:
    members = {
        (text(xml(p), "eventChannel"), text(xml(p), "selectedEntity"))
        for p in (DEFAULT / "platformEventChannelMembers").glob("*.xml")
    }
    assert members == {
        ("OIM_Connector_Events__chn", "OIM_Document_Event__e"),
        ("OIM_Connector_Events__chn", "Supplier_Site_Event__e"),
        ("OIM_Connector_Changes__chn", "SCMC__Supplier_Site__ChangeEvent"),
        ("OIM_Connector_Changes__chn", "AccountChangeEvent"),
    }
    channels = {
        p.name.split(".")[0]: text(xml(p), "channelType") for p in (DEFAULT / "platformEventChannels").glob("*")
    }
    assert channels == {"OIM_Connector_Events__chn": "event", "OIM_Connector_Changes__chn": "data"}
    relays = {text(xml(p), "eventChannel"): xml(p) for p in (RELAY / "eventRelays").glob("*.xml")}
    assert set(relays) == set(channels)
    for relay in relays.values():
        assert text(relay, "destinationResourceName") == "callout:OIM_Connector_EventBridge"
        assert text(relay, "state") == "STOP"  # started by hand once the partner source is associated
    credential = xml(RELAY / "namedCredentials" / "OIM_Connector_EventBridge.namedCredential-meta.xml")
    assert re.fullmatch(r"arn:aws:[A-Z0-9-]+:\d{12}", text(credential, "endpoint") or "")


def test_the_custom_notification_type_ships() -> None:
    notif = xml(DEFAULT / "notificationtypes" / "OIM_Connector_Run.notiftype-meta.xml")
    assert text(notif, "desktop") == "true" and text(notif, "mobile") == "true"
    assert "CustomNotificationTypeId" in (text(notif, "description") or "")


def test_the_status_mirrors_read_the_accounting_status_through_the_earlier_packages_lookups() -> None:
    mirrors = {
        ("SCMC__Invoicing__c", "Sales_Invoice_Status__c"): "SCMFFA__Sales_Invoice__c",
        ("SCMC__AP_Voucher__c", "Payable_Invoice_Status__c"): "SCMFFA__Payable_Invoice__c",
    }
    for (obj, name), lookup in mirrors.items():
        field = xml(PROJECT / "scmffa" / "main" / "default" / "objects" / obj / "fields" / f"{name}.field-meta.xml")
        source = SCHEMA.object(obj)
        assert source is not None
        link = source.field(lookup)
        assert link is not None and link.to is not None
        target = SCHEMA.object(link.to)
        assert target is not None and target.field("c2g__InvoiceStatus__c") is not None
        assert text(field, "formula") == f"TEXT({lookup.removesuffix('__c')}__r.c2g__InvoiceStatus__c)"
        assert text(field, "type") == "Text"


def test_a_supplier_sites_account_is_editable_only_while_empty() -> None:
    rule = xml(DEFAULT / "objects" / "SCMC__Supplier_Site__c" / "validationRules"
               / "OIM_Account_Locked_Once_Set.validationRule-meta.xml")  # fmt: skip
    assert text(rule, "active") == "true"
    assert text(rule, "errorConditionFormula") == (
        "AND(ISCHANGED(SCMC__Account__c), NOT(ISBLANK(PRIORVALUE(SCMC__Account__c))))"
    )
    site = SCHEMA.object("SCMC__Supplier_Site__c")
    assert site is not None and site.field("SCMC__Account__c") is not None


def test_the_admin_tabs_test_answers_are_what_the_admin_api_writes() -> None:
    """The Jest tests and the screenshot of the OIM Connector tab feed it these answers: they must
    stay the admin API's own shapes (settings, schedules, mappings), or the tab would be tested
    against an API that does not exist."""
    fixtures = json.loads((DEFAULT / "lwc" / "oimAdmin" / "__tests__" / "data" / "adminFixtures.json").read_text())
    answers = fixtures["adminAnswers"]
    ConnectorSettings.model_validate(answers["GET /admin/settings"]["settings"])
    for schedule in answers["GET /admin/schedules"]["schedules"]:
        Schedule.model_validate(schedule)
    for rule in answers["GET /admin/flows/sales-invoices/mappings"]["custom"]:
        FieldRule.model_validate(rule)
    for flow in answers["GET /admin/status"]["flows"]:
        for run in flow["lastRuns"]:
            assert set(run) == {"runId", "trigger", "finishedAt", "counts", "stoppedReason"}
    controller = apex("OimAdminController")
    flow = r"[a-z-]+"
    routes = [e.replace("' + FLOW + '", flow).replace("' + FLOW", flow).strip("'")
              for e in re.findall(r"Pattern\.compile\((.*?(?:'|FLOW))\)", controller)]  # fmt: skip
    for key in answers:
        method, path = key.split(" ", 1)
        assert any(re.fullmatch(p, path) for p in routes), key
        assert f"'{method}' =>" in controller, key


def test_validate_while_matching_answers_the_shared_vectors_like_the_apex_rules() -> None:
    """OimMatchingVectors (a static resource the Apex test reads too) holds Apex and Python to one answer."""
    vectors = json.loads((DEFAULT / "staticresources" / "OimMatchingVectors.json").read_text(encoding="utf-8"))
    assert len(vectors) >= 5
    for vector in vectors:
        assert matching_refusals(vector["voucher"]) == vector["refusals"], vector["case"]
