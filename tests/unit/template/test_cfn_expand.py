"""The offline AWS::LanguageExtensions expander the template tests and checkov read template.yaml
through: it expands Fn::ForEach as CloudFormation does, agrees with the expander SAM CLI deploys
with, and refuses what CloudFormation refuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from oim_local.cfn_expand import TemplateError, expand, load, main
from samcli.lib.cfn_language_extensions.sam_integration import (  # type: ignore[import-untyped]
    process_template_for_sam_cli,
)

from tests.unit.template.test_template import DOCUMENT_FLOWS, TEMPLATE, source_template


def _template(resources: dict[str, Any], **sections: Any) -> dict[str, Any]:
    return {"Transform": ["AWS::LanguageExtensions", "AWS::Serverless-2016-10-31"], "Resources": resources, **sections}


def test_a_loop_names_its_copies_and_replaces_the_identifier_in_keys_subs_and_refs() -> None:
    template = _template(
        {
            "Fn::ForEach::Queues": [
                "Name",
                ["Orders", "Order-Lines"],
                {
                    "&{Name}Queue": {
                        "Type": "AWS::SQS::Queue",
                        "Properties": {
                            "QueueName": {"Fn::Sub": "${AWS::StackName}-${Name}"},
                            "Tags": [{"Key": "name", "Value": {"Ref": "Name"}}],
                            "RedrivePolicy": {
                                "deadLetterTargetArn": {"Fn::GetAtt": [{"Fn::Sub": "&{Name}Dlq"}, "Arn"]}
                            },
                        },
                    }
                },
            ]
        }
    )
    resources = expand(template)["Resources"]
    assert set(resources) == {"OrdersQueue", "OrderLinesQueue"}
    lines = resources["OrderLinesQueue"]["Properties"]
    assert lines["QueueName"] == {"Fn::Sub": "${AWS::StackName}-Order-Lines"}
    assert lines["Tags"] == [{"Key": "name", "Value": "Order-Lines"}]
    assert lines["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["OrderLinesDlq", "Arn"]}
    assert expand(template)["Transform"] == "AWS::Serverless-2016-10-31"


NAME = {"Fn::FindInMap": ["M", {"Ref": "Flow"}, "N"]}


def test_find_in_map_and_sub_variables_are_folded_other_intrinsics_kept() -> None:
    template = _template(
        {
            "Fn::ForEach::Flows": [
                "Flow",
                ["A"],
                {
                    "${Flow}Topic": {
                        "Type": "AWS::SNS::Topic",
                        "Properties": {
                            "TopicName": {"Fn::Sub": ["${AWS::StackName}-${N}", {"N": NAME}]},
                            "DisplayName": {"Fn::Sub": ["/flows/${N}", {"N": NAME}]},
                            "KmsMasterKeyId": {"Fn::If": ["HasKey", {"Ref": "Key"}, {"Ref": "AWS::NoValue"}]},
                        },
                    }
                },
            ]
        },
        Mappings={"M": {"A": {"N": "flow-a"}}},
    )  # fmt: skip
    topic = expand(template)["Resources"]["ATopic"]["Properties"]
    assert topic["TopicName"] == {"Fn::Sub": "${AWS::StackName}-flow-a"}
    assert topic["DisplayName"] == "/flows/flow-a"
    assert topic["KmsMasterKeyId"] == {"Fn::If": ["HasKey", {"Ref": "Key"}, {"Ref": "AWS::NoValue"}]}


def test_nested_loops_expand_inside_out() -> None:
    template = _template(
        {
            "Fn::ForEach::Outer": [
                "A",
                ["X", "Y"],
                {"Fn::ForEach::Inner": ["B", ["1", "2"], {"R${A}${B}": {"Type": "T"}}]},
            ]
        }
    )
    assert set(expand(template)["Resources"]) == {"RX1", "RX2", "RY1", "RY2"}


@pytest.mark.parametrize(
    ("resources", "message"),
    [
        ({"Fn::ForEach::L": ["A", ["X", "X"], {"R${A}": {"Type": "T"}}]}, "RX is declared twice"),
        ({"R": {"Type": "T"}, "Fn::ForEach::L": ["A", [""], {"R${A}": {"Type": "T"}}]}, "R is declared twice"),
        ({"Fn::ForEach::L": ["A", {"Ref": "List"}, {"R${A}": {"Type": "T"}}]}, "literal list of strings"),
        ({"Fn::ForEach::L": ["A", ["X"]]}, "expected [Identifier, Collection, OutputTemplate]"),
    ],
)
def test_what_cloudformation_refuses_is_refused_with_the_place(resources: dict[str, Any], message: str) -> None:
    with pytest.raises(TemplateError, match=r"Resources\.Fn::ForEach::L: .*") as caught:
        expand(_template(resources))
    assert message in str(caught.value)


def test_the_expansion_agrees_with_the_one_sam_cli_deploys_with() -> None:
    # Given template.yaml as written, and as this expander hands it to the tests
    written = load(TEMPLATE.read_text())
    ours = expand(written)
    # When SAM CLI's own language-extensions pipeline (sam build/deploy --language-extensions)
    # processes each, Then both give the same resources, outputs and conditions
    theirs, again = process_template_for_sam_cli(written), process_template_for_sam_cli(ours)
    for section in ("Resources", "Outputs", "Conditions"):
        assert theirs[section] == again[section], section


FLOW_RESOURCES = ("Function", "JobsQueue", "JobsDLQ", "Role", "LogGroup", "ErrorsAlarm", "ThrottlesAlarm",
                  "JobsDLQNotEmptyAlarm")  # fmt: skip


def test_the_five_document_flows_are_declared_once() -> None:
    written = load(TEMPLATE.read_text())
    assert written["Transform"] == ["AWS::LanguageExtensions", "AWS::Serverless-2016-10-31"]
    identifier, prefixes, body = written["Resources"]["Fn::ForEach::DocumentFlows"]
    names = {written["Mappings"]["Functions"][prefix]["Name"] for prefix in prefixes}
    assert names == set(DOCUMENT_FLOWS)
    assert {key.replace(f"${{{identifier}}}", "") for key in body} == {
        "Function", "JobsQueue", "JobsDLQ", "Role", "JobsDLQNotEmptyAlarm",
    }  # fmt: skip
    resources = source_template()["Resources"]
    for prefix in prefixes:
        made = {f"{prefix}{suffix}" for suffix in FLOW_RESOURCES}
        assert made <= set(resources), prefix
        assert not any(prefix in key for key in written["Resources"] if not key.startswith("Fn::ForEach::")), prefix


def test_every_function_gets_its_log_group_and_alarms_from_one_loop() -> None:
    written = load(TEMPLATE.read_text())
    identifier, prefixes, _ = written["Resources"]["Fn::ForEach::FunctionLogsAndAlarms"]
    functions = {name.removesuffix("Function") for name, r in source_template()["Resources"].items()
                 if r["Type"] == "AWS::Serverless::Function"}  # fmt: skip
    assert set(prefixes) == functions == set(written["Mappings"]["Functions"])
    assert identifier == "Function"


def test_the_command_writes_the_expanded_template(tmp_path: Path) -> None:
    out = tmp_path / "expanded.yaml"
    assert main([str(TEMPLATE), "-o", str(out)]) == 0
    assert load(out.read_text()) == source_template()


def test_the_command_names_the_fault(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text('Resources:\n  Fn::ForEach::L: [A, !Ref List, {"R${A}": {Type: T}}]\n')
    assert main([str(bad)]) == 1
    assert (
        capsys.readouterr().err
        == f"{bad}: Resources.Fn::ForEach::L: the collection must be a literal list of strings\n"
    )
