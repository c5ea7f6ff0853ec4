"""Scheduled runs per flow (spec §12.1): hourly, daily, weekly or monthly at a start time, as
EventBridge Scheduler schedules in the connector's group, whose target input is the schedule
event the flow functions expect (docs/architecture.md)."""

from __future__ import annotations

import json
import re
from enum import StrEnum
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.alias_generators import to_camel

from oim_connector.errors import BadRequestError, ConfigurationError, NotFoundError
from oim_connector.model.flows import DOCUMENT_FLOWS, FlowId

_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
Weekday = Literal["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]
WEEK = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
NAME_PREFIX = "oim-"
# Scheduler retries a failed delivery, then puts it on the dead-letter queue; a run that failed
# is safe to repeat (idempotent writes), so a few retries within the hour are right.
RETRY_ATTEMPTS = 3
MAX_EVENT_AGE_SECONDS = 3600


class Frequency(StrEnum):
    HOURLY = "hourly"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class ScheduleSpec(BaseModel):
    """What an administrator chooses; ``expression()`` is what Scheduler runs."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    frequency: Frequency
    start_time: str = Field(description="HH:MM, 24-hour clock")
    days_of_week: list[Weekday] = Field(default_factory=list)
    # 1..28 exist in every month; "last" is the last day of each month.
    day_of_month: int | Literal["last"] = 1
    timezone: str = Field(default="UTC", pattern=r"^[A-Za-z_]+(/[A-Za-z0-9_+\-]+){0,2}$")
    enabled: bool = True

    @field_validator("start_time")
    @classmethod
    def _time_of_day(cls, value: str) -> str:
        if not _TIME.match(value):
            raise ValueError(f"'{value[:10]}' is not a time of day: use HH:MM, from 00:00 to 23:59")
        return value

    @model_validator(mode="after")
    def _check(self) -> ScheduleSpec:
        if self.frequency == Frequency.WEEKLY and not self.days_of_week:
            raise ValueError("a weekly schedule needs at least one day of the week")
        if self.frequency != Frequency.WEEKLY and self.days_of_week:
            raise ValueError("days of the week apply to weekly schedules only")
        if isinstance(self.day_of_month, int) and not 1 <= self.day_of_month <= 28:
            raise ValueError("the day of the month must be 1 to 28, or 'last' (not every month has day 29-31)")
        return self

    def expression(self) -> str:
        hour, minute = (int(part) for part in self.start_time.split(":"))
        if self.frequency == Frequency.HOURLY:
            return f"cron({minute} * * * ? *)"
        if self.frequency == Frequency.DAILY:
            return f"cron({minute} {hour} * * ? *)"
        if self.frequency == Frequency.WEEKLY:
            days = ",".join(day for day in WEEK if day in self.days_of_week)
            return f"cron({minute} {hour} ? * {days} *)"
        day = "L" if self.day_of_month == "last" else str(self.day_of_month)
        return f"cron({minute} {hour} {day} * ? *)"


class Schedule(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    flow: FlowId
    name: str
    expression: str
    state: Literal["ENABLED", "DISABLED"]
    spec: ScheduleSpec | None  # None: changed outside the admin API


def parse_spec(body: Any, default_timezone: str = "UTC") -> ScheduleSpec:
    """The schedule an administrator sent; without a time zone, the stack's default (ScheduleTimezone)."""
    if isinstance(body, dict) and not body.get("timezone"):
        body = {**body, "timezone": default_timezone}
    try:
        return ScheduleSpec.model_validate(body)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'schedule'}: {e['msg']}" for e in error.errors())
        raise BadRequestError(f"The schedule is not valid: {problems}") from None


def schedule_name(flow: FlowId) -> str:
    return f"{NAME_PREFIX}{flow.value}"


def target_input(flow: FlowId) -> str:
    """Scheduler fills in the scheduled time; the function makes it the run's idempotency key."""
    return json.dumps(
        {
            "flow": flow.value,
            "trigger": "schedule",
            "scheduleName": schedule_name(flow),
            "scheduledTime": "<aws.scheduler.scheduled-time>",
        }
    )


class SchedulerPort(Protocol):
    def list(self) -> list[Schedule]: ...

    def put(self, flow: FlowId, spec: ScheduleSpec) -> Schedule: ...

    def delete(self, flow: FlowId) -> None: ...


class EventBridgeSchedules:
    """The adapter: one schedule per flow, named ``oim-<flow>``, in the connector's group."""

    def __init__(
        self,
        group: str,
        role_arn: str,
        function_arns: dict[str, str],
        dead_letter_arn: str | None = None,
        client: Any | None = None,
    ) -> None:
        import boto3

        self._group = group
        self._role_arn = role_arn
        self._function_arns = function_arns
        self._dead_letter_arn = dead_letter_arn
        self._client = client or boto3.client("scheduler")

    def list(self) -> list[Schedule]:
        found = []
        pages = self._client.get_paginator("list_schedules").paginate(GroupName=self._group, NamePrefix=NAME_PREFIX)
        for page in pages:
            for summary in page["Schedules"]:
                flow = _flow_of(summary["Name"])
                if flow is not None:
                    found.append(self._get(flow))
        return sorted(found, key=lambda s: DOCUMENT_FLOWS.index(s.flow))

    def _get(self, flow: FlowId) -> Schedule:
        try:
            answer = self._client.get_schedule(GroupName=self._group, Name=schedule_name(flow))
        except self._client.exceptions.ResourceNotFoundException:
            raise NotFoundError(f"{flow.value} has no schedule") from None
        try:
            spec: ScheduleSpec | None = ScheduleSpec.model_validate_json(answer.get("Description") or "")
        except ValidationError:
            spec = None
        return Schedule(
            flow=flow,
            name=answer["Name"],
            expression=answer["ScheduleExpression"],
            state=answer.get("State", "ENABLED"),
            spec=spec,
        )

    def put(self, flow: FlowId, spec: ScheduleSpec) -> Schedule:
        arn = self._function_arns.get(flow.value)
        if flow not in DOCUMENT_FLOWS:
            raise BadRequestError(f"{flow.value} runs in real time and cannot be scheduled")
        if not arn:
            raise ConfigurationError(f"FLOW_FUNCTION_ARNS has no function for {flow.value}")
        target: dict[str, Any] = {
            "Arn": arn,
            "RoleArn": self._role_arn,
            "Input": target_input(flow),
            "RetryPolicy": {"MaximumRetryAttempts": RETRY_ATTEMPTS, "MaximumEventAgeInSeconds": MAX_EVENT_AGE_SECONDS},
        }
        if self._dead_letter_arn:
            target["DeadLetterConfig"] = {"Arn": self._dead_letter_arn}
        arguments = {
            "GroupName": self._group,
            "Name": schedule_name(flow),
            "ScheduleExpression": spec.expression(),
            "ScheduleExpressionTimezone": spec.timezone,
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "State": "ENABLED" if spec.enabled else "DISABLED",
            "Description": spec.model_dump_json(by_alias=True),
            "Target": target,
        }
        try:
            self._client.update_schedule(**arguments)
        except self._client.exceptions.ResourceNotFoundException:
            self._client.create_schedule(**arguments)
        return self._get(flow)

    def delete(self, flow: FlowId) -> None:
        try:
            self._client.delete_schedule(GroupName=self._group, Name=schedule_name(flow))
        except self._client.exceptions.ResourceNotFoundException:
            raise NotFoundError(f"{flow.value} has no schedule") from None


def _flow_of(name: str) -> FlowId | None:
    try:
        return FlowId(name.removeprefix(NAME_PREFIX))
    except ValueError:
        return None
