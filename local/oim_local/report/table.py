"""Run reports as plain-text tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], max_width: int = 70) -> str:
    cells = [[_clip(str(c), max_width) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)), line]
    out.extend("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells)
    return "\n".join(out)


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def report_rows(report: dict[str, Any]) -> list[list[str]]:
    rows = []
    for result in report.get("results", []):
        documents = ", ".join(d.get("name") or d.get("id") or d.get("externalId") or "" for d in result["documents"])
        total = ""
        if result["documents"]:
            total = ", ".join(str(d.get("total") or "") for d in result["documents"])
        detail = "; ".join(result.get("errors") or []) or result.get("reason") or ""
        rows.append([result.get("sourceName") or result["sourceId"], result["outcome"], documents, total, detail])
    return rows


def render_report(report: dict[str, Any]) -> str:
    counts = report.get("counts", {})
    summary = (
        f"{report['flow']} ({report['trigger']}{', dry run' if report.get('dryRun') else ''}): "
        f"{counts.get('created', 0)} created, {counts.get('updated', 0)} updated, "
        f"{counts.get('skipped', 0)} skipped, {counts.get('failed', 0)} failed"
        + (f", {counts.get('wouldCreate', 0)} would be created" if report.get("dryRun") else "")
        + f"; {report.get('apiRequests', 0)} Salesforce API requests"
    )
    lines = [summary]
    if report.get("stoppedReason"):
        lines.append(f"stopped: {report['stoppedReason']}")
    if report.get("results"):
        lines.append(table(["source", "outcome", "document", "total", "detail"], report_rows(report)))
    return "\n".join(lines)
