"""The Scheduler expression written for each frequency an administrator can choose."""

from __future__ import annotations

import pytest
from oim_connector.admin.schedules import ScheduleSpec, parse_spec
from oim_connector.errors import BadRequestError


@pytest.mark.parametrize(
    ("spec", "expression"),
    [
        ({"frequency": "hourly", "startTime": "08:15"}, "cron(15 * * * ? *)"),
        ({"frequency": "daily", "startTime": "23:05"}, "cron(5 23 * * ? *)"),
        (
            {"frequency": "weekly", "startTime": "06:30", "daysOfWeek": ["SUN", "MON", "WED"]},
            "cron(30 6 ? * MON,WED,SUN *)",
        ),
        ({"frequency": "monthly", "startTime": "01:00", "dayOfMonth": 15}, "cron(0 1 15 * ? *)"),
        ({"frequency": "monthly", "startTime": "22:45", "dayOfMonth": "last"}, "cron(45 22 L * ? *)"),
    ],
)
def test_each_frequency_has_its_expression(spec: dict[str, object], expression: str) -> None:
    assert ScheduleSpec.model_validate(spec).expression() == expression


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ({"frequency": "daily", "startTime": "7:00"}, "'7:00' is not a time of day"),
        ({"frequency": "weekly", "startTime": "07:00"}, "at least one day of the week"),
        ({"frequency": "daily", "startTime": "07:00", "daysOfWeek": ["MON"]}, "weekly schedules only"),
        ({"frequency": "monthly", "startTime": "07:00", "dayOfMonth": 31}, "not every month has day 29-31"),
        ({"frequency": "fortnightly", "startTime": "07:00"}, "frequency"),
    ],
)
def test_a_schedule_that_cannot_run_as_meant_is_refused(spec: dict[str, object], problem: str) -> None:
    with pytest.raises(BadRequestError, match=problem):
        parse_spec(spec)
