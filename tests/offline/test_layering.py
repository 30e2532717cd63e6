"""generator/offline imports one way: each module only modules listed before it, nothing hidden in functions,
and nothing below the CLI imports it (bundles sit above the pipeline)."""

from __future__ import annotations

import ast
from pathlib import Path

GENERATOR = Path(__file__).resolve().parents[2] / "generator"
ORDER = ["format", "signing", "zipsafe", "trees", "pages", "writer", "verify", "update", "keys", "zim", "make"]


def imports(path: Path) -> tuple[set[str], list[int]]:
    """Offline modules imported at module level, and the lines of imports inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found, nested = set(), []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            nested += [n.lineno for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))]
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found |= {node.module} if node.module else {alias.name for alias in node.names}
    return found, nested


def test_every_module_is_listed_and_imports_only_modules_listed_before_it():
    modules = sorted(p.stem for p in (GENERATOR / "offline").glob("*.py") if p.stem != "__init__")
    assert sorted(ORDER) == modules
    for index, name in enumerate(ORDER):
        found, nested = imports(GENERATOR / "offline" / f"{name}.py")
        assert not nested, f"{name}.py imports inside a function at lines {nested}"
        assert found <= set(ORDER[:index]), f"{name}.py imports {found - set(ORDER[:index])}"
        lines = (GENERATOR / "offline" / f"{name}.py").read_text(encoding="utf-8").splitlines()
        assert len(lines) <= 400, f"{name}.py has {len(lines)} lines"


def test_nothing_below_the_cli_imports_the_offline_package():
    for path in GENERATOR.rglob("*.py"):
        if "offline" in path.parts or path.name in ("cli.py", "cli_offline.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert not any(isinstance(n, ast.ImportFrom) and "offline" in (n.module or "") for n in ast.walk(tree)), path


def test_functions_are_short():
    for path in (GENERATOR / "offline").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                assert length <= 60, f"{path.name}:{node.lineno} {node.name} has {length} lines"
