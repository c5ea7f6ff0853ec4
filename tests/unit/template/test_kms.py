"""The optional customer managed KMS key (KmsKeyArn): given, every topic, queue (dead-letter queues
included), log group, table, secret and the reports bucket is encrypted with it and the roles may
use it through those services only; left empty (the default), nothing names it and AWS managed
encryption stays on. Conditions are resolved as CloudFormation resolves them for each case."""

from __future__ import annotations

from typing import Any

from tests.unit.template.test_template import (
    Template,
    functions,
    props,
    referenced_ids,
    resources,
    role_of,
    source_template,
    translated_template,
)

KEY = {"Ref": "KmsKeyArn"}
NO_VALUE = {"Ref": "AWS::NoValue"}
# Where each kind of resource names its key.
KEY_PROPERTY = {
    "AWS::SNS::Topic": ("KmsMasterKeyId",),
    "AWS::SQS::Queue": ("KmsMasterKeyId",),
    "AWS::Logs::LogGroup": ("KmsKeyId",),
    "AWS::SecretsManager::Secret": ("KmsKeyId",),
    "AWS::DynamoDB::Table": ("SSESpecification", "KMSMasterKeyId"),
    "AWS::S3::Bucket": ("BucketEncryption", "ServerSideEncryptionConfiguration", 0, "ServerSideEncryptionByDefault",
                        "KMSMasterKeyID"),
}  # fmt: skip


def with_key(given: bool) -> Template:
    """The expanded template with HasKmsKey decided: Fn::If on it resolved, AWS::NoValue dropped."""
    template = source_template()
    assert template["Conditions"]["HasKmsKey"] == {"Fn::Not": [{"Fn::Equals": [KEY, ""]}]}

    def resolve(node: Any) -> Any:
        if isinstance(node, list):
            return [resolve(item) for item in node if item != NO_VALUE]
        if not isinstance(node, dict):
            return node
        if list(node) == ["Fn::If"] and node["Fn::If"][0] == "HasKmsKey":
            return resolve(node["Fn::If"][1 if given else 2])
        resolved = {key: resolve(value) for key, value in node.items()}
        return {key: value for key, value in resolved.items() if value != NO_VALUE}

    resolved: Template = resolve(template)
    resolved["Resources"] = {
        name: r for name, r in resolved["Resources"].items() if given or r.get("Condition") != "HasKmsKey"
    }
    return resolved


def key_of(resource: dict[str, Any]) -> Any:
    value: Any = props(resource)
    for step in KEY_PROPERTY[resource["Type"]]:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def encrypted_resources(template: Template) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] in KEY_PROPERTY}


def test_the_key_is_optional_and_must_be_a_key_arn() -> None:
    import re

    parameter = source_template()["Parameters"]["KmsKeyArn"]
    assert parameter["Default"] == ""
    pattern = re.compile(parameter["AllowedPattern"])
    assert pattern.match("") and pattern.match(
        "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    )
    assert pattern.match("arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab")
    assert not pattern.match("arn:aws:kms:eu-west-1:123456789012:alias/oim")  # log groups and IAM need the key ARN
    assert not pattern.match("alias/aws/sqs")


def test_with_a_key_every_topic_queue_log_group_table_secret_and_bucket_uses_it() -> None:
    template = with_key(True)
    found = encrypted_resources(template)
    kinds = {r["Type"] for r in found.values()}
    assert kinds == set(KEY_PROPERTY)
    assert len(found) >= 2 + 14 + 7 + 3 + 2 + 1  # topics, queues, log groups, tables, secrets, bucket
    for name, resource in found.items():
        assert key_of(resource) == KEY, name
    for name, queue in resources(template, "AWS::SQS::Queue").items():
        assert "SqsManagedSseEnabled" not in props(queue), name  # SQS refuses both at once
    for name, table in resources(template, "AWS::DynamoDB::Table").items():
        assert props(table)["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": KEY}, name
    bucket = props(template["Resources"]["ReconcileReportsBucket"])["BucketEncryption"]
    rule = bucket["ServerSideEncryptionConfiguration"][0]
    assert rule == {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KEY},
                    "BucketKeyEnabled": True}  # fmt: skip


def test_without_a_key_nothing_names_it_and_aws_managed_encryption_stays() -> None:
    template = with_key(False)
    for name, resource in template["Resources"].items():
        assert "KmsKeyArn" not in referenced_ids(resource), name
    for name, resource in encrypted_resources(template).items():
        assert key_of(resource) is None, name
    for name, queue in resources(template, "AWS::SQS::Queue").items():
        assert props(queue)["SqsManagedSseEnabled"] is True, name
    for name, table in resources(template, "AWS::DynamoDB::Table").items():
        assert props(table)["SSESpecification"] == {"SSEEnabled": True}, name
    rule = props(template["Resources"]["ReconcileReportsBucket"])["BucketEncryption"]
    assert rule["ServerSideEncryptionConfiguration"] == [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
    assert "KmsKeyUse" not in template["Resources"]


def test_the_roles_may_use_the_key_only_when_given_and_only_through_the_stacks_services() -> None:
    template = with_key(True)
    policy = template["Resources"]["KmsKeyUse"]
    assert source_template()["Resources"]["KmsKeyUse"]["Condition"] == "HasKmsKey"
    # Every function's role and both scheduler roles (they send to the encrypted dead-letter queue)
    roles = {ref["Ref"] for ref in props(policy)["Roles"]}
    function_roles = {found[0] for name in functions(template) if (found := role_of(template, name))}
    assert roles == function_roles | {"SchedulerRole", "TaxCommitSchedulerRole"}
    [statement] = props(policy)["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Allow"
    assert sorted(statement["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert statement["Resource"] == KEY
    services = [s["Fn::Sub"] for s in statement["Condition"]["StringEquals"]["kms:ViaService"]]
    assert services == [
        f"{s}.${{AWS::Region}}.amazonaws.com" for s in ("secretsmanager", "dynamodb", "sqs", "sns", "s3")
    ]


def test_sam_translation_leaves_the_choice_to_cloudformation() -> None:
    translated = translated_template()
    assert translated["Conditions"]["HasKmsKey"] == {"Fn::Not": [{"Fn::Equals": [KEY, ""]}]}
    for name, queue in resources(translated, "AWS::SQS::Queue").items():
        assert props(queue)["KmsMasterKeyId"] == {"Fn::If": ["HasKmsKey", KEY, NO_VALUE]}, name
    for name, group in resources(translated, "AWS::Logs::LogGroup").items():
        assert props(group)["KmsKeyId"] == {"Fn::If": ["HasKmsKey", KEY, NO_VALUE]}, name
    assert translated["Resources"]["KmsKeyUse"]["Condition"] == "HasKmsKey"
