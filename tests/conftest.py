"""Settings every test shares: no real AWS, no tracing, quiet powertools."""

from __future__ import annotations

import os

# Before any boto3 client exists: moto and botocore read these at client creation.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_SESSION_TOKEN", "testing")
os.environ["AWS_DEFAULT_REGION"] = "eu-west-1"
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "oim-connector")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "OimConnector")
os.environ.setdefault("POWERTOOLS_DEV", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")
