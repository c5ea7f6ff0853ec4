"""Salesforce record ids: the only identifiers that ever reach a SOQL query from outside.

An id is 15 case-sensitive base-62 characters, or 18 with a 3-character suffix that
encodes the case of the first 15. Anything else is refused before it gets near the org.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

_ID_PATTERN = re.compile(r"^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$")
_SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def _case_suffix(id15: str) -> str:
    suffix = ""
    for chunk_start in range(0, 15, 5):
        bits = 0
        for offset, char in enumerate(id15[chunk_start : chunk_start + 5]):
            if "A" <= char <= "Z":
                bits |= 1 << offset
        suffix += _SUFFIX_ALPHABET[bits]
    return suffix


def is_salesforce_id(value: str) -> bool:
    if not isinstance(value, str) or not _ID_PATTERN.match(value):
        return False
    return len(value) == 15 or _case_suffix(value[:15]) == value[15:]


def to_18(value: str) -> str:
    """The 18-character form of a valid id; raises ValueError with a readable message."""
    if not is_salesforce_id(value):
        raise ValueError(
            f"'{_shorten(value)}' is not a Salesforce record id: use the 15 or 18 character Id of the record"
        )
    return value if len(value) == 18 else value + _case_suffix(value)


def _shorten(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _validate_record_id(value: str) -> str:
    return to_18(value)


# A validated record id, normalised to 18 characters.
RecordId = Annotated[str, AfterValidator(_validate_record_id)]
