"""``oim-connector dlq list|replay`` against a moto server over HTTP (--endpoint-url)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest
from moto.server import ThreadedMotoServer
from oim_local.cli import main

pytestmark = pytest.mark.integration


@pytest.fixture
def endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def test_list_then_replay_in_two_steps(endpoint: str, capsys: pytest.CaptureFixture[str]) -> None:
    sqs = boto3.client("sqs", endpoint_url=endpoint, region_name="eu-west-1")
    dlq = sqs.create_queue(QueueName="jobs-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    source = sqs.create_queue(QueueName="jobs", Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "3"})})["QueueUrl"]  # fmt: skip
    for n in range(3):
        sqs.send_message(QueueUrl=dlq, MessageBody=json.dumps({"jobId": f"job-{n}"}))
    common = ["--endpoint-url", endpoint, "--region", "eu-west-1"]

    assert main(["dlq", "list", "jobs-dlq", *common]) == 0
    listing = capsys.readouterr().out
    assert listing.count("(no error recorded)") == 3 and '"jobId": "job-0"' not in listing

    assert main(["dlq", "replay", "jobs-dlq", "--dry-run", *common]) == 0
    assert "would move 3 messages; 3 remain" in capsys.readouterr().out
    assert main(["dlq", "replay", dlq, "--limit", "2", *common]) == 0
    assert "jobs-dlq -> jobs (copy): moved 2 messages; 1 remain" in capsys.readouterr().out
    assert main(["dlq", "replay", "jobs-dlq", *common]) == 0  # auto: no move task on moto, falls back
    assert "moved 1 messages; 0 remain" in capsys.readouterr().out

    bodies = []
    while messages := sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10).get("Messages", []):
        bodies += [m["Body"] for m in messages]
    assert sorted(bodies) == [json.dumps({"jobId": f"job-{n}"}) for n in range(3)]


def test_a_queue_that_is_no_dead_letter_queue_is_refused(endpoint: str, capsys: pytest.CaptureFixture[str]) -> None:
    boto3.client("sqs", endpoint_url=endpoint, region_name="eu-west-1").create_queue(QueueName="lonely")
    assert main(["dlq", "replay", "lonely", "--endpoint-url", endpoint, "--region", "eu-west-1"]) == 2
    assert "lonely is the dead-letter queue of 0 queues (none): name the destination" in capsys.readouterr().err
