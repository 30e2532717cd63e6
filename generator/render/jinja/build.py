"""Our own build loop: the site's pages rendered with Material's templates, no MkDocs inside.

The same pages as the MkDocs renderer, from the same ``RenderInput`` (``pageset``): the pages
are known from the corpus (no docs folder is scanned); a page whose fingerprint is the one it was
last rendered with is neither converted nor rendered (``reuse.PageReuse`` for ``mzkb build``,
``memory.PageKeeper`` under ``mzkb serve``), so a serve rebuild after one edit renders the pages
that edit changed. Theme assets are copied once per serve session, attachments when newer.
"""

from __future__ import annotations

import datetime as dt
import gzip
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import markdown as python_markdown
from jinja2 import FileSystemBytecodeCache
from markupsafe import escape

from ...cache import digest
from ...clock import build_moment
from ...diagnostics import make
from ...markdown import render as render_body
from ...markdown import slugify
from ...sanitize import clean
from ...search.scripts import SHIPPED, shipped_script
from ...seal import user_dir
from ...site.context import document_context
from ...site.model import RenderInput, RenderReport
from ...site.pages.templates import theme_dir
from ...site.partials import section_banners, table_regions
from ...site.reuse import RENDER_CACHE, PageReuse, page_fingerprint, theme_key
from ...site.status_view import SCRIPT as STATUS_SCRIPT
from ...site.status_view import status_script
from ...writer import describe_os_error, shown_path
from ..fragments import KEY as FRAGMENT_KEY
from ..fragments import Fragments
from ..pageset import (EXTENSIONS, MARKDOWN_EXTENSIONS, THEME, TOC, document_files, document_inputs, extra, generated_pages,
                       nav_entries, rewrite_links, toc_tokens)
from ..rawhtml import put_back, set_aside
from .structure import Page, front_matter, get_relative_url, get_toc, navigation
from .theme import environment, package_version, static_files, theme_options

KEY = "jinja"
"""What this renderer keeps in a serve session's ``memory.renderer``."""


def template_config(state: RenderInput) -> dict:
    """``config`` as the templates read it (the keys of MkDocs' configuration Material uses)."""
    site = state.config
    url = site.url or None
    if url and not url.endswith("/"):
        url += "/"
    theme, _static = theme_options()
    return {
        "site_name": escape(site.title or ""), "site_description": escape(site.description or ""), "site_url": url,
        "site_author": None, "copyright": None, "repo_url": None, "repo_name": None, "edit_uri": None,
        "use_directory_urls": False, "extra_css": [], "extra_javascript": [], "extra": extra(site),
        "theme": theme, "plugins": {"mzkb": None}, "markdown_extensions": list(MARKDOWN_EXTENSIONS),
        "mdx_configs": {"toc": {**TOC, "slugify": slugify}},
    }


class Session:
    """What one serve session keeps between rebuilds (one build: a fresh one)."""

    def __init__(self) -> None:
        self.env = environment()
        folder = user_dir("jinja-renderer")  # compiled templates (marshal): never in .mzkb/
        if folder is not None:
            self.env.bytecode_cache = FileSystemBytecodeCache(str(folder))
        self.copied: dict[str, object] = {}
        """Site path -> what was last written there by this session (theme asset, script text)."""
        self.special: dict[str, object] = {}
        """404 / sitemap -> the key they were last rendered with."""


def render(state: RenderInput, site_dir: Path) -> RenderReport:
    """Render the site of ``state`` into ``site_dir`` (created); report what was done."""
    memory = state.memory
    session = memory.renderer.get(KEY) if memory is not None else None
    if session is None:
        session = Session()
        if memory is not None:
            memory.renderer[KEY] = session
    try:
        return Build(state, site_dir, session).run()
    except OSError as exc:  # disk full, read-only folder ...: in Chinese, naming the path
        _forget(memory)
        where = shown_path(exc.filename if exc.filename is not None else site_dir, site_dir)
        detail = describe_os_error(OSError(exc.errno, exc.strerror))
        return RenderReport((make("MZ902", where, 0, 0, path=where, detail=detail),))
    except BaseException:  # a bug in mzkb: its traceback is shown
        _forget(memory)
        raise


def _forget(memory) -> None:
    """A render failed: pages may have been written before it; the next one renders them all."""
    if memory is not None:
        memory.forget_pages()
        memory.renderer.pop(KEY, None)


class Build:
    """One render of a site (state kept in attributes while it runs)."""

    def __init__(self, state: RenderInput, site_dir: Path, session: Session) -> None:
        self.state, self.site_dir, self.session = state, site_dir, session
        self.when = build_moment()
        self.date = self.when.strftime("%Y-%m-%d")
        self.config = template_config(state)
        self.site_url = self.config["site_url"]
        self.fragments = Fragments()
        self.env = session.env
        self.env.globals["mzkb_fragment"] = self.fragments.helper()
        self.outputs: set[str] = set()
        self.fingerprints: dict[str, tuple] = {}
        self.files: dict[str, object] = {}
        """Site path -> source file (Path) or text, the files besides pages, later ones winning."""
        self.pages: dict[str, Page] = {}
        self.mkdocs_version = package_version("mkdocs")
        self._md = None

    def run(self) -> RenderReport:  # noqa: D102
        state, memory = self.state, self.state.memory
        site_dir = self.site_dir
        site_dir.mkdir(parents=True, exist_ok=True)
        in_nav, out_of_nav, listed, compares = generated_pages(state)
        reuse = self.page_reuse()
        for src_uri, text in [*in_nav, *out_of_nav]:
            page = self.add_page(src_uri)
            page.source = text
            page.reused = reuse.keep(page.dest_uri, page_fingerprint(text, {}))
        other_reused = reuse.reused
        self.add_documents(reuse)
        for path, text in sorted(state.extra_files.items()):
            if text is not None:
                self.files[path] = text
        identity = state.config.identity
        if identity.logo:  # checked by the config stage (MZ605): an image inside the knowledge base
            self.files[identity.logo_url] = (state.config.root / identity.logo).resolve()
            self.outputs.add(identity.logo_url)
        self.files[STATUS_SCRIPT] = status_script(state.corpus)
        doc_reused = reuse.reused - other_reused
        if state.progress is not None:
            state.progress.stage("render", "生成页面", len(reuse.new) - reuse.reused)
        nav = navigation(nav_entries(state.config, state.version is not None), self.pages)
        _escape_titles(nav.items)  # Material prints nav titles as they are
        self.copy_files()
        pages = list(self.pages.values())
        self.special_templates(nav, pages)
        for page in pages:
            if not page.reused:
                self.build_page(page, nav, pages)
        if memory is not None:
            memory.commit(site_dir, listed, compares, self.fingerprints, self.outputs, reuse, state.config)
        return RenderReport(rendered=len(state.corpus.documents) - doc_reused, reused=doc_reused, reuse=reuse,
                            other_rendered=len(in_nav) + len(out_of_nav) - other_reused)

    def add_page(self, src_uri: str, title: str | None = None) -> Page:
        """A page of the site (in the order MkDocs lists them: generated pages, then documents)."""
        page = Page(src_uri, title, self.site_url, self.date)
        self.pages[src_uri] = page
        self.outputs.add(page.dest_uri)
        return page

    def add_documents(self, reuse) -> None:
        """One page per document (its fingerprint from memory when it did not change), and the
        files its front matter and body link to, copied under ``assets/``."""
        content_dir = self.state.config.content_dir
        copied: dict[str, Path] = {}
        for doc in self.state.corpus.documents:
            known = document_inputs(self.state, doc)
            self.fingerprints[doc.id] = (doc, *known)
            page = self.add_page(doc.src_uri, doc.title)
            page.document = doc
            page.reused = reuse.keep(page.dest_uri, known[0])
            for url, source in document_files(doc, known[1], content_dir):
                copied.setdefault(url, source)
        for url, source in sorted(copied.items()):
            self.files[url] = Path(source)
            self.outputs.add(url)

    def page_reuse(self):
        """Which pages the previous build already rendered with the same inputs."""
        state = self.state
        if state.memory is not None:  # mzkb serve: the last good rebuild, in memory
            return state.memory.reuse(state.config)
        if state.version is not None or state.cache is None:
            return PageReuse(None, "", None, self.site_dir)
        settings = repr((KEY, nav_entries(state.config), THEME, TOC, EXTENSIONS, extra(state.config)))
        key = digest(settings, state.config.path.read_bytes(), theme_key(theme_dir()), self.date)
        return PageReuse(state.cache, key, state.reuse_from, self.site_dir, RENDER_CACHE)

    def copy_files(self) -> None:
        """Theme assets (once per serve session), attachments (when newer), scripts and index files."""
        session, site_dir = self.session, self.site_dir
        theme = dict(static_files())
        files: dict[str, object] = dict(theme)
        files.update(self.files)
        for rel, source in files.items():
            target = site_dir / rel
            if isinstance(source, Path):
                seen = source
                if session.copied.get(rel) == seen and (theme.get(rel) == source or not _newer(source, target)):
                    continue  # theme folders are not watched while serving (a change needs a restart)
                target.parent.mkdir(parents=True, exist_ok=True)
                if SHIPPED.fullmatch(rel):  # minified, the ranking constants written in
                    target.write_text(shipped_script(source), encoding="utf-8")
                else:
                    shutil.copyfile(source, target)
            else:
                seen = (len(source), hash(source))
                if session.copied.get(rel) == seen and target.exists():
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(source.encode("utf-8") if isinstance(source, str) else source)
            session.copied[rel] = seen

    def context(self, nav, pages: list[Page], page: Page | None, base_url: str) -> dict:
        """The template context MkDocs gives a page or a static template."""
        if page is not None:
            base_url = get_relative_url(".", page.url)
        return {"nav": nav, "pages": pages, "base_url": base_url, "extra_css": [], "extra_javascript": [],
                "mkdocs_version": self.mkdocs_version, "build_date_utc": self.when, "config": self.config, "page": page}

    def special_templates(self, nav, pages: list[Page]) -> None:
        """404.html and sitemap.xml (+ .gz), rendered again only when what they show changed."""
        _theme, static = theme_options()
        for name in sorted(static):
            key = (name, self.date, repr(self.config), tuple(p.url for p in nav.pages), tuple(p.title for p in nav.pages),
                   tuple(self.pages) if name == "sitemap.xml" else ())
            target = self.site_dir / name
            if self.session.special.get(name) == key and target.exists():
                continue
            base = "/" if name == "404.html" else get_relative_url(".", name)
            if name == "404.html" and self.site_url:
                base = _path_of(self.site_url)
            output = self.env.get_template(name).render(self.context(nav, pages, None, base))
            if output.strip():
                target.write_bytes(output.encode("utf-8"))
                if name == "sitemap.xml":
                    stamp = dt.datetime.fromisoformat(max(p.update_date for p in pages)).replace(tzinfo=dt.timezone.utc) \
                        if pages else self.when
                    gz_name = f"{target}.gz"
                    with open(gz_name, "wb") as raw, gzip.GzipFile(fileobj=raw, filename=gz_name, mode="wb",
                                                                   mtime=int(stamp.timestamp())) as packed:
                        packed.write(output.encode("utf-8"))
            self.session.special[name] = key

    def build_page(self, page: Page, nav, pages: list[Page]) -> None:
        """Convert and render one page, and write it."""
        state = self.state
        doc = page.document
        if doc is not None:
            page.meta = {"title": escape(doc.title)}
            page.meta["mzkb"] = document_context(doc, state.corpus, state.config, state.history.get(doc.rel_path, ()))
            page.markdown = rewrite_links(doc, state.corpus, state.config.content_dir)[0]
            body = render_body(page.markdown)
            page.content = table_regions(section_banners(clean(body.html), doc.url, page.meta["mzkb"]["amended"]))
            page.toc = get_toc(toc_tokens(body.toc))
        else:
            self.convert(page)
        page.active = True
        try:
            context = self.context(nav, pages, page, "")
            context[FRAGMENT_KEY] = self.fragments.key(page, nav)
            if state.version is not None:
                context["mzkb_version"] = True  # which version a page belongs to is its folder (versions.js)
            output = self.env.get_template(page.meta.get("template", "main.html")).render(context)
        finally:
            page.active = False
        if output.strip():
            target = self.site_dir / page.dest_uri
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(output.encode("utf-8", errors="xmlcharrefreplace"))
        if doc is not None:  # let the page's HTML and context go
            page.markdown = page.content = None
            page.meta = {}
        if state.progress is not None:
            state.progress.advance("render")

    def convert(self, page: Page) -> None:
        """A generated page's HTML and table of contents, by Python-Markdown (large HTML blocks
        set aside, ``rawhtml``); its title from the navigation, else its front matter."""
        markdown, page.meta = front_matter(page.source)
        if isinstance(page.meta.get("title"), str):  # Material prints it as is (<title>, header): escaped HTML
            page.meta["title"] = escape(page.meta["title"])
        page.meta["mzkb_page"] = {"demo": self.state.config.demo, "search": page.src_uri == "search.md"}
        page.markdown = markdown
        shortened, kept = set_aside(markdown)
        html, tokens = self._markdown(shortened)
        if kept:
            whole = put_back(html, kept)
            if whole is None:  # a placeholder was not kept as it was: convert the page as written
                whole, tokens = self._markdown(markdown)
            html = whole
        page.content, page.toc = html, get_toc(tokens)
        if page.title is None:
            page.title = page.meta.get("title") or _title_of(page)

    def _markdown(self, text: str) -> tuple[str, list]:
        if self._md is None:
            self._md = python_markdown.Markdown(extensions=list(MARKDOWN_EXTENSIONS),
                                                extension_configs={"toc": {**TOC, "slugify": slugify}})
        md = self._md
        md.reset()
        html = md.convert(text)
        return html, getattr(md, "toc_tokens", [])


def _title_of(page: Page) -> str:
    """MkDocs' last resort for a page with no title: its file name."""
    if page.is_homepage:
        return "Home"
    title = page.name.replace("-", " ").replace("_", " ")
    return title.capitalize() if title.lower() == title else title


def _path_of(url: str) -> str:
    return urlsplit(url).path


def _escape_titles(items: list) -> None:
    """Every navigation title as escaped HTML (``Markup``)."""
    for item in items:
        if isinstance(item.title, str):
            item.title = escape(item.title)
        _escape_titles(item.children or [])


def _newer(source: Path, target: Path) -> bool:
    """True when ``target`` is missing or older than ``source`` (MkDocs' dirty-build rule)."""
    try:
        return source.stat().st_mtime > target.stat().st_mtime
    except OSError:
        return True
