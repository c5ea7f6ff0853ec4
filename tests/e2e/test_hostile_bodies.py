"""Attack: hostile bodies sent to the flow and admin handlers. A body nested 100,000 deep raised
RecursionError and a lone surrogate UnicodeEncodeError (a 5xx and an alarm each); now every such
body is answered 400 with what to change, and nothing is written or saved."""

from __future__ import annotations

from typing import Any

import pytest
from oim_local.runner import events

from tests.e2e.conftest import Sample
from tests.e2e.helpers import body

DEEP = '{"recordId": ' + "[" * 100_000 + "]" * 100_000 + "}"
LONE_SURROGATE = '{"recordId": "a4A000000000001AA\\ud800"}'
LONE_SURROGATE_RAW = '{"recordIds": ["a4A000000000001AAA"], "x\ud800": 1}'  # an unpaired surrogate in the text itself
ROUTES = [("sales_invoices", "POST", "/flows/sales-invoices/record"), ("admin", "PUT", "/admin/settings")]


def _answer(sample: Sample, function: str, method: str, path: str, raw: str) -> tuple[int, str]:
    answer: dict[str, Any] = sample.env.invoke(function, events.api_event(method, path, raw))
    return answer["statusCode"], body(answer)["message"]


@pytest.mark.parametrize(("function", "method", "path"), ROUTES)
def test_a_body_nested_100000_deep_is_refused_with_400(sample: Sample, function: str, method: str, path: str) -> None:
    status, message = _answer(sample, function, method, path, DEEP)

    assert status == 400 and "nests arrays or objects more than 20 deep" in message


@pytest.mark.parametrize(("function", "method", "path"), ROUTES)
@pytest.mark.parametrize("raw", [LONE_SURROGATE, LONE_SURROGATE_RAW])
def test_a_lone_surrogate_is_refused_with_400(sample: Sample, function: str, method: str, path: str, raw: str) -> None:
    status, message = _answer(sample, function, method, path, raw)

    assert status == 400 and "not valid Unicode (a lone surrogate" in message


def test_an_oversized_admin_body_is_refused_and_nothing_is_saved(sample: Sample) -> None:
    version = body(sample.env.invoke("admin", events.api_event("GET", "/admin/settings")))["version"]
    huge = '{"settings": {}, "padding": "' + "x" * (1024 * 1024) + '"}'

    status, message = _answer(sample, "admin", "PUT", "/admin/settings", huge)

    assert status == 400 and "larger than 1024 KB" in message
    assert body(sample.env.invoke("admin", events.api_event("GET", "/admin/settings")))["version"] == version
