"""Lambda handler of the payable_invoices function (not implemented yet)."""

from __future__ import annotations

import json
from typing import Any


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    message = "payable_invoices is not implemented yet"
    return {"statusCode": 501, "body": json.dumps({"error": "NOT_IMPLEMENTED", "message": message})}
