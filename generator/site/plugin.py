"""Our MkDocs plugin: generated pages, document pages from the corpus, metadata in the page context.

``mzkb build`` hands the plugin an already validated corpus; under ``mkdocs serve``
(``mzkb serve``) the plugin runs load -> validate -> link itself on every rebuild.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from markupsafe import escape
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel

from ..cache import digest
from ..config import SiteConfig
from ..content.links import Corpus, asset_url, resolve_href
from ..content.model import Document, DocType
from ..regions import load_regions
from ..search.scripts import minify_search_scripts
from .context import document_context
from .pages.cases import case_pages
from .pages.changes import changes_page
from .pages.compare import compare_page, edition_pairs
from .pages.home import home_page
from .pages.listings import audience_pages, audiences_index, type_pages
from .pages.timelines import timeline_pages
from .pages.videos import video_index
from .partials import section_banners
from .reuse import RENDER_CACHE, PageReuse, page_fingerprint, theme_key
from .sanitize import clean

SERVE_RENDER_CACHE = "render-serve.json"
SERVE_INDEX_CACHE = "index-serve.json"


@dataclass(frozen=True, slots=True)
class RenderInput:
    """What the render stage needs: the site configuration and the linked corpus."""

    config: SiteConfig
    corpus: Corpus
    extra_files: dict = field(default_factory=dict)
    """Site-relative path -> text of files produced by other stages (the browser search index)."""
    version: object = None
    """``versions.VersionInfo`` of a versioned build, else None."""
    history: dict = field(default_factory=dict)
    """Path relative to the knowledge base -> git revisions (newest first)."""
    changes: dict | None = None
    """Documents added/changed/superseded/repealed since the previous release (versioned builds)."""
    reuse_from: Path | None = None
    """The previous build's site: document pages whose inputs did not change are taken from it."""
    cache: object = None
    """``cache.Cache`` holding the page fingerprints of the previous build (None: render everything)."""
    report: dict = field(default_factory=dict)
    """Filled by the render stage: ``reuse`` (the ``PageReuse``), ``rendered`` and ``reused`` page counts."""


class _ReusablePage(File):
    """A generated page that MkDocs' dirty build skips when its HTML was reused."""

    reused = False

    def is_modified(self) -> bool:  # noqa: D102 (MkDocs API)
        return not self.reused and super().is_modified()


class MzkbPluginConfig(Config):
    """Options of the plugin in the generated mkdocs.yml."""

    site_config = config_options.Type(str, default="")


def rewrite_links(doc: Document, corpus: Corpus, content_dir: Path) -> tuple[str, list[Path]]:
    """The document body with links to other documents and files turned into site URLs.

    Returns (markdown, absolute paths of the local files the body links to).
    """
    body = doc.body
    assets = []
    for link in doc.links:
        new, _problem = resolve_href(doc, link.href, corpus.by_path, content_dir)
        if new is None or new == link.href:
            continue
        if not new.split("#")[0].endswith(".html"):
            assets.append((doc.source.parent / link.href.split("#")[0]).resolve())
        for written in dict.fromkeys((link.href, quote(link.href, safe="/#:?&=%~-._"))):
            pattern = re.compile(r"(\]\(\s*<?|^\s*\[[^\]]+\]:\s*<?)" + re.escape(written) + r"(?=[\s>)]|$)", re.M)
            body = pattern.sub(lambda m: m.group(1) + new, body)
    return body, assets


class MzkbPlugin(BasePlugin[MzkbPluginConfig]):
    """Adds every page of the knowledge base to MkDocs' file collection."""

    def __init__(self) -> None:
        super().__init__()
        self.state: RenderInput | None = None
        self._by_uri: dict[str, Document] = {}
        self._files = None

    def on_config(self, config):  # noqa: D102 (MkDocs event)
        if self.state is None:
            self.state = self._load_from_disk(Path(config.site_dir))
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

    def _load_from_disk(self, site_dir: Path) -> RenderInput:
        """Under ``mzkb serve``: check the knowledge base and index it (incrementally, from the
        cache, against the preview folder that MkDocs keeps between rebuilds)."""
        from ..cache import Cache
        from ..pipeline import prepare  # local import: pipeline imports this package
        from ..releases import history_or_empty
        from ..search import indexer

        result = prepare(self.config.site_config)
        if result.failed:
            raise PluginError("\n".join(d.format() for d in result.diagnostics))
        cache = Cache(result.config.state_dir)
        state = cache.load(SERVE_INDEX_CACHE, check=indexer.check_state)
        index = indexer.start(result.corpus, result.config, None, state, site_dir).result()
        cache.save(SERVE_INDEX_CACHE, index.state)
        files = dict(index.browser.files)
        files.update({rel: None for rel in index.browser.reused})  # already in the preview folder
        return RenderInput(result.config, result.corpus, files, history=history_or_empty(result.config.root),
                           reuse_from=site_dir, cache=cache, report={"serve": True})

    def on_files(self, files: Files, config) -> Files:  # noqa: D102
        assert self.state is not None
        self._files = files
        site, corpus = self.state.config, self.state.corpus
        generated: list[tuple[str, str]] = [("index.md", home_page(corpus, site)), audiences_index(site),
                                            ("search.md", "---\ntitle: 搜索\n---\n")]
        for doc_type in (DocType.NOTICE, DocType.GUIDELINE):
            generated.extend(type_pages(corpus, site, doc_type))
        generated.append(video_index(corpus, site))
        case_files = case_pages(corpus, site, load_regions())
        generated.extend(case_files[:1])
        generated.extend(audience_pages(corpus, site))
        timelines = timeline_pages(corpus, site)  # the index is in the nav, each topic's page is not
        generated.extend(timelines[:1])
        generated.extend(compare_page(old, new) for old, new in edition_pairs(corpus))
        if self.state.version is not None:
            generated.append(changes_page(self.state.version, self.state.changes or {}))
        reuse = self._page_reuse(config)
        in_nav = [(uri, text, InclusionLevel.UNDEFINED) for uri, text in generated]
        for src_uri, text, inclusion in in_nav + [(uri, text, InclusionLevel.NOT_IN_NAV) for uri, text in case_files[1:] + timelines[1:]]:
            page = _ReusablePage.generated(config, src_uri, content=text, inclusion=inclusion)  # province pages: not in nav
            page.reused = reuse.keep(page.dest_uri, page_fingerprint(text, {}))
            files.append(page)
        other_reused = reuse.reused
        copied: dict[str, str] = {}
        for doc in corpus.documents:
            body, linked = rewrite_links(doc, corpus, site.content_dir)
            self._by_uri[doc.src_uri] = doc
            context = document_context(doc, corpus, site, self.state.history.get(doc.rel_path, ()))
            # the Markdown and the context are made again just before the page is rendered
            # (on_page_context), so neither is held for thousands of pages at once
            page = _ReusablePage.generated(config, doc.src_uri, content="", inclusion=InclusionLevel.NOT_IN_NAV)
            page.reused = reuse.keep(page.dest_uri, page_fingerprint(body, context))
            files.append(page)
            for asset in (*doc.attachments, doc.media_asset, doc.poster, doc.transcript):
                if asset is not None:
                    copied.setdefault(asset_url(asset.rel), str(asset.source))
            for path in linked:
                copied.setdefault(asset_url(path.relative_to(site.content_dir).as_posix()), str(path))
        for url, source in sorted(copied.items()):
            files.append(File.generated(config, url, abs_src_path=source))
        for path, text in sorted(self.state.extra_files.items()):
            if text is not None:
                files.append(File.generated(config, path, content=text))
        doc_reused = reuse.reused - other_reused
        self.state.report.update(reuse=reuse, reused=doc_reused, rendered=len(corpus.documents) - doc_reused,
                                 other_rendered=len(generated) + len(case_files) + len(timelines) - 2 - other_reused)
        progress = self.state.report.get("progress")
        if progress is not None:
            progress.stage("render", "生成页面", len(reuse.new) - reuse.reused)
        minify_search_scripts(files, config)
        return files

    def on_env(self, env, config, files):  # noqa: D102
        if self.state is not None and self.state.cache is not None:
            # compiled theme templates are kept (Jinja checks each template's source), which
            # saves about a second per build, most welcome in `mzkb serve`
            # Jinja loads them with marshal (code): they live in the user's cache, never in
            # .mzkb/, which a repository can bring
            from jinja2 import FileSystemBytecodeCache

            from ..seal import user_dir

            folder = user_dir("jinja")
            if folder is not None:
                env.bytecode_cache = FileSystemBytecodeCache(str(folder))
        return env

    def on_post_page(self, output: str, page, config) -> str:  # noqa: D102
        if page.file.src_uri in self._by_uri:  # written next: let the page's HTML and context go
            page.markdown = page.content = None
            page.meta.pop("mzkb", None)
        progress = self.state.report.get("progress") if self.state else None
        if progress is not None:
            progress.advance("render")
        return output

    def _page_reuse(self, config) -> PageReuse:
        """Which document pages the previous build already rendered with the same inputs."""
        state = self.state
        if state.version is not None or state.cache is None:
            return PageReuse(None, "", None, Path(config.site_dir))
        settings = re.sub(r"(?m)^site_dir:.*$", "", Path(config.config_file_path).read_text(encoding="utf-8"))
        key = digest(settings,
                     state.config.path.read_bytes(), theme_key(Path(config.theme.custom_dir)))
        name = SERVE_RENDER_CACHE if state.report.get("serve") else RENDER_CACHE
        return PageReuse(state.cache, key, state.reuse_from, Path(config.site_dir), name)

    def on_post_build(self, config) -> None:  # noqa: D102
        if self.state is not None and self.state.report.get("serve"):
            reuse = self.state.report["reuse"]
            self.state.cache.save(SERVE_RENDER_CACHE, reuse.state(Path(config.site_dir)))

    def on_page_context(self, context, page, config, nav):  # noqa: D102
        doc = self._by_uri.get(page.file.src_uri)
        if doc is not None and self.state is not None:  # rendered now, just before its HTML is written
            state = self.state
            page.meta["mzkb"] = document_context(doc, state.corpus, state.config, state.history.get(doc.rel_path, ()))
            page.markdown = rewrite_links(doc, state.corpus, state.config.content_dir)[0]
            page.render(config, self._files)
            page.content = section_banners(clean(page.content), doc.url, page.meta["mzkb"]["amended"])
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
            # MkDocs converts every page before writing any; a document page is converted in
            # on_page_context instead, so only one page's HTML is in memory at a time
            return ""
        elif self.state is not None:
            page.meta["mzkb_page"] = {"demo": self.state.config.demo, "search": page.file.src_uri == "search.md"}
        return markdown
