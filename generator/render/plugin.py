"""Our MkDocs plugin: generated pages, document pages from the corpus, metadata in the page context.

The pipeline hands the plugin a ``RenderInput`` (an already validated corpus) through
``render.mkdocs.render``, for ``mzkb build`` and for each of ``mzkb serve``'s rebuilds
(``pipeline.rebuild``) alike.

Document bodies are rendered by markdown-it-py (``generator/markdown.py``, the parser the
check uses) and sanitized (``generator/sanitize.py``); MkDocs/Python-Markdown converts only
the small generated pages.
"""

from __future__ import annotations

import re
from importlib.resources import files as package_files
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemBytecodeCache, FileSystemLoader, PrefixLoader
from markupsafe import escape
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_build_datetime

from ..cache import digest
from ..content.model import Document
from ..markdown import render
from ..sanitize import clean
from ..seal import user_dir
from ..search.scripts import SHIPPED, shipped_script
from ..site.context import document_context
from ..site.memory import PageKeeper
from ..site.model import RenderInput, RenderReport
from ..site.partials import section_banners, table_regions
from ..site.reuse import RENDER_CACHE, PageReuse, page_fingerprint, theme_key
from ..site.status_view import SCRIPT as STATUS_SCRIPT
from ..site.status_view import status_script
from .fragments import KEY as FRAGMENT_KEY
from .fragments import Fragments
from .pageset import document_files, document_inputs, generated_pages, rewrite_links, toc_tokens
from .rawhtml import put_back, set_aside


class _ReusablePage(File):
    """A generated page that MkDocs' dirty build skips when its HTML was reused."""

    reused = False

    def is_modified(self) -> bool:  # noqa: D102 (MkDocs API)
        return not self.reused and super().is_modified()


class _DocumentPage(Page):
    """A document page: MkDocs' Python-Markdown never converts its body.

    The body is rendered by markdown-it-py in ``on_page_context``, just before the page is
    written (one document's HTML in memory at a time).
    """

    def render(self, config, files) -> None:  # noqa: D102 (MkDocs API)
        self.content = ""


class MzkbPluginConfig(Config):
    """Options of the plugin in the generated mkdocs.yml."""

    site_config = config_options.Type(str, default="")


class MzkbPlugin(BasePlugin[MzkbPluginConfig]):
    """Adds every page of the knowledge base to MkDocs' file collection."""

    def __init__(self) -> None:
        super().__init__()
        self.state: RenderInput | None = None
        self.report = RenderReport()
        self._reuse: PageReuse | PageKeeper | None = None
        self._by_uri: dict[str, Document] = {}
        # what this rebuild made, for the serve session's memory (``PreviewMemory.commit``)
        self._generated: tuple = ((), ())
        self._compares: dict[tuple[str, str], tuple] = {}
        self._fingerprints: dict[str, tuple] = {}
        self._outputs: set[str] = set()
        self._fragments = Fragments()
        self._set_aside: dict[str, tuple[str, list[str]]] = {}

    def on_config(self, config):  # noqa: D102 (MkDocs event)
        if self.state is None:  # run by `mkdocs build` itself: nothing checked the knowledge base
            raise PluginError("mzkb 插件只能由 mzkb build 或 mzkb serve 运行")
        # Material prints these without escaping (MkDocs' Jinja has autoescape off): hand it
        # escaped HTML (Markup, so templates that do escape do not escape twice)
        config.site_name = escape(config.site_name or "")
        config.site_description = escape(config.site_description or "")
        return config

    def on_nav(self, nav, config, files):  # noqa: D102
        stack = list(nav.items)
        while stack:
            item = stack.pop()
            if isinstance(item.title, str):
                item.title = escape(item.title)  # printed as is by Material's nav, tabs and footer
            stack.extend(getattr(item, "children", None) or ())
        return nav

    def on_files(self, files: Files, config) -> Files:  # noqa: D102
        assert self.state is not None
        corpus = self.state.corpus
        in_nav, out_of_nav = self._generated_pages()
        reuse = self._page_reuse(config)
        pages = [(uri, text, InclusionLevel.UNDEFINED) for uri, text in in_nav]
        for src_uri, text, inclusion in pages + [(uri, text, InclusionLevel.NOT_IN_NAV) for uri, text in out_of_nav]:
            page = _ReusablePage.generated(config, src_uri, content=text, inclusion=inclusion)  # province pages: not in nav
            page.reused = reuse.keep(page.dest_uri, page_fingerprint(text, {}))
            files.append(page)
            self._outputs.add(page.dest_uri)
        other_reused = reuse.reused
        self._add_documents(files, config, reuse)
        for path, text in sorted(self.state.extra_files.items()):
            if text is not None:
                files.append(File.generated(config, path, content=text))
        identity = self.state.config.identity
        if identity.logo:  # checked by the config stage (MZ605): an image inside the knowledge base
            source = (self.state.config.root / identity.logo).resolve()
            files.append(File.generated(config, identity.logo_url, abs_src_path=str(source)))
            self._outputs.add(identity.logo_url)
        doc_reused = reuse.reused - other_reused
        self._reuse = reuse
        self.report = RenderReport(rendered=len(corpus.documents) - doc_reused, reused=doc_reused, reuse=reuse,
                                   other_rendered=len(in_nav) + len(out_of_nav) - other_reused)
        progress = self.state.progress
        if progress is not None:
            progress.stage("render", "生成页面", len(reuse.new) - reuse.reused)
        files.append(File.generated(config, STATUS_SCRIPT, content=status_script(corpus)))
        minify_search_scripts(files, config)
        return files

    def _generated_pages(self) -> tuple[list, list]:
        """(uri, Markdown) of the generated pages in the nav and of those out of it (``pageset``)."""
        in_nav, out_of_nav, self._generated, self._compares = generated_pages(self.state)
        return in_nav, out_of_nav

    def _add_documents(self, files: Files, config, reuse: PageReuse | PageKeeper) -> None:
        """One page per document (kept from the previous build when its inputs did not change),
        and the files its front matter and body link to, copied under ``assets/``."""
        content_dir = self.state.config.content_dir
        copied: dict[str, str] = {}
        for doc in self.state.corpus.documents:
            self._by_uri[doc.src_uri] = doc
            known = document_inputs(self.state, doc)
            self._fingerprints[doc.id] = (doc, *known)
            # the Markdown and the context are made again just before the page is rendered
            # (on_page_context), so neither is held for thousands of pages at once
            page = _ReusablePage.generated(config, doc.src_uri, content="", inclusion=InclusionLevel.NOT_IN_NAV)
            page.reused = reuse.keep(page.dest_uri, known[0])
            _DocumentPage(doc.title, page, config)
            files.append(page)
            self._outputs.add(page.dest_uri)
            for url, source in document_files(doc, known[1], content_dir):
                copied.setdefault(url, str(source))
        for url, source in sorted(copied.items()):
            files.append(File.generated(config, url, abs_src_path=source))
            self._outputs.add(url)

    def on_env(self, env, config, files):  # noqa: D102
        # fragments of Material's frame shared by the pages of a folder (fragments.py); the theme's
        # wrappers include Material's own partials as "material/partials/…"
        env.globals["mzkb_fragment"] = self._fragments.helper()
        env.auto_reload = False  # one build (or one mzkb serve session: the theme is not watched) sees one theme
        if not isinstance(env.loader, ChoiceLoader):  # under mzkb serve the environment is reused
            upstream = FileSystemLoader(str(Path(str(package_files("material"))) / "templates"))
            env.loader = ChoiceLoader([env.loader, PrefixLoader({"material": upstream})])
        if self.state is not None:
            # compiled theme templates are kept (Jinja checks each template's source, so a full or
            # versioned build may use them too), which saves about half a second per build
            # Jinja loads them with marshal (code): they live in the user's cache, never in
            # .mzkb/, which a repository can bring
            folder = user_dir("jinja")
            if folder is not None:
                env.bytecode_cache = FileSystemBytecodeCache(str(folder))
        return env

    def on_post_page(self, output: str, page, config) -> str:  # noqa: D102
        if page.file.src_uri in self._by_uri:  # written next: let the page's HTML and context go
            page.markdown = page.content = None
            page.toc = get_toc([])
            page.meta.pop("mzkb", None)
        progress = self.state.progress if self.state else None
        if progress is not None:
            progress.advance("render")
        return output

    def _page_reuse(self, config) -> PageReuse | PageKeeper:
        """Which document pages the previous build already rendered with the same inputs."""
        state = self.state
        if state.memory is not None:  # mzkb serve: the last good rebuild, in memory
            return state.memory.reuse(state.config)
        if state.version is not None or state.cache is None:
            return PageReuse(None, "", None, Path(config.site_dir))
        settings = re.sub(r"(?m)^site_dir:.*$", "", Path(config.config_file_path).read_text(encoding="utf-8"))
        key = digest(settings, state.config.path.read_bytes(), theme_key(Path(config.theme.custom_dir)),
                     get_build_datetime().date().isoformat())  # every page prints the build day (mzkb-print-footer)
        return PageReuse(state.cache, key, state.reuse_from, Path(config.site_dir), RENDER_CACHE)

    def on_post_build(self, config) -> None:  # noqa: D102
        if self.state is not None and self.state.memory is not None and self._reuse is not None:
            self.state.memory.commit(Path(config.site_dir), self._generated, self._compares, self._fingerprints,
                                     self._outputs, self._reuse, self.state.config)

    def on_build_error(self, error) -> None:  # noqa: D102
        if self.state is not None and self.state.memory is not None:
            # pages may have been written before the error: none of them can be trusted any more
            self.state.memory.forget_pages()

    def on_page_context(self, context, page, config, nav):  # noqa: D102
        doc = self._by_uri.get(page.file.src_uri)
        if doc is not None and self.state is not None:  # rendered now, just before its HTML is written
            state = self.state
            page.meta["mzkb"] = document_context(doc, state.corpus, state.config, state.history.get(doc.rel_path, ()))
            page.markdown = rewrite_links(doc, state.corpus, state.config.content_dir)[0]
            body = render(page.markdown)
            page.content = table_regions(section_banners(clean(body.html), doc.url, page.meta["mzkb"]["amended"]))
            page.toc = get_toc(toc_tokens(body.toc))
        context[FRAGMENT_KEY] = self._fragments.key(page, nav)
        version = self.state.version if self.state else None
        if version is not None:
            context["mzkb_version"] = True  # which version a page belongs to is its folder (versions.js)
        return context

    def on_page_markdown(self, markdown: str, page, config, files) -> str:  # noqa: D102
        doc = self._by_uri.get(page.file.src_uri)
        if doc is not None and self.state is not None:
            page.meta["title"] = doc.title
        if isinstance(page.meta.get("title"), str):  # Material prints it as is (<title>, header): escaped HTML
            page.meta["title"] = escape(page.meta["title"])
        if doc is not None and self.state is not None:
            return ""  # rendered in on_page_context, by markdown-it-py
        elif self.state is not None:
            page.meta["mzkb_page"] = {"demo": self.state.config.demo, "search": page.file.src_uri == "search.md"}
            shortened, kept = set_aside(markdown)  # its large HTML blocks skip Python-Markdown (rawhtml.py)
            if kept:
                self._set_aside[page.file.src_uri] = (markdown, kept)
                return shortened
        return markdown

    def on_page_content(self, html: str, page, config, files) -> str:  # noqa: D102
        aside = self._set_aside.pop(page.file.src_uri, None)
        if aside is None:
            return html
        page.markdown = aside[0]
        whole = put_back(html, aside[1])
        if whole is None:  # a placeholder was not kept as it was: convert the page as written
            page.render(config, files)
            whole = page.content
        return whole


def minify_search_scripts(files: Files, config) -> None:
    """Replace the theme's search scripts in ``files`` by the text the site ships
    (``search.scripts.shipped_script``: minified, the ranking constants written in)."""
    for file in [f for f in files if SHIPPED.fullmatch(f.src_uri) and f.abs_src_path]:
        text = shipped_script(Path(file.abs_src_path))
        files.remove(file)
        files.append(File.generated(config, file.src_uri, content=text))
