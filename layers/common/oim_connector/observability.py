"""One logger, tracer and metrics object for the whole layer (powertools).

The tracer is built on first use: constructing a powertools Tracer imports the X-Ray SDK and
botocore (about 250 ms), which would otherwise land on every cold start's import.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics

logger = Logger()
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
