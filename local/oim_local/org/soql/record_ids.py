"""Id literals in filters: Salesforce accepts 15 or 18 characters and compares them as one.

The store keeps 18-character ids, so a literal is brought to that form before it is bound.
"""

from __future__ import annotations

_ALPHANUMERIC = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def case_suffix(id15: str) -> str:
    """The three characters that encode which of the first 15 are upper case."""
    suffix = ""
    for chunk_start in range(0, 15, 5):
        bits = 0
        for offset, char in enumerate(id15[chunk_start : chunk_start + 5]):
            if "A" <= char <= "Z":
                bits |= 1 << offset
        suffix += _SUFFIX_ALPHABET[bits]
    return suffix


def to_18(value: str) -> str | None:
    """The 18-character id for a 15 or 18 character literal, or None if it is no id."""
    if len(value) not in (15, 18) or not set(value) <= _ALPHANUMERIC:
        return None
    expected = case_suffix(value[:15])
    if len(value) == 18 and value[15:].upper() != expected:
        return None
    return value[:15] + expected
