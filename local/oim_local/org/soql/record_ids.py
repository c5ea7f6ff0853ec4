"""Id literals in filters: Salesforce accepts 15 or 18 characters and compares them as one.

The store keeps 18-character ids, so a literal is brought to that form before it is bound.
"""

from __future__ import annotations

from oim_local.org import ids


def to_18(value: str) -> str | None:
    """The 18-character id for a 15 or 18 character literal, or None if it is no id."""
    return ids.to_18(value) if ids.is_valid_id(value) else None
