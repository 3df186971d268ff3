"""The layering rules (CONTRIBUTING.md, "Layers"), checked on the source with `ast`.

Every module under app/ is parsed and each import is read, at module level and inside functions
alike (an import in a function body is still a dependency, only a later one). Relative imports are
resolved. `from a.b import c` depends on the module a.b.c when there is one, else on a.b. Imports
under `if TYPE_CHECKING:` are read for the layer rules but left out of the cycle check (they never
run). Dynamic imports (importlib) are not seen.

One import is not a cycle edge: a module of a blueprint package importing that package for its `bp`.
That is the Flask blueprint pattern (the package creates `bp`, then imports its routes at the bottom),
and Python imports a module's package before the module anyway. A package split into submodules is not
a blueprint package, so its submodules importing the package's __init__ do count.

Three named lists hold today's exceptions; an entry that no longer applies fails the suite until it is
deleted, so the lists only ever get shorter.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
MAX_LINES = 400

# Modules over MAX_LINES today, each waiting for its split. Delete an entry when its split lands.
OVERSIZED_MODULES_TO_SPLIT = {}

# Import cycles that exist today, each as the path it takes (any rotation). Delete an entry when the
# work removing it lands. A new cycle is never added here: break it.
KNOWN_CYCLES_TO_REMOVE: list[tuple[str, ...]] = []

# Layer-rule violations that exist today, as (importing module, imported module). Delete an entry
# when the import goes.
KNOWN_LAYER_VIOLATIONS: set[tuple[str, str]] = set()


# --- reading the source ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Import:
    importer: str  # the importing module, dotted
    target: str  # the imported module, dotted (a name imported from a module counts as the module)
    line: int
    type_checking: bool  # under `if TYPE_CHECKING:`


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    """Every module under app/, by dotted name."""
    return {_module_name(path): path for path in sorted(APP.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute module a (possibly relative) `from ... import` names."""
    if not level:
        return name or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (level - 1)]
    return ".".join([*base, *([name] if name else [])])


@cache
def imports_of(module: str) -> tuple[Import, ...]:
    path = modules()[module]
    is_package = path.name == "__init__.py"
    known = modules()
    found: list[Import] = []

    def visit(node: ast.AST, type_checking: bool) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(module, alias.name, node.lineno, type_checking))
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, is_package, node.level, node.module)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.append(Import(module, submodule if submodule in known else base, node.lineno, type_checking))
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                visit(child, True)
            for child in node.orelse:
                visit(child, type_checking)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, type_checking)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)), False)
    return tuple(found)


def all_imports() -> list[Import]:
    return [imp for module in modules() for imp in imports_of(module)]


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _defines_blueprint(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            if (isinstance(func, ast.Name) and func.id == "Blueprint") or (
                isinstance(func, ast.Attribute) and func.attr == "Blueprint"
            ):
                return True
    return False


@cache
def blueprint_packages() -> tuple[str, ...]:
    """The feature packages: app/<feature>/ whose __init__.py creates a Blueprint."""
    return tuple(_module_name(init) for init in sorted(APP.glob("*/__init__.py")) if _defines_blueprint(init))


def _is_flask(target: str) -> bool:
    top = target.split(".")[0]
    return top == "flask" or top.startswith("flask_")


def _in_layer(module: str, *layers: str) -> bool:
    return any(_within(module, layer) for layer in layers)


def _violations(importers: tuple[str, ...], forbidden) -> list[Import]:
    return [
        imp
        for imp in all_imports()
        if _in_layer(imp.importer, *importers)
        and forbidden(imp.target)
        and (imp.importer, imp.target) not in KNOWN_LAYER_VIOLATIONS
    ]


def _describe(violations: list[Import]) -> str:
    return "\n".join(f"  {modules()[v.importer].relative_to(ROOT)}:{v.line} imports {v.target}" for v in violations)


# --- the layer rules ---------------------------------------------------------------------------------

# The request side: the web helpers, the tenancy boundary (reads flask.g), the Flask-bound extension
# objects (db.session is the request's session; a service is handed its session), the factory and the
# CLI. Flask-Babel is not used by any service either, so every flask* package is out.
WEB_SIDE = ("app.web", "app.tenancy", "app.extensions", "app.cli")


def test_blueprint_packages_are_found():
    assert {"app.partners", "app.auth", "app.settings"} <= set(blueprint_packages())
    assert not {"app.models", "app.services", "app.summaries"} & set(blueprint_packages())


def test_services_and_summaries_are_flask_free():
    def forbidden(target: str) -> bool:
        return _is_flask(target) or target == "app" or _in_layer(target, *WEB_SIDE, *blueprint_packages())

    violations = _violations(("app.services", "app.summaries"), forbidden)
    if violations:
        pytest.fail(
            "app/services and app/summaries take what they need as arguments (session, workspace, actor, now) "
            "and never import Flask, an extension, the web helpers or a blueprint package:\n" + _describe(violations),
            pytrace=False,
        )


def test_models_import_no_service_summary_or_blueprint():
    def forbidden(target: str) -> bool:
        return _in_layer(target, "app.services", "app.summaries", "app.web", "app.tenancy", *blueprint_packages())

    violations = _violations(("app.models",), forbidden)
    if violations:
        pytest.fail(
            "a model never imports a service, a summary, the web helpers or a blueprint package "
            "(the rule belongs in the service; derived data in app/summaries):\n" + _describe(violations),
            pytrace=False,
        )


def test_services_import_no_blueprint():
    violations = _violations(("app.services",), lambda target: _in_layer(target, *blueprint_packages()))
    if violations:
        pytest.fail("routes call services, never the other way round:\n" + _describe(violations), pytrace=False)


def test_known_layer_violations_still_exist():
    present = {(imp.importer, imp.target) for imp in all_imports()}
    gone = KNOWN_LAYER_VIOLATIONS - present
    assert not gone, f"fixed: delete these from KNOWN_LAYER_VIOLATIONS in {Path(__file__).name}: {sorted(gone)}"


# --- no import cycles --------------------------------------------------------------------------------


def import_graph() -> dict[str, set[str]]:
    """app.* modules and the app.* modules each imports (TYPE_CHECKING imports left out)."""
    known = modules()
    blueprints = set(blueprint_packages())
    graph: dict[str, set[str]] = {module: set() for module in known}
    for imp in all_imports():
        if imp.type_checking or imp.target not in known or imp.target == imp.importer:
            continue
        if imp.target in blueprints and _within(imp.importer, imp.target):
            continue  # a blueprint's module taking `bp` from its package (see the module docstring)
        graph[imp.importer].add(imp.target)
    return graph


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative: the components with more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components


def _canonical(cycle) -> tuple[str, ...]:
    """A cycle written from its smallest module, so that rotations compare equal."""
    start = cycle.index(min(cycle))
    return tuple(cycle[start:]) + tuple(cycle[:start])


def elementary_cycles(graph: dict[str, set[str]], limit: int = 200) -> list[tuple[str, ...]]:
    """Every simple cycle (up to `limit`), each from its smallest module: a depth-first search from each
    module that only visits larger modules, within its strongly connected component."""
    cycles: list[tuple[str, ...]] = []
    for component in strongly_connected(graph):
        members = set(component)
        for start in component:
            path = [start]
            on_path = {start}
            work = [iter(sorted(graph[start] & members))]
            while work:
                child = next(work[-1], None)
                if child is None:
                    work.pop()
                    on_path.discard(path.pop())
                    continue
                if child == start:
                    cycles.append(tuple(path))
                    if len(cycles) >= limit:
                        return cycles
                elif child > start and child not in on_path:
                    path.append(child)
                    on_path.add(child)
                    work.append(iter(sorted(graph[child] & members)))
    return cycles


def _arrow(cycle) -> str:
    return " → ".join([*cycle, cycle[0]])


def _where(importer: str, target: str) -> str:
    line = min(imp.line for imp in imports_of(importer) if imp.target == target)
    return f"{modules()[importer].relative_to(ROOT)}:{line}"


def test_no_import_cycles():
    known = {_canonical(cycle) for cycle in KNOWN_CYCLES_TO_REMOVE}
    new = sorted((c for c in elementary_cycles(import_graph()) if c not in known), key=lambda c: (len(c), c))
    if not new:
        return
    shortest = new[0]
    edges = zip(shortest, [*shortest[1:], shortest[0]], strict=True)
    shown = "\n".join(f"  {_arrow(cycle)}" for cycle in new[:20]) + ("\n  …" if len(new) > 20 else "")
    pytest.fail(
        f"{len(new)} import cycle(s), counting module-level and function-level imports; break each one "
        "(move the rule down a layer, or pass in what is needed):\n"
        + shown
        + "\nthe shortest, import by import:\n"
        + "\n".join(f"  {_where(a, b)}  {a} imports {b}" for a, b in edges),
        pytrace=False,
    )


def test_known_cycles_still_exist():
    graph = import_graph()
    gone = [
        cycle
        for cycle in KNOWN_CYCLES_TO_REMOVE
        if not all(b in graph[a] for a, b in zip(cycle, [*cycle[1:], cycle[0]], strict=True))
    ]
    assert not gone, f"gone: delete from KNOWN_CYCLES_TO_REMOVE in {Path(__file__).name}:\n" + "\n".join(
        f"  {_arrow(cycle)}" for cycle in gone
    )


def test_cycle_finder_reports_the_path():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert elementary_cycles(graph) == [("a", "b", "c")]
    assert _canonical(("c", "a", "b")) == ("a", "b", "c")
    assert _arrow(("a", "b", "c")) == "a → b → c → a"


# --- module size -------------------------------------------------------------------------------------


def _line_counts() -> dict[str, int]:
    return {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines()) for path in modules().values()
    }


def test_no_module_over_the_limit():
    over = {path: n for path, n in _line_counts().items() if n > MAX_LINES and path not in OVERSIZED_MODULES_TO_SPLIT}
    assert not over, (
        f"modules over {MAX_LINES} lines: split them by topic (a package whose __init__ re-exports): {over}"
    )


def test_oversized_list_is_current():
    counts = _line_counts()
    done = sorted(path for path in OVERSIZED_MODULES_TO_SPLIT if counts.get(path, 0) <= MAX_LINES)
    assert not done, f"split or gone: delete from OVERSIZED_MODULES_TO_SPLIT in {Path(__file__).name}: {done}"


# --- the dead-code check's whitelist -----------------------------------------------------------------


def test_deadcode_whitelist_names_exist():
    """Importing it evaluates every entry: one whose code has gone raises here."""
    from scripts import deadcode_whitelist as listed

    assert listed.READ_BY_FRAMEWORKS
    assert listed.READ_IN_TEMPLATES
    assert listed.COLUMNS_KEPT_FOR_THE_RECORD
    assert len(listed.KNOWN_UNUSED) <= 15, "KNOWN_UNUSED only shrinks: remove dead code instead of listing it"
