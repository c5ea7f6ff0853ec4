"""Reading a dead letter: which function it names, the event's trigger and the error (pure rules)."""

from __future__ import annotations

import json

from oim_connector.dlq.letters import function_of, read_dead_letter
from oim_local.runner import events

ARN = "arn:aws:lambda:eu-west-1:123456789012:function:oim-connector-JournalsFunction-X1"


def test_an_invocation_record_names_the_unqualified_function_and_its_error() -> None:
    record = {"requestContext": {"functionArn": f"{ARN}:$LATEST", "condition": "EventAgeExceeded"},
              "requestPayload": events.schedule_event("journals"), "responsePayload": None}  # fmt: skip
    letter = read_dead_letter(json.dumps(record))
    assert (letter.target, letter.event_kind, letter.error) == (ARN, "schedule journals", "EventAgeExceeded")
    assert letter.event == record["requestPayload"]


def test_a_published_version_or_alias_is_kept_and_other_arns_are_no_function() -> None:
    assert function_of(f"{ARN}:7") == f"{ARN}:7"
    assert function_of(f"{ARN}:live") == f"{ARN}:live"
    assert function_of("arn:aws:sqs:eu-west-1:123456789012:queue") is None
    assert function_of("arn:aws:lambda:eu-west-1:123456789012:layer:common:3") is None
    assert function_of("") is None


def test_an_undelivered_api_or_unknown_event_says_what_it_was() -> None:
    api = read_dead_letter(json.dumps(events.record_action("journals", "a0X000000000001AAA")),
                           {"TARGET_ARN": {"StringValue": ARN, "DataType": "String"}})  # fmt: skip
    assert (api.target, api.event_kind) == (ARN, "api POST /flows/journals/record")
    record_without_event = read_dead_letter(json.dumps({"requestContext": {"functionArn": ARN}, "requestPayload": 3}))
    assert record_without_event.problem == "the invocation record holds no event object"
