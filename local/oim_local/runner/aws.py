"""The AWS side of a local run, in moto: the secret, the settings parameter, tables, queues.

Tables are created from the key schemas in template.yaml, so local runs and tests use
the same shapes as the deployed stack.
"""

from __future__ import annotations

import copy
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from oim_local.cfn_expand import expand, load
from oim_local.runner.handlers import PROJECT_ROOT

REGION = "eu-west-1"
SECRET_NAME = "oim-connector/salesforce"  # noqa: S105 - a name, not a secret
IDEMPOTENCY_TABLE = "oim-connector-idempotency"
JOBS_TABLE = "oim-connector-jobs"
AVALARA_SECRET_NAME = "oim-connector/avalara"  # noqa: S105 - a name, not a secret
TAX_CLAIMS_TABLE = "oim-connector-tax-commit-claims"
SETTINGS_TABLE = JOBS_TABLE  # the settings are items of the jobs table, as in the stack


@functools.cache
def _parsed_resources(template: Path, modified_ns: int) -> dict[str, Any]:
    """The stack's resources as CloudFormation creates them (Fn::ForEach loops expanded)."""
    resources: dict[str, Any] = expand(load(template.read_text(encoding="utf-8"))).get("Resources", {})
    return resources


def template_resources(template: Path = PROJECT_ROOT / "template.yaml") -> dict[str, Any]:
    """The template's resources, parsed once per version of the file (a copy: callers may change it)."""
    return copy.deepcopy(_parsed_resources(template, template.stat().st_mtime_ns))


def _table_shape(logical_id: str) -> dict[str, Any]:
    properties = template_resources()[logical_id]["Properties"]
    return {"KeySchema": properties["KeySchema"], "AttributeDefinitions": properties["AttributeDefinitions"]}


@dataclass(frozen=True)
class LocalAwsResources:
    secret_arn: str
    settings_table: str
    idempotency_table: str
    jobs_table: str
    jobs_queues: dict[str, str]  # flow id -> queue URL


def create_resources(salesforce_secret: dict[str, Any], flows: list[str]) -> LocalAwsResources:
    """Create everything the functions need; call inside moto's ``mock_aws``."""
    secrets = boto3.client("secretsmanager", region_name=REGION)
    secret_arn = secrets.create_secret(Name=SECRET_NAME, SecretString=json.dumps(salesforce_secret))["ARN"]
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    for name, logical_id in ((IDEMPOTENCY_TABLE, "IdempotencyTable"), (JOBS_TABLE, "JobsTable")):
        dynamodb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **_table_shape(logical_id))
    sqs = boto3.client("sqs", region_name=REGION)
    queues = {flow: sqs.create_queue(QueueName=f"oim-connector-{flow}-jobs")["QueueUrl"] for flow in flows}
    return LocalAwsResources(secret_arn, SETTINGS_TABLE, IDEMPOTENCY_TABLE, JOBS_TABLE, queues)


def update_secret(secret_arn: str, salesforce_secret: dict[str, Any]) -> None:
    boto3.client("secretsmanager", region_name=REGION).put_secret_value(
        SecretId=secret_arn, SecretString=json.dumps(salesforce_secret)
    )


def create_avalara_resources(avalara_secret: dict[str, Any]) -> tuple[str, str]:
    """The Avalara secret and the tax commit claims table (call inside ``mock_aws``): their ARN and name."""
    secrets = boto3.client("secretsmanager", region_name=REGION)
    arn = secrets.create_secret(Name=AVALARA_SECRET_NAME, SecretString=json.dumps(avalara_secret))["ARN"]
    boto3.client("dynamodb", region_name=REGION).create_table(
        TableName=TAX_CLAIMS_TABLE, BillingMode="PAY_PER_REQUEST", **_table_shape("TaxCommitClaimsTable")
    )
    return arn, TAX_CLAIMS_TABLE
