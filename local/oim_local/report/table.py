"""Run reports as tables that wrap to the terminal (``oim_local.console``): every message whole."""

from __future__ import annotations

from typing import Any

from oim_local.console import out, table

REPORT_HEADERS = ("source", "outcome", "document", "total", "detail")


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


def summary_line(report: dict[str, Any]) -> str:
    counts = report.get("counts", {})
    return (
        f"{report['flow']} ({report['trigger']}{', dry run' if report.get('dryRun') else ''}): "
        f"{counts.get('created', 0)} created, {counts.get('updated', 0)} updated, "
        f"{counts.get('notEligible', 0)} not eligible, "
        f"{counts.get('skipped', 0)} skipped, {counts.get('failed', 0)} failed"
        + (f", {counts.get('wouldCreate', 0)} would be created" if report.get("dryRun") else "")
        + f"; {report.get('apiRequests', 0)} Salesforce API requests"
    )


def print_report(report: dict[str, Any]) -> None:
    console = out()
    console.print(summary_line(report))
    if report.get("stoppedReason"):
        console.print(f"stopped: {report['stoppedReason']}")
    if report.get("results"):
        console.print(table(REPORT_HEADERS, report_rows(report)))
