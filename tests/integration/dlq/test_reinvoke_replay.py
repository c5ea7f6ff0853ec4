"""Replaying the failed-invocations and undelivered queues by invoking the flow function again,
through the local org and moto: documents are created exactly once, letters are deleted only after
their invocation was accepted, and a letter without a target stays and is reported."""

from __future__ import annotations

import time
from typing import Any

import pytest
from oim_connector.dlq.reinvoke import InProcessReinvoker, reinvoke_dead_letters
from oim_connector.errors import TransientOrgError
from oim_local.cli import main
from oim_local.org.runtime import FaultPlan
from oim_local.org.server.faults import FaultKind
from oim_local.runner import events
from oim_local.runner.aws import REGION
from oim_local.runner.handlers import function_names

from tests.e2e.conftest import Sample
from tests.integration.dlq.conftest import ACCOUNT, SALES_INVOICES_ARN, DeadLetterQueues

pytestmark = pytest.mark.integration

FN = "sales_invoices"
FLOW = "sales-invoices"
EXPORTED = ("InvOk1", "InvOk2", "InvJpy", "InvDropShip", "InvUK")


def documents_of(sample: Sample, key: str) -> list[dict[str, Any]]:
    return sample.query(f"SELECT Id FROM c2g__codaInvoice__c WHERE SCMFFA__OIM_Invoice__c = '{sample.ids[key]}'")


def failed_schedule_run(sample: Sample, queues: DeadLetterQueues) -> dict[str, Any]:
    """The org is down past every retry: the scheduled run fails and Lambda parks it."""
    assert sample.env.org is not None
    sample.env.org.set_faults(FaultPlan(seed=3, rate=1.0, kinds=(FaultKind.UNAVAILABLE_BEFORE_COMMIT,)))
    schedule = events.schedule_event(FLOW)
    with pytest.raises(TransientOrgError) as failure:
        sample.env.invoke(FN, schedule)
    queues.put_failed_invocation(schedule, failure.value)
    sample.env.org.set_faults(None)  # the cause is fixed
    return schedule


def test_a_failed_scheduled_run_is_invoked_again_and_creates_each_document_once(
    sample: Sample, queues: DeadLetterQueues, capsys: pytest.CaptureFixture[str]
) -> None:
    failed_schedule_run(sample, queues)
    assert all(documents_of(sample, key) == [] for key in EXPORTED)

    assert main(["dlq", "list", "oim-connector-failed-invocations", "--region", REGION]) == 0
    listing = capsys.readouterr().out
    assert "oim-connector-SalesInvoicesFunction-Q1w2E3r4" in listing and "schedule sales-invoices" in listing
    assert "RetriesExhausted: TransientOrgError" in listing

    result = reinvoke_dead_letters(queues.sqs, queues.failed_invocations,
                                   InProcessReinvoker(sample.env.invoke, function_names()))  # fmt: skip

    assert [(r.target, r.event_kind) for r in result.reinvoked] == [(SALES_INVOICES_ARN, "schedule sales-invoices")]
    assert result.kept == [] and queues.waiting(queues.failed_invocations) == 0
    for key in EXPORTED:
        assert len(documents_of(sample, key)) == 1, key
        assert sample.get("SCMC__Invoicing__c", sample.ids[key])["SCMC__Export_Status__c"] == "Exported"


def test_an_undelivered_oim_event_is_delivered_by_the_replay(sample: Sample, queues: DeadLetterQueues) -> None:
    event = events.oim_event(FLOW, sample.ids["InvOk1"], "shipment-completed")
    queues.put_undelivered(event, {
        "RULE_ARN": f"arn:aws:events:{REGION}:{ACCOUNT}:rule/oim-documents/oim-connector-SalesInvoicesOimEvent",
        "TARGET_ARN": SALES_INVOICES_ARN,
        "ERROR_CODE": "Lambda.TooManyRequestsException",
        "ERROR_MESSAGE": "Rate Exceeded.",
    })  # fmt: skip
    reinvoker = InProcessReinvoker(sample.env.invoke, function_names())

    dry = reinvoke_dead_letters(queues.sqs, queues.undelivered, reinvoker, dry_run=True)
    assert [(d.event_kind, d.error) for d in dry.would_reinvoke] == [
        ("oim-event sales-invoices shipment-completed", "Lambda.TooManyRequestsException: Rate Exceeded.")
    ]
    assert documents_of(sample, "InvOk1") == [] and queues.waiting(queues.undelivered) == 1

    result = reinvoke_dead_letters(queues.sqs, queues.undelivered, reinvoker)

    assert len(result.reinvoked) == 1 and queues.waiting(queues.undelivered) == 0
    assert len(documents_of(sample, "InvOk1")) == 1
    assert documents_of(sample, "InvOk2") == []  # the event was for one invoice only


class Interrupted(BaseException):
    """The replay dies between invoking and deleting (a timeout, a killed process)."""


class InterruptedAfterInvoking:
    def __init__(self, inner: InProcessReinvoker) -> None:
        self.inner = inner

    def reinvoke(self, target: str, event: dict[str, Any]) -> None:
        self.inner.reinvoke(target, event)
        raise Interrupted


def test_an_interrupted_replay_invokes_again_harmlessly(sample: Sample, queues: DeadLetterQueues) -> None:
    failed_schedule_run(sample, queues)
    queues.put_undelivered(events.oim_event(FLOW, sample.ids["InvOk2"], "shipment-completed"),
                           {"TARGET_ARN": SALES_INVOICES_ARN, "ERROR_CODE": "Lambda.ServiceException"})  # fmt: skip
    reinvoker = InProcessReinvoker(sample.env.invoke, function_names())

    for queue in (queues.failed_invocations, queues.undelivered):
        with pytest.raises(Interrupted):
            reinvoke_dead_letters(queues.sqs, queue, InterruptedAfterInvoking(reinvoker), visibility_seconds=1)
        assert queues.waiting(queue) == 1  # invoked, but the letter was not deleted
    assert all(len(documents_of(sample, key)) == 1 for key in EXPORTED)

    time.sleep(1.1)  # the letters reappear once their visibility timeout ends
    for queue in (queues.failed_invocations, queues.undelivered):
        result = reinvoke_dead_letters(queues.sqs, queue, reinvoker)
        assert len(result.reinvoked) == 1 and queues.waiting(queue) == 0

    for key in EXPORTED:  # exactly once: the schedule's idempotency key, the event's, and external ids
        assert len(documents_of(sample, key)) == 1, key


def test_a_letter_without_a_determinable_target_stays_and_is_reported(
    sample: Sample, queues: DeadLetterQueues, capsys: pytest.CaptureFixture[str]
) -> None:
    queues.put_undelivered(events.schedule_event(FLOW), {"ERROR_CODE": "SQS.AccessDenied"})  # no TARGET_ARN
    queues.put_undelivered(events.schedule_event(FLOW), {"TARGET_ARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:elsewhere"})
    queues.put_undelivered({"not": "an event we know"}, {})
    queues.sqs.send_message(QueueUrl=queues.undelivered, MessageBody="not json")

    assert main(["dlq", "replay", "oim-connector-undelivered", "--region", REGION]) == 1
    out = capsys.readouterr().out
    assert "oim-connector-undelivered (reinvoke): re-invoked 0 messages; 4 stay; 4 remain" in out
    assert "no invocation record and no TARGET_ARN attribute" in out
    assert f"the target arn:aws:sqs:{REGION}:{ACCOUNT}:elsewhere is not a Lambda function" in out
    assert "the body is not a JSON object" in out
    assert queues.waiting(queues.undelivered) == 4
    assert all(documents_of(sample, key) == [] for key in EXPORTED)


def test_the_dlq_replay_function_reinvokes_through_lambda_and_keeps_what_lambda_refuses(
    sample: Sample, queues: DeadLetterQueues, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAILED_INVOCATIONS_QUEUE_URL", queues.failed_invocations)
    monkeypatch.setenv("UNDELIVERED_QUEUE_URL", queues.undelivered)
    failed_schedule_run(sample, queues)

    dry = sample.env.invoke("dlq_replay", {"queue": queues.failed_invocations, "dryRun": True})
    assert dry["method"] == "reinvoke" and dry["wouldReinvoke"] == 1 and dry["remaining"] == 1

    # moto's Lambda has no such function: the invocation is refused, so the letter stays.
    answer = sample.env.invoke("dlq_replay", {"queue": "oim-connector-failed-invocations"})
    assert answer["reinvoked"] == 0 and answer["remaining"] == 1
    assert "not accepted" in answer["kept"][0]["reason"] and "SalesInvoicesFunction" in answer["kept"][0]["reason"]
    assert queues.waiting(queues.failed_invocations) == 1
