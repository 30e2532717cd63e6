"""Dependencies point one way: core -> content -> search -> render -> pipeline -> tools -> cli.

The import graph of ``generator/`` is read with ``ast`` — module-level imports and imports
inside functions alike (an import moved into a function to dodge a cycle is still a cycle),
string imports (``importlib.import_module``, ``__import__``, MkDocs' ``!!python/name:``) too —
and must have no cycle; every module is in exactly one layer of ``LAYERS`` and imports only its
own layer and the layers below. Each rule is proved to catch a mutation of the real sources.
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


def imported(module: str, source: str, known, is_package: bool = False) -> set[str]:
    """The ``generator`` modules that ``module`` imports anywhere in its source (TYPE_CHECKING aside):
    import statements at any depth, ``importlib.import_module("…")`` and ``__import__("…")`` with a
    literal name, and MkDocs' ``!!python/name:mzkb.…`` YAML tags."""
    tree = ast.parse(source)
    skip = {id(node) for guard in ast.walk(tree) if isinstance(guard, ast.If) and _is_type_checking(guard.test)
            for node in ast.walk(guard)}
    package = module if is_package else module.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module or "", node.level, package)
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        elif isinstance(node, ast.Call) and _is_string_import(node):
            name = node.args[0].value
            names = [_absolute(name.lstrip("."), len(name) - len(name.lstrip(".")), package) if name.startswith(".") else name]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "!!python/name:" in node.value:
            names = [node.value.split("!!python/name:", 1)[1].split()[0]]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module and name != "mzkb":
                targets.add(name)
    return targets


def _absolute(name: str, level: int, package: str) -> str:
    """``from ..x import y`` inside ``package`` -> ``mzkb.…x``."""
    if not level:
        return name
    anchor = package.split(".")[: len(package.split(".")) - (level - 1)]
    return ".".join(anchor + ([name] if name else []))


def _is_string_import(call: ast.Call) -> bool:
    func = call.func
    called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    return called in ("import_module", "__import__") and bool(call.args) and isinstance(call.args[0], ast.Constant) \
        and isinstance(call.args[0].value, str)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def sources() -> dict[str, tuple[str, bool]]:
    """Module -> (source text, is a package), for every module of ``generator``."""
    return {name: (path.read_text(encoding="utf-8"), path.name == "__init__.py") for name, path in modules().items()}


def graph(texts: dict[str, tuple[str, bool]] | None = None) -> dict[str, set[str]]:
    """The import graph of ``texts`` (default: the real sources)."""
    texts = sources() if texts is None else texts
    return {name: imported(name, text, texts, is_package) for name, (text, is_package) in texts.items()}


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


LAYERS = [
    ("core", ("mzkb", "mzkb.urls", "mzkb.clock", "mzkb.diagnostics", "mzkb.yamlsrc", "mzkb.config", "mzkb.foundations",
              "mzkb.regions", "mzkb.progress", "mzkb.cache", "mzkb.seal", "mzkb.writer", "mzkb.lock", "mzkb.releases")),
    ("content", ("mzkb.content", "mzkb.markdown", "mzkb.sanitize", "mzkb.diff")),
    ("search", ("mzkb.search",)),
    ("render", ("mzkb.site", "mzkb.render")),
    ("pipeline", ("mzkb.pipeline",)),
    ("tools", ("mzkb.serve", "mzkb.versions", "mzkb.feed", "mzkb.offline", "mzkb.importer", "mzkb.scaffold")),
    ("cli", ("mzkb.cli", "mzkb.cli_common", "mzkb.cli_offline", "mzkb.click_zh", "mzkb.diagnostic_formats",
             "mzkb.config_edit", "mzkb.__main__")),
]
"""The layers, bottom first; a module may import modules of its own layer and of the layers below.
A member names a module or a package (its submodules included); ``mzkb`` is the package itself only.
docs/architecture.md (*Layers*) describes exactly this table."""


def _within(module: str, prefix: str) -> bool:
    return module == prefix or (prefix != "mzkb" and module.startswith(prefix + "."))


def layers_of(module: str) -> list[int]:
    """Indexes of the layers ``module`` belongs to (exactly one for a well-placed module)."""
    return [n for n, (_name, members) in enumerate(LAYERS) if any(_within(module, m) for m in members)]


def unplaced(edges: dict[str, set[str]]) -> list[str]:
    """Modules in no layer or in more than one."""
    return sorted(m for m in edges if len(layers_of(m)) != 1)


def upward(edges: dict[str, set[str]]) -> list[tuple[str, str]]:
    """(module, import) pairs where a module imports a module of a layer above its own."""
    return sorted((m, t) for m, targets in edges.items() for t in targets
                  if len(layers_of(m)) == 1 and len(layers_of(t)) == 1 and layers_of(t)[0] > layers_of(m)[0])


def test_the_graph_is_read_from_function_level_imports_too():
    edges = graph()
    assert "mzkb.pipeline" in edges["mzkb.cli"]  # cli imports the pipeline inside its commands
    assert "mzkb.site.model" in edges["mzkb.render.mkdocs"]


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle_in_generator():
    assert cycles(graph()) == []


def test_every_module_is_in_exactly_one_layer():
    assert unplaced(graph()) == []


def test_every_layer_member_exists():
    """No stale names (a module that was moved or removed stays out of the table)."""
    known = set(modules())
    assert [m for _name, members in LAYERS for m in members
            if not any(_within(k, m) for k in known) and m != "mzkb.render"] == []


def test_a_module_imports_only_its_layer_and_those_below():
    assert upward(graph()) == []


def _mutated(module: str, line: str) -> dict[str, tuple[str, bool]]:
    texts = sources()
    text, is_package = texts[module]
    texts[module] = (text + "\n" + line + "\n", is_package)
    return texts


MUTATIONS = {
    "markdown imports search.ranking": ("mzkb.markdown", "from .search.ranking import rank", ("mzkb.markdown", "mzkb.search.ranking")),
    "diff imports render.mkdocs": ("mzkb.diff", "from .render import mkdocs", ("mzkb.diff", "mzkb.render.mkdocs")),
    "a function-level import": ("mzkb.content.schema", "def f():\n    from ..pipeline import prepare",
                                ("mzkb.content.schema", "mzkb.pipeline")),
    "importlib.import_module": ("mzkb.content.loader", 'import importlib\nimportlib.import_module("mzkb.render.mkdocs")',
                                ("mzkb.content.loader", "mzkb.render.mkdocs")),
    "a relative import_module": ("mzkb.search.records", 'from importlib import import_module\nimport_module("..render.plugin", __package__)',
                                 ("mzkb.search.records", "mzkb.render.plugin")),
    "__import__": ("mzkb.markdown", '__import__("mzkb.search.ranking")', ("mzkb.markdown", "mzkb.search.ranking")),
    "a YAML python/name tag": ("mzkb.config", 'TAG = "!!python/name:mzkb.render.plugin.MzkbPlugin"', ("mzkb.config", "mzkb.render.plugin")),
}


@pytest.mark.parametrize("name", MUTATIONS)
def test_the_checker_catches_an_upward_import(name):
    module, line, edge = MUTATIONS[name]
    assert edge in upward(graph(_mutated(module, line)))


def test_the_checker_catches_a_module_in_no_layer():
    texts = sources()
    texts["mzkb.newstage"] = ("from .content import model\n", False)
    assert unplaced(graph(texts)) == ["mzkb.newstage"]


THIRD_PARTY_RENDERER = ("mkdocs", "material")
RENDERER = ("mzkb.render",)
"""The one package that imports MkDocs or Material: a second renderer replaces ``generator/render/`` alone."""


def third_party(source: str) -> set[str]:
    """Top-level names of the packages a source imports (any depth, string imports included)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and _is_string_import(node):
            found.add(node.args[0].value.split(".")[0])
    return found


def test_only_the_renderer_imports_mkdocs_or_material():
    outside = {m for m, (text, _p) in sources().items() if not any(_within(m, r) for r in RENDERER)
               and third_party(text) & set(THIRD_PARTY_RENDERER)}
    assert outside == set()


OWN_RENDERER = "mzkb.render.jinja"
"""The second renderer behind the door: Material's templates by our Jinja loop, read from its
package folder by path. Neither it nor anything it imports imports MkDocs or Material."""


def reachable(start: str, edges: dict[str, set[str]]) -> set[str]:
    """``start`` and every module it imports, directly or not."""
    seen, todo = set(), [start]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(edges.get(module, ()))
    return seen


def test_the_own_renderer_needs_neither_mkdocs_nor_material():
    texts = sources()
    own = {m for m in texts if _within(m, OWN_RENDERER)}
    assert {"mzkb.render.jinja.build", "mzkb.render.jinja.theme", "mzkb.render.jinja.structure"} <= own
    edges = graph(texts)
    used = set().union(*(reachable(m, edges) for m in own))
    assert {m for m in used if third_party(texts[m][0]) & set(THIRD_PARTY_RENDERER)} == set()
    assert "mzkb.render.pageset" in used and "mzkb.render.plugin" not in used


def test_the_own_renderer_check_catches_an_mkdocs_import():
    texts = sources()
    texts["mzkb.render.jinja.structure"] = (texts["mzkb.render.jinja.structure"][0] + "\nfrom ..plugin import MzkbPlugin\n", False)
    edges = graph(texts)
    assert "mzkb.render.plugin" in reachable("mzkb.render.jinja.structure", edges)


def test_ruff_reports_nothing():
    """The linter configured in pyproject.toml ([tool.ruff]) passes over the code, tests and benchmarks."""
    pytest.importorskip("ruff", reason="ruff is in the test extra: pip install -e .[test]")
    root = PACKAGE.parent
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    done = subprocess.run([ruff, "check", "--no-cache", "generator", "tests", "bench"], cwd=root,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_renderer_check_sees_hidden_imports():
    assert third_party("def f():\n    import material.plugins.search\n") == {"material"}
    assert third_party('import importlib\nimportlib.import_module("mkdocs.commands.build")\n') == {"importlib", "mkdocs"}
