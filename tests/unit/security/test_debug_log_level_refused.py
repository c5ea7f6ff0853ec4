"""Attack: a deployed stack set to LogLevel DEBUG makes botocore log request bodies, secret
values included. The template refuses DEBUG and the functions refuse it at run time too."""

from __future__ import annotations

from oim_connector.observability import DEBUG_REFUSED, deployed_log_level

from tests.unit.template.test_template import source_template

LAMBDA = {"AWS_LAMBDA_FUNCTION_NAME": "oim-connector-SalesInvoices"}


def test_the_template_refuses_debug_with_a_reason() -> None:
    parameter = source_template()["Parameters"]["LogLevel"]
    assert "DEBUG" not in parameter["AllowedValues"]
    assert "botocore logs secret values" in parameter["ConstraintDescription"]


def test_a_deployed_function_refuses_debug_from_any_variable() -> None:
    for variable in ("LOG_LEVEL", "POWERTOOLS_LOG_LEVEL", "AWS_LAMBDA_LOG_LEVEL"):
        assert deployed_log_level({**LAMBDA, variable: "debug"}) == ("INFO", DEBUG_REFUSED)


def test_other_levels_are_kept_and_debug_stays_available_locally() -> None:
    assert deployed_log_level({**LAMBDA, "LOG_LEVEL": "WARNING"}) == ("WARNING", None)
    assert deployed_log_level({"LOG_LEVEL": "DEBUG"}) == ("DEBUG", None)
    assert deployed_log_level({}) == ("INFO", None)
