"""Dependencies point one way: content -> search -> site -> pipeline -> cli.

The import graph of ``generator/`` is read with ``ast`` — module-level imports and imports
inside functions alike (an import moved into a function to dodge a cycle is still a cycle) —
and must have no cycle; a stage may import only the stages below it.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "generator"


def modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of ``generator``."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ["mzkb", *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imported(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The ``generator`` modules that ``module`` imports anywhere in its file (TYPE_CHECKING aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = {id(node) for guard in ast.walk(tree) if isinstance(guard, ast.If) and _is_type_checking(guard.test)
            for node in ast.walk(guard)}
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module and name != "mzkb":
                targets.add(name)
    return targets


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imported(name, path, known) for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_graph_is_read_from_function_level_imports_too():
    edges = graph()
    assert "mzkb.pipeline" in edges["mzkb.cli"]  # cli imports the pipeline inside its commands
    assert "mzkb.site.model" in edges["mzkb.render.mkdocs"]


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle_in_generator():
    assert cycles(graph()) == []


ABOVE_PIPELINE = ("mzkb.cli", "mzkb.cli_common", "mzkb.cli_offline", "mzkb.versions", "mzkb.bundle", "mzkb.bundle_check",
                  "mzkb.preview", "mzkb.serve", "mzkb.offline", "mzkb.importer")
LAYERS = [
    ("mzkb.content", ("mzkb.search", "mzkb.site", "mzkb.pipeline") + ABOVE_PIPELINE),
    ("mzkb.search", ("mzkb.site", "mzkb.pipeline") + ABOVE_PIPELINE),
    ("mzkb.site", ("mzkb.pipeline",) + ABOVE_PIPELINE),
    ("mzkb.pipeline", ABOVE_PIPELINE),
]


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


@pytest.mark.parametrize("layer, forbidden", LAYERS, ids=[layer for layer, _f in LAYERS])
def test_a_stage_imports_only_the_stages_below_it(layer, forbidden):
    wrong = sorted((module, target) for module, targets in graph().items() if _within(module, layer)
                   for target in targets if any(_within(target, f) for f in forbidden))
    assert wrong == []


def test_ruff_reports_nothing():
    """The linter configured in pyproject.toml ([tool.ruff]) passes over the code, tests and benchmarks."""
    pytest.importorskip("ruff", reason="ruff is in the test extra: pip install -e .[test]")
    root = PACKAGE.parent
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    done = subprocess.run([ruff, "check", "--no-cache", "generator", "tests", "bench"], cwd=root,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


RENDERER = "mzkb.render"
RENDERER_LIBRARIES = ("mkdocs", "material")
"""Only the renderer package imports these (a second renderer replaces ``generator/render/`` alone)."""


def third_party_imports(path: Path) -> set[str]:
    """Top-level names of every module ``path`` imports: module-level, inside functions, under
    TYPE_CHECKING, and string imports (``importlib.import_module("x")``, ``__import__("x")``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("import_module", "__import__", "find_spec"):
                names.add(node.args[0].value)
    return {name.split(".")[0] for name in names}


def test_only_the_renderer_imports_mkdocs_or_material():
    wrong = sorted((module, name) for module, path in modules().items() if not _within(module, RENDERER)
                   for name in third_party_imports(path) if name in RENDERER_LIBRARIES)
    assert wrong == []


def test_the_renderer_check_sees_function_level_and_string_imports(tmp_path: Path):
    probe = tmp_path / "probe.py"
    probe.write_text("import importlib\n\ndef f():\n    from mkdocs.config import load_config\n"
                     "    return importlib.import_module('material.templates')\n", encoding="utf-8")
    assert {"mkdocs", "material"} <= third_party_imports(probe)
