"""The home page: a search box, one tile per audience, the latest updates."""

from __future__ import annotations

import json
from html import escape

from ...config import SiteConfig
from ...content.links import Corpus
from ...content.model import DocType, Status
from .common import doc_list
from .timelines import topic_links

LATEST = 10


def home_page(corpus: Corpus, config: SiteConfig) -> str:
    """Markdown of index.md."""
    counts = {a.key: sum(1 for d in corpus.documents if a.key in d.audiences and d.status.in_force) for a in config.audiences}
    tiles = "\n".join(
        f'<a class="mzkb-tile" href="audiences/{escape(a.key)}.html"><span class="mzkb-tile__label">{escape(a.label)}</span>'
        f'<span class="mzkb-tile__count">现行文件 {counts[a.key]} 件</span></a>'
        for a in config.audiences
    )
    types = "\n".join(
        f'<a class="mzkb-type" href="{t.folder}/index.html">{escape(t.label)}'
        f'<span>{sum(1 for d in corpus.documents if d.type is t)} 件</span></a>'
        for t in DocType
    )
    latest = sorted(corpus.documents, key=lambda d: (d.date, d.id), reverse=True)[:LATEST]
    demo = '<p class="mzkb-demo-note">本站内容均为示例，文号中的“示例”字样表示并非真实文件。</p>' if config.demo else ""
    return f"""---
title: {json.dumps(config.title, ensure_ascii=False)}
---

<h1>{escape(config.title)}</h1>

<div class="mzkb-hero">
<p class="mzkb-hero__desc">{escape(config.description)}</p>
{demo}
<form class="mzkb-hero__search" action="search.html" method="get" role="search">
<label class="mzkb-visually-hidden" for="mzkb-home-q">搜索知识库</label>
<input id="mzkb-home-q" name="q" type="search" placeholder="输入关键词，如：养老机构探视、遗体处置、临时救助条件" autocomplete="off">
<button type="submit">搜索</button>
</form>
</div>

## 按机构类型查找

<nav class="mzkb-tiles" aria-label="机构类型">
{tiles}
</nav>

## 按主题查看现行规定

{topic_links(corpus, config, None, "index.html")}

## 按文件类型浏览

<nav class="mzkb-types" aria-label="文件类型">
{types}
</nav>

## 最近更新

{doc_list(latest, "index.html", config)}
"""
