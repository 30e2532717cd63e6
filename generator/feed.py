"""Atom feed of release change logs (relative links resolved against ``site.url`` when set)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urljoin
from xml.sax.saxutils import escape as _escape

from . import urls
from .config import SiteConfig

_KINDS = (("added", "新增"), ("changed", "修改"), ("superseded", "被替代"), ("repealed", "废止"), ("removed", "删除"))


def escape(text: str) -> str:
    """XML text and attribute value (quotes too: values go into href="…")."""
    return _escape(text, {'"': "&quot;"})


def _link(config: SiteConfig, path: str) -> str:
    return urljoin(config.url.rstrip("/") + "/", path) if config.url else path


def atom_feed(config: SiteConfig, entries: list) -> str:
    """Atom XML: one entry per release (newest first) listing what changed, with links."""
    updated = max((r.epoch for r, _ in entries), default=0)
    stamp = lambda epoch: dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    feed_id = _link(config, "feed.xml") if config.url else f"urn:mzkb:{escape(config.title)}"
    lines = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh">',
             f"  <title>{escape(config.title)} 更新记录</title>", f"  <id>{escape(feed_id)}</id>",
             f"  <updated>{stamp(updated)}</updated>", f'  <link rel="self" href="{escape(_link(config, "feed.xml"))}"/>']
    for release, change in entries:
        url = _link(config, urls.release_changes(release.name))
        items = []
        for kind, label in _KINDS:
            for ref in change.get(kind, []):
                href = _link(config, f"{release.name}/{ref['url']}") if "url" in ref else ""
                items.append(f"<li>{label}：" + (f'<a href="{escape(href)}">{escape(ref["title"])}</a>' if href else escape(ref["title"])) + "</li>")
        body = "<ul>" + "".join(items) + "</ul>" if items else "<p>本版本没有文件变化。</p>"
        lines += ["  <entry>", f"    <title>{escape(release.name)}：{escape(release.title)}</title>",
                  f"    <id>{escape(url if config.url else 'urn:mzkb:release:' + release.name)}</id>",
                  f'    <link href="{escape(url)}"/>', f"    <updated>{stamp(release.epoch)}</updated>",
                  f'    <content type="html">{escape(body)}</content>', "  </entry>"]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"
