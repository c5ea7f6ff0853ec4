"""Admin API: settings and field mappings, checked against the org's describe when saved, and
their effect on the next run (real handlers, the local org over HTTPS, SSM in moto)."""

from __future__ import annotations

from typing import Any

from oim_local.runner import events

from tests.e2e.conftest import Sample
from tests.e2e.helpers import body, result_for

FLOW = "sales-invoices"


def admin(sample: Sample, method: str, path: str, payload: Any = None) -> tuple[int, Any]:
    answer = sample.env.invoke("admin", events.api_event(method, path, payload))
    return answer["statusCode"], body(answer)


def save(sample: Sample, settings: dict[str, Any]) -> tuple[int, Any]:
    return admin(sample, "PUT", "/admin/settings", {"settings": settings})


def test_settings_are_read_saved_and_versioned(sample: Sample) -> None:
    status, current = admin(sample, "GET", "/admin/settings")
    assert status == 200 and current["settings"]["sales_invoices"]["auto_post"] is False
    settings = current["settings"]
    settings["sales_invoices"]["line_limit"] = 2

    status, saved = admin(
        sample, "PUT", "/admin/settings", {"settings": settings, "expectedVersion": current["version"]}
    )
    assert status == 200
    status, again = admin(sample, "GET", "/admin/settings")
    assert again["version"] == saved["version"] > current["version"]
    assert again["settings"]["sales_invoices"]["line_limit"] == 2
    # A writer who read an older version is refused rather than overwriting the newer settings.
    status, conflict = admin(
        sample, "PUT", "/admin/settings", {"settings": settings, "expectedVersion": current["version"]}
    )
    assert status == 409 and "changed by someone else" in conflict["message"]
    _, history = admin(sample, "GET", "/admin/settings/history")
    assert [v["version"] for v in history["versions"]][:1] == [saved["version"]]


def test_line_limit_setting_splits_the_next_run(sample: Sample) -> None:
    _, current = admin(sample, "GET", "/admin/settings")
    current["settings"]["sales_invoices"]["line_limit"] = 2
    assert save(sample, current["settings"])[0] == 200

    report = body(sample.env.invoke("sales_invoices", events.record_action(FLOW, sample.ids["InvOk1"])))

    assert len(result_for(report, sample.ids["InvOk1"])["documents"]) == 3  # 5 lines in parts of 2


def test_refused_settings_name_each_problem(sample: Sample) -> None:
    _, current = admin(sample, "GET", "/admin/settings")
    settings = current["settings"]
    settings["sales_invoices"]["custom_criteria_field"] = "Not_A_Field__c"
    settings["sales_credit_notes"]["custom_criteria_field"] = "SCMC__Status__c"  # exists, but not a checkbox
    settings["general"]["default_company"] = "No Such Company"
    settings["vendor_accounts"]["default_ap_control_gla"] = "NOPE-999"
    settings["journals"]["hook"] = "oim_hooks.no_such_module:run"
    settings["journals"]["gl_mapping_company_field"] = "SCMFFA__General_Ledger_Account__c"  # a lookup, not to a company

    status, refused = save(sample, settings)

    assert status == 400 and refused["error"] == "INVALID_SETTINGS"
    problems = "\n".join(refused["problems"])
    assert "Not_A_Field__c is not a field of SCMC__Invoicing__c" in problems
    assert "SCMC__Status__c is a picklist field; it must be a checkbox" in problems
    assert "the default company 'No Such Company' does not exist" in problems
    assert "default AP control GLA 'NOPE-999' does not exist" in problems
    assert "hook module 'oim_hooks.no_such_module' cannot be found" in problems
    assert "company field SCMFFA__General_Ledger_Account__c is not a lookup to the company" in problems
    assert admin(sample, "GET", "/admin/settings")[1]["version"] == current["version"]  # nothing saved


def test_a_criteria_field_that_is_not_a_field_name_is_refused_by_the_model(sample: Sample) -> None:
    _, current = admin(sample, "GET", "/admin/settings")
    current["settings"]["sales_invoices"]["custom_criteria_field"] = "Id = '1' OR Name != null"

    status, refused = save(sample, current["settings"])

    assert status == 400 and "is not a field API name" in refused["problems"][0]


def test_validate_answers_without_saving(sample: Sample) -> None:
    _, current = admin(sample, "GET", "/admin/settings")
    current["settings"]["sales_invoices"]["custom_criteria_field"] = "Create_Sales_Invoice__c"

    status, answer = admin(sample, "POST", "/admin/settings/validate", {"settings": current["settings"]})

    assert status == 200 and answer == {"valid": True, "problems": []}


def test_effective_mapping_shows_defaults_overrides_and_additions(sample: Sample) -> None:
    rules = [
        {"level": "header", "target": "c2g__CustomerReference__c", "source": "SCMC__Sales_Order__r.Name"},
        {"level": "header", "target": "c2g__InvoiceDescription__c", "constant": "From OIM"},
    ]
    status, saved = admin(sample, "PUT", f"/admin/flows/{FLOW}/mappings", {"rules": rules})
    assert status == 200, saved

    _, view = admin(sample, "GET", f"/admin/flows/{FLOW}/mappings")

    overridden = [r for r in view["defaults"] if r["overridden"]]
    assert [r["target"] for r in overridden] == ["c2g__CustomerReference__c"]
    effective = {r["target"]: r for r in view["effective"] if r["level"] == "header"}
    assert effective["c2g__CustomerReference__c"]["source"] == "SCMC__Sales_Order__r.Name"
    assert effective["c2g__InvoiceDescription__c"]["constant"] == "From OIM"
    # ... and the next run writes them.
    report = body(sample.env.invoke("sales_invoices", events.record_action(FLOW, sample.ids["InvOk1"])))
    (document,) = result_for(report, sample.ids["InvOk1"])["documents"]
    sin = sample.get("c2g__codaInvoice__c", document["id"])
    order = sample.get("SCMC__Invoicing__c", sample.ids["InvOk1"])["SCMC__Sales_Order__c"]
    assert sin["c2g__CustomerReference__c"] == sample.get("SCMC__Sales_Order__c", order)["Name"]
    assert sin["c2g__InvoiceDescription__c"] == "From OIM"


def test_refused_mappings_say_what_is_wrong_and_nothing_is_saved(sample: Sample) -> None:
    cases = {
        "target c2g__codaInvoice__c has no field c2g__Nope__c": {"target": "c2g__Nope__c", "constant": "x"},
        "source SCMC__Invoicing__c has no field SCMC__Nope__c": {"target": "c2g__InvoiceDescription__c",
                                                                 "source": "SCMC__Nope__c"},
        "source SCMC__Invoicing__c has no relationship SCMC__Nope__r": {"target": "c2g__InvoiceDescription__c",
                                                                        "source": "SCMC__Nope__r.Name"},
        "is a text value but c2g__codaInvoice__c.c2g__InvoiceDate__c is a date field": {
            "target": "c2g__InvoiceDate__c", "source": "Name"},
        "is a boolean value but c2g__codaInvoice__c.c2g__DueDate__c is a date field": {
            "target": "c2g__DueDate__c", "constant": True},
        "unknown transform 'magic'": {"target": "c2g__InvoiceDescription__c", "transform": "magic"},
        "'Paid' is not a value of c2g__codaInvoice__c.c2g__InvoiceStatus__c": {
            "target": "c2g__InvoiceStatus__c", "constant": "Paid"},
    }  # fmt: skip
    for expected, rule in cases.items():
        status, refused = admin(sample, "PUT", f"/admin/flows/{FLOW}/mappings", {"rules": [rule]})
        assert status == 400, (expected, refused)
        assert any(expected in p for p in refused["problems"]), (expected, refused["problems"])
    _, view = admin(sample, "GET", f"/admin/flows/{FLOW}/mappings")
    assert view["custom"] == []


def test_use_custom_mappings_off_keeps_the_defaults(sample: Sample) -> None:
    rule = {"level": "header", "target": "c2g__InvoiceDescription__c", "constant": "From OIM"}
    status, _ = admin(sample, "PUT", f"/admin/flows/{FLOW}/mappings", {"rules": [rule], "useCustomMappings": False})
    assert status == 200

    report = body(sample.env.invoke("sales_invoices", events.record_action(FLOW, sample.ids["InvOk1"])))

    (document,) = result_for(report, sample.ids["InvOk1"])["documents"]
    assert sample.get("c2g__codaInvoice__c", document["id"])["c2g__InvoiceDescription__c"] is None


def test_field_name_overrides_are_refused_unless_the_connector_uses_the_name_and_the_value_is_an_api_name(
    sample: Sample,
) -> None:
    _, current = admin(sample, "GET", "/admin/settings")
    current["settings"]["general"]["field_names"] = {
        "SCMC__Export_Status": "SCMC__Accounting_Export_Status__c",  # no suffix: not the connector's name
        "SCMC__Export_Error__c": "Export Error",  # not an API name
    }

    status, answer = admin(sample, "POST", "/admin/settings/validate", {"settings": current["settings"]})

    assert status == 200 and answer["valid"] is False
    (problem,) = answer["problems"]
    assert problem.startswith("general.field_names: 'SCMC__Export_Status': not a name the connector uses")
    assert "did you mean 'SCMC__Export_Status__c'?" in problem
    assert "'SCMC__Export_Error__c': 'Export Error' is not a valid API name" in problem
    current["settings"]["general"]["field_names"] = {"scmc__export_status__c": "SCMC__Accounting_Export_Status__c"}
    assert admin(sample, "POST", "/admin/settings/validate", {"settings": current["settings"]})[1]["valid"] is True
