"""The oracle's check: every field of what Accounting holds against what the oracle intends.

For every judged source: its document (found through the source's back-link) must carry the
intended header fields, exactly the intended lines (matched by their source line, tax and rounding
lines by description) with the intended fields, the intended total and no "still being written"
marker; the source must be Exported without an error. A refused source must have no document and
say why. Each difference is reported field by field.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from oim_connector.model.documents import EXPORT_ERROR_FIELD, EXPORT_STATUS_FIELD, INCOMPLETE_FIELD
from oim_connector.org.port import OrgPort
from oim_connector.org.soql import Select, is_in

from oim_local.chaos.figures import OracleVerdict
from oim_local.chaos.oracle import (
    SHAPES,
    SOBJECTS,
    TAX_DESCRIPTION,
    Edit,
    Intended,
    IntendedLine,
    LineShape,
    Records,
    intentions,
)
from oim_local.datagen.manifest import ManifestEntry

_CHUNK = 200
_TOLERANCE = Decimal("0.000001")
_MAX_PROBLEMS = 40


def judge(org: OrgPort, data_dir: Path, entries: list[ManifestEntry], ids: Mapping[str, str],
          flows: Iterable[str], edits: Iterable[Edit] = (), runs_dir: Path | None = None,
          ) -> list[OracleVerdict]:  # fmt: skip
    """The oracle's verdict on every flow: its intentions from the generated data (after the edits)."""
    records = Records(data_dir, SOBJECTS)
    for edit in edits:
        records.apply(edit)
    verdicts = []
    for flow in flows:
        own = [e for e in entries if e.flow == flow]
        created = _created_dates(org, flow, own, ids) if flow == "sales-credit-notes" else {}
        intended = list(intentions(own, records, created))
        verdict = judge_flow(org, flow, intended, ids)
        if runs_dir is not None:
            _reported_export_errors(runs_dir, flow, intended, ids, verdict)
        verdicts.append(verdict)
    return verdicts


def _reported_export_errors(
    runs_dir: Path, flow: str, intended: list[Intended], ids: Mapping[str, str], verdict: OracleVerdict
) -> None:
    """Export Errors any run marked (its report's errors) on a source the oracle intends a document for,
    even when a later run healed them: a false Export Error is shown to users the moment it is written."""
    wanted = {ids[i.source]: i.source for i in intended if not i.refusal}
    for path in sorted(runs_dir.glob(f"*-{flow}-*.json")):
        try:
            report = json.loads(path.read_text(encoding="utf-8") or "null")
        except json.JSONDecodeError:
            continue  # a killed run leaves no report
        for result in (report or {}).get("results") or []:
            source = wanted.get(str(result.get("sourceId")))
            # "reason" set: the run left the source unmarked for the next run (not an Export Error).
            if source and result.get("outcome") == "failed" and result.get("errors") and not result.get("reason"):
                verdict.false_export_errors += 1
                if len(verdict.problems) < _MAX_PROBLEMS:
                    verdict.problems.append(f"{source}: run {path.stem} marked a false Export Error: "
                                            f"{result['errors'][0]}")  # fmt: skip


def _created_dates(org: OrgPort, flow: str, entries: list[ManifestEntry], ids: Mapping[str, str]) -> dict[str, str]:
    """When OIM created each credit invoice (a sales credit note is dated that day)."""
    shape = SHAPES[flow]
    own = [e.reference_id for e in entries if e.sobject == shape.source_object]
    rows = _rows(org, shape.source_object, ("Id", "CreatedDate"), "Id", [ids[r] for r in own])
    return {rid: str(rows[ids[rid]]["CreatedDate"])[:10] for rid in own if ids[rid] in rows}


def judge_flow(org: OrgPort, flow: str, intended: list[Intended], ids: Mapping[str, str]) -> OracleVerdict:
    shape = SHAPES[flow]
    verdict = OracleVerdict(flow=flow, judged=len(intended))
    source_ids = [ids[i.source] for i in intended]
    sources = _rows(org, shape.source_object, ("Id", "Name", shape.back_link, EXPORT_STATUS_FIELD, EXPORT_ERROR_FIELD),
                    "Id", source_ids)  # fmt: skip
    header_fields = sorted({f for i in intended for f in i.header} | {"Id", shape.source_link, INCOMPLETE_FIELD})
    linked = [str(s[shape.back_link]) for s in sources.values() if s.get(shape.back_link)]
    headers = _rows(org, shape.target_object, tuple(header_fields), "Id", linked)
    stray = _rows(org, shape.target_object, ("Id", shape.source_link), shape.source_link,
                  [ids[i.source] for i in intended if i.refusal])  # fmt: skip
    lines = _lines(org, shape.lines, intended, list(headers))
    for want in intended:
        source_id = ids[want.source]
        source = sources.get(source_id, {})
        if want.refusal:
            verdict.refusals += 1
            _judge_refusal(want, source, stray, source_id, verdict)
            continue
        verdict.documents += 1
        header = headers.get(str(source.get(shape.back_link) or ""))
        problems = _judge_document(want, source, header, lines, ids, verdict) if header else [
            f"no document (Export Status {source.get(EXPORT_STATUS_FIELD)!r}, error {source.get(EXPORT_ERROR_FIELD)!r})"
        ]  # fmt: skip
        if header is None:
            verdict.missing += 1
        elif problems:
            verdict.wrong += 1
        else:
            verdict.right += 1
        if source.get(EXPORT_STATUS_FIELD) == "Export Error" or source.get(EXPORT_ERROR_FIELD):
            verdict.false_export_errors += 1
            problems.append(f"false Export Error: {source.get(EXPORT_ERROR_FIELD)!r}")
        for problem in problems:
            verdict.wrong_fields += 1
            if len(verdict.problems) < _MAX_PROBLEMS:
                verdict.problems.append(f"{want.source}: {problem}")
    return verdict


def _judge_refusal(want: Intended, source: Mapping[str, Any], stray: Mapping[str, Mapping[str, Any]], source_id: str,
                   verdict: OracleVerdict) -> None:  # fmt: skip
    written = [h for h in stray.values() if h.get(SHAPES[want.flow].source_link) == source_id]
    problems = [f"refused ({want.refusal}) but has document {written[0]['Id']}"] if written else []
    if source.get(EXPORT_STATUS_FIELD) != "Export Error" or not source.get(EXPORT_ERROR_FIELD):
        problems.append(f"refused ({want.refusal}) but the record does not say so: status "
                        f"{source.get(EXPORT_STATUS_FIELD)!r}")  # fmt: skip
    if problems:
        verdict.wrong += 1
        verdict.wrong_fields += len(problems)
        room = max(0, _MAX_PROBLEMS - len(verdict.problems))
        verdict.problems.extend(f"{want.source}: {p}" for p in problems[:room])
    else:
        verdict.right += 1


def _judge_document(
    want: Intended, source: Mapping[str, Any], header: Mapping[str, Any],
    lines: Mapping[str, list[dict[str, Any]]], ids: Mapping[str, str], verdict: OracleVerdict,
) -> list[str]:  # fmt: skip
    shape = SHAPES[want.flow]
    problems = [f"{name}: intended {_show(value, ids)}, Accounting holds {header.get(name)!r}"
                for name, value in want.header.items() if not _same(header.get(name), value, ids)]  # fmt: skip
    if header.get(shape.source_link) != source.get("Id"):
        problems.append(f"{shape.source_link}: intended {source.get('Id')!r}, holds {header.get(shape.source_link)!r}")
    if header.get(INCOMPLETE_FIELD):
        problems.append(f"{INCOMPLETE_FIELD} is still set: the document is half written")
    if source.get(EXPORT_STATUS_FIELD) != "Exported":
        problems.append(f"source Export Status {source.get(EXPORT_STATUS_FIELD)!r}, intended 'Exported'")
    held = lines.get(str(header["Id"]), [])
    verdict.lines += len(held)
    by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in held:
        by_key[_held_key(shape.lines, line)].append(line)
    total = Decimal(0)
    for line in held:
        total += _amount(shape.lines, line)
    expected_keys: set[str] = set()
    for want_line in want.lines:
        key = _key(want_line, ids)
        expected_keys.add(key)
        found = by_key.get(key, [])
        if len(found) != 1:
            problems.append(f"line {want_line.key}: {len(found)} lines in Accounting, intended 1")
            continue
        line = found[0]
        if line["_sobject"] != want_line.sobject:
            problems.append(f"line {want_line.key}: a {line['_sobject']}, intended a {want_line.sobject}")
            continue
        problems.extend(
            f"line {want_line.key} {name}: intended {_show(value, ids)}, Accounting holds {line.get(name)!r}"
            for name, value in want_line.fields.items()
            if not _same(line.get(name), value, ids)
        )
    extra = [k for k in by_key if k not in expected_keys]
    if extra:
        problems.append(f"{sum(len(by_key[k]) for k in extra)} lines Accounting holds that the source does not have")
    if len(held) != len(want.lines):
        problems.append(f"{len(held)} lines, intended {len(want.lines)}")
    if abs(total - want.total) > Decimal("0.005"):
        problems.append(f"total {total}, intended {want.total}")
    return problems


def _held_key(shapes: Iterable[LineShape], line: Mapping[str, Any]) -> str:
    """A line's source line; a line without one is the tax line, or else the rounding line."""
    link = line.get(_link_field(shapes, line))
    if link:
        return str(link)
    return TAX_DESCRIPTION if line.get("c2g__LineDescription__c") == TAX_DESCRIPTION else "rounding"


def _key(line: IntendedLine, ids: Mapping[str, str]) -> str:
    return ids.get(line.key[1:], line.key) if line.key.startswith("@") else line.key


def _link_field(shapes: Iterable[LineShape], line: Mapping[str, Any]) -> str:
    return next(s.link_field for s in shapes if s.sobject == line["_sobject"])


def _amount(shapes: Iterable[LineShape], line: Mapping[str, Any]) -> Decimal:
    fields = next(s.amount for s in shapes if s.sobject == line["_sobject"])
    value = Decimal(1)
    for name in fields:
        value *= _decimal(line.get(name)) or Decimal(0)
    return value.quantize(Decimal("0.01"))


def _lines(org: OrgPort, shapes: tuple[LineShape, ...], intended: list[Intended],
           header_ids: list[str]) -> dict[str, list[dict[str, Any]]]:  # fmt: skip
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for shape in shapes:
        names = {n for i in intended for line in i.lines if line.sobject == shape.sobject for n in line.fields}
        names |= {"Id", shape.parent_field, shape.link_field, "c2g__LineDescription__c", *shape.amount}
        for row in _rows(org, shape.sobject, tuple(sorted(names)), shape.parent_field, header_ids).values():
            row["_sobject"] = shape.sobject
            out[str(row[shape.parent_field])].append(row)
    return out


def _rows(
    org: OrgPort, sobject: str, fields: tuple[str, ...], key: str, values: list[str]
) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(values), _CHUNK):
        for row in org.query(Select(sobject, fields, where=is_in(key, values[start : start + _CHUNK]))):
            found[str(row["Id"])] = dict(row)
    return found


def _resolve(value: object, ids: Mapping[str, str]) -> object:
    if isinstance(value, str) and value.startswith("@"):
        return ids.get(value[1:], value)
    return value


def _show(value: object, ids: Mapping[str, str]) -> str:
    resolved = _resolve(value, ids)
    return f"{resolved!r} ({value[1:]})" if resolved != value and isinstance(value, str) else repr(value)


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _same(held: object, intended: object, ids: Mapping[str, str]) -> bool:
    want = _resolve(intended, ids)
    if isinstance(want, bool) or isinstance(held, bool):
        return bool(held) == bool(want)
    if isinstance(want, Decimal | int | float):
        got = _decimal(held)
        return got is not None and abs(got - Decimal(str(want))) <= _TOLERANCE
    if want in (None, ""):
        return held in (None, "")
    if isinstance(want, str) and isinstance(held, str) and len(want) == 10 and want[4] == "-":
        return held[:10] == want  # a date
    return held == want
