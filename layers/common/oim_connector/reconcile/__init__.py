"""Month-end reconciliation: every OIM document of a period is in the ledger once, at the same amount.

``compare`` holds the rules (pure), ``reader`` reads both sides through the org port page by
page, ``service`` runs them per flow and returns a ``ReconcileReport``.
"""
