"""One logger, tracer and metrics object for the whole layer (powertools).

The tracer is built on first use: constructing a powertools Tracer imports the X-Ray SDK and
botocore (about 250 ms), which would otherwise land on every cold start's import.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Mapping
from typing import Any

from aws_lambda_powertools import Logger, Metrics

# Variables that set the level, strongest first (powertools' order).
_LEVEL_VARIABLES = ("POWERTOOLS_LOG_LEVEL", "LOG_LEVEL", "AWS_LAMBDA_LOG_LEVEL")
DEBUG_REFUSED = (
    "LOG_LEVEL DEBUG is refused in a deployed function (botocore logs secret values at DEBUG); logging at INFO"
)


def deployed_log_level(environ: Mapping[str, str]) -> tuple[str, str | None]:
    """The level to log at, and why a requested level was refused: DEBUG never in Lambda."""
    requested = next((environ[v].upper() for v in _LEVEL_VARIABLES if environ.get(v)), "INFO")
    if requested in ("DEBUG", "NOTSET") and environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        return "INFO", DEBUG_REFUSED
    return requested, None


_level, _refused = deployed_log_level(os.environ)
logger = Logger(level=_level)
if _refused:
    logger.warning(_refused)
if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
    # Whatever the root logger is set to, the AWS SDK never logs request bodies (secret values).
    for _sdk in ("botocore", "boto3", "urllib3"):
        logging.getLogger(_sdk).setLevel(max(logging.INFO, logging.getLogger(_sdk).level))
metrics = Metrics()

Handler = Callable[[Any, Any], Any]


class DeferredTracer:
    """A powertools Tracer made when the first traced invocation runs."""

    def __init__(self) -> None:
        self._tracer: Any = None

    def real(self) -> Any:
        if self._tracer is None:
            from aws_lambda_powertools import Tracer

            self._tracer = Tracer()
        return self._tracer

    def capture_lambda_handler(self, capture_response: bool = True) -> Callable[[Handler], Handler]:
        def decorate(handler: Handler) -> Handler:
            traced: list[Handler] = []

            @functools.wraps(handler)
            def wrapper(event: Any, context: Any) -> Any:
                if not traced:
                    traced.append(self.real().capture_lambda_handler(handler, capture_response=capture_response))
                return traced[0](event, context)

            return wrapper

        return decorate

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real(), name)


tracer = DeferredTracer()
