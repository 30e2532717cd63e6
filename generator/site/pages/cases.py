"""The case gallery: a tile map of the provinces, filterable case cards, one page per province.

Pages (``src_uri``, Markdown with raw HTML, escaped, page-relative links):

- ``cases/index.md`` (典型案例): the tile map, the filters and every case as a card;
- ``cases/province-<code>.md`` (典型案例：浙江省) for each province with cases: its cards, under a
  heading per prefecture (a county's case under its prefecture, ``RegionTable.prefecture_for``),
  then those placed at province level only.

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

from collections.abc import Callable

from markupsafe import Markup

from ... import urls
from ...config import SiteConfig
from ...content.links import Corpus, relative_url
from ...content.model import Document, DocType, Status
from ...regions import Region, RegionTable
from ..status_view import HISTORY, as_of, dated_id, may_change, tally
from .common import audiences_text
from .templates import PAGES, page, render

GALLERY_URL = urls.listing(DocType.CASE.folder)
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
    if title is None:
        title = f"典型案例的地区分布：共 {total} 个案例，分布在 {with_cases} 个省级行政区"
    legend = [{"x": index * 60, "fill": LEVEL_FILLS[level], "text": text}
              for index, (level, text) in enumerate(_legend_ranges(most))]
    tiles = []
    for code in sorted(TILE_GRID):
        region = provinces.get(code)
        if region is None:
            continue
        col, row = TILE_GRID[code]
        count = max(0, int(counts.get(code, 0)))
        level = count_level(count, most)
        tiles.append({"code": code, "count": count, "level": level, "label": _tile_label(region, count),
                      "short_name": region.short_name, "x": col * _PITCH, "y": row * _PITCH,
                      "cx": f"{col * _PITCH + _TILE / 2:g}", "fill": LEVEL_FILLS[level], "text_fill": _TEXT_FILLS[level],
                      "href": (link_of(region) if count > 0 else None) or ""})
    return render(PAGES + "tile-map.html", title=title, width=columns * _PITCH - _GAP, height=rows * _PITCH - _GAP,
                  size=_TILE, legend=legend, tiles=tiles).strip()


def case_province(doc: Document, table: RegionTable) -> Region | None:
    """The province of a case: from its code when the code is known, else from its region text."""
    return table.province_for(doc.region, doc.region_code)


def _summary(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1] + "…"


def case_card(doc: Document, page_url: str, corpus: Corpus, config: SiteConfig, table: RegionTable) -> dict:
    """One case for ``cases.html``'s card (an ``<article class="mzkb-case-card">`` with the data- attributes the filters use)."""
    province = case_province(doc, table)
    related = [d for d in (corpus.get(i) for i in doc.related) if d is not None]
    return {
        "status": doc.status.value,
        "status_label": doc.status.label if doc.status is not Status.CURRENT or dated_id(doc) else "",
        "key": dated_id(doc),  # validity.js re-judges the badge on the reader's day
        "province": province.code if province else "",
        "audience_keys": " ".join(doc.audiences),
        "topic_keys": "|".join(doc.topics),
        "href": relative_url(page_url, doc.url),
        "title": doc.title,
        "region": doc.region or table.full_name(doc.region_code),
        "date": doc.date.isoformat(),
        "issuer": doc.issuer,
        "audiences": audiences_text(doc, config),
        "topics": list(doc.topics),
        "summary": _summary(doc.summary) if doc.summary else "",
        "related": [{"href": relative_url(page_url, d.url), "title": d.title, "type_label": d.type.label} for d in related],
    }


def _cards(docs: list[Document], page_url: str, corpus: Corpus, config: SiteConfig, table: RegionTable) -> dict:
    """Current and historical cases of one page, as cards; a case whose status depends on the day is
    in both lists (``validity.js`` shows the one of the reader's day). ``*_shown``: the build day's counts."""
    cards = {d.id: case_card(d, page_url, corpus, config, table) for d in docs}
    return {"current": [cards[d.id] for d in docs if d.status.in_force or may_change(d)],
            "history": [cards[d.id] for d in docs if not d.status.in_force or may_change(d)],
            "current_shown": sum(d.status.in_force for d in docs), "history_shown": sum(not d.status.in_force for d in docs)}


def prefecture_groups(docs: list[Document], page_url: str, corpus: Corpus, config: SiteConfig,
                      table: RegionTable) -> list[dict]:
    """The cases of one province by prefecture (code order), then those of the province as a whole."""
    groups: dict[str, tuple[Region | None, list[Document]]] = {}
    for doc in docs:
        prefecture = table.prefecture_for(doc.region, doc.region_code)
        groups.setdefault(prefecture.code if prefecture else "", (prefecture, []))[1].append(doc)
    ordered = sorted(groups.items(), key=lambda item: (item[0] == "", item[0]))
    return [{"code": code, "name": prefecture.name if prefecture else "省级及未注明地市", "count": len(items),
             "cards": _cards(items, page_url, corpus, config, table)} for code, (prefecture, items) in ordered]


def _filters(cases: list[Document], provinces: list[Region], counts: dict[str, int], config: SiteConfig) -> dict:
    """The options of the three filters (value, text), each list led by its 全部 option."""
    audience_counts = {a.key: sum(1 for d in cases if a.key in d.audiences) for a in config.audiences}
    topic_counts: dict[str, int] = {}
    for doc in cases:
        for topic in doc.topics:
            topic_counts[topic] = topic_counts.get(topic, 0) + 1
    known = {t: i for i, t in enumerate(config.topics)}
    topics = sorted(topic_counts, key=lambda t: (known.get(t, len(known)), t))
    return {
        "province": [("", "全部省份")] + [(r.code, f"{r.name}（{counts[r.code]}）") for r in provinces],
        "audience": [("", "全部机构")] + [(a.key, f"{a.label}（{audience_counts[a.key]}）") for a in config.audiences
                                          if audience_counts[a.key]],
        "topic": [("", "全部主题")] + [(t, f"{t}（{topic_counts[t]}）") for t in topics],
        "count": len(cases),
    }


def case_pages(corpus: Corpus, config: SiteConfig, table: RegionTable) -> list[tuple[str, str]]:
    """(src_uri, markdown) of the case gallery and of one page per province that has cases."""
    cases = [d for d in corpus.documents if d.type is DocType.CASE]
    cases.sort(key=lambda d: (not d.status.in_force, -d.date.toordinal(), d.id))
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
        return relative_url(GALLERY_URL, urls.province(region.code)) if counts.get(region.code) else None

    # the lead counts current and historical cases on the reader's day (validity.js recounts the tallies);
    # the map, the province links and the filters count every case, whatever its status
    lead = "点击地图上的省份，查看该地的案例。" + (f"另有 {unplaced} 个案例未标注可识别的地区。" if unplaced else "")
    # Markup: the tile map comes from the escaping template tile-map.html, so it is not escaped again
    gallery = page("典型案例", PAGES + "cases.html", lead=lead, current_count=tally(cases), history_count=tally(cases, HISTORY),
                   as_of=as_of(corpus), tile_map=Markup(tile_map_svg(counts, link_of, table)),
                   provinces=[{"href": link_of(r) or "", "name": r.name, "count": counts[r.code]} for r in provinces],
                   filters=_filters(cases, provinces, counts, config) if cases else None,
                   cards=_cards(cases, GALLERY_URL, corpus, config, table))
    pages = [(urls.source_uri(GALLERY_URL), gallery)]
    for region in provinces:
        url = urls.province(region.code)
        docs = by_province[region.code]
        text = page(f"典型案例：{region.name}", PAGES + "cases-province.html", back=relative_url(url, GALLERY_URL),
                    name=region.name, code=region.code, count=len(docs), as_of=as_of(corpus),
                    groups=prefecture_groups(docs, url, corpus, config, table))
        pages.append((urls.source_uri(url), text))
    return pages
