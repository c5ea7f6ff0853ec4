"""Builds the services from the function's environment: Secrets Manager, SSM, DynamoDB, SQS.

The one composition root: the flow functions' ConnectorService and the admin function's
AdminService (whose modules load only when it is built). Cached per execution environment so
the Salesforce session and clients survive between invocations; ``reset()`` forgets them
(tests, and after a credentials rotation).
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import TYPE_CHECKING

from oim_connector.config import environment
from oim_connector.errors import ConfigurationError
from oim_connector.jobs import DynamoJobStore, SqsJobQueue
from oim_connector.notifications import Notifications, RunListener, SalesforceNotifier, SnsEmailNotifier
from oim_connector.service import ConnectorService, Services
from oim_connector.settings_repo import DynamoSettingsStore

if TYPE_CHECKING:
    from pydantic import BaseModel

    from oim_connector.admin.service import AdminService
    from oim_connector.org.adapter import SalesforceOrg
    from oim_connector.tax.port import TaxPort


@cache
def salesforce_org() -> SalesforceOrg:
    # simple-salesforce and requests load here, when a run first needs the org.
    from oim_connector.org.adapter import SalesforceOrg
    from oim_connector.org.credentials import SalesforceCredentials
    from oim_connector.org.retry import RetryPolicy

    env = environment()
    arn = env.SALESFORCE_SECRET_ARN
    if not arn:
        raise ConfigurationError("SALESFORCE_SECRET_ARN is not set: this function cannot reach Salesforce")
    credentials = _read_secret(arn, SalesforceCredentials, "Salesforce", "SALESFORCE_SECRET_ARN")
    retry = RetryPolicy(
        max_attempts=env.SALESFORCE_RETRY_ATTEMPTS,
        base_delay_seconds=env.SALESFORCE_RETRY_BASE_SECONDS,
        concurrency_delay_seconds=env.SALESFORCE_CONCURRENCY_BACKOFF_SECONDS,
    )
    return SalesforceOrg(credentials, retry=retry)


@cache
def tax_service() -> TaxPort | None:
    """Avalara AvaTax from the secret AVALARA_SECRET_ARN names; None when the function has none."""

    from oim_connector.tax.avatax import AvaTaxAdapter
    from oim_connector.tax.credentials import AvalaraCredentials

    arn = environment().AVALARA_SECRET_ARN
    if not arn:
        return None
    return AvaTaxAdapter(_read_secret(arn, AvalaraCredentials, "Avalara", "AVALARA_SECRET_ARN"))


def _read_secret[M: BaseModel](arn: str, model: type[M], system: str, variable: str) -> M:
    """A JSON secret from Secrets Manager (cached 5 minutes), validated; its values never in a message."""
    from aws_lambda_powertools.utilities import parameters
    from pydantic import ValidationError

    try:
        secret = parameters.get_secret(arn, transform="json", max_age=300)
    except parameters.exceptions.GetParameterError:
        raise ConfigurationError(f"The {system} secret could not be read: check {variable}") from None
    try:
        return model.model_validate(secret)
    except ValidationError as error:
        fields = ", ".join(".".join(map(str, e["loc"])) or e["msg"] for e in error.errors())
        raise ConfigurationError(f"The {system} secret is incomplete or invalid ({fields})") from None


def commit_tax(run_id: str) -> dict[str, object]:
    """One run of the post-and-commit job: the tax of posted documents committed in Avalara."""
    import datetime as dt

    from oim_connector.tax.claims import DynamoClaims
    from oim_connector.tax.commit import commit_posted_tax

    env = environment()
    tax = tax_service()
    if tax is None:
        raise ConfigurationError("The tax commit job needs AVALARA_SECRET_ARN (the Avalara credentials' secret)")
    if not env.TAX_CLAIMS_TABLE:
        raise ConfigurationError("The tax commit job needs TAX_CLAIMS_TABLE (its claims table)")
    report = commit_posted_tax(org=salesforce_org(), tax=tax, claims=DynamoClaims(env.TAX_CLAIMS_TABLE),
                               settings=DynamoSettingsStore(env.SETTINGS_TABLE).load(), run_id=run_id,
                               now=dt.datetime.now(dt.UTC))  # fmt: skip
    return report.to_json_dict()


def run_listeners() -> list[RunListener]:
    """After each background run: the summary by email (SNS) and in Salesforce, and the run history."""
    from oim_connector.admin.history import RunHistory

    env = environment()
    # Run summaries have their own topic: the alarms' (NOTIFICATIONS_TOPIC_ARN) has other subscribers.
    email = SnsEmailNotifier(env.RUN_SUMMARY_TOPIC_ARN) if env.RUN_SUMMARY_TOPIC_ARN else None
    # The custom notification type's id (stack parameter); CUSTOM_NOTIFICATION_TYPE, its DeveloperName, still works.
    type_ref = env.CUSTOM_NOTIFICATION_TYPE_ID or os.environ.get("CUSTOM_NOTIFICATION_TYPE")
    salesforce = SalesforceNotifier(salesforce_org, type_ref) if type_ref else None
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
            batch_size=env.RUN_BATCH_SIZE,
            listeners=run_listeners(),
            tax=tax_service,
        )
    )


def _json_map(name: str) -> dict[str, str]:
    raw = os.environ.get(name)
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a JSON object") from None
    if not isinstance(value, dict):
        raise ConfigurationError(f"{name} must be a JSON object")
    return {str(k): str(v) for k, v in value.items()}


@cache
def admin_service() -> AdminService:
    """The admin function's service (settings, mappings, schedules, status, retries)."""
    from oim_connector.admin.history import RunHistory
    from oim_connector.admin.schedules import EventBridgeSchedules
    from oim_connector.admin.service import AdminService, AdminServices
    from oim_connector.admin.status import DlqDepths
    from oim_connector.settings_repo import DynamoSettingsRepository

    env = environment()
    group, role = os.environ.get("SCHEDULE_GROUP"), os.environ.get("SCHEDULER_ROLE_ARN")
    schedules = (
        EventBridgeSchedules(group, role, _json_map("FLOW_FUNCTION_ARNS"), os.environ.get("SCHEDULE_DEAD_LETTER_ARN"))
        if group and role
        else None
    )
    return AdminService(
        AdminServices(
            settings=DynamoSettingsRepository(env.SETTINGS_TABLE),
            org=salesforce_org,
            schedules=schedules,
            history=RunHistory(env.JOBS_TABLE) if env.JOBS_TABLE else None,
            # DLQ_URLS: {"<name>": "<queue url>"}, the dead-letter queues the status view shows.
            dlq=DlqDepths(_json_map("DLQ_URLS")),
        )
    )


def reset() -> None:
    environment.cache_clear()
    salesforce_org.cache_clear()
    tax_service.cache_clear()
    service.cache_clear()
    admin_service.cache_clear()
    from aws_lambda_powertools.utilities import parameters

    parameters.clear_caches()  # type: ignore[no-untyped-call]
    from oim_connector.settings_repo import clear_cache

    clear_cache()
