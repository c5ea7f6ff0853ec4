"""Settings checks for Avalara AvaTax alongside OIM (connector-spec §10).

Problems (refuse the settings): a flow with Avalara in use names tax status fields its OIM
object does not have. Warnings (the settings may be saved): an Accounting company calculates
tax with Avalara itself, so the tax would be calculated twice.
"""

from __future__ import annotations

from oim_connector.admin.fields import Describes, FieldProblem
from oim_connector.errors import OrgError, TransientOrgError
from oim_connector.model.settings import AvalaraFlowSettings, ConnectorSettings
from oim_connector.org.port import OrgPort
from oim_connector.org.soql import Select, eq
from oim_connector.tax.calculate import TAX_SOURCES

COMPANY_OBJECT = "c2g__codaCompany__c"
# Accounting's own Avalara switch on the company (certinia-accounting-objects.json: Disabled / Enabled).
EXTERNAL_TAX_FIELD = "c2g__ExternalTaxCalculation__c"


def _in_use(settings: ConnectorSettings) -> dict[str, AvalaraFlowSettings]:
    found = {}
    for flow in TAX_SOURCES:
        avalara = getattr(settings.flow(flow), "avalara", None)
        if isinstance(avalara, AvalaraFlowSettings) and avalara.in_use:
            found[flow.value] = avalara
    return found


def avalara_problems(settings: ConnectorSettings, describes: Describes) -> list[str]:
    problems = []
    for flow, source in TAX_SOURCES.items():
        avalara = _in_use(settings).get(flow.value)
        if avalara is None:
            continue
        for label, name in (("tax status field", avalara.status_field),
                            ("tax transaction id field", avalara.transaction_id_field),
                            ("tax status date field", avalara.status_date_field)):  # fmt: skip
            if not name:
                continue
            try:
                describes.field(source.sobject, name)
            except FieldProblem:
                problems.append(f"{flow.value}: the Avalara {label} {name} is not a field of {source.sobject}: "
                                "use the API name of OIM's tax field (avalara settings of the flow)")  # fmt: skip
    return problems


def avalara_warnings(settings: ConnectorSettings, org: OrgPort) -> list[str]:
    """What an admin should know but that does not stop the settings from being saved."""
    if not _in_use(settings):
        return []
    try:
        enabled = list(org.query(Select(COMPANY_OBJECT, ("Id", "Name"), where=eq(EXTERNAL_TAX_FIELD, "Enabled"),
                                        order_by=("Name",))))  # fmt: skip
    except (TransientOrgError, OrgError) as error:
        return [f"Could not check the Accounting companies' own tax calculation ({EXTERNAL_TAX_FIELD}): "
                f"{error.message}"]  # fmt: skip
    return [
        f"Accounting company '{company['Name']}' calculates tax with Avalara itself ({EXTERNAL_TAX_FIELD} = Enabled) "
        "while OIM calculates it too: set it to Disabled, or its documents' tax would be calculated and reported twice"
        for company in enabled
    ]
