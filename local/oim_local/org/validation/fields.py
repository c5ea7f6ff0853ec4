"""Turn one JSON value into the value a field stores, or refuse it as Salesforce does."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from oim_local.org.errors import SalesforceApiError
from oim_local.org.ids import is_valid_id, to_18
from oim_local.org.schema import FieldDef

_TEXT_TYPES = frozenset({"string", "textarea", "picklist", "multipicklist", "phone", "email", "url"})
_NUMBER_TYPES = frozenset({"int", "number", "currency", "percent"})
_DEFAULT_LENGTH = {
    "textarea": 255,
    "picklist": 255,
    "multipicklist": 4099,
    "phone": 40,
    "email": 80,
    "url": 255,
}
_DEFAULT_PRECISION = 18
_DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
_MESSAGE_VALUE_LIMIT = 100


def format_datetime(moment: datetime) -> str:
    """Salesforce's datetime form: UTC with milliseconds, ``2026-01-02T03:04:05.000+0000``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def max_length(field: FieldDef) -> int | None:
    if field.length is not None:
        return field.length
    return _DEFAULT_LENGTH.get(field.type)


def coerce(field: FieldDef, value: Any) -> Any:
    """The stored (API) form of ``value`` for ``field``; raises ``SalesforceApiError``."""
    if field.type == "boolean":
        return _coerce_boolean(field, value)
    if value is None or (value == "" and field.type not in _NUMBER_TYPES):
        # Salesforce stores an empty text as null.
        return None
    if field.type in _TEXT_TYPES:
        return _coerce_text(field, value)
    if field.type in _NUMBER_TYPES:
        return _coerce_number(field, value)
    if field.type == "date":
        return _coerce_date(field, value)
    if field.type == "datetime":
        return _coerce_datetime(field, value)
    if field.type in ("reference", "id"):
        return _coerce_id(field, value)
    raise _type_error(field, value)  # autonumber and system fields are refused earlier


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "VALUE_TRUE" if value else "VALUE_FALSE"
    if isinstance(value, int):
        return "VALUE_NUMBER_INT"
    if isinstance(value, float):
        return "VALUE_NUMBER_FLOAT"
    if isinstance(value, str):
        return "VALUE_STRING"
    if isinstance(value, dict):
        return "START_OBJECT"
    if isinstance(value, list):
        return "START_ARRAY"
    return "VALUE_EMBEDDED_OBJECT"


def _type_error(field: FieldDef, value: Any) -> SalesforceApiError:
    shown = _shorten(str(value))
    return SalesforceApiError(
        400,
        "JSON_PARSER_ERROR",
        f"Cannot deserialize instance of {field.type} from {_json_kind(value)} value {shown} "
        f"or request may be missing a required field: {field.name} expects a {_expected(field)}",
        [field.name],
    )


def _expected(field: FieldDef) -> str:
    if field.type == "boolean":
        return "JSON true or false"
    if field.type in _NUMBER_TYPES:
        return "JSON number"
    if field.type == "date":
        return "date as 'YYYY-MM-DD'"
    if field.type == "datetime":
        return "datetime as 'YYYY-MM-DDTHH:MM:SS.000+0000'"
    if field.type in ("reference", "id"):
        return "record id (15 or 18 characters)"
    return "text value"


def _shorten(text: str) -> str:
    return text if len(text) <= _MESSAGE_VALUE_LIMIT else text[:_MESSAGE_VALUE_LIMIT] + "..."


def _coerce_boolean(field: FieldDef, value: Any) -> bool:
    if value is None:
        return False  # a checkbox is never null in Salesforce
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise _type_error(field, value)


def _coerce_text(field: FieldDef, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _type_error(field, value)
    text = value if isinstance(value, str) else str(value)
    limit = max_length(field)
    if limit is not None and len(text) > limit:
        raise SalesforceApiError(
            400,
            "STRING_TOO_LONG",
            f"{field.name}: data value too large: {_shorten(text)} (max length={limit})",
            [field.name],
        )
    if field.type in ("picklist", "multipicklist") and field.restricted and field.values:
        chosen = text.split(";") if field.type == "multipicklist" else [text]
        for item in chosen:
            if item not in field.values:
                raise SalesforceApiError(
                    400,
                    "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                    f"{field.name}: bad value for restricted picklist field: {item}",
                    [field.name],
                )
    return text


def _coerce_number(field: FieldDef, value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _type_error(field, value)
    try:
        # Salesforce's JSON reader accepts numerals written as strings; anything else is refused.
        number = Decimal(value.strip()) if isinstance(value, str) else Decimal(str(value))
    except InvalidOperation:
        raise _type_error(field, value) from None
    if not number.is_finite():
        raise _type_error(field, value)
    scale = _scale(field)
    if scale is not None:
        number = number.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)
    precision = field.precision or _DEFAULT_PRECISION
    integer_digits = precision - (scale or 0)
    if abs(number) >= Decimal(10) ** integer_digits:
        raise SalesforceApiError(
            400,
            "NUMBER_OUTSIDE_VALID_RANGE",
            f"{field.name}: value outside of valid range on numeric field: {value} "
            f"(at most {integer_digits} digits before the decimal point)",
            [field.name],
        )
    if field.type == "int":
        if number != number.to_integral_value():
            raise _type_error(field, value)
        return int(number)
    result = float(number)
    if not math.isfinite(result):
        raise _type_error(field, value)
    return result


def _scale(field: FieldDef) -> int | None:
    if field.type == "int":
        return 0
    if field.scale is not None:
        return field.scale
    return 2 if field.type in ("currency", "percent") else None


def _coerce_date(field: FieldDef, value: Any) -> str:
    if not isinstance(value, str) or not _DATE_PATTERN.fullmatch(value):
        raise _type_error(field, value)
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise _type_error(field, value) from None


def _coerce_datetime(field: FieldDef, value: Any) -> str:
    if not isinstance(value, str) or not _DATE_PATTERN.match(value) or "T" not in value:
        raise _type_error(field, value)
    try:
        return format_datetime(datetime.fromisoformat(value))
    except ValueError:
        raise _type_error(field, value) from None


def _coerce_id(field: FieldDef, value: Any) -> str:
    if not isinstance(value, str):
        raise _type_error(field, value)
    if not is_valid_id(value):
        raise SalesforceApiError(
            400,
            "MALFORMED_ID",
            f"{field.name}: id value of incorrect type: {_shorten(value)}",
            [field.name],
        )
    return to_18(value)
