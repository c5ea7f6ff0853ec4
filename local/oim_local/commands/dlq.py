"""``oim-connector dlq replay QUEUE [--limit N] [--dry-run]`` and ``oim-connector dlq list QUEUE``.

QUEUE is a dead-letter queue's name, URL or ARN. The AWS side comes from the standard AWS
environment (profile, region, credentials). Against a moto server on this machine, pass its
address: ``--endpoint-url http://127.0.0.1:5000`` (start one with ``moto_server -p 5000``);
there, SQS has no message move tasks, so messages move by receive, send, delete.

The failed-invocations and undelivered queues have no source queue: their letters are replayed
by invoking the failed function again (asynchronously) with the original event, chosen
automatically for those queues and for letters that carry an invocation record or a target ARN.
A letter is deleted only once its invocation was accepted; one without a target stays.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from oim_connector.dlq.notes import DynamoFailureNotes
from oim_connector.dlq.reinvoke import LambdaReinvoker, ReinvokeResult, reinvoke_applies, reinvoke_dead_letters
from oim_connector.dlq.replay import DeadLetter, list_dead_letters, replay, resolve_queue
from oim_connector.errors import ConnectorError

from oim_local.console import emit


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    raw = argparse.RawDescriptionHelpFormatter
    parser = subparsers.add_parser("dlq", help="list or replay dead-letter queues", description=__doc__,
                                   formatter_class=raw)  # fmt: skip
    commands = parser.add_subparsers(dest="dlq_command", required=True, metavar="ACTION")

    replay_parser = commands.add_parser("replay", help="move messages back to their source queue")
    replay_parser.add_argument("queue", help="dead-letter queue name, URL or ARN")
    replay_parser.add_argument("--limit", type=int, help="move at most N messages (default: all)")
    replay_parser.add_argument("--dry-run", action="store_true",
                               help="count what would move or list what would be re-invoked")  # fmt: skip
    replay_parser.add_argument("--to", dest="destination", help="destination queue (default: the DLQ's source)")
    replay_parser.add_argument("--method", choices=("auto", "move-task", "copy", "reinvoke"), default="auto",
                               help="SQS message move task, receive-send-delete, or invoke the failed function "
                                    "again (auto: reinvoke for the failed-invocations and undelivered queues, "
                                    "else move task when available and no --limit)")  # fmt: skip
    replay_parser.add_argument("--wait", type=float, default=60.0, help="seconds to follow a move task")
    _aws_options(replay_parser)
    replay_parser.set_defaults(handler=_replay)

    list_parser = commands.add_parser("list", help="show the messages waiting and why they failed")
    list_parser.add_argument("queue", help="dead-letter queue name, URL or ARN")
    list_parser.add_argument("--limit", type=int, default=100, help="show at most N messages")
    list_parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    _aws_options(list_parser)
    list_parser.set_defaults(handler=_list)


def _aws_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoint-url", help="AWS endpoint, e.g. http://127.0.0.1:5000 for a moto server")
    parser.add_argument("--region", help="AWS region (default: the AWS environment's)")
    parser.add_argument(
        "--errors-table",
        default=os.environ.get("JOBS_TABLE"),
        help="DynamoDB table of the failure notes (the stack's jobs table; default $JOBS_TABLE)",
    )


def _client(args: argparse.Namespace, service: str) -> Any:
    import boto3

    session = boto3.session.Session(region_name=args.region)
    return session.client(service, endpoint_url=args.endpoint_url)  # type: ignore[call-overload]


def _replay(args: argparse.Namespace) -> int:
    sqs = _client(args, "sqs")
    try:
        if args.method == "reinvoke" or (
            args.method == "auto" and args.destination is None and reinvoke_applies(sqs, resolve_queue(sqs, args.queue))
        ):
            reinvoker = LambdaReinvoker(_client(args, "lambda"))
            return _print_reinvoked(reinvoke_dead_letters(sqs, args.queue, reinvoker, limit=args.limit,
                                                          dry_run=args.dry_run))  # fmt: skip
        result = replay(sqs, args.queue, destination=args.destination, limit=args.limit,
                        dry_run=args.dry_run, method=args.method, wait_seconds=args.wait,
                        move_tasks_available=args.endpoint_url is None)  # fmt: skip
    except ConnectorError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 2
    verb = f"would move {result.would_move}" if result.dry_run else f"moved {result.moved}"
    emit(f"{result.queue} -> {result.destination} ({result.method}): {verb} messages; "
          f"{result.remaining if result.remaining is not None else '?'} remain")  # fmt: skip
    for note in result.notes:
        emit(f"note: {note}")
    return 0


def _print_reinvoked(result: ReinvokeResult) -> int:
    """Exit 0 when every letter handled was re-invoked (or would be); 1 when some stayed."""
    done = result.would_reinvoke if result.dry_run else result.reinvoked
    verb = f"{'would re-invoke' if result.dry_run else 're-invoked'} {len(done)}"
    emit(f"{result.queue} (reinvoke): {verb} messages; {len(result.kept)} stay; "
          f"{result.remaining if result.remaining is not None else '?'} remain")  # fmt: skip
    for letter in done:
        emit(f"  {letter.message_id}  -> {letter.target}  {letter.event_kind}")
    for kept in result.kept:
        emit(f"stays: {kept.message_id}  {kept.event_kind}: {kept.reason}")
    return 1 if result.kept else 0


def _list(args: argparse.Namespace) -> int:
    notes = DynamoFailureNotes(args.errors_table, _client(args, "dynamodb")) if args.errors_table else None
    try:
        letters = list_dead_letters(_client(args, "sqs"), args.queue, notes, limit=args.limit)
    except ConnectorError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 2
    if args.json:
        emit(json.dumps([letter.to_json() for letter in letters], indent=2))
        return 0
    if not letters:
        emit(f"{args.queue}: empty")
        return 0
    if any(letter.target or letter.event_kind for letter in letters):
        return _print_invocation_letters(letters)
    emit(f"{'message id':36}  {'record':18}  {'receives':8}  {'sent':20}  why it failed")
    for letter in letters:
        why = letter.error or "(no error recorded)"
        emit(f"{letter.message_id:36}  {letter.record_id or '-':18}  {letter.receive_count:8}  "
              f"{letter.sent_at or '-':20}  {why}")  # fmt: skip
    return 0


def _print_invocation_letters(letters: list[DeadLetter]) -> int:
    emit(f"{'message id':36}  {'function or target':40}  {'event':32}  {'sent':20}  why it failed")
    for letter in letters:
        target = letter.target.split(":")[6] if letter.target and letter.target.count(":") >= 6 else "(unknown)"
        emit(f"{letter.message_id:36}  {target:40}  {letter.event_kind or '-':32}  {letter.sent_at or '-':20}  "
              f"{letter.error or '(no error recorded)'}")  # fmt: skip
    return 0
