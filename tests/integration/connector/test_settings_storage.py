"""The saved settings hold far more than an SSM parameter could (200 custom mapping rules), keep
their versions, refuse a stale write, and are no stack resource a deploy could reset."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from oim_connector.model.settings import ConnectorSettings, FieldRule, SalesInvoiceSettings
from oim_connector.settings_repo import DynamoSettingsRepository, DynamoSettingsStore, VersionConflictError, clear_cache
from oim_local.runner.aws import JOBS_TABLE, REGION, create_resources, template_resources

pytestmark = pytest.mark.integration

# SSM Parameter Store's documented value limits (moto does not enforce them, so the test measures).
SSM_STANDARD_LIMIT = 4 * 1024
SSM_ADVANCED_LIMIT = 8 * 1024


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    with mock_aws():
        create_resources({"auth": "token", "instance_url": "https://x", "access_token": "t"}, [])
        clear_cache()
        yield boto3.client("dynamodb", region_name=REGION)
        clear_cache()


def _two_hundred_rules() -> ConnectorSettings:
    rules = [
        FieldRule(target=f"Custom_Reference_{n:03d}__c", source="SCMC__Sales_Order__r.SCMC__Customer_Purchase_Order__c")
        if n % 2
        else FieldRule(target=f"Custom_Note_{n:03d}__c", constant=f"exported by the connector, rule {n}")
        for n in range(200)
    ]
    return ConnectorSettings(sales_invoices=SalesInvoiceSettings(custom_mappings=rules))


def test_two_hundred_custom_mapping_rules_are_saved_and_read_back_whole(dynamodb: Any) -> None:
    settings = _two_hundred_rules()
    size = len(settings.model_dump_json().encode("utf-8"))
    # Neither a standard nor an advanced SSM parameter could have held them.
    assert size > SSM_ADVANCED_LIMIT > SSM_STANDARD_LIMIT, size

    repository = DynamoSettingsRepository(JOBS_TABLE, dynamodb)
    assert repository.read().version == 0  # never saved: the defaults
    assert repository.write(settings, expected_version=0) == 1

    saved = repository.read()
    assert saved.version == 1 and saved.settings == settings
    assert len(saved.settings.sales_invoices.custom_mappings) == 200
    # The functions read the same item (cached per warm function).
    assert DynamoSettingsStore(JOBS_TABLE, client=dynamodb).load() == settings


def test_a_write_over_a_version_someone_else_replaced_is_refused(dynamodb: Any) -> None:
    repository = DynamoSettingsRepository(JOBS_TABLE, dynamodb)
    repository.write(ConnectorSettings(), expected_version=0)
    repository.write(_two_hundred_rules(), expected_version=1)

    with pytest.raises(VersionConflictError, match=r"version 2, you edited version 1"):
        repository.write(ConnectorSettings(), expected_version=1)

    assert repository.read().version == 2
    assert [entry["version"] for entry in repository.history()] == [2, 1]


def test_saved_settings_are_no_stack_resource_and_their_table_survives_any_deploy() -> None:
    resources = template_resources()
    assert not [name for name, r in resources.items() if r["Type"] == "AWS::SSM::Parameter"]
    jobs = resources["JobsTable"]
    assert jobs["DeletionPolicy"] == "Retain" and jobs["UpdateReplacePolicy"] == "Retain"
    # Items are written by the admin only; the template gives the table no item (nothing to reset).
    assert "SETTINGS" not in str(jobs["Properties"])
