"""The connector's imports point one way: handlers -> wiring -> admin -> service -> engine -> flows
-> mapping -> model. Read from the source (ast), every import counted, the ones inside functions
too: a lazy import is still a dependency."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3] / "layers/common/oim_connector"

# Top to bottom; a module may import its own layer's and lower layers' modules, never a higher one's.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("triggers", "dlq", "vendor_sync"),  # what the Lambda handlers call
    ("wiring",),  # the composition root: builds the services from the environment
    ("admin",),
    ("service", "reconcile"),
    ("engine", "convergence", "graphs", "lock_lanes", "jobs", "reference_carry"),
    ("flows", "tax"),
    ("org", "settings_repo", "settings_store", "notifications", "hooks", "observability"),
    ("mapping",),
    ("model",),
    ("errors", "ids", "config"),
)
RANK = {part: rank for rank, parts in enumerate(LAYERS) for part in parts}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports(path: Path) -> Iterator[str]:
    """The connector modules ``path`` imports (``from a import b`` is ``a.b`` when b is a module)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        yield from (name for name in names if name in MODULES)


def _part(module: str) -> str:
    """The top-level package or module of the connector a module belongs to."""
    return module.split(".")[1]


GRAPH = {module: {target for target in _imports(path) if target != module} for module, path in MODULES.items()}


def test_every_part_of_the_connector_has_a_layer() -> None:
    parts = {_part(module) for module in MODULES if module != "oim_connector"}
    assert parts - RANK.keys() == set(), "give each new package or module its place in LAYERS"


def test_no_module_imports_a_higher_layer() -> None:
    upward = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if module != "oim_connector"
        for target in targets
        if RANK[_part(target)] < RANK[_part(module)]
    )
    assert upward == []


def _cycle_from(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle, as the modules that form it, or [] when there is none."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = "open"
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[node] = "done"
        path.pop()
        return []

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return []


def test_no_import_cycle_between_modules() -> None:
    assert _cycle_from(GRAPH) == []


def test_no_import_cycle_between_packages() -> None:
    packages: dict[str, set[str]] = {}
    for module, targets in GRAPH.items():
        if module != "oim_connector":
            packages.setdefault(_part(module), set()).update(_part(t) for t in targets if _part(t) != _part(module))
    assert _cycle_from(packages) == []


def test_the_checks_see_a_cycle_and_an_upward_import() -> None:
    """The checks above would fail on the shapes they guard against (so a pass means something)."""
    assert _cycle_from({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert RANK[_part("oim_connector.mapping.rules")] > RANK[_part("oim_connector.flows.base")]
    assert "oim_connector.flows.base" in GRAPH["oim_connector.engine"]


def test_the_connector_never_imports_the_local_tools() -> None:
    local = sorted(
        str(path.relative_to(PACKAGE))
        for path in MODULES.values()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Import | ast.ImportFrom)
        and any(
            name.startswith("oim_local")
            for name in ([a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""])
        )
    )
    assert local == []
