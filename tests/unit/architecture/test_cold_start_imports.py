"""A handler's import (Lambda's INIT, the cold start) loads only the logger and metrics: every
heavy library and every pydantic model loads on the first call that needs it (issue 22: each
function's import under 150 ms; `make bench` prints the times). Checked by what the import loads,
not by a clock, so a busy machine cannot make it flaky."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from oim_local.runner.handlers import FUNCTIONS_DIR, PROJECT_ROOT, function_names

# What a cold start must not pay for, with its import cost on this project's machine (-X importtime).
HEAVY = {
    "pydantic": "pydantic itself and the models it builds at import (~100 ms)",
    "boto3": "the AWS SDK (~150 ms with botocore's loaders)",
    "botocore.client": "the AWS SDK's clients",
    "simple_salesforce": "the Salesforce client (~120 ms)",
    "requests": "the HTTP client under simple-salesforce",
    "aws_xray_sdk": "the X-Ray SDK a powertools Tracer imports when it is built",
    "aws_lambda_powertools.event_handler": "the API resolvers (~140 ms: appsync, asyncio)",
    "aws_lambda_powertools.utilities.batch": "batch processing (~100 ms: its pydantic models)",
    "aws_lambda_powertools.utilities.idempotency": "idempotency (boto3)",
    "aws_lambda_powertools.utilities.parameters": "Secrets Manager and SSM reads (boto3)",
    "oim_connector.wiring": "the services (settings, jobs, Salesforce adapter)",
}

_PROBE = (
    "import importlib.util, json, sys\n"
    "spec = importlib.util.spec_from_file_location('app', sys.argv[1])\n"
    "module = importlib.util.module_from_spec(spec)\n"
    "spec.loader.exec_module(module)\n"
    "assert callable(module.lambda_handler)\n"
    "print(json.dumps(sorted(sys.modules)))\n"
)


def _loaded_by_import(function: str) -> set[str]:
    """The modules a fresh interpreter holds after importing the handler, as Lambda's INIT does it:
    only the layer on the path, the function's environment set."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "AWS_", "POWERTOOLS_"))}
    env.update(PYTHONPATH=str(PROJECT_ROOT / "layers" / "common"), AWS_DEFAULT_REGION="eu-west-1",
               FLOW=function.replace("_", "-"), POWERTOOLS_SERVICE_NAME="oim-connector")  # fmt: skip
    answer = subprocess.run(
        [sys.executable, "-c", _PROBE, str(FUNCTIONS_DIR / function / "app.py")], env=env, cwd=Path("/"),
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    return set(json.loads(answer.stdout.strip().splitlines()[-1]))


def test_every_function_is_checked() -> None:
    assert len(function_names()) >= 10 and "admin" in function_names()


@pytest.mark.parametrize("function", function_names())
def test_the_handler_import_loads_no_heavy_library(function: str) -> None:
    loaded = _loaded_by_import(function)
    assert "oim_connector.observability" in loaded  # the probe did import the handler
    heavy = {name: why for name, why in HEAVY.items() if name in loaded}
    assert heavy == {}, f"{function}'s import loads these: import them where they are first needed instead"
