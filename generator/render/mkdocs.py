"""Drive MkDocs + Material: write the generated mkdocs.yml and build into a folder.

Everything MkDocs/Material-specific in configuration lives here.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import replace
from pathlib import Path

import yaml
from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from ..config import SiteConfig
from ..diagnostics import make
from ..writer import describe_os_error, shown_path
from ..site.model import RenderInput, RenderReport
from ..site.pages.templates import theme_dir
from .pageset import EXTENSIONS, THEME, TOC, extra, nav_entries



def mkdocs_config(config: SiteConfig, site_dir: Path, versioned: bool = False) -> dict:
    """The MkDocs configuration for a knowledge base (as a YAML-ready dict)."""
    nav = [{title: [{t: u} for t, u in target] if isinstance(target, list) else target}
           for title, target in nav_entries(config, versioned)]
    return {
        "site_name": config.title,
        "site_description": config.description,
        "site_url": config.url or None,
        "docs_dir": str(config.state_dir / "docs"),
        "site_dir": str(site_dir),
        "use_directory_urls": False,
        "strict": False,
        # no "content.tooltips" (pageset.THEME): Material puts a title attribute into a tooltip with innerHTML
        "theme": {"name": "material", "custom_dir": str(theme_dir()), **THEME},
        "plugins": [{"mzkb": {"site_config": str(config.path)}}],
        "markdown_extensions": [{"toc": {"permalink": TOC["permalink"], "slugify": "__SLUGIFY__", "toc_depth": TOC["toc_depth"]}},
                                *EXTENSIONS],
        "extra": extra(config),
        "nav": nav,
        # links and anchors are checked by the link stage (MZ403/MZ404) before rendering
        "validation": {"nav": {"omitted_files": "ignore", "not_found": "warn"},
                       "links": {"not_found": "ignore", "anchors": "ignore", "absolute_links": "ignore", "unrecognized_links": "ignore"}},
        "watch": [str(config.content_dir), str(config.path)],
    }


def write_mkdocs_yml(config: SiteConfig, site_dir: Path, versioned: bool = False) -> Path:
    """Write ``.mzkb/mkdocs.yml`` (and the empty docs folder it needs); return its path."""
    config.state_dir.mkdir(parents=True, exist_ok=True)
    (config.state_dir / "docs").mkdir(exist_ok=True)
    text = yaml.safe_dump(mkdocs_config(config, site_dir, versioned), allow_unicode=True, sort_keys=False)
    text = text.replace("__SLUGIFY__", "!!python/name:mzkb.markdown.slugify")
    path = config.state_dir / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    return path


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not is_dirty_notice(record):
            self.messages.append(record.getMessage())


def is_dirty_notice(record: logging.LogRecord) -> bool:
    """MkDocs warns on every dirty build; ours are dirty only to skip pages whose HTML is reused.

    The notice is recognised by where it comes from (the only warning ``build()`` itself logs),
    not by its text; ``tests/site/test_build.py`` runs a dirty build and fails if it leaks.
    """
    return (record.name == "mkdocs.commands.build" and record.funcName == "build"
            and record.levelno == logging.WARNING)


class DropDirtyNotice(logging.Filter):
    """Logging filter for ``mzkb serve``, which rebuilds dirty as well."""

    def filter(self, record: logging.LogRecord) -> bool:  # noqa: D102
        return not is_dirty_notice(record)


def render(state: RenderInput, site_dir: Path) -> RenderReport:
    """Build the site with MkDocs into ``site_dir`` (which is created); report what was done.

    Under ``mzkb serve`` (``state.memory``), ``site_dir`` is the preview folder, rebuilt in place
    (MkDocs' dirty build: the pages the memory keeps are not written again), and every rebuild
    of the session uses the first one's theme environment (``one_theme_env``).
    """
    path = write_mkdocs_yml(state.config, site_dir, versioned=state.version is not None)
    logger = logging.getLogger("mkdocs")
    handler = _Collect()
    logger.addHandler(handler)
    old_level, old_propagate = logger.level, logger.propagate
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        cfg = load_config(str(path))
        if state.memory is not None:
            one_theme_env(cfg.theme, state.memory.renderer.setdefault("theme_env", []))
        plugin = cfg.plugins["mzkb"]
        plugin.state = state
        # dirty: MkDocs then skips the pages the plugin took from the previous build (the
        # staging folder is new, so nothing else is left over)
        mkdocs_build.build(cfg, dirty=state.cache is not None and state.version is None)
    except OSError as exc:  # disk full, read-only folder ...: in Chinese, naming the path
        where = shown_path(exc.filename if exc.filename is not None else site_dir, site_dir)
        detail = describe_os_error(OSError(exc.errno, exc.strerror))
        return RenderReport((make("MZ902", where, 0, 0, path=where, detail=detail),))
    except MkDocsException as exc:  # MkDocs' own refusals; anything else is a bug in mzkb and keeps its traceback
        return RenderReport((make("MZ901", state.config.path.name, 0, 0, detail=str(exc) or type(exc).__name__),))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate
    if state.memory is None:  # a preview keeps them: MkDocs would copy them again on every rebuild
        prune_unused_theme_files(site_dir)
    warnings = tuple(make("MZ903", state.config.path.name, 0, 0, detail=m) for m in handler.messages)
    return replace(plugin.report, diagnostics=warnings)


def one_theme_env(theme, kept: list) -> None:
    """Let every rebuild of one server use the first rebuild's Jinja environment of the theme.

    MkDocs makes a new one per build: templates loaded again, and Material's ~14,500 theme
    files (icons) walked and filtered to find its static files, a fixed ~0.2 s per rebuild.
    The theme folders are not watched by ``mzkb serve`` (a theme change needs a restart
    anyway), the generated mkdocs.yml does not change while it runs, and MkDocs passes each
    page its context at render time, so the same environment and file list serve every rebuild.
    """
    make_env = theme.get_env

    def get_env():
        if not kept:
            env = make_env()
            listing = []

            def list_templates(extensions=None, filter_func=None, _real=env.list_templates):
                if not listing:
                    listing.append(_real(extensions, filter_func))
                return listing[0]

            env.list_templates = list_templates
            kept.append(env)
        return kept[0]

    theme.get_env = get_env


UNUSED = ("assets/javascripts/lunr", "assets/javascripts/workers")
"""Material's own search (lunr and its worker) is off: these are never loaded."""


def prune_unused_theme_files(site_dir: Path) -> None:
    """Drop Material files no page loads (its search, source maps): smaller offline copies."""
    for rel in UNUSED:
        shutil.rmtree(site_dir / rel, ignore_errors=True)
    for source_map in sorted(site_dir.glob("assets/**/*.map")):
        source_map.unlink()
