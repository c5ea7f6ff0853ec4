"""Lambda handler of the vendor_accounts function (not implemented yet)."""

from __future__ import annotations

from typing import Any


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"statusCode": 501, "body": '{"error": "NOT_IMPLEMENTED", "message": "vendor_accounts is not implemented yet"}'}
