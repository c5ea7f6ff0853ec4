"""Hooks: the connector's stand-in for the source product's plugins (SCMFFA.SCMFFAPlugin).

A flow's settings may name a hook as ``"oim_hooks.module:function"``: only modules of the
allow-listed package ``oim_hooks`` (shipped in the layer; see its docstring for hooks of your own)
can be named, so whoever may change settings cannot name ``os:system`` or any other module.
Checking a hook name (``check_hook``, used when settings are validated) imports nothing: it finds
the module's file under ``oim_hooks`` and reads it for a top-level function of that name.
The engine calls it once per batch, after mapping and before writing::

    def hook(items: list[Mapped], context: HookContext) -> list[Mapped]: ...

``items`` are the source documents about to be written, each with its accounting
documents (``item.documents``: header ``fields`` and ``lines``). Return the items to write:
leave one out to drop it (it is reported as skipped "dropped by hook <name>" and its
record is left untouched), or return a changed copy (``dataclasses.replace``) to change
what is written. A hook that raises, or returns an item it was not given, stops the run
with a clear message before anything of that batch is written. See oim_hooks.skip_customer.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from oim_connector.errors import ConfigurationError
from oim_connector.model.documents import Mapped
from oim_connector.model.settings import HOOK_PACKAGE, hook_name_problem


@dataclass(frozen=True)
class HookContext:
    flow: str
    trigger: str
    run_id: str
    dry_run: bool


Hook = Callable[[list[Mapped], HookContext], Sequence[Mapped]]


class HookError(ConfigurationError):
    """The hook could not be loaded, raised, or answered something other than items it was given."""


def check_hook(name: str) -> None:
    """Refuse a hook that is not a top-level function of a module under oim_hooks; imports no hook module.

    ``find_spec`` imports only the parent packages (``oim_hooks`` and its sub-packages, our own
    code); the module itself is read as source and parsed, never run."""
    problem = hook_name_problem(name)
    if problem:
        raise HookError(problem)
    module_name, _, function_name = name.partition(":")
    try:
        spec = importlib.util.find_spec(module_name)
    except (ImportError, ValueError) as error:
        raise HookError(
            f"The hook module '{module_name}' cannot be found ({error.__class__.__name__}: {error}): "
            f"deploy it in the {HOOK_PACKAGE} package or correct the hook setting"
        ) from None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        raise HookError(
            f"The hook module '{module_name}' cannot be found: deploy it in the {HOOK_PACKAGE} package "
            "or correct the hook setting"
        )
    try:
        with open(spec.origin, encoding="utf-8") as source:
            tree = ast.parse(source.read(), filename=spec.origin)
    except (OSError, SyntaxError, ValueError) as error:
        reason = f"{error.__class__.__name__}: {error}"
        raise HookError(f"The hook module '{module_name}' cannot be read ({reason})") from None
    functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    if function_name not in functions:
        raise HookError(f"The hook module '{module_name}' has no function '{function_name}'")


def load_hook(name: str) -> Hook:
    """The function a ``"oim_hooks.module:function"`` setting names, checked before it is imported."""
    check_hook(name)
    module_name, _, function_name = name.partition(":")
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
