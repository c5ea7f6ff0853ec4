"""Salesforce string literal escapes, decoded character by character (no regular expressions).

``\\%`` and ``\\_`` are literal percent and underscore signs in a LIKE pattern; elsewhere
they decode to the sign itself.
"""

from __future__ import annotations

from dataclasses import dataclass

_SIMPLE_ESCAPES = {
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "b": "\b",
    "f": "\f",
    '"': '"',
    "'": "'",
    "\\": "\\",
}
_LIKE_WILDCARDS = "%_"
_SQLITE_LIKE_ESCAPE = "\\"
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


class InvalidEscape(ValueError):
    """An escape Salesforce does not accept; ``offset`` is its index in the quoted body."""

    def __init__(self, text: str, offset: int) -> None:
        super().__init__(text)
        self.offset = offset


@dataclass(frozen=True)
class DecodedString:
    value: str
    like_pattern: str


def decode(body: str) -> DecodedString:
    """Decode the text between the quotes of a SOQL string literal."""
    value: list[str] = []
    pattern: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char != "\\":
            value.append(char)
            # Unescaped % and _ stay wildcards; a literal backslash must be escaped for SQLite.
            pattern.append(_SQLITE_LIKE_ESCAPE + char if char == _SQLITE_LIKE_ESCAPE else char)
            index += 1
            continue
        if index + 1 >= len(body):
            raise InvalidEscape("a string literal cannot end with a single backslash", index)
        code = body[index + 1]
        if code in _LIKE_WILDCARDS:
            value.append(code)
            pattern.append(_SQLITE_LIKE_ESCAPE + code)
            index += 2
        elif code in _SIMPLE_ESCAPES:
            decoded = _SIMPLE_ESCAPES[code]
            value.append(decoded)
            pattern.append(_like_literal(decoded))
            index += 2
        elif code == "u":
            digits = body[index + 2 : index + 6]
            if len(digits) != 4 or not set(digits) <= _HEX_DIGITS:
                raise InvalidEscape("\\u must be followed by four hexadecimal digits", index)
            decoded = chr(int(digits, 16))
            value.append(decoded)
            pattern.append(_like_literal(decoded))
            index += 6
        else:
            raise InvalidEscape(
                f"invalid escape sequence '\\{code}' in a string literal: "
                "use \\\\ for a backslash, \\' for a quote, or \\n, \\r, \\t, \\b, \\f, \\\", \\uXXXX",
                index,
            )
    return DecodedString(value="".join(value), like_pattern="".join(pattern))


def _like_literal(char: str) -> str:
    if char in _LIKE_WILDCARDS or char == _SQLITE_LIKE_ESCAPE:
        return _SQLITE_LIKE_ESCAPE + char
    return char
