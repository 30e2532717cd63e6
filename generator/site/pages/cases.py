"""The case gallery: a tile map of the provinces, filterable case cards, one page per province.

Pages (``src_uri``, Markdown with raw HTML, escaped, page-relative links):

- ``cases/index.md`` (典型案例): the tile map, the filters and every case as a card;
- ``cases/province-<code>.md`` (典型案例：浙江省) for each province with cases: its cards only.

The filters are plain ``<select>`` elements that ``theme/assets/mzkb/cases.js`` wires up; the form
is ``hidden`` until the script runs, so without JavaScript the page simply shows every card.
Hooks used by the script: ``#mzkb-case-filters`` (form), ``#mzkb-case-province``,
``#mzkb-case-audience``, ``#mzkb-case-topic`` (selects), ``#mzkb-case-reset`` (button),
``#mzkb-case-count`` (live count), ``#mzkb-case-empty`` (no-match note), ``#mzkb-cases``
(container) and, on each ``.mzkb-case-card``, ``data-province`` (6-digit code or ''),
``data-audiences`` (audience keys separated by spaces) and ``data-topics`` (topics separated
by ``|``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from html import escape

from ...config import SiteConfig
from ...content.links import Corpus, relative_url
from ...content.model import Document, DocType, Status
from ...regions import Region, RegionTable
from .common import badge

GALLERY_URL = "cases/index.html"
SUMMARY_MAX = 120

# (column, row) of each provincial-level division on the tile map, roughly where it lies.
TILE_GRID: dict[str, tuple[int, int]] = {
    "230000": (7, 0),  # 黑龙江
    "150000": (4, 1), "110000": (5, 1), "210000": (6, 1), "220000": (7, 1),  # 内蒙古 北京 辽宁 吉林
    "650000": (0, 2), "620000": (1, 2), "640000": (2, 2), "140000": (3, 2), "130000": (4, 2), "120000": (5, 2),
    "540000": (0, 3), "630000": (1, 3), "610000": (2, 3), "410000": (3, 3), "370000": (4, 3),
    "510000": (1, 4), "500000": (2, 4), "420000": (3, 4), "340000": (4, 4), "320000": (5, 4), "310000": (6, 4),
    "530000": (1, 5), "520000": (2, 5), "430000": (3, 5), "360000": (4, 5), "330000": (5, 5),
    "450000": (2, 6), "440000": (3, 6), "350000": (4, 6), "710000": (5, 6),
    "460000": (2, 7), "820000": (3, 7), "810000": (4, 7),
}
_TILE, _GAP = 56, 4
_PITCH = _TILE + _GAP
# Light grey for none, then four teal steps; text colours keep WCAG AA contrast on each.
LEVEL_FILLS = ("#eceff1", "#b2dfdb", "#4db6ac", "#00796b", "#004d40")
_TEXT_FILLS = ("#455a64", "#1b1b1b", "#1b1b1b", "#ffffff", "#ffffff")


def count_level(count: int, most: int) -> int:
    """Shade step of a count: 0 for none, else 1..4 relative to the largest count."""
    if count <= 0 or most <= 0:
        return 0
    return min(4, max(1, -(-4 * count // most)))


def _legend_ranges(most: int) -> list[tuple[int, str]]:
    ranges: list[tuple[int, str]] = [(0, "0")]
    by_level: dict[int, list[int]] = {}
    for n in range(1, most + 1):
        by_level.setdefault(count_level(n, most), []).append(n)
    for level in sorted(by_level):
        values = by_level[level]
        ranges.append((level, str(values[0]) if len(values) == 1 else f"{values[0]}–{values[-1]}"))
    return ranges


def _tile_label(region: Region, count: int) -> str:
    return f"{region.name}：{count} 个案例"


def tile_map_svg(counts: dict[str, int], link_of: Callable[[Region], str | None], table: RegionTable,
                 title: str | None = None) -> str:
    """An inline SVG tile map of the 34 provincial-level divisions, shaded by case count.

    ``counts`` maps province codes to numbers of cases; ``link_of`` gives the (page-relative)
    href of a province's page, or None for no link (a tile is linked only when its count > 0).
    Each tile is a ``<g class="mzkb-tile-map__tile" data-province="330000">`` with a
    ``<title>`` and ``aria-label`` naming the province in full. Output is deterministic.
    """
    provinces = {r.code: r for r in table.provinces()}
    most = max((counts.get(code, 0) for code in provinces), default=0)
    total = sum(counts.get(code, 0) for code in provinces)
    with_cases = sum(1 for code in provinces if counts.get(code, 0) > 0)
    columns = max(c for c, _ in TILE_GRID.values()) + 1
    rows = max(r for _, r in TILE_GRID.values()) + 1
    width, height = columns * _PITCH - _GAP, rows * _PITCH - _GAP
    if title is None:
        title = f"典型案例的地区分布：共 {total} 个案例，分布在 {with_cases} 个省级行政区"
    parts = [
        f'<svg class="mzkb-tile-map__svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="mzkb-tile-map-title" focusable="false">',
        f'<title id="mzkb-tile-map-title">{escape(title)}</title>',
    ]
    # Legend in the empty north-west corner.
    parts.append('<g class="mzkb-tile-map__legend" aria-hidden="true">')
    parts.append('<text x="0" y="15" font-size="15" fill="currentColor">案例数</text>')
    for index, (level, text) in enumerate(_legend_ranges(most)):
        x = index * 60
        parts.append(
            f'<rect x="{x}" y="24" width="20" height="20" rx="3" fill="{LEVEL_FILLS[level]}" stroke="#90a4ae" stroke-width="0.5"/>'
            f'<text x="{x + 25}" y="40" font-size="14" fill="currentColor">{escape(text)}</text>'
        )
    parts.append("</g>")
    for code in sorted(TILE_GRID):
        region = provinces.get(code)
        if region is None:
            continue
        col, row = TILE_GRID[code]
        x, y = col * _PITCH, row * _PITCH
        count = max(0, int(counts.get(code, 0)))
        level = count_level(count, most)
        label = escape(_tile_label(region, count))
        cx = x + _TILE / 2
        tile = (
            f'<g class="mzkb-tile-map__tile mzkb-tile-map__tile--l{level}" data-province="{code}" data-count="{count}"'
            + ("" if count else f' aria-label="{label}"') + ">"
            f"<title>{label}</title>"
            f'<rect x="{x}" y="{y}" width="{_TILE}" height="{_TILE}" rx="6" fill="{LEVEL_FILLS[level]}"/>'
            f'<text x="{cx:g}" y="{y + 25}" font-size="15" text-anchor="middle" fill="{_TEXT_FILLS[level]}">{escape(region.short_name)}</text>'
            f'<text x="{cx:g}" y="{y + 45}" font-size="14" font-weight="700" text-anchor="middle" fill="{_TEXT_FILLS[level]}">{count}</text>'
            "</g>"
        )
        href = link_of(region) if count > 0 else None
        if href:
            tile = f'<a class="mzkb-tile-map__link" href="{escape(href)}" aria-label="{label}">{tile}</a>'
        parts.append(tile)
    parts.append("</svg>")
    return "\n".join(parts)


def province_page_url(code: str) -> str:
    """Site path of a province's case page, e.g. ``cases/province-330000.html``."""
    return f"cases/province-{code}.html"


def case_province(doc: Document, table: RegionTable) -> Region | None:
    """The province of a case: from its code when the code is known, else from its region text."""
    return table.province_for(doc.region, doc.region_code)


def _summary(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1] + "…"


def case_card(doc: Document, page_url: str, corpus: Corpus, config: SiteConfig, table: RegionTable) -> str:
    """One case as an ``<article class="mzkb-case-card">`` with the data- attributes the filters use."""
    labels = {a.key: a.label for a in config.audiences}
    province = case_province(doc, table)
    status = doc.status.value
    badges = "" if doc.status is Status.CURRENT else " " + badge(doc.status.label, status)
    facts = []
    if doc.region:
        facts.append(f'<span class="mzkb-case-card__region">{escape(doc.region)}</span>')
    facts.append(f'<time datetime="{doc.date.isoformat()}">{doc.date.isoformat()}</time>')
    if doc.issuer:
        facts.append(escape(doc.issuer))
    if len(doc.audiences) == len(config.audiences) and len(config.audiences) > 1:
        audiences = "全部机构"
    else:
        audiences = "、".join(escape(labels.get(k, k)) for k in doc.audiences)
    lines = [
        f'<article class="mzkb-case-card mzkb-case-card--{status}" data-province="{province.code if province else ""}" '
        f'data-audiences="{escape(" ".join(doc.audiences))}" data-topics="{escape("|".join(doc.topics))}">',
        f'<h3 class="mzkb-case-card__title"><a href="{escape(relative_url(page_url, doc.url))}">{escape(doc.title)}</a>{badges}</h3>',
        f'<p class="mzkb-case-card__facts">{" · ".join(facts)}</p>',
    ]
    if audiences:
        lines.append(f'<p class="mzkb-case-card__audiences">适用机构：{audiences}</p>')
    if doc.topics:
        tags = "".join(f'<li class="mzkb-case-card__topic">{escape(t)}</li>' for t in doc.topics)
        lines.append(f'<ul class="mzkb-case-card__topics" aria-label="主题">{tags}</ul>')
    if doc.summary:
        lines.append(f'<p class="mzkb-case-card__summary">{escape(_summary(doc.summary))}</p>')
    related = [d for d in (corpus.get(i) for i in doc.related) if d is not None]
    if related:
        items = "".join(
            f'<li><a href="{escape(relative_url(page_url, d.url))}">{escape(d.title)}</a>'
            f' <span class="mzkb-case-card__type">{escape(d.type.label)}</span></li>'
            for d in related
        )
        lines.append(f'<div class="mzkb-case-card__related"><span>相关指南与文件：</span><ul>{items}</ul></div>')
    lines.append("</article>")
    return "".join(lines)


def _cards(docs: list[Document], page_url: str, corpus: Corpus, config: SiteConfig, table: RegionTable) -> str:
    current = [d for d in docs if d.status is Status.CURRENT]
    history = [d for d in docs if d.status is not Status.CURRENT]
    parts = []
    if current:
        parts.append('<div class="mzkb-case-list">')
        parts.extend(case_card(d, page_url, corpus, config, table) for d in current)
        parts.append("</div>")
    else:
        parts.append('<p class="mzkb-case-none">暂无现行案例。</p>')
    if history:
        parts.append(f'<h2 class="mzkb-case-history">历史案例（已被替代或已废止，共 {len(history)} 个）</h2>')
        parts.append('<div class="mzkb-case-list mzkb-case-list--history">')
        parts.extend(case_card(d, page_url, corpus, config, table) for d in history)
        parts.append("</div>")
    return "\n".join(parts)


def _option(value: str, text: str) -> str:
    return f'<option value="{escape(value)}">{escape(text)}</option>'


def _filters(cases: list[Document], provinces: list[Region], counts: dict[str, int], config: SiteConfig) -> str:
    audience_counts = {a.key: sum(1 for d in cases if a.key in d.audiences) for a in config.audiences}
    topic_counts: dict[str, int] = {}
    for doc in cases:
        for topic in doc.topics:
            topic_counts[topic] = topic_counts.get(topic, 0) + 1
    known = {t: i for i, t in enumerate(config.topics)}
    topics = sorted(topic_counts, key=lambda t: (known.get(t, len(known)), t))
    province_options = "".join(_option(r.code, f"{r.name}（{counts[r.code]}）") for r in provinces)
    audience_options = "".join(
        _option(a.key, f"{a.label}（{audience_counts[a.key]}）") for a in config.audiences if audience_counts[a.key]
    )
    topic_options = "".join(_option(t, f"{t}（{topic_counts[t]}）") for t in topics)
    return (
        '<form class="mzkb-case-filters" id="mzkb-case-filters" hidden aria-label="筛选案例">\n'
        '<div class="mzkb-case-filters__field"><label for="mzkb-case-province">省份</label>'
        f'<select id="mzkb-case-province" name="province">{_option("", "全部省份")}{province_options}</select></div>\n'
        '<div class="mzkb-case-filters__field"><label for="mzkb-case-audience">适用机构</label>'
        f'<select id="mzkb-case-audience" name="audience">{_option("", "全部机构")}{audience_options}</select></div>\n'
        '<div class="mzkb-case-filters__field"><label for="mzkb-case-topic">主题</label>'
        f'<select id="mzkb-case-topic" name="topic">{_option("", "全部主题")}{topic_options}</select></div>\n'
        '<button type="reset" class="mzkb-case-filters__reset" id="mzkb-case-reset">清除筛选</button>\n'
        "</form>\n"
        f'<p class="mzkb-case-count" id="mzkb-case-count" aria-live="polite">共 {len(cases)} 个案例</p>'
    )


def _front(title: str) -> str:
    return f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n---\n"


def case_pages(corpus: Corpus, config: SiteConfig, table: RegionTable) -> list[tuple[str, str]]:
    """(src_uri, markdown) of the case gallery and of one page per province that has cases."""
    cases = [d for d in corpus.documents if d.type is DocType.CASE]
    cases.sort(key=lambda d: (d.status is not Status.CURRENT, -d.date.toordinal(), d.id))
    by_province: dict[str, list[Document]] = {}
    unplaced = 0
    for doc in cases:
        province = case_province(doc, table)
        if province is None:
            unplaced += 1
        else:
            by_province.setdefault(province.code, []).append(doc)
    counts = {code: len(docs) for code, docs in by_province.items()}
    provinces = [r for r in table.provinces() if r.code in counts]

    def link_of(region: Region) -> str | None:
        return relative_url(GALLERY_URL, province_page_url(region.code)) if counts.get(region.code) else None

    current = sum(1 for d in cases if d.status is Status.CURRENT)
    lead = f"现行案例 {current} 个，历史案例 {len(cases) - current} 个。点击地图上的省份，查看该地的案例。"
    if unplaced:
        lead += f"另有 {unplaced} 个案例未标注可识别的地区。"
    province_links = "".join(
        f'<li><a href="{escape(link_of(r) or "")}">{escape(r.name)}<span class="mzkb-case-provinces__count">{counts[r.code]} 个</span></a></li>'
        for r in provinces
    )
    body = [
        _front("典型案例"),
        f'<p class="mzkb-lead">{escape(lead)}</p>',
        "",
        f'<div class="mzkb-tile-map">\n{tile_map_svg(counts, link_of, table)}\n</div>',
        "",
    ]
    if provinces:
        body += [f'<nav class="mzkb-case-provinces" aria-label="按省份查看案例"><ul>{province_links}</ul></nav>', ""]
    if cases:
        body += ["## 全部案例", "", _filters(cases, provinces, counts, config), "",
                 f'<div class="mzkb-cases" id="mzkb-cases">\n{_cards(cases, GALLERY_URL, corpus, config, table)}\n</div>', "",
                 '<p class="mzkb-case-empty" id="mzkb-case-empty" hidden>没有符合条件的案例，请调整筛选条件。</p>', ""]
    else:
        body += ["<p>暂无案例。</p>", ""]
    pages = [("cases/index.md", "\n".join(body))]

    for region in provinces:
        url = province_page_url(region.code)
        docs = by_province[region.code]
        back = escape(relative_url(url, GALLERY_URL))
        text = "\n".join([
            _front(f"典型案例：{region.name}"),
            f'<p class="mzkb-case-back"><a href="{back}">← 全部典型案例</a></p>',
            "",
            f'<p class="mzkb-lead">{escape(region.name)}共有案例 {len(docs)} 个。</p>',
            "",
            f'<div class="mzkb-cases" data-province="{region.code}">\n{_cards(docs, url, corpus, config, table)}\n</div>',
            "",
        ])
        pages.append((url[:-5] + ".md", text))
    return pages
