"""Keeping every journal zero-sum: the balance check, summarising, rounding and balanced splitting.

Order matters: the exact (converted, unrounded) values must balance, or the journal is refused;
lines are summarised on exact values, then rounded, and what rounding leaves goes to one
rounding line; splitting past the line limit then cuts only where the lines so far sum to zero,
so every part balances on its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from decimal import Decimal

from oim_connector.mapping.journal_entries import Entry
from oim_connector.mapping.money import round_money
from oim_connector.mapping.rules import MappingError

ROUNDING_KEY = "ROUNDING"
CLEARING_KEY = "CLEARING"


def debits(values: Sequence[Decimal]) -> Decimal:
    return sum((v for v in values if v > 0), Decimal(0))


def check_balanced(entries: Sequence[Entry], *, dp: int, iso: str, label: str) -> None:
    """OIM's financial records of one transaction must net to zero: never write a journal that doesn't."""
    total = sum((e.value for e in entries), Decimal(0))
    if round_money(total, dp) == 0:
        return
    values = [e.value for e in entries]
    listed = ", ".join(f"{s.name} {s.category} {round_money(s.value, dp)}" for e in entries for s in e.sources)
    raise MappingError(
        f"The financial records of {label} do not balance: debits {round_money(debits(values), dp)} and credits "
        f"{round_money(-sum((v for v in values if v < 0), Decimal(0)), dp)} {iso} differ by {round_money(total, dp)} "
        f"({listed}): correct the financial records in OIM"
    )


def summarise(entries: Sequence[Entry], dimensions: Sequence[str | None]) -> list[Entry]:
    """Lines with the same GLA (and dimensions) summed into one, keeping every financial record's back-link."""
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(entry.gla, []).append(entry)
    summarised = []
    for gla, group in groups.items():
        if len(group) == 1:
            summarised.append(group[0])
            continue
        categories = ", ".join(dict.fromkeys(s.category for e in group for s in e.sources))
        sources = tuple(s for e in group for s in e.sources)
        digest = hashlib.sha256("|".join((gla, *(d or "" for d in dimensions))).encode()).hexdigest()[:10]
        summarised.append(Entry(
            key=f"{gla}:{digest}", gla=gla, value=sum((e.value for e in group), Decimal(0)),
            description=f"{categories}: {len(sources)} financial records summarised", sources=sources,
        ))  # fmt: skip
    return summarised


def rounded(entries: Sequence[Entry], *, dp: int, rounding_gla: str | None, rounding_setting: str | None,
            iso: str, label: str) -> list[Entry]:  # fmt: skip
    """Each line rounded half up; the difference that leaves goes to the rounding GLA, never dropped."""
    result = [_with_value(e, round_money(e.value, dp)) for e in entries]
    difference = -sum((e.value for e in result), Decimal(0))
    if difference == 0:
        return result
    if not rounding_gla:
        where = (
            f"the rounding GLA '{rounding_setting}' of the journal settings is not a general ledger account "
            "reporting code: correct it"
            if rounding_setting
            else "set the rounding GLA (a reporting code) in the journal settings"
        )
        raise MappingError(f"Rounding {label} to {iso} leaves a difference of {difference} {iso}: {where}")
    result.append(Entry(key=ROUNDING_KEY, gla=rounding_gla, value=difference,
                        description=f"Rounding difference of {label} in {iso}"))  # fmt: skip
    return result


def _with_value(entry: Entry, value: Decimal) -> Entry:
    return Entry(key=entry.key, gla=entry.gla, value=value, description=entry.description, sources=entry.sources,
                 record=entry.record)  # fmt: skip


def split_balanced(entries: Sequence[Entry], *, limit: int, clearing_gla: str | None,
                   clearing_setting: str | None, label: str) -> list[list[Entry]]:  # fmt: skip
    """Parts of at most ``limit`` lines, each summing to zero (the entries as a whole do)."""
    if len(entries) <= limit:
        return [list(entries)]
    segments = _zero_sum_segments(_pair_opposites(entries))
    largest = max(len(s) for s in segments)
    if largest <= limit:
        return _pack(segments, limit)
    if clearing_gla and limit >= 2:
        return _with_clearing_lines(entries, limit, clearing_gla, label)
    if clearing_setting:
        how = f"the split clearing GLA '{clearing_setting}' of the journal settings is not a reporting code: correct it"
    else:
        how = "set a split clearing GLA (a reporting code) in the journal settings"
    raise MappingError(
        f"{label} needs {len(entries)} journal lines, more than the journal line limit of {limit}, and its financial "
        f"records only balance in a group of {largest} lines, so no part would balance on its own: raise the "
        f"journal line limit to at least {largest} or {how}"
    )


def _pair_opposites(entries: Sequence[Entry]) -> list[Entry]:
    """Put a debit next to a credit of the same amount, so more small groups balance on their own."""
    waiting: dict[Decimal, list[int]] = {}
    partner: dict[int, int] = {}
    for index, entry in enumerate(entries):
        opposite = waiting.get(-entry.value)
        if entry.value != 0 and opposite:
            partner[opposite.pop(0)] = index
        else:
            waiting.setdefault(entry.value, []).append(index)
    placed = set(partner.values())
    ordered = []
    for index, entry in enumerate(entries):
        if index in placed:
            continue
        ordered.append(entry)
        if index in partner:
            ordered.append(entries[partner[index]])
    return ordered


def _zero_sum_segments(entries: Sequence[Entry]) -> list[list[Entry]]:
    segments: list[list[Entry]] = []
    current: list[Entry] = []
    running = Decimal(0)
    for entry in entries:
        current.append(entry)
        running += entry.value
        if running == 0:
            segments.append(current)
            current = []
    if current:  # only when the entries don't net to zero, which check_balanced and rounding rule out
        raise MappingError("The journal lines do not net to zero, so the journal cannot be split into balanced parts")
    return segments


def _pack(segments: Sequence[list[Entry]], limit: int) -> list[list[Entry]]:
    parts: list[list[Entry]] = [[]]
    for segment in segments:
        if len(parts[-1]) + len(segment) > limit:
            parts.append([])
        parts[-1].extend(segment)
    return parts


def _with_clearing_lines(entries: Sequence[Entry], limit: int, clearing_gla: str, label: str) -> list[list[Entry]]:
    """Each part's own imbalance goes to the clearing GLA; over all parts the clearing lines net to zero."""
    parts = []
    size = limit - 1
    for number, start in enumerate(range(0, len(entries), size), start=1):
        part = list(entries[start : start + size])
        imbalance = sum((e.value for e in part), Decimal(0))
        if imbalance != 0:
            part.append(Entry(key=f"{CLEARING_KEY}:{number}", gla=clearing_gla, value=-imbalance,
                              description=f"Split clearing of {label}, part {number}"))  # fmt: skip
        parts.append(part)
    return parts
