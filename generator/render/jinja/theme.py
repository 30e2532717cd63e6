"""Material's templates and assets, read from its installed package folder by path.

Nothing of Material (or MkDocs) is imported: the theme is its template files, its
``mkdocs_theme.yml`` and its static assets, searched in MkDocs' order — our ``theme/``
(the custom folder), Material's ``templates/``, then MkDocs' own ``templates/`` (the sitemap).
The Jinja environment is the one MkDocs would make for the theme (autoescape off, the ``url``
and ``script_tag`` filters, the ``i18n`` extension with no translations), plus the
``material/…`` prefix under which our overrides include Material's own partials.
"""

from __future__ import annotations

import fnmatch
import os
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from importlib.util import find_spec
from pathlib import Path

import yaml
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, pass_context
from markupsafe import Markup

from ...site.pages.templates import theme_dir
from ..pageset import THEME
from .structure import normalize_url


def package_dir(name: str) -> Path | None:
    """The folder of an installed package, found without importing it."""
    spec = find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=1)
def theme_dirs() -> tuple[Path, ...]:
    """Where templates and assets are looked for, first found wins."""
    material = package_dir("material")
    if material is None:
        raise RuntimeError("mkdocs-material is not installed: its templates are the look of every page")
    dirs = [theme_dir(), material / "templates"]
    mkdocs = package_dir("mkdocs")
    if mkdocs is not None and (mkdocs / "templates").is_dir():
        dirs.append(mkdocs / "templates")
    return tuple(dirs)


def material_templates() -> Path:
    """Material's own template folder (the ``material/`` prefix of our overrides)."""
    return theme_dirs()[1]


@lru_cache(maxsize=1)
def theme_options() -> tuple[dict, frozenset]:
    """(``config.theme`` as MkDocs gives it to templates, the static templates to render)."""
    path = material_templates() / "mkdocs_theme.yml"
    declared = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    static = set(declared.pop("static_templates", None) or ())
    declared.pop("extends", None)
    for folder in theme_dirs()[2:]:
        static.update(p.name for p in folder.iterdir() if p.is_file())
    options = {"name": "material", "locale": "en", **declared, **THEME}
    return options, frozenset(static)


def package_version(name: str) -> str:
    """The installed version of a distribution ('' when it is not installed)."""
    try:
        return version(name)
    except PackageNotFoundError:
        return ""


@pass_context
def url_filter(context, value: str) -> str:
    """The ``url`` filter: a site path made relative to the page being rendered."""
    return normalize_url(str(value), page=context["page"], base=context["base_url"])


@pass_context
def script_tag_filter(context, extra_script) -> str:
    """The ``script_tag`` filter (``extra_javascript`` entries are plain paths here)."""
    return Markup('<script src="{0}"></script>').format(url_filter(context, str(extra_script)))


def environment() -> Environment:
    """A new Jinja environment of the theme."""
    dirs = [str(d) for d in theme_dirs()]
    loader = ChoiceLoader([FileSystemLoader(dirs), PrefixLoader({"material": FileSystemLoader(str(material_templates()))})])
    env = Environment(loader=loader, auto_reload=False, extensions=["jinja2.ext.i18n"])
    env.install_null_translations()
    env.filters["url"] = url_filter
    env.filters["script_tag"] = script_tag_filter
    return env


_SKIPPED = (".*", "*/.*", "*.py", "*.pyc", "*.html", "*readme*", "mkdocs_theme.yml", "locales/*",
            "*.markdown", "*.mdown", "*.mkdn", "*.mkd", "*.md")
"""Theme files that are not copied into the site (MkDocs' rule), besides the static templates."""
UNUSED = ("assets/javascripts/lunr/", "assets/javascripts/workers/")
"""Material's own search (lunr and its worker) is off: these are never loaded."""


@lru_cache(maxsize=1)
def static_files() -> tuple[tuple[str, Path], ...]:
    """(site path, source file) of every theme asset a site ships, sorted by path: the first
    theme folder holding a path wins; templates, Material's search and source maps left out."""
    _options, static = theme_options()
    patterns = (*_SKIPPED, *static)
    found: dict[str, Path] = {}
    for folder in theme_dirs():
        for root, dirs, names in os.walk(folder):
            dirs.sort()
            rel_root = os.path.relpath(root, folder)
            for name in sorted(names):
                rel = name if rel_root == "." else f"{rel_root}/{name}".replace(os.sep, "/")
                lowered = rel.lower()
                if rel in found or any(fnmatch.fnmatch(lowered, p) for p in patterns):
                    continue
                if rel.startswith(UNUSED) or rel.endswith(".map"):
                    continue
                found[rel] = Path(root) / name
    return tuple(sorted(found.items()))
