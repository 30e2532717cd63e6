"""Every site path of a generated page is built by ``generator/urls.py``: no other module spells one."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from mzkb import urls

PACKAGE = Path(__file__).parents[1] / "generator"
SITE_PATH = re.compile(r"(^|[^\w.])(audiences/|compare/|timelines/|search/|cases/province-|page-\d|[a-z]+/index\.(html|md))")
"""What a site path spelled out in code looks like (prefixes of generated pages, listing pages)."""


def spelled_paths(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string literal (f-string parts included, docstrings aside) that looks like a site path."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
            and SITE_PATH.search(node.value)]


def test_no_module_but_urls_spells_a_site_path():
    found = {str(path.relative_to(PACKAGE)): hits for path in sorted(PACKAGE.rglob("*.py"))
             if path.name != "urls.py" and (hits := spelled_paths(path))}
    assert found == {}


def test_the_checker_sees_a_spelled_path(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('"""Doc: audiences/x.html is fine here."""\nURL = f"audiences/{key}.html"\nOTHER = "videos/index.html"\n', encoding="utf-8")
    assert sorted(line for line, _text in spelled_paths(sample)) == [2, 3]


def test_paths_and_their_sources():
    assert urls.listing("notices") == "notices/index.html" and urls.listing("notices", 3) == "notices/page-3.html"
    assert urls.source_uri(urls.audience("yanglao")) == "audiences/yanglao.md"
    assert urls.compare("a", "b") == "compare/a--b.html"
    assert urls.timeline("x", "yanglao") == "timelines/yanglao/x.html" and urls.timeline("x") == "timelines/x.html"
