"""A reconciliation report as CSV (one row per finding) for spreadsheets and the S3 report."""

from __future__ import annotations

import csv
import io

from oim_connector.reconcile.findings import ReconcileReport

CSV_COLUMNS = (
    "kind",
    "flow",
    "source_id",
    "source_name",
    "document_id",
    "document_name",
    "field",
    "source_value",
    "ledger_value",
    "age_days",
    "action",
)


def to_csv(report: ReconcileReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for finding in report.findings:
        row = finding.model_dump(mode="json")
        writer.writerow(["" if row[c] is None else _safe(str(row[c])) for c in CSV_COLUMNS])
    return buffer.getvalue()


def _safe(text: str) -> str:
    """A cell a spreadsheet would run as a formula (=, +, -, @) is quoted as text."""
    return "'" + text if text[:1] in ("=", "+", "@") or (text[:1] == "-" and not _number(text)) else text


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
