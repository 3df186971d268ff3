"""Every message a business rule raises reaches the catalog: `raise ServiceError(...)` (or a subclass) in app/services
takes a literal template, an N_plural, or a constant marked with N_ — never an f-string or a sentence
glued together, which the extraction cannot see and a translator cannot translate."""

from __future__ import annotations

import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[2] / "app" / "services"
MARKERS = {"N_plural", "Text"}
ERRORS = {"ServiceError", "BackupError", "ImportFileError"}  # ServiceError and its subclasses taking a message
# Names that hand on a Text made (and marked) elsewhere: a parameter, a field, a function returning one.
FORWARDED = {"missing", "refusal", "conflict_message"}


def _trees():
    return {path: ast.parse(path.read_text(), filename=str(path)) for path in sorted(SERVICES.rglob("*.py"))}


def _marked_constants(trees) -> set[str]:
    """Names assigned `N_("...")` (or a Text) at module level anywhere in app/services."""
    names = set()
    for tree in trees.values():
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                func = node.value.func
                if isinstance(func, ast.Name) and func.id in {"N_", *MARKERS}:
                    names.update(target.id for target in node.targets if isinstance(target, ast.Name))
    return names


def _called(node: ast.Call) -> str | None:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _is_marked(arg: ast.expr, constants: set[str]) -> bool:
    if isinstance(arg, ast.Constant):
        return isinstance(arg.value, str)
    if isinstance(arg, ast.Call) and _called(arg) in FORWARDED:
        return True
    if isinstance(arg, ast.Call):
        return _called(arg) in MARKERS and bool(arg.args) and all(_is_marked(a, constants) for a in arg.args[:1])
    if isinstance(arg, ast.Name | ast.Attribute):
        return (arg.id if isinstance(arg, ast.Name) else arg.attr) in constants | FORWARDED
    if isinstance(arg, ast.IfExp):
        return _is_marked(arg.body, constants) and _is_marked(arg.orelse, constants)
    return False


def _unmarked(trees, constants):
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _called(node) in ERRORS:
                message = node.args[0] if node.args else None
                if message is None or not _is_marked(message, constants):
                    yield f"{path.relative_to(SERVICES.parent.parent)}:{node.lineno}"


def test_every_service_error_message_is_a_marked_template():
    trees = _trees()
    assert list(_unmarked(trees, _marked_constants(trees))) == []


def test_no_f_string_reaches_a_service_error():
    offenders = []
    for path, tree in _trees().items():
        for node in ast.walk(tree):
            marker = isinstance(node, ast.Call) and _called(node) in {*ERRORS, "N_", *MARKERS}
            if marker and any(isinstance(inner, ast.JoinedStr) for arg in node.args for inner in ast.walk(arg)):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_the_check_sees_an_f_string():
    tree = ast.parse('raise ServiceError(f"Row {n} is bad.")\nraise ServiceError(N_plural("a", "b", n))')
    assert list(_unmarked({SERVICES / "x.py": tree}, set())) == ["app/services/x.py:1"]
