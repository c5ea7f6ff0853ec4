"""The command line's output: tables and progress on stderr/stdout through ``rich``, one-line errors.

Conventions every command keeps (``oim-connector --help`` prints them):

- results go to stdout; progress, notes and errors to stderr, so ``--json`` output pipes cleanly;
- tables wrap to the terminal's width and never cut a message;
- a user mistake is one line on stderr, ``error: <what is wrong>: <what to do>``, never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, redirect_stdout
from typing import Any, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

# Exit codes, the same for every command.
EXIT_OK = 0
EXIT_FAILED = 1  # the command ran and something was refused or failed (an invalid settings file, a DLQ letter kept)
EXIT_USAGE = 2  # a mistake in the command: wrong or missing argument, file, region or credentials
EXIT_RECORDS_FAILED = 3  # a run finished but some records failed (each with its reason in the report)

EXIT_CODES_HELP = """exit codes:
  0  done
  1  the command ran and refused or failed something (the reason is printed)
  2  a mistake in the command (argument, file, AWS region or credentials): the line says what to change
  3  a run finished but some records failed: each has its reason in the report and on the record"""

# Width used when output is not a terminal (a pipe or a file): wide enough that messages rarely wrap.
PIPE_WIDTH = 160


class UsageError(Exception):
    """A mistake the user can fix; printed as one line, exit code 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_results: list[TextIO] = []


@contextmanager
def results_to(stream: TextIO) -> Iterator[None]:
    """Results go to ``stream`` (the real stdout) while anything else printed to stdout (a library's
    metrics or log lines) goes to stderr: ``--json`` output stays clean."""
    _results.append(stream)
    try:
        with redirect_stdout(sys.stderr):
            yield
    finally:
        _results.pop()


def results() -> TextIO:
    return _results[-1] if _results else sys.stdout


def emit(text: object = "") -> None:
    """One result line (or block) on stdout."""
    stream = results()
    stream.write(f"{text}\n")
    stream.flush()


def _width(stream: Any) -> int | None:
    if os.environ.get("COLUMNS"):
        return None  # rich honours COLUMNS itself
    return None if stream.isatty() else PIPE_WIDTH


def out() -> Console:
    """stdout: results."""
    return Console(file=results(), width=_width(results()), highlight=False, soft_wrap=False)


def err() -> Console:
    """stderr: progress, notes, errors."""
    return Console(file=sys.stderr, width=_width(sys.stderr), highlight=False, soft_wrap=False)


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str | None = None) -> Table:
    """A table whose last column (the message) takes the room left and wraps; nothing is cut."""
    grid = Table(title=title, title_justify="left", show_edge=False, header_style="bold", pad_edge=False,
                 expand=False)  # fmt: skip
    for index, header in enumerate(headers):
        last = index == len(headers) - 1
        grid.add_column(header, overflow="fold", no_wrap=False, min_width=20 if last else None)
    for row in rows:
        grid.add_row(*(Text(" ".join(str(cell).split())) for cell in row))
    return grid


def as_text(renderable: Any) -> str:
    """What ``renderable`` prints on stdout, as text (for commands that assemble their output)."""
    console = out()
    with console.capture() as captured:
        console.print(renderable)
    return captured.get().rstrip("\n")


def print_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str | None = None) -> None:
    out().print(table(headers, rows, title=title))


def error(message: str) -> None:
    """One line on stderr; never wrapped into several lines, never styled."""
    print(f"error: {message}", file=sys.stderr, flush=True)


class _RateColumn(ProgressColumn):
    """Items per second (rich's own speed column is for bytes)."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.1f} {self.unit}/s" if speed else f"- {self.unit}/s")


def progress_bar(unit: str = "records") -> Progress:
    """A bar with done/total, percentage, rate, elapsed and time left, on stderr; shown only on a terminal."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        _RateColumn(unit),
        TimeElapsedColumn(),
        TextColumn("elapsed,"),
        TimeRemainingColumn(),
        TextColumn("left"),
        console=err(),
        transient=False,
        disable=not sys.stderr.isatty(),
        refresh_per_second=4,
    )


@contextmanager
def progress(description: str, total: int | None, unit: str = "records") -> Iterator[Any]:
    """``with progress("sales-invoices", 300) as advance: advance(done)`` (``done`` is the running total)."""
    with progress_bar(unit) as bar:
        task = bar.add_task(description, total=total)

        def update(done: int, total_now: int | None = None) -> None:
            if total_now is not None:
                bar.update(task, total=total_now)
            bar.update(task, completed=done)

        yield update
        done = bar.tasks[task].completed
        bar.update(task, total=done, completed=done)  # finished: the bar ends full, at what was really done
