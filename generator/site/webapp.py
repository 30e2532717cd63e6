"""The installable web app of a built site: manifest, icons and the service worker with its cache list.

Written into the staging folder after the pages and the search index, so the cache list covers
the site's own files with their SHA-256: a phone that visited once over http(s) keeps the site
(or, above ``FULL_SITE_LIMIT``, its shared files and search plus the portals the reader picks), and
an update downloads only the files whose hash changed. Pages register the worker from
``assets/mzkb/offline.js`` only over http: or https:; from file:// nothing of this is used.
Everything here is deterministic (sorted, no timestamps beyond the build's epoch).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from urllib.parse import quote

from ..config import SiteConfig
from ..content.links import Corpus
from ..foundations import MEDIA_EXTENSIONS, sha256_bytes, size_and_sha256
from ..writer import MARKER
from .icons import THEME_RGB, icon
from .pages.templates import theme_dir

WORKER = "sw.js"
"""The service worker, at the site root so that its scope is the whole site (or one version's folder)."""
MANIFEST = "manifest.webmanifest"
ICONS = {"assets/mzkb/icon-192.png": (192, 0.0), "assets/mzkb/icon-512.png": (512, 0.0),
         "assets/mzkb/icon-maskable-512.png": (512, 0.12)}
FULL_SITE_LIMIT = 50 * 1024 * 1024
"""Sites up to this many bytes are kept whole on the phone; larger ones keep the shared files and search
(group ``core``) and the document pages of the portals the reader chooses."""
THEME_COLOR = "#{:02x}{:02x}{:02x}".format(*THEME_RGB)
SKIPPED = frozenset({MARKER, WORKER, "sitemap.xml", "sitemap.xml.gz", "assets/mzkb/sw.js"})
"""Never cached: the build marker, the worker itself (the browser keeps it), sitemaps, the worker's source."""


def theme_color() -> str:
    """The ``theme-color`` of pages and manifest."""
    return THEME_COLOR


def manifest(config: SiteConfig) -> bytes:
    """manifest.webmanifest: name, start page, standalone display, theme colour, icons."""
    short = config.title if len(config.title) <= 12 else config.title[:12]
    data = {
        "name": config.title, "short_name": short, "description": config.description or config.title,
        "lang": "zh-CN", "dir": "ltr", "start_url": "index.html", "scope": "./", "display": "standalone",
        "theme_color": THEME_COLOR, "background_color": "#ffffff",
        "icons": [{"src": rel, "sizes": f"{size}x{size}", "type": "image/png",
                   "purpose": "maskable" if pad else "any"} for rel, (size, pad) in ICONS.items()],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def document_groups(corpus: Corpus) -> dict[str, tuple[str, ...]]:
    """Site path of each document page -> the audience keys (portals) it belongs to."""
    return {doc.url: tuple(sorted(doc.audiences)) for doc in corpus.documents}


def group_of(rel: str, groups: dict[str, tuple[str, ...]]) -> str:
    """``core`` (shared files, search, lists, portals), ``media``, or ``portal:a,b`` for a document page."""
    if os.path.splitext(rel)[1].lower() in MEDIA_EXTENSIONS:
        return "media"
    audiences = groups.get(rel)
    return "portal:" + ",".join(audiences) if audiences else "core"


def cache_list(site_dir: Path, extra: dict[str, bytes], groups: dict[str, tuple[str, ...]], *,
               config: SiteConfig, epoch: int) -> dict:
    """The worker's data: version (hash of the list), build date, total bytes, whether the whole site is
    kept, the portals, and one ``[url path, size, sha256, group]`` row per file, sorted by path."""
    rows = []
    for folder, dirs, names in os.walk(site_dir):
        dirs.sort()
        for name in sorted(names):
            rel = (Path(folder) / name).relative_to(site_dir).as_posix()
            if rel not in SKIPPED and rel not in extra:
                rows.append([quote(rel), *size_and_sha256(Path(folder) / name), group_of(rel, groups)])
    rows += [[quote(rel), len(data), sha256_bytes(data), "core"] for rel, data in extra.items() if rel != WORKER]
    rows.sort()
    total = sum(r[1] for r in rows)
    full = total <= FULL_SITE_LIMIT
    day = dt.datetime.fromtimestamp(epoch, dt.timezone.utc).date().isoformat()
    listed = json.dumps(rows, separators=(",", ":"))
    return {"version": sha256_bytes(listed.encode("ascii"))[:16], "date": day, "bytes": total, "full": full,
            "limit": FULL_SITE_LIMIT, "portals": [[a.key, a.label] for a in config.audiences], "files": rows}


def worker(data: dict) -> bytes:
    """sw.js: the cache list as ``self.MZKB_OFFLINE``, then the worker's code (theme/assets/mzkb/sw.js)."""
    head = "self.MZKB_OFFLINE = " + json.dumps(data, ensure_ascii=False, separators=(",", ":")) + ";\n"
    return head.encode("utf-8") + (theme_dir() / "assets" / "mzkb" / "sw.js").read_bytes()


def webapp_files(site_dir: Path, config: SiteConfig, corpus: Corpus, epoch: int) -> dict[str, bytes]:
    """Manifest, icons and sw.js for the staged site ``site_dir`` (pages and search index already there)."""
    extra: dict[str, bytes] = {MANIFEST: manifest(config)}
    extra.update({rel: icon(size, pad) for rel, (size, pad) in ICONS.items()})
    extra[WORKER] = worker(cache_list(site_dir, extra, document_groups(corpus), config=config, epoch=epoch))
    return extra


def write_webapp(site_dir: Path, config: SiteConfig, corpus: Corpus, epoch: int) -> None:
    """Add the web app's files to the staged site (the worker's source copy under assets is dropped)."""
    (site_dir / "assets" / "mzkb" / "sw.js").unlink(missing_ok=True)
    for rel, data in sorted(webapp_files(site_dir, config, corpus, epoch).items()):
        path = site_dir / rel
        if path.exists():
            raise FileExistsError(f"two outputs at one path: {rel}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
