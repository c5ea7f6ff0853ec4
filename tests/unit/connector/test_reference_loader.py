"""What the reference loader asks the org for: GL account mappings with or without their company."""

from __future__ import annotations

from oim_connector.flows.reference_loader import gl_mappings_select


def test_gl_account_mappings_name_the_company_field_only_when_the_org_has_one() -> None:
    with_company = gl_mappings_select("SCMFFA__Accounting_Company__c").render()
    without = gl_mappings_select(None).render()

    assert "SCMFFA__Accounting_Company__c" in with_company
    assert "Accounting_Company" not in without
    assert without.startswith("SELECT SCMC__OIM_Account__c, SCMFFA__General_Ledger_Account__c FROM SCMC__GL_Account__c")
