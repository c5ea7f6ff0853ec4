"""Loading a function's handler module from its CodeUri, as the Lambda runtime does."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[3]
FUNCTIONS_DIR = PROJECT_ROOT / "functions"

Handler = Callable[[dict[str, Any], Any], Any]


def function_names() -> list[str]:
    return sorted(p.parent.name for p in FUNCTIONS_DIR.glob("*/app.py"))


@cache
def load_handler(function_name: str) -> Handler:
    path = FUNCTIONS_DIR / function_name / "app.py"
    if not path.is_file():
        known = ", ".join(function_names())
        raise ValueError(f"No function '{function_name}': use one of {known}")
    spec = importlib.util.spec_from_file_location(f"functions.{function_name}.app", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    handler: Handler = module.lambda_handler
    return handler
