"""template.yaml keeps the properties the connector relies on.

Each check is a function that returns the problems it finds, so the tests show both that the
template passes and that the check really catches the fault (on a broken copy of the template).
Two sources are read: the SAM template as CloudFormation's first transform (AWS::LanguageExtensions,
which expands the five document flows' Fn::ForEach) hands it to SAM (oim_local.cfn_expand), and
SAM's own translation of that to CloudFormation (aws-sam-translator, offline), which shows what SAM
generates from the events: the OpenAPI body, permissions and mappings.
"""

from __future__ import annotations

import copy
import json
import logging
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from oim_local.cfn_expand import expand, load
from samtranslator.parser.parser import Parser  # type: ignore[import-untyped]
from samtranslator.translator.translator import Translator  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[3]
EVENTS = ROOT / "events"
TEMPLATE = ROOT / "template.yaml"
Template = dict[str, Any]

DOCUMENT_FLOWS = ("sales-invoices", "sales-credit-notes", "payable-invoices", "payable-credit-notes", "journals")
# Event source types that invoke a function asynchronously (Lambda retries, then OnFailure).
ASYNC_EVENT_TYPES = {"ScheduleV2", "Schedule", "EventBridgeRule", "CloudWatchEvent", "SNS", "S3"}
# Actions that have no resource-level permissions, so "*" is the only possible Resource.
STAR_RESOURCE_ACTIONS = {"xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules",
                         "xray:GetSamplingTargets", "cloudwatch:PutMetricData"}  # fmt: skip
DLQ_RETENTION = 14 * 24 * 3600
# Shared resources any function may name; anything else it names must be its own: named after it,
# or listed in OWNS.
SHARED = {"SalesforceSecret", "IdempotencyTable", "JobsTable", "FailedInvocationsQueue",
          "NotificationsTopic", "AvalaraSecret", "RunSummaryTopic"}  # fmt: skip
# The admin status view reads (GetQueueAttributes only) the depth of every dead-letter queue.
ALL_DLQS = {f"{flow}JobsDLQ" for flow in ("SalesInvoices", "SalesCreditNotes", "PayableInvoices", "PayableCreditNotes",
                                           "Journals")} | {"SupplierSiteChangesDLQ", "UndeliveredQueue"}  # fmt: skip
OWNS = {"VendorAccounts": {"SupplierSiteChangesQueue", "SupplierSiteChangesDLQ"},
        "Admin": {"SchedulerRole", "ScheduleGroup", *ALL_DLQS}}  # fmt: skip


# ---------------------------------------------------------------------------- loading


def load_template(text: str) -> Template:
    """The template as CloudFormation reads it after the AWS::LanguageExtensions transform (the five
    document flows' Fn::ForEach expanded), every other intrinsic kept as written."""
    return expand(load(text))


@cache
def _source() -> str:
    return TEMPLATE.read_text()


def source_template() -> Template:
    return load_template(_source())


@cache
def _translated(text: str) -> str:
    def no_managed_policies() -> dict[str, str]:
        raise AssertionError("the template must not name managed policies (SAM would look them up in IAM)")

    sam = load_template(text)
    for resource in sam["Resources"].values():
        for key in ("CodeUri", "ContentUri"):
            if isinstance(resource.get("Properties", {}).get(key), str):
                resource["Properties"][key] = "s3://bucket/key"  # what `sam package` would put there
    params = {"ApiCallerPrincipalArn": "arn:aws:iam::123456789012:user/salesforce-oim-connector",
              "AdminPrincipalArn": "arn:aws:iam::123456789012:role/oim-connector-admins"}  # fmt: skip
    logging.getLogger("samtranslator").setLevel(logging.ERROR)
    session = boto3.session.Session(region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
    translator = Translator(None, Parser(), boto_session=session)
    result = translator.translate(sam, parameter_values=params, get_managed_policy_map=no_managed_policies)
    return json.dumps(result)


def translated_template(text: str | None = None) -> Template:
    data: Template = json.loads(_translated(text if text is not None else _source()))
    return data


# ---------------------------------------------------------------------------- helpers


def resources(template: Template, kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def functions(template: Template) -> dict[str, dict[str, Any]]:
    return resources(template, "AWS::Serverless::Function")


def props(resource: dict[str, Any]) -> dict[str, Any]:
    value: dict[str, Any] = resource.get("Properties", {})
    return value


def referenced_ids(node: Any) -> set[str]:
    """Logical ids named by Ref, Fn::GetAtt and ${...} in Fn::Sub anywhere below node."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                found.add(value[0] if isinstance(value, list) else str(value).split(".")[0])
            elif key == "Fn::Sub":
                text = value[0] if isinstance(value, list) else value
                found |= {m.split(".")[0] for m in re.findall(r"\$\{([^}!]+)\}", text)}
                if isinstance(value, list):
                    found |= referenced_ids(value[1])
            else:
                found |= referenced_ids(value)
    elif isinstance(node, list):
        for item in node:
            found |= referenced_ids(item)
    return found


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def env_of(template: Template, name: str) -> dict[str, Any]:
    glob = template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
    own = props(template["Resources"][name]).get("Environment", {}).get("Variables", {})
    return {**glob, **own}


def timeout_of(template: Template, name: str) -> int:
    glob = template.get("Globals", {}).get("Function", {})
    return int(props(template["Resources"][name]).get("Timeout", glob.get("Timeout", 3)))


def flow_prefix(function_name: str) -> str:
    return function_name.removesuffix("Function")


def role_of(template: Template, function_name: str) -> tuple[str, dict[str, Any]] | None:
    role = props(template["Resources"][function_name]).get("Role")
    ids = referenced_ids(role) if role else set()
    if len(ids) != 1:
        return None
    name = ids.pop()
    return name, template["Resources"][name]


def statements(role: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for policy in props(role).get("Policies", []):
        yield from policy["PolicyDocument"]["Statement"]


# ---------------------------------------------------------------------------- checks


def check_api_auth(translated: Template) -> list[str]:
    """Every method of every REST API requires SigV4 (AWS_IAM) and is not invoked with caller credentials."""
    problems = []
    for name, api in resources(translated, "AWS::ApiGateway::RestApi").items():
        body = props(api).get("Body", {})
        schemes = body.get("components", {}).get("securitySchemes", body.get("securityDefinitions", {}))
        iam_schemes = {k for k, v in schemes.items() if v.get("x-amazon-apigateway-authtype") == "awsSigv4"}
        for path, methods in body.get("paths", {}).items():
            for method, operation in methods.items():
                used = {key for entry in operation.get("security", []) for key in entry}
                if not used or not used <= iam_schemes:
                    problems.append(f"{name} {method.upper()} {path}: not AWS_IAM ({sorted(used) or 'no auth'})")
                if "credentials" in operation.get("x-amazon-apigateway-integration", {}):
                    problems.append(f"{name} {method.upper()} {path}: invoked with the caller's credentials")
        if not body.get("x-amazon-apigateway-policy"):
            problems.append(f"{name}: no resource policy")
    return problems


def check_least_privilege(template: Template) -> list[str]:
    """Explicit roles only; no '*' resource but for actions without resource-level permissions; no
    wildcard actions; a flow function names only its own resources and the shared ones."""
    problems = []
    parameters = set(template.get("Parameters", {}))
    for name in functions(template):
        if props(template["Resources"][name]).get("Policies"):
            problems.append(f"{name}: uses SAM Policies (SAM then attaches managed policies with Resource '*')")
        found = role_of(template, name)
        if found is None:
            problems.append(f"{name}: has no explicit Role")
            continue
        role_name, role = found
        if props(role).get("ManagedPolicyArns"):
            problems.append(f"{role_name}: has managed policies")
        mine = flow_prefix(name)
        for statement in statements(role):
            sid = statement.get("Sid", "?")
            actions = as_list(statement["Action"])
            if any(a == "*" or a.endswith(":*") for a in actions):
                problems.append(f"{role_name}/{sid}: wildcard action {actions}")
            if "*" in as_list(statement["Resource"]) and not set(actions) <= STAR_RESOURCE_ACTIONS:
                problems.append(f"{role_name}/{sid}: Resource '*' for {actions}")
            if name == "DlqReplayFunction":
                continue  # moves any dead letter back to any source queue or function, by design
            for ref in sorted(referenced_ids(statement["Resource"]) - parameters):
                if ref in SHARED or ref in OWNS.get(mine, ()) or ref.startswith(mine) or ref.startswith("AWS::"):
                    continue
                problems.append(f"{role_name}/{sid}: names {ref}, which is not {mine}'s")
    return problems


def check_queues_have_dlqs(template: Template) -> list[str]:
    """Every queue is either a dead-letter queue (kept 14 days) or has a redrive policy to one."""
    problems = []
    queues = resources(template, "AWS::SQS::Queue")
    dlqs: set[str] = set()
    for name, queue in queues.items():
        redrive = props(queue).get("RedrivePolicy")
        if redrive:
            target = referenced_ids(redrive.get("deadLetterTargetArn"))
            dlqs |= target
            if not 1 <= int(redrive.get("maxReceiveCount", 0)) <= 5:
                problems.append(f"{name}: maxReceiveCount outside 1..5")
            for dlq in target:
                if bool(props(queues[dlq]).get("FifoQueue")) != bool(props(queue).get("FifoQueue")):
                    problems.append(f"{name}: its DLQ {dlq} is not of the same kind (FIFO/standard)")
    for function in functions(template).values():
        dlqs |= referenced_ids(props(function).get("EventInvokeConfig", {}).get("DestinationConfig"))
        for event in props(function).get("Events", {}).values():
            dlqs |= referenced_ids(event.get("Properties", {}).get("DeadLetterConfig"))
    for name, queue in queues.items():
        if name in dlqs:
            if int(props(queue).get("MessageRetentionPeriod", 0)) != DLQ_RETENTION:
                problems.append(f"{name}: a dead-letter queue that does not keep messages 14 days")
        elif not props(queue).get("RedrivePolicy"):
            problems.append(f"{name}: no dead-letter queue")
    return problems


def check_async_on_failure(template: Template) -> list[str]:
    """A function invoked asynchronously sends failed invocations to an SQS OnFailure destination."""
    problems = []
    for name, function in functions(template).items():
        kinds = {e["Type"] for e in props(function).get("Events", {}).values()}
        if not kinds & ASYNC_EVENT_TYPES:
            continue
        on_failure = props(function).get("EventInvokeConfig", {}).get("DestinationConfig", {}).get("OnFailure", {})
        if on_failure.get("Type") != "SQS" or not referenced_ids(on_failure.get("Destination")):
            problems.append(f"{name}: asynchronous ({sorted(kinds & ASYNC_EVENT_TYPES)}) without an OnFailure queue")
    return problems


DOCUMENT_FLOWS = {"sales-invoices", "sales-credit-notes", "payable-invoices", "payable-credit-notes", "journals"}


def _is_document_flow(template: Template, name: str) -> bool:
    return env_of(template, name).get("FLOW") in DOCUMENT_FLOWS


def check_schedules_and_rules(template: Template) -> list[str]:
    """EventBridge rules retry and have a dead-letter queue; the stack creates no schedule (the admin page
    creates each flow's one, with retries and the dead-letter queue, so a deploy never resets it)."""
    problems = []
    for name, function in functions(template).items():
        for event_name, event in props(function).get("Events", {}).items():
            p = event.get("Properties", {})
            if event["Type"] in {"ScheduleV2", "EventBridgeRule"}:
                if not p.get("RetryPolicy"):
                    problems.append(f"{name}.{event_name}: no RetryPolicy")
                if not referenced_ids(p.get("DeadLetterConfig", {}).get("Arn")):
                    problems.append(f"{name}.{event_name}: no DeadLetterConfig queue")
            # A document flow's schedule is the admin page's; the monthly reconciliation and the tax
            # commit job run on the stack's own schedules.
            if event["Type"] in {"ScheduleV2", "Schedule"} and _is_document_flow(template, name):
                problems.append(
                    f"{name}.{event_name}: the stack creates no schedules (the admin page creates each flow's one)"
                )
    return problems


def check_queue_visibility(template: Template) -> list[str]:
    """A queue that feeds a function hides a message for at least 6 x the function's timeout."""
    problems = []
    for name, function in functions(template).items():
        for event_name, event in props(function).get("Events", {}).items():
            if event["Type"] != "SQS":
                continue
            p = event["Properties"]
            for queue in referenced_ids(p["Queue"]):
                visibility = int(props(template["Resources"][queue]).get("VisibilityTimeout", 30))
                if visibility < 6 * timeout_of(template, name):
                    problems.append(f"{queue}: VisibilityTimeout {visibility} < 6 x {name} timeout")
            if p.get("FunctionResponseTypes") != ["ReportBatchItemFailures"]:
                problems.append(f"{name}.{event_name}: no ReportBatchItemFailures")
            if p.get("ScalingConfig", {}).get("MaximumConcurrency") != {"Ref": "SalesforceConcurrency"}:
                problems.append(f"{name}.{event_name}: MaximumConcurrency is not the SalesforceConcurrency parameter")
    return problems


def check_flow_env(template: Template) -> list[str]:
    """Function <-> functions/<dir>/ one to one, FLOW is the dir's flow id, handler app.lambda_handler."""
    problems = []
    seen = set()
    for name, function in functions(template).items():
        p = props(function)
        match = re.fullmatch(r"functions/([a-z_]+)/?", str(p.get("CodeUri")))
        if not match:
            problems.append(f"{name}: CodeUri {p.get('CodeUri')!r} is not functions/<dir>/")
            continue
        directory = match.group(1)
        seen.add(directory)
        if not (ROOT / "functions" / directory / "app.py").is_file():
            problems.append(f"{name}: functions/{directory}/app.py does not exist")
        if env_of(template, name).get("FLOW") != directory.replace("_", "-"):
            problems.append(f"{name}: FLOW {env_of(template, name).get('FLOW')!r} does not match functions/{directory}")
        if p.get("Handler") != "app.lambda_handler":
            problems.append(f"{name}: Handler is not app.lambda_handler")
    for directory in sorted({p.parent.name for p in (ROOT / "functions").glob("*/app.py")} - seen):
        problems.append(f"functions/{directory}: no function in the template")
    return problems


# ---------------------------------------------------------------------------- the template passes


CHECKS: dict[str, Callable[[Template], list[str]]] = {
    "least_privilege": check_least_privilege,
    "queues_have_dlqs": check_queues_have_dlqs,
    "async_on_failure": check_async_on_failure,
    "schedules_and_rules": check_schedules_and_rules,
    "queue_visibility": check_queue_visibility,
    "flow_env": check_flow_env,
}


@pytest.mark.parametrize("check", CHECKS.values(), ids=CHECKS.keys())
def test_template_passes(check: Callable[[Template], list[str]]) -> None:
    assert check(source_template()) == []


def test_every_api_route_requires_iam_auth() -> None:
    # Given SAM's translation of the template (what CloudFormation deploys)
    translated = translated_template()
    # Then every method of the API requires SigV4 and API Gateway invokes with its own permission
    assert check_api_auth(translated) == []
    paths = translated["Resources"]["Api"]["Properties"]["Body"]["paths"]
    assert len(paths) == 3 * len(DOCUMENT_FLOWS) + 1


# ---------------------------------------------------------------------------- the checks catch faults


def _broken(change: Callable[[Template], None]) -> Template:
    template = copy.deepcopy(source_template())
    change(template)
    return template


def test_a_route_without_auth_is_caught() -> None:
    # Given a template where one route opts out of the API's default authorizer
    def open_route(t: Template) -> None:
        event = props(t["Resources"]["JournalsFunction"])["Events"]["Record"]
        event["Properties"]["Auth"] = {"Authorizer": "NONE"}

    text = yaml.safe_dump(_broken(open_route))  # the long form (Ref, Fn::GetAtt), which SAM reads too
    # When SAM translates it, Then the check names that route
    problems = check_api_auth(translated_template(text))
    assert problems == ["Api POST /flows/journals/record: not AWS_IAM (['NONE'])"]


def test_star_resources_and_foreign_resources_are_caught() -> None:
    def widen(t: Template) -> None:
        role = t["Resources"]["SalesInvoicesRole"]
        statements_ = props(role)["Policies"][0]["PolicyDocument"]["Statement"]
        statements_.append({"Sid": "Everything", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"})
        statements_.append({"Sid": "Other", "Effect": "Allow", "Action": "sqs:SendMessage",
                            "Resource": {"Fn::GetAtt": ["JournalsJobsQueue", "Arn"]}})  # fmt: skip
        props(t["Resources"]["AdminFunction"]).pop("Role")

    problems = check_least_privilege(_broken(widen))
    assert "SalesInvoicesRole/Everything: Resource '*' for ['sqs:SendMessage']" in problems
    assert "SalesInvoicesRole/Other: names JournalsJobsQueue, which is not SalesInvoices's" in problems
    assert "AdminFunction: has no explicit Role" in problems


def test_a_queue_without_dlq_is_caught() -> None:
    problems = check_queues_have_dlqs(
        _broken(lambda t: props(t["Resources"]["JournalsJobsQueue"]).pop("RedrivePolicy"))
    )
    assert problems == ["JournalsJobsQueue: no dead-letter queue", "JournalsJobsDLQ: no dead-letter queue"]


def test_an_async_function_without_on_failure_is_caught() -> None:
    problems = check_async_on_failure(
        _broken(lambda t: props(t["Resources"]["VendorAccountsFunction"]).pop("EventInvokeConfig"))
    )
    assert problems == ["VendorAccountsFunction: asynchronous (['EventBridgeRule']) without an OnFailure queue"]


def test_a_schedule_without_retry_or_dlq_is_caught() -> None:
    def add(t: Template) -> None:
        props(t["Resources"]["PayableInvoicesFunction"])["Events"]["Schedule"] = {
            "Type": "ScheduleV2",
            "Properties": {"ScheduleExpression": "rate(1 hour)", "State": "ENABLED"},
        }

    assert check_schedules_and_rules(_broken(add)) == [
        "PayableInvoicesFunction.Schedule: no RetryPolicy",
        "PayableInvoicesFunction.Schedule: no DeadLetterConfig queue",
        "PayableInvoicesFunction.Schedule: the stack creates no schedules (the admin page creates each flow's one)",
    ]


NAME_PROPERTIES = ("Name", "QueueName", "TopicName", "LogGroupName", "AlarmName", "LayerName")


def test_every_resource_name_is_derived_from_the_stack_name() -> None:
    """Two stacks (staging, production) can share an account and region: no fixed name collides."""
    template = source_template()
    named = 0
    for logical_id, resource in template["Resources"].items():
        for key in NAME_PROPERTIES:
            value = resource.get("Properties", {}).get(key)
            if value is None or resource["Type"] == "AWS::Serverless::Function":
                continue
            named += 1
            text = json.dumps(value)
            # A name built on a queue's name is derived too (the queue's name is).
            derived = "AWS::StackName" in text or ".QueueName}" in text
            assert derived, f"{logical_id}.{key} = {text}: derive it from the stack name"
    assert named >= 30  # queues, log groups, alarms, topic, secret, group, API, layer


def test_the_stack_creates_no_schedule_the_admin_page_creates_the_one_per_flow() -> None:
    """One schedule per flow: the admin page creates and edits ``oim-<flow>`` in the stack's group, so a
    deploy never resets it; the stack gives it the group, the role, the dead-letter queue and a time zone."""
    template = source_template()
    for name, function in functions(template).items():
        kinds = {event["Type"] for event in props(function).get("Events", {}).values()}
        if _is_document_flow(template, name):
            assert not kinds & {"ScheduleV2", "Schedule"}, name
    assert resources(template, "AWS::Scheduler::Schedule") == {}
    admin = env_of(template, "AdminFunction")
    assert admin["DEFAULT_SCHEDULE_TIMEZONE"] == {"Ref": "ScheduleTimezone"}
    assert referenced_ids(admin["SCHEDULE_GROUP"]) == {"ScheduleGroup"}
    assert "ScheduleExpression" not in template["Parameters"]


def test_a_short_fifo_visibility_timeout_is_caught() -> None:
    def shorten(t: Template) -> None:
        props(t["Resources"]["SupplierSiteChangesQueue"])["VisibilityTimeout"] = 6 * 60 - 1

    assert check_queue_visibility(_broken(shorten)) == [
        "SupplierSiteChangesQueue: VisibilityTimeout 359 < 6 x VendorAccountsFunction timeout"
    ]


def test_a_wrong_flow_env_is_caught() -> None:
    def swap(t: Template) -> None:
        props(t["Resources"]["SalesCreditNotesFunction"])["Environment"]["Variables"]["FLOW"] = "sales-invoices"

    assert check_flow_env(_broken(swap)) == [
        "SalesCreditNotesFunction: FLOW 'sales-invoices' does not match functions/sales_credit_notes"
    ]


# ---------------------------------------------------------------------------- specific facts


def test_document_flows_serve_their_routes_schedule_event_and_jobs_queue() -> None:
    template = source_template()
    for flow in DOCUMENT_FLOWS:
        name = "".join(part.title() for part in flow.split("-")) + "Function"
        events = props(template["Resources"][name])["Events"]
        routes = {(e["Properties"]["Method"], e["Properties"]["Path"]) for e in events.values() if e["Type"] == "Api"}
        assert routes == {("POST", f"/flows/{flow}/record"), ("POST", f"/flows/{flow}/list"),
                          ("GET", f"/flows/{flow}/jobs/{{jobId}}")}  # fmt: skip
        for event in events.values():
            if event["Type"] == "Api" and event["Properties"]["Method"] == "POST":
                assert event["Properties"]["RequestModel"]["ValidateBody"] is True
        pattern = events["OimEvent"]["Properties"]["Pattern"]
        assert {"prefix": "aws.partner/salesforce.com"} in pattern["source"]
        assert "oim.salesforce" in pattern["source"]
        assert_routes_its_own_oim_events(pattern, flow)
        jobs = referenced_ids(events["Jobs"]["Properties"]["Queue"])
        assert referenced_ids(env_of(template, name)["JOBS_QUEUE_URL"]) == jobs


def test_functions_have_the_documented_environment() -> None:
    # Given the variables docs/architecture.md lists for a flow function
    doc = (ROOT / "docs" / "architecture.md").read_text().split("## Function environment", 1)[1]
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", doc.split("\n## ", 1)[0]))
    assert {"FLOW", "SALESFORCE_SECRET_ARN", "JOBS_QUEUE_URL"} <= documented
    template = source_template()
    # Then every document flow function has all of them
    for flow in DOCUMENT_FLOWS:
        name = "".join(part.title() for part in flow.split("-")) + "Function"
        assert documented <= set(env_of(template, name)), name
    # And the metrics namespace is the documented one
    assert env_of(template, "AdminFunction")["POWERTOOLS_METRICS_NAMESPACE"] == "OimConnector"


def test_globals_and_layer() -> None:
    template = source_template()
    glob = template["Globals"]["Function"]
    assert (glob["Runtime"], glob["Architectures"], glob["Tracing"]) == ("python3.12", ["x86_64"], "Active")
    assert glob["Layers"] == [{"Ref": "CommonLayer"}]
    layer = template["Resources"]["CommonLayer"]
    assert props(layer)["ContentUri"] == "layers/common"
    assert props(layer)["CompatibleRuntimes"] == ["python3.12"]
    assert layer["Metadata"] == {"BuildMethod": "python3.12", "BuildArchitecture": "x86_64"}
    assert (ROOT / "layers/common/requirements.txt").is_file()
    assert (ROOT / "layers/common/oim_connector/__init__.py").is_file()


def test_supplier_site_fifo_queue() -> None:
    template = source_template()
    queue = props(template["Resources"]["SupplierSiteChangesQueue"])
    assert queue["QueueName"] == {"Fn::Sub": "${AWS::StackName}-supplier-site-changes.fifo"}
    assert queue["FifoQueue"] is True
    assert queue["ContentBasedDeduplication"] is False
    assert queue["RedrivePolicy"]["maxReceiveCount"] == 5
    dlq = props(template["Resources"]["SupplierSiteChangesDLQ"])
    assert dlq["FifoQueue"] is True
    assert dlq["MessageRetentionPeriod"] == DLQ_RETENTION
    concurrency = template["Parameters"]["SalesforceConcurrency"]
    assert (concurrency["Default"], concurrency["MinValue"]) == (2, 2)
    events = props(template["Resources"]["VendorAccountsFunction"])["Events"]
    assert events["SupplierSiteChange"]["Properties"]["Pattern"]["detail-type"] == [
        "SCMC__Supplier_Site__ChangeEvent",
        "Supplier_Site_Event__e",
    ]


def test_account_changes_reach_the_vendor_function_only_once_enabled() -> None:
    """The optional accounts -> supplier sites direction: its own rule, off unless the stack turns it on."""
    from moto.events.models import EventPattern

    template = source_template()
    events = props(template["Resources"]["VendorAccountsFunction"])["Events"]
    rule = events["AccountChange"]["Properties"]
    assert rule["State"] == {"Ref": "AccountChangesState"}
    assert template["Parameters"]["AccountChangesState"]["Default"] == "DISABLED"
    account_change = json.loads((EVENTS / "vendor_accounts_event.json").read_text(encoding="utf-8"))
    account_change["detail-type"] = "AccountChangeEvent"
    account_change["detail"]["payload"]["ChangeEventHeader"]["entityName"] = "Account"
    site_change = json.loads((EVENTS / "vendor_accounts_event.json").read_text(encoding="utf-8"))
    site_rule = EventPattern.load(json.dumps(events["SupplierSiteChange"]["Properties"]["Pattern"]))
    account_rule = EventPattern.load(json.dumps(rule["Pattern"]))
    assert account_rule.matches_event(account_change) and not account_rule.matches_event(site_change)
    assert site_rule.matches_event(site_change) and not site_rule.matches_event(account_change)


def test_tables() -> None:
    template = source_template()
    keys = {name: [k["AttributeName"] for k in props(t)["KeySchema"]]
            for name, t in resources(template, "AWS::DynamoDB::Table").items()}  # fmt: skip
    assert keys == {"IdempotencyTable": ["id"], "JobsTable": ["pk", "sk"], "TaxCommitClaimsTable": ["claim"]}
    for table in resources(template, "AWS::DynamoDB::Table").values():
        p = props(table)
        assert p["BillingMode"] == "PAY_PER_REQUEST"
        assert p["TimeToLiveSpecification"] == {"AttributeName": "expiration", "Enabled": True}
        assert p["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


def test_every_dlq_and_function_has_alarms() -> None:
    template = source_template()
    alarms = resources(template, "AWS::CloudWatch::Alarm").values()
    watched = {(props(a)["MetricName"], *referenced_ids(props(a)["Dimensions"])) for a in alarms}
    for name in functions(template):
        assert {("Errors", name), ("Throttles", name)} <= watched
    dlqs = {n for n in resources(template, "AWS::SQS::Queue") if n.endswith("DLQ")}
    dlqs |= {"FailedInvocationsQueue", "UndeliveredQueue"}
    for dlq in dlqs:
        assert ("ApproximateNumberOfMessagesVisible", dlq) in watched
    for alarm in alarms:
        assert props(alarm)["AlarmActions"] == [{"Ref": "NotificationsTopic"}]


def test_resource_policy_is_resolved_at_deploy_time() -> None:
    # SAM resolves parameter references in the resource policy with the values it is given, and with
    # a parameter's Default when it is given none: a default caller ARN would silently be deployed.
    template = source_template()
    assert "Default" not in template["Parameters"]["ApiCallerPrincipalArn"]
    policy = translated_template()["Resources"]["Api"]["Properties"]["Body"]["x-amazon-apigateway-policy"]
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    caller = "arn:aws:iam::123456789012:user/salesforce-oim-connector"
    assert by_sid["FlowsForTheSalesforceCaller"]["Condition"] == {"ArnLike": {"aws:PrincipalArn": caller}}
    assert by_sid["FlowsForNobodyElse"]["Effect"] == "Deny"
    assert by_sid["FlowsForNobodyElse"]["Condition"] == {"ArnNotLike": {"aws:PrincipalArn": caller}}
    assert by_sid["AdminForNobodyElse"]["Resource"] == "execute-api:/*/*/admin/*"


def test_outputs_give_what_the_salesforce_side_needs() -> None:
    outputs = source_template()["Outputs"]
    assert {"ApiUrl", "FlowsExecuteApiArn", "AdminExecuteApiArn", "SalesforceSecretArn"} <= set(outputs)
    for queue in resources(source_template(), "AWS::SQS::Queue"):
        assert {f"{queue}Url", f"{queue}Arn"} <= set(outputs)


def test_the_replay_role_allows_every_sqs_call_a_replay_makes() -> None:
    """dlq/replay.py names queues by ARN (DLQ_SOURCES) or name: it looks up each queue's URL, drains the
    dead-letter queue (or starts a move task on it) and sends to the source queue."""
    template = source_template()
    found = role_of(template, "DlqReplayFunction")
    assert found is not None
    allowed: dict[str, set[str]] = {}
    for statement in statements(found[1]):
        for ref in referenced_ids(statement["Resource"]):
            allowed.setdefault(ref, set()).update(as_list(statement["Action"]))
    drained = {"sqs:GetQueueUrl", "sqs:GetQueueAttributes", "sqs:ReceiveMessage", "sqs:DeleteMessage",
               "sqs:ChangeMessageVisibility", "sqs:StartMessageMoveTask", "sqs:ListMessageMoveTasks"}  # fmt: skip
    for queue, definition in resources(template, "AWS::SQS::Queue").items():
        redrive = props(definition).get("RedrivePolicy")
        if not redrive:
            continue
        [dlq] = referenced_ids(redrive)
        assert drained <= allowed.get(dlq, set()), f"{dlq}: missing {sorted(drained - allowed.get(dlq, set()))}"
        sent = {"sqs:GetQueueUrl", "sqs:SendMessage"}
        assert sent <= allowed.get(queue, set()), f"{queue}: missing {sorted(sent - allowed.get(queue, set()))}"


def oim_event(flow: str, *, namespaced: bool) -> dict[str, Any]:
    """An OIM event as a Salesforce Event Relay delivers it: the package's own platform event, or the
    one of an org that has it under the earlier package's namespace."""
    prefix = "SCMFFA__" if namespaced else ""
    payload = {f"{prefix}Flow__c": flow, f"{prefix}Event__c": "shipment-completed",
               f"{prefix}Record_Id__c": "a2N5L0000000001UAA"}  # fmt: skip
    return {"version": "0", "id": "1", "detail-type": f"{prefix}OIM_Document_Event__e",
            "source": "aws.partner/salesforce.com/00D5L0000000001UAA/0YL5L0000000001WAA", "account": "123456789012",
            "time": "2026-11-25T10:15:00Z", "region": "eu-west-1", "resources": [],
            "detail": {"payload": payload}}  # fmt: skip


def assert_routes_its_own_oim_events(pattern: dict[str, Any], flow: str) -> None:
    """Matched as EventBridge matches (moto's implementation of the pattern language)."""
    from moto.events.models import EventPattern

    rule = EventPattern.load(json.dumps(pattern))
    other = next(f for f in DOCUMENT_FLOWS if f != flow)
    for namespaced in (False, True):
        assert rule.matches_event(oim_event(flow, namespaced=namespaced)), (flow, namespaced)
        assert not rule.matches_event(oim_event(other, namespaced=namespaced)), (flow, other, namespaced)
    stray = {**oim_event(flow, namespaced=False), "detail-type": "Some_Other_Event__e"}
    assert not rule.matches_event(stray)


def test_oim_event_rules_listen_on_the_relays_partner_bus_never_the_default_one() -> None:
    template = source_template()
    params = template["Parameters"]
    for name in ("DocumentEventBusName", "SupplierSiteEventBusName"):
        assert "Default" not in params[name], name
        pattern = re.compile(params[name]["AllowedPattern"])
        assert pattern.match("aws.partner/salesforce.com/00D5e000000abcd/0YLRM0000000001"), name
        assert not pattern.match("default"), name
    buses = {
        props(event)["EventBusName"]["Ref"]
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Serverless::Function"
        for event in props(resource).get("Events", {}).values()
        if event["Type"] == "EventBridgeRule"
    }
    assert buses == {"DocumentEventBusName", "SupplierSiteEventBusName"}


def test_run_summaries_have_their_own_topic_and_the_notification_type_is_a_parameter() -> None:
    template = source_template()
    topic = template["Resources"]["RunSummaryTopic"]
    assert props(topic)["TopicName"] == {"Fn::Sub": "${AWS::StackName}-run-summaries"}
    for flow in DOCUMENT_FLOWS:
        name = "".join(part.title() for part in flow.split("-")) + "Function"
        assert env_of(template, name)["RUN_SUMMARY_TOPIC_ARN"] == {"Ref": "RunSummaryTopic"}, name
        assert "NOTIFICATIONS_TOPIC_ARN" not in env_of(template, name), name
    pattern = re.compile(template["Parameters"]["CustomNotificationTypeId"]["AllowedPattern"])
    assert pattern.match("0MLRM0000000001") and pattern.match("") and not pattern.match("OIM_Connector_Run")
    assert template["Globals"]["Function"]["Environment"]["Variables"]["CUSTOM_NOTIFICATION_TYPE_ID"] == {
        "Ref": "CustomNotificationTypeId"
    }


def test_every_function_gets_the_runtime_memory_and_tracing_of_the_globals() -> None:
    """cfn-lint merges Globals before it expands Fn::ForEach (so template.yaml tells it to ignore
    W2533/ES1005/WS1000 on the flow functions); SAM's translation shows what each function gets."""
    lambdas = resources(translated_template(), "AWS::Lambda::Function")
    assert len(lambdas) == len(functions(source_template()))
    for name, function in lambdas.items():
        p = props(function)
        assert (p["Runtime"], p["TracingConfig"], p["Architectures"]) == (
            "python3.12", {"Mode": "Active"}, ["x86_64"]
        ), name  # fmt: skip
        assert p["MemorySize"] >= 512, name


def test_every_checkov_skip_is_justified_next_to_its_resource() -> None:
    """No global skip list: `make checkov` fails on any finding not skipped, with a reason, in the
    resource's own Metadata (comment-style skips would be lost in the expanded template it scans)."""
    settings = yaml.safe_load((ROOT / ".checkov.yaml").read_text())
    assert not {"skip-check", "skip_check", "soft-fail", "soft_fail"} & set(settings)
    assert "checkov:skip" not in _source()
    skipped = 0
    for name, resource in source_template()["Resources"].items():
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            assert re.fullmatch(r"CKV_AWS_\d+", skip["id"]), (name, skip)
            assert len(skip["comment"]) >= 40, (name, skip)  # a reason, not a label
            skipped += 1
    assert skipped == 32  # CKV_AWS_116/117/173 on each of the 10 functions, API caching, bucket access logs
