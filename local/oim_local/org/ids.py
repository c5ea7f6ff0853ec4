"""Salesforce record ids: 15 case-sensitive base62 characters, plus a 3-character checksum
that makes the 18-character form safe for case-insensitive systems."""

from __future__ import annotations

import re
import string

_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_CHECKSUM_ALPHABET = string.ascii_uppercase + "012345"
_ID_PATTERN = re.compile(r"[0-9A-Za-z]{15}(?:[0-9A-Za-z]{3})?")
# Characters 4-6 stand for the pod and a reserved digit in real ids; any base62 is valid.
_INSTANCE = "5L0"
_SERIAL_WIDTH = 9


def _checksum(id15: str) -> str:
    suffix = []
    for chunk_start in range(0, 15, 5):
        bits = 0
        for position, char in enumerate(id15[chunk_start : chunk_start + 5]):
            if "A" <= char <= "Z":
                bits |= 1 << position
        suffix.append(_CHECKSUM_ALPHABET[bits])
    return "".join(suffix)


def _base62(number: int) -> str:
    digits = []
    while number:
        number, remainder = divmod(number, 62)
        digits.append(_BASE62[remainder])
    return "".join(reversed(digits)) or "0"


def new_id(key_prefix: str, serial: int) -> str:
    """The 18-character id of the ``serial``-th record of the object with ``key_prefix``.

    Serials are zero-padded, so ids of one object sort in creation order (keyset paging).
    """
    if not re.fullmatch(r"[0-9A-Za-z]{3}", key_prefix):
        raise ValueError(f"key prefix must be 3 base62 characters, got {key_prefix!r}")
    if serial < 0 or serial >= 62**_SERIAL_WIDTH:
        raise ValueError(f"serial {serial} is outside 0..62**{_SERIAL_WIDTH}-1")
    id15 = key_prefix + _INSTANCE + _base62(serial).rjust(_SERIAL_WIDTH, "0")
    return id15 + _checksum(id15)


def is_valid_id(value: str) -> bool:
    """15 or 18 base62 characters; for 18, the checksum must match the first 15."""
    if not isinstance(value, str) or not _ID_PATTERN.fullmatch(value):
        return False
    return len(value) == 15 or value[15:].upper() == _checksum(value[:15])


def to_18(value: str) -> str:
    """The 18-character form of a 15- or 18-character id."""
    if not is_valid_id(value):
        raise ValueError(f"{value!r} is not a Salesforce id: expected 15 or 18 letters and digits")
    return value[:15] + _checksum(value[:15])
