"""The micro-video index: cards with poster, title, duration, audiences and related guidance."""

from __future__ import annotations

import json
from html import escape

from ...config import SiteConfig
from ...content.links import Corpus, asset_url, relative_url
from ...content.model import DocType, Status
from ..context import hms

URL = "videos/index.html"


def _card(doc, corpus: Corpus, config: SiteConfig) -> str:
    labels = {a.key: a.label for a in config.audiences}
    href = escape(relative_url(URL, doc.url))
    poster = (f'<img src="{escape(relative_url(URL, asset_url(doc.poster.rel)))}" alt="" loading="lazy" width="320" height="180">'
              if doc.poster else '<span class="mzkb-video-card__noposter" aria-hidden="true">▶</span>')
    duration = f'<span class="mzkb-video-card__duration">{hms(doc.duration)}</span>' if doc.duration else ""
    status = f' <span class="mzkb-badge mzkb-badge--{doc.status.value}">{doc.status.label}</span>' if doc.status is not Status.CURRENT else ""
    audiences = "、".join(escape(labels[k]) for k in doc.audiences)
    related = [d for d in map(corpus.get, doc.related) if d]
    related_html = ""
    if related:
        links = "".join(f'<li><a href="{escape(relative_url(URL, d.url))}">{escape(d.title)}</a></li>' for d in related)
        related_html = f'<div class="mzkb-video-card__related">相关文件：<ul>{links}</ul></div>'
    return (
        f'<article class="mzkb-video-card" data-audiences="{escape(" ".join(doc.audiences))}">'
        f'<a class="mzkb-video-card__poster" href="{href}" tabindex="-1" aria-hidden="true">{poster}{duration}</a>'
        f'<h3 class="mzkb-video-card__title"><a href="{href}">{escape(doc.title)}</a>{status}</h3>'
        f'<p class="mzkb-video-card__facts">{doc.date.isoformat()} · 适用：{audiences}</p>{related_html}</article>'
    )


def video_index(corpus: Corpus, config: SiteConfig) -> tuple[str, str]:
    """(src_uri, markdown) of videos/index.md."""
    videos = [d for d in corpus.documents if d.type is DocType.VIDEO]
    videos.sort(key=lambda d: (not d.status.in_force, -d.date.toordinal(), d.id))
    used = [a for a in config.audiences if any(a.key in v.audiences for v in videos)]
    options = "".join(f'<option value="{escape(a.key)}">{escape(a.label)}</option>' for a in used)
    cards = "\n".join(_card(v, corpus, config) for v in videos) or "<p>暂无微视频。</p>"
    return "videos/index.md", f"""---
title: {json.dumps(DocType.VIDEO.label, ensure_ascii=False)}
---

<p class="mzkb-lead">共 {len(videos)} 个微视频。点击进入可观看视频、查看章节和文字稿。</p>

<form class="mzkb-card-filter" data-mzkb-card-filter="mzkb-videos" hidden>
<label>适用机构 <select name="audience"><option value="">全部</option>{options}</select></label>
<span class="mzkb-card-filter__count" aria-live="polite"></span>
</form>

<div id="mzkb-videos" class="mzkb-video-grid">
{cards}
</div>
"""
