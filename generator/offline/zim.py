"""``mzkb bundle --format zim``: the built site as one ZIM file (the Kiwix format), written with libzim.

Every file of the site becomes a ZIM entry at the same path (relative links keep working); the main
entry is ``index.html``. Metadata: Name, Title, Description, Language ``zho``, Creator, Publisher,
Date, Illustration (48x48 PNG), Tags, Source. ``mzkb/manifest.json`` (and ``mzkb/manifest.sig`` when
signed) carry the same size + SHA-256 list as a zip bundle's manifest, over the site's files.

Search inside Kiwix, measured in kiwix-serve: our own ``search.html`` and its scripts work unchanged
(they need no fetch) and rank by status as the site does; it is the search to use. The ZIM's own
full-text index is written too (Kiwix's search box), from each page's article text and title
(``IndexData``, without menus and footers). Our jieba segmentation cannot be fed into it: libzim's
writer splits every Han run into Xapian CJK n-grams whatever it is given, and readers with libzim 9
parse a query the same way, so 家属探视 typed without spaces is found; Debian's kiwix-serve 3.3 (libzim
8) does so only with ``XAPIAN_CJK_NGRAM=1`` in its environment.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import mimetypes
import os
import re
import sys
from dataclasses import asdict, dataclass
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from libzim.writer import Creator, FileProvider, Hint, IndexData, Item, StringProvider

from .. import __version__
from ..config import SiteConfig
from ..content.links import Corpus
from ..foundations import human_size, size_and_sha256
from ..releases import name_problem
from ..site.icons import icon
from . import signing
from .format import FORMAT, FORMAT_VERSION, BundleError, FileEntry, hash_bytes, os_reason, render_manifest
from .writer import bundle_stem, collect_site, iso_utc, part_of

MANIFEST_PATH = "mzkb/manifest.json"
SIGNATURE_PATH = "mzkb/manifest.sig"
MAIN = "index.html"
LANGUAGE = "zho"
SKIPPED = frozenset({".mzkb-output", "sw.js", "manifest.webmanifest", "sitemap.xml", "sitemap.xml.gz"})
"""Not in a ZIM: the build marker and the web app's worker and manifest (Kiwix has its own offline store)."""
_TYPES = {".js": "application/javascript", ".css": "text/css", ".html": "text/html", ".json": "application/json",
          ".svg": "image/svg+xml", ".vtt": "text/vtt", ".woff2": "font/woff2", ".webmanifest": "application/manifest+json",
          ".txt": "text/plain", ".xml": "application/xml", ".mp4": "video/mp4", ".webm": "video/webm",
          ".mp3": "audio/mpeg", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".pdf": "application/pdf"}
OFFLINE_SCRIPT = "assets/mzkb/offline.js"
OFFLINE_STUB = b"/* mzkb: inside a ZIM, Kiwix keeps the files; the web app's offline copy is not used. */\n"
"""What ``offline.js`` is in a ZIM (pages still load it; it must not register a worker under kiwix-serve)."""
_TITLE = re.compile(r"<title>(.*?)</title>", re.S | re.I)


@contextlib.contextmanager
def _native_stdout_silenced():
    """libzim's C++ writer prints progress in English on file descriptor 1 ("Resolve redirect", ...):
    the CLI's output is Chinese and its own, so descriptor 1 points to /dev/null while the ZIM is written."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


@dataclass(frozen=True, slots=True)
class ZimResult:
    """A written ZIM: path, size, entry count, the manifest (with the file list)."""

    path: Path
    size: int
    entries: int
    manifest: dict

    def lines(self) -> list[str]:
        """What ``mzkb bundle --format zim`` prints."""
        return [f"ZIM 文件 {self.path.name}：{human_size(self.size)}（{self.entries} 个条目，含全文索引）",
                "用 Kiwix 打开（手机、电脑均可），或在内网运行 kiwix-serve 提供浏览。"]


def mimetype(rel: str) -> str:
    """The MIME type of a site path (the table above, else Python's guess, else octet-stream)."""
    suffix = os.path.splitext(rel)[1].lower()
    return _TYPES.get(suffix) or mimetypes.guess_type(rel)[0] or "application/octet-stream"


class _Text(HTMLParser):
    """The readable text of a page's ``<article>`` (the whole body when there is none)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):  # noqa: D102
        if tag in ("script", "style", "nav", "header", "footer"):
            self.skip += 1

    def handle_endtag(self, tag):  # noqa: D102
        if tag in ("script", "style", "nav", "header", "footer") and self.skip:
            self.skip -= 1

    def handle_data(self, data):  # noqa: D102
        if not self.skip:
            self.parts.append(data)


def page_text(html: str) -> str:
    """The article text of a page (whitespace collapsed)."""
    start, end = html.find("<article"), html.rfind("</article>")
    parser = _Text()
    parser.feed(html[start:end] if 0 <= start < end else html)
    return " ".join(" ".join(parser.parts).split())


def page_title(html: str, fallback: str) -> str:
    """The page's ``<title>`` without the site name after `` - ``."""
    found = _TITLE.search(html)
    title = " ".join(unescape(found.group(1)).split()) if found else ""
    return title.rsplit(" - ", 1)[0] if " - " in title else (title or fallback)


def zim_contents(files: dict[str, Path]) -> dict[str, bytes | Path]:
    """What each ZIM entry holds: the site's file (a path, read when written), or ``OFFLINE_STUB``."""
    return {rel: OFFLINE_STUB if rel == OFFLINE_SCRIPT else path for rel, path in files.items()}


def _items(contents: dict[str, bytes | Path], documents: dict[str, str], extra: dict[str, bytes]):
    """(path, title, mimetype, bytes or file, index text or None, front article) for every ZIM entry."""
    for rel, data in contents.items():
        kind = mimetype(rel)
        if kind != "text/html":
            yield rel, "", kind, data, None, False
            continue
        data = data if isinstance(data, bytes) else data.read_bytes()
        html = data.decode("utf-8", "replace")
        title = documents.get(rel) or page_title(html, rel)
        text = page_text(html)
        yield rel, title, kind, data, f"{title} {text}", rel != "404.html"
    for rel, data in extra.items():
        yield rel, "", mimetype(rel), data, None, False


def _creator_and_publisher(config: SiteConfig, corpus: Corpus) -> tuple[str, str]:
    """Creator: ``site.organizer`` if configured, else the most frequent issuer; publisher: ``site.operator``
    if configured, else the creator."""
    issuers = collections.Counter(d.issuer for d in corpus.documents if d.issuer)
    creator = str(getattr(config, "organizer", "") or (issuers.most_common(1)[0][0] if issuers else config.title))
    return creator, str(getattr(config, "operator", "") or creator)


def zim_manifest(contents: dict[str, bytes | Path], *, site_name: str, site_title: str, version: str, commit: str | None,
                 epoch: int, doc_counts: dict[str, int], public: str | None) -> dict:
    """The bundle manifest (same fields and SHA-256 list as a zip bundle's) of a ZIM's site files."""
    rows = [asdict(hash_bytes(src, rel) if isinstance(src, bytes) else FileEntry(rel, *size_and_sha256(src)))
            for rel, src in sorted(contents.items())]
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "container": "zim",
            "site": {"name": site_name, "title": site_title}, "version": version, "commit": commit or None,
            "built_at": iso_utc(epoch), "source_date_epoch": epoch, "generator": f"mzkb {__version__}",
            "documents": dict(doc_counts), "entry": MAIN,
            "media": {"included": True, "omitted": [], "omitted_bytes": 0},
            "signing": {"algorithm": "ed25519", "public_key": public} if public else None,
            "metadata_files": [MANIFEST_PATH, *((SIGNATURE_PATH,) if public else ())], "files": rows}


class _Index(IndexData):
    """Full-text data of a page: its title and article text."""

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title, self.text = title, text

    def has_indexdata(self):
        return True

    def get_title(self):
        return self.title

    def get_content(self):
        return self.text

    def get_keywords(self):
        return ""

    def get_wordcount(self):
        return len(self.text.split())

    def get_geoposition(self):
        return None


class _Entry(Item):
    """One ZIM entry: a site file (bytes or a path) with its title, type and index data."""

    def __init__(self, rel, title, kind, data, text, front) -> None:
        super().__init__()
        self.rel, self.title, self.kind, self.data, self.front = rel, title, kind, data, front
        self.index = _Index(title, text) if text is not None else None

    def get_path(self):
        return self.rel

    def get_title(self):
        return self.title

    def get_mimetype(self):
        return self.kind

    def get_contentprovider(self):
        return StringProvider(self.data) if isinstance(self.data, bytes) else FileProvider(str(self.data))

    def get_hints(self):
        return {Hint.FRONT_ARTICLE: self.front, Hint.COMPRESS: part_of("site/" + self.rel) != "media"}

    def get_indexdata(self):
        return self.index


def make_zim(site_dir: Path, out_dir: Path, *, config: SiteConfig, corpus: Corpus, site_name: str, version: str,
             commit: str | None, epoch: int, doc_counts: dict[str, int], with_media: bool = True,
             signing_key: Ed25519PrivateKey | None = None) -> ZimResult:
    """Write ``out_dir/mzkb-<site_name>-<version>.zim`` from a built site; ``BundleError`` if it cannot be made."""
    for label, value in (("站点名称", site_name), ("版本号", version)):
        if problem := name_problem(label, value):
            raise BundleError("MZ940", problem.rstrip("。"))
    if not (site_dir / MAIN).is_file():
        raise BundleError("MZ940", "这不是生成好的网站：其中没有 index.html。请先运行 mzkb build", file=str(site_dir))
    files = {rel: p for rel, p in collect_site(site_dir).items()
             if rel not in SKIPPED and (with_media or part_of("site/" + rel) != "media")}
    public = signing.public_text(signing_key.public_key()) if signing_key else None
    contents = zim_contents(files)
    manifest = zim_manifest(contents, site_name=site_name, site_title=config.title, version=version, commit=commit,
                            epoch=epoch, doc_counts=doc_counts, public=public)
    manifest_bytes = render_manifest(manifest)
    extra = {MANIFEST_PATH: manifest_bytes}
    if signing_key is not None:
        extra[SIGNATURE_PATH] = signing.sign(signing_key, manifest_bytes)

    documents = {d.url: d.title for d in corpus.documents}
    creator_name, publisher = _creator_and_publisher(config, corpus)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{bundle_stem(site_name, version)}.zim"
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    count = 0
    try:
        with _native_stdout_silenced(), Creator(tmp).config_indexing(True, LANGUAGE).config_nbworkers(1) as creator:
            creator.set_mainpath(MAIN)
            day = dt.datetime.fromtimestamp(epoch, dt.timezone.utc).date()
            description = (config.description or config.title)[:80]
            for key, value in (("Name", f"mzkb_zh_{site_name}"), ("Title", config.title[:30]),
                               ("Description", description), ("Language", LANGUAGE), ("Creator", creator_name),
                               ("Publisher", publisher), ("Date", day.isoformat()), ("Tags", "_ftindex:yes;mzkb"),
                               ("Scraper", f"mzkb {__version__}"), ("Source", config.url or ""), ("Flavour", version)):
                if value:
                    creator.add_metadata(key, value)
            if len(config.description) > 80:
                creator.add_metadata("LongDescription", config.description[:4000])
            creator.add_illustration(48, icon(48))
            for row in _items(contents, documents, extra):
                creator.add_item(_Entry(*row))
                count += 1
        os.replace(tmp, target)
    except OSError as exc:
        raise BundleError("MZ940", f"无法写入 ZIM 文件：{os_reason(exc)}", file=str(target)) from None
    finally:
        tmp.unlink(missing_ok=True)
    return ZimResult(target, target.stat().st_size, count, manifest)
