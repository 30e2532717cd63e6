"""Our MkDocs plugin: generated pages, document pages from the corpus, metadata in the page context.

``mzkb build`` hands the plugin an already validated corpus; under ``mkdocs serve``
(``mzkb serve``) the plugin runs load -> validate -> link itself on every rebuild.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel

from ..config import SiteConfig
from ..content.links import Corpus, asset_url, resolve_href
from ..content.model import Document, DocType
from ..regions import load_regions
from .context import document_context
from .pages.cases import case_pages
from .pages.changes import changes_page
from .pages.compare import compare_page, edition_pairs
from .pages.home import home_page
from .pages.listings import audience_page, audiences_index, type_pages
from .pages.videos import video_index
from .sanitize import clean


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

    def on_config(self, config):  # noqa: D102 (MkDocs event)
        if self.state is None:
            self.state = self._load_from_disk()
        return config

    def _load_from_disk(self) -> RenderInput:
        from ..pipeline import prepare  # local import: pipeline imports this package
        from ..releases import history_or_empty
        from ..search.browser_index import build_browser_index

        result = prepare(self.config.site_config)
        if result.failed:
            raise PluginError("\n".join(d.format() for d in result.diagnostics))
        # under `mzkb serve` the browser index is served from the preview build as well
        return RenderInput(result.config, result.corpus, build_browser_index(result.corpus, result.config).files,
                           history=history_or_empty(result.config.root))

    def on_files(self, files: Files, config) -> Files:  # noqa: D102
        assert self.state is not None
        site, corpus = self.state.config, self.state.corpus
        generated: list[tuple[str, str]] = [("index.md", home_page(corpus, site)), audiences_index(site),
                                            ("search.md", "---\ntitle: 搜索\n---\n")]
        for doc_type in (DocType.NOTICE, DocType.GUIDELINE):
            generated.extend(type_pages(corpus, site, doc_type))
        generated.append(video_index(corpus, site))
        case_files = case_pages(corpus, site, load_regions())
        generated.extend(case_files[:1])
        generated.extend(audience_page(corpus, site, a) for a in site.audiences)
        generated.extend(compare_page(old, new) for old, new in edition_pairs(corpus))
        if self.state.version is not None:
            generated.append(changes_page(self.state.version, self.state.changes or {}))
        for src_uri, text in generated:
            files.append(File.generated(config, src_uri, content=text))
        for src_uri, text in case_files[1:]:  # one page per province: reached from the tile map
            files.append(File.generated(config, src_uri, content=text, inclusion=InclusionLevel.NOT_IN_NAV))
        copied: dict[str, str] = {}
        for doc in corpus.documents:
            body, linked = rewrite_links(doc, corpus, site.content_dir)
            self._by_uri[doc.src_uri] = doc
            files.append(File.generated(config, doc.src_uri, content=body, inclusion=InclusionLevel.NOT_IN_NAV))
            for asset in (*doc.attachments, doc.media_asset, doc.poster, doc.transcript):
                if asset is not None:
                    copied.setdefault(asset_url(asset.rel), str(asset.source))
            for path in linked:
                copied.setdefault(asset_url(path.relative_to(site.content_dir).as_posix()), str(path))
        for url, source in sorted(copied.items()):
            files.append(File.generated(config, url, abs_src_path=source))
        for path, text in sorted(self.state.extra_files.items()):
            files.append(File.generated(config, path, content=text))
        return files

    def on_page_context(self, context, page, config, nav):  # noqa: D102
        version = self.state.version if self.state else None
        if version is not None:
            context["mzkb_version"] = True  # which version a page belongs to is its folder (versions.js)
        return context

    def on_page_content(self, html: str, page, config, files) -> str:  # noqa: D102
        if page.file.src_uri in self._by_uri:  # editors' documents; generated pages are ours
            return clean(html)
        return html

    def on_page_markdown(self, markdown: str, page, config, files) -> str:  # noqa: D102
        doc = self._by_uri.get(page.file.src_uri)
        if doc is not None and self.state is not None:
            page.meta["title"] = doc.title
            page.meta["mzkb"] = document_context(doc, self.state.corpus, self.state.config, self.state.history.get(doc.rel_path, ()))
        elif self.state is not None:
            page.meta["mzkb_page"] = {"demo": self.state.config.demo, "search": page.file.src_uri == "search.md"}
        return markdown
