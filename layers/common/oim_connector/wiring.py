"""Builds the service from the function's environment: Secrets Manager, SSM, DynamoDB, SQS.

Cached per execution environment so the Salesforce session and clients survive between
invocations; ``reset()`` forgets them (tests, and after a credentials rotation).
"""

from __future__ import annotations

import os
from functools import cache
from typing import TYPE_CHECKING

from oim_connector.config import environment
from oim_connector.errors import ConfigurationError
from oim_connector.jobs import DynamoJobStore, SqsJobQueue
from oim_connector.notifications import Notifications, RunListener, SalesforceNotifier, SnsEmailNotifier
from oim_connector.service import ConnectorService, Services
from oim_connector.settings_store import DynamoSettingsStore

if TYPE_CHECKING:
    from oim_connector.org.adapter import SalesforceOrg


@cache
def salesforce_org() -> SalesforceOrg:
    # simple-salesforce and requests load here, when a run first needs the org.
    from aws_lambda_powertools.utilities import parameters
    from pydantic import ValidationError

    from oim_connector.org.adapter import SalesforceOrg
    from oim_connector.org.credentials import SalesforceCredentials
    from oim_connector.org.retry import RetryPolicy

    env = environment()
    arn = env.SALESFORCE_SECRET_ARN
    if not arn:
        raise ConfigurationError("SALESFORCE_SECRET_ARN is not set: this function cannot reach Salesforce")
    try:
        secret = parameters.get_secret(arn, transform="json", max_age=300)
    except parameters.exceptions.GetParameterError:
        raise ConfigurationError("The Salesforce secret could not be read: check SALESFORCE_SECRET_ARN") from None
    try:
        credentials = SalesforceCredentials.model_validate(secret)
    except ValidationError as error:
        fields = ", ".join(".".join(map(str, e["loc"])) or e["msg"] for e in error.errors())
        raise ConfigurationError(f"The Salesforce secret is incomplete or invalid ({fields})") from None
    retry = RetryPolicy(
        max_attempts=env.SALESFORCE_RETRY_ATTEMPTS,
        base_delay_seconds=env.SALESFORCE_RETRY_BASE_SECONDS,
        concurrency_delay_seconds=env.SALESFORCE_CONCURRENCY_BACKOFF_SECONDS,
    )
    return SalesforceOrg(credentials, retry=retry)


def run_listeners() -> list[RunListener]:
    """After each background run: the summary by email (SNS) and in Salesforce, and the run history."""
    from oim_connector.admin.history import RunHistory

    env = environment()
    email = SnsEmailNotifier(env.NOTIFICATIONS_TOPIC_ARN) if env.NOTIFICATIONS_TOPIC_ARN else None
    # CUSTOM_NOTIFICATION_TYPE: DeveloperName of the org's custom notification type; unset, no bell notifications.
    type_name = os.environ.get("CUSTOM_NOTIFICATION_TYPE")
    salesforce = SalesforceNotifier(salesforce_org, type_name) if type_name else None
    listeners: list[RunListener] = [Notifications(email=email, salesforce=salesforce)]
    if env.JOBS_TABLE:
        listeners.append(RunHistory(env.JOBS_TABLE))
    return listeners


@cache
def service() -> ConnectorService:
    env = environment()
    return ConnectorService(
        Services(
            org=salesforce_org,
            settings=DynamoSettingsStore(env.SETTINGS_TABLE),
            jobs=DynamoJobStore(env.JOBS_TABLE) if env.JOBS_TABLE else None,
            queue=SqsJobQueue(env.JOBS_QUEUE_URL) if env.JOBS_QUEUE_URL else None,
            sync_list_limit=env.SYNC_LIST_LIMIT,
            max_list_ids=env.MAX_LIST_IDS,
            safety_margin_seconds=env.SAFETY_MARGIN_SECONDS,
            listeners=run_listeners(),
        )
    )


def reset() -> None:
    environment.cache_clear()
    salesforce_org.cache_clear()
    service.cache_clear()
    from oim_connector.admin import wiring as admin_wiring

    admin_wiring.reset()
    from aws_lambda_powertools.utilities import parameters

    parameters.clear_caches()  # type: ignore[no-untyped-call]
    from oim_connector.settings_store import clear_cache

    clear_cache()
