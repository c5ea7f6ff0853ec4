"""Hooks: the connector's stand-in for the source product's plugins (SCMFFA.SCMFFAPlugin).

A flow's settings may name a hook as ``"package.module:function"``; the module must be
importable where the functions run (put it in the layer, or in a layer of your own).
The engine calls it once per batch, after mapping and before writing::

    def hook(items: list[Mapped], context: HookContext) -> list[Mapped]: ...

``items`` are the source documents about to be written, each with its accounting
documents (``item.documents``: header ``fields`` and ``lines``). Return the items to write:
leave one out to drop it (it is reported as skipped "dropped by hook <name>" and its
record is left untouched), or return a changed copy (``dataclasses.replace``) to change
what is written. A hook that raises, or returns an item it was not given, stops the run
with a clear message before anything of that batch is written. See examples/hooks/.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from oim_connector.errors import ConfigurationError
from oim_connector.model.documents import Mapped


@dataclass(frozen=True)
class HookContext:
    flow: str
    trigger: str
    run_id: str
    dry_run: bool


Hook = Callable[[list[Mapped], HookContext], Sequence[Mapped]]


class HookError(ConfigurationError):
    """The hook could not be loaded, raised, or answered something other than items it was given."""


def load_hook(name: str) -> Hook:
    """The function a ``"package.module:function"`` setting names; refused with what to fix."""
    module_name, _, function_name = name.partition(":")
    if not module_name or not function_name:
        raise HookError(f"The hook '{name[:200]}' must be written as package.module:function")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise HookError(
            f"The hook module '{module_name}' cannot be imported ({error.__class__.__name__}: {error}): "
            "deploy it with the functions or correct the hook setting"
        ) from None
    function: Any = getattr(module, function_name, None)
    if not callable(function):
        raise HookError(f"The hook module '{module_name}' has no function '{function_name}'")
    hook: Hook = function
    return hook


@dataclass(frozen=True)
class HookOutcome:
    kept: list[Mapped]
    dropped: list[Mapped]


def apply_hook(name: str, hook: Hook, items: list[Mapped], context: HookContext) -> HookOutcome:
    """Run the hook on the items about to be written; which ones it kept, changed or dropped."""
    if not items:
        return HookOutcome([], [])
    try:
        answer = hook(list(items), context)
    except Exception as error:  # any failure of admin code stops the run, with its message
        raise HookError(
            f"The hook {name} failed on {context.flow} ({error.__class__.__name__}: {str(error)[:500]}); "
            "nothing of this batch was written"
        ) from None
    if not isinstance(answer, Sequence) or not all(isinstance(item, Mapped) for item in answer):
        raise HookError(f"The hook {name} must return a list of the items it was given; nothing was written")
    given = {item.source_id for item in items}
    kept: list[Mapped] = []
    for item in answer:
        if item.source_id not in given:
            raise HookError(
                f"The hook {name} returned a document for {item.source_id}, which it was not given; nothing was written"
            )
        kept.append(item)
    kept_ids = {item.source_id for item in kept}
    return HookOutcome(kept, [item for item in items if item.source_id not in kept_ids])
