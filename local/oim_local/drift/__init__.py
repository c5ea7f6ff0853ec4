"""Drift for the month-end reconciliation: a month of documents exported by the connector, then
changed behind its back in every way the reconciliation must find (``inject``), and the check
that it finds each case and nothing else (``oracle``)."""
