"""Attack: whoever may change settings names any importable module as a hook (``os:system``,
``subprocess:run``, a module whose top-level code runs when imported). Only top-level
functions of modules under ``oim_hooks`` are accepted, and checking a name imports nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from oim_connector.hooks import HookError, check_hook, load_hook
from oim_connector.model.settings import FlowSettings
from pydantic import ValidationError

NOT_ALLOWED = "is not allowed: hooks come only from the oim_hooks package"


@pytest.mark.parametrize("name", ["os:system", "subprocess:run", "builtins:eval", "oim_connector.engine:run"])
def test_a_hook_outside_the_allowed_package_is_refused_by_the_settings_model(name: str) -> None:
    with pytest.raises(ValidationError) as refused:
        FlowSettings.model_validate({"hook": name})
    assert NOT_ALLOWED in str(refused.value)


@pytest.mark.parametrize("name", ["os:system", "subprocess:run", "oim_hooksx.evil:run", "oim_hooks:run"])
def test_loading_a_hook_outside_the_allowed_package_is_refused(name: str) -> None:
    with pytest.raises(HookError) as refused:
        load_hook(name)
    assert NOT_ALLOWED in refused.value.message


def test_checking_a_hook_never_imports_its_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A module under oim_hooks whose top-level code would leave a mark if it ran.
    marker = tmp_path / "ran"
    package = tmp_path / "oim_hooks"
    package.mkdir()
    trap = f"open({str(marker)!r}, 'w').close()\n\ndef hook(items, context):\n    return items\n"
    (package / "booby_trap.py").write_text(trap)
    monkeypatch.syspath_prepend(str(tmp_path))
    import oim_hooks

    monkeypatch.setattr(oim_hooks, "__path__", [*oim_hooks.__path__, str(package)])

    check_hook("oim_hooks.booby_trap:hook")

    assert not marker.exists() and "oim_hooks.booby_trap" not in sys.modules
    with pytest.raises(HookError, match="has no function 'nope'"):
        check_hook("oim_hooks.booby_trap:nope")


def test_a_missing_module_or_function_under_the_package_is_named() -> None:
    with pytest.raises(HookError, match=r"'oim_hooks\.absent' cannot be found"):
        check_hook("oim_hooks.absent:run")
    with pytest.raises(HookError, match="has no function 'absent'"):
        check_hook("oim_hooks.skip_customer:absent")


def test_the_shipped_sample_hook_is_accepted_and_loads() -> None:
    check_hook("oim_hooks.skip_customer:remove_customer_invoices")
    assert callable(load_hook("oim_hooks.skip_customer:remove_customer_invoices"))
