"""Attack: whoever holds the Salesforce credential changes settings, mappings, hooks and
schedules because the admin principal defaulted to the Salesforce caller. The admin principal is
required and distinct, and the API's resource policy (as SAM deploys it) lets the Salesforce
caller reach the flow routes only. The policy is evaluated here as API Gateway does: an explicit
Deny wins, then an Allow is needed."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from tests.unit.template.test_template import source_template, translated_template

CALLER = "arn:aws:iam::123456789012:user/salesforce-oim-connector"
ADMIN = "arn:aws:iam::123456789012:role/oim-connector-admins"


def _matches(condition: dict[str, Any], principal: str) -> bool:
    for operator, pairs in condition.items():
        (pattern,) = pairs.values()
        like = fnmatchcase(principal, pattern)
        if (operator == "ArnLike" and not like) or (operator == "ArnNotLike" and like):
            return False
    return True


def allowed(principal: str, route: str) -> bool:
    """route as execute-api names it: /<stage>/<method>/<path>."""
    policy = translated_template()["Resources"]["Api"]["Properties"]["Body"]["x-amazon-apigateway-policy"]
    applying = [
        s
        for s in policy["Statement"]
        if fnmatchcase(f"execute-api:{route}", s["Resource"]) and _matches(s.get("Condition", {}), principal)
    ]
    return not any(s["Effect"] == "Deny" for s in applying) and any(s["Effect"] == "Allow" for s in applying)


def test_the_salesforce_caller_reaches_the_flow_routes_only() -> None:
    assert allowed(CALLER, "/prod/POST/flows/sales-invoices/record")
    assert not allowed(CALLER, "/prod/PUT/admin/settings")
    assert not allowed(CALLER, "/prod/GET/admin/status")


def test_the_admin_reaches_the_admin_routes_only() -> None:
    assert allowed(ADMIN, "/prod/PUT/admin/settings")
    assert not allowed(ADMIN, "/prod/POST/flows/sales-invoices/record")
    assert not allowed("arn:aws:iam::123456789012:user/someone-else", "/prod/PUT/admin/settings")


def test_an_admin_wildcard_covering_the_caller_still_leaves_it_out_of_admin() -> None:
    policy = translated_template()["Resources"]["Api"]["Properties"]["Body"]["x-amazon-apigateway-policy"]
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    assert by_sid["SalesforceCallerFlowsOnly"] == {
        "Sid": "SalesforceCallerFlowsOnly", "Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke",
        "Resource": "execute-api:/*/*/admin/*", "Condition": {"ArnLike": {"aws:PrincipalArn": CALLER}},
    }  # fmt: skip


def test_the_admin_principal_is_required_and_must_differ_from_the_caller() -> None:
    template = source_template()
    assert "Default" not in template["Parameters"]["AdminPrincipalArn"]
    assertion = template["Rules"]["AdminIsNotTheSalesforceCaller"]["Assertions"][0]["Assert"]
    assert assertion == {"Fn::Not": [{"Fn::Equals": [{"Ref": "AdminPrincipalArn"}, {"Ref": "ApiCallerPrincipalArn"}]}]}


def test_the_admin_routes_have_a_request_model_as_the_flow_routes_do() -> None:
    body = translated_template()["Resources"]["Api"]["Properties"]["Body"]
    admin = body["paths"]["/admin/{proxy+}"]["x-amazon-apigateway-any-method"]
    assert admin["x-amazon-apigateway-request-validator"] in body["x-amazon-apigateway-request-validators"]
    schema_ref = admin["requestBody"]["content"]["application/json"]["schema"]
    assert schema_ref == {"$ref": "#/components/schemas/adminrequest"}
    schema = body["components"]["schemas"]["adminrequest"]
    assert schema["type"] == "object" and schema["maxProperties"] == 20


def test_every_function_has_reserved_concurrency_sized_to_salesforce() -> None:
    template = source_template()
    assert template["Globals"]["Function"]["ReservedConcurrentExecutions"] == {
        "Ref": "SalesforceConcurrentRequestLimit"
    }
    assert template["Parameters"]["SalesforceConcurrentRequestLimit"]["Default"] == 25
    for name, resource in translated_template()["Resources"].items():
        if resource["Type"] == "AWS::Lambda::Function":
            assert resource["Properties"]["ReservedConcurrentExecutions"] == {
                "Ref": "SalesforceConcurrentRequestLimit"
            }, name
