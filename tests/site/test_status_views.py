"""Every view judges status on the reader's day alike (issue 26): the browser's clock set to each
boundary of the demo's family-visit story, the document pages, their section banners, the topic
timeline, the home page's 最近更新 and tiles, the 养老机构 portal, the notice listing and its lead
line, other documents' 相关文件 and 版本历史, the edition compare page and the search results (badges, order, status filter) all show
the status the document page shows (``validity.js`` over ``status-data.js``)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from mzkb.cli import cli
from mzkb.content.model import Status

RESUME, HOLIDAY, STANDARD, GUIDE = ("notice-resume-services-2020", "notice-holiday-prevention-2022",
                                    "notice-elderly-care-visiting-standard", "elderly-care-covid-guide-2")
CASE = "case-jiangsu-nanjing-elderly-care"
CASE_UNTIL = "2027-02-28"
"""The story site gives this case a validity period: its 云探视 practice ends the day before the
4-visitor rule takes effect, so the case gallery holds a case whose group changes with the day."""
DAYS = ["2020-05-09", "2020-05-10",  # before / on the day services resume
        "2022-01-10", "2022-02-20", "2022-02-21",  # first and last day of the 2022 holiday window, the day after
        "2027-02-28", "2027-03-01", "2027-03-05",  # before / on / after the visiting standard takes effect
        "2035-06-01"]  # years later
TIMELINE = "timelines/elderly-care/tan-shi-yu-feng-bi-guan-li.html"
PORTAL = "audiences/elderly-care.html"
COMPARE = "compare/elderly-care-covid-guide-1--elderly-care-covid-guide-2.html"
VIEWS = ["index.html", TIMELINE, "timelines/tan-shi-yu-feng-bi-guan-li.html", PORTAL, "notices/index.html",
         "guidelines/index.html", "cases/index.html", "cases/province-320000.html", "videos/index.html",
         # other documents' pages: 相关文件 and 版本历史 name these documents with their status
         "guidelines/elderly-care-high-risk-guide.html", "guidelines/elderly-care-covid-guide-1.html", COMPARE]
LISTS = (PORTAL, "notices/index.html", "guidelines/index.html", "cases/index.html", "cases/province-320000.html")
"""Views with a current and a history group."""
LABELS = {s.value: s.label for s in Status}
IN_FORCE = ("current", "amended")
HISTORY = ("pending", "expired", "superseded", "repealed")

SHOWN = """() => {
  const seen = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const labels = new Set(%s);
  const marked = [];
  document.querySelectorAll("[data-mzkb-status]").forEach(box => {
    if (!seen(box)) return;
    const own = [box].concat(Array.from(box.querySelectorAll("[data-mzkb-label]")))
      .filter(el => el.hasAttribute("data-mzkb-label") && seen(el)
              && (el === box || el.parentNode.closest("[data-mzkb-status]") === box)).map(el => el.textContent.trim());
    marked.push([box.getAttribute("data-mzkb-status"), box.getAttribute("data-mzkb-state"), own,
                 box.getAttribute("data-mzkb-in") || ""]);
  });
  // every visible status badge, marked or not, with the document it stands beside (the nearest
  // link before it, else the first link of its item): a badge nobody re-judges shows up here
  const badges = [];
  document.querySelectorAll(".mzkb-badge").forEach(b => {
    const text = b.textContent.trim();
    if (!seen(b) || !labels.has(text) || b.closest(".mzkb-doc-header")) return;
    let a = null;
    for (let n = b.previousSibling; n && !a; n = n.previousSibling) if (n.nodeType === 1 && n.matches("a[href]")) a = n;
    const box = b.closest("li, article, p");
    if (!a && box) a = box.querySelector("a[href]");
    if (a) badges.push([a.getAttribute("href").split("#")[0].split("/").pop().replace(/\\.html$/, ""), text]);
  });
  const asof = Array.from(document.querySelectorAll("[data-mzkb-asof]")).map(el => el.textContent);
  const tallies = Array.from(document.querySelectorAll("[data-mzkb-tally]")).map(el =>
    [el.getAttribute("data-mzkb-tally").split(" "), +el.getAttribute("data-mzkb-tally-base"),
     el.getAttribute("data-mzkb-tally-in").split(" "), +el.textContent]);
  const text = (document.querySelector(".md-content") || document.body).innerText;
  return {marked, badges, asof, tallies, text};
}""" % json.dumps(list(LABELS.values()), ensure_ascii=False)

VISIBLE_IDS = """(selector) => Array.from(document.querySelectorAll(selector))
  .filter(el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length))
  .map(el => (el.getAttribute("data-mzkb-entry") || (el.querySelector("a[href]") || el).getAttribute("href") || "")
             .split("/").pop().replace(/\\.html$/, ""))"""


@pytest.fixture(scope="module")
def story(tmp_path_factory) -> tuple[Path, Path]:
    """(site, site_config.yml): the demo, one case given a validity period, built once."""
    from conftest import ROOT, built_once

    from mzkb.pipeline import build

    def make(folder: Path) -> None:
        shutil.copytree(ROOT / "content", folder / "kb" / "content")
        shutil.copy(ROOT / "site_config.yml", folder / "kb" / "site_config.yml")
        case = folder / "kb" / "content" / "cases" / f"{CASE}.md"
        case.write_text(case.read_text(encoding="utf-8").replace("\ntitle:", f'\nvalid_until: "{CASE_UNTIL}"\ntitle:', 1),
                        encoding="utf-8")
        result = build(folder / "kb" / "site_config.yml", folder / "site")
        assert result.ok, [d.format() for d in (*result.prepared.diagnostics, *result.diagnostics)]

    folder = built_once(tmp_path_factory, "story", make)
    return folder / "site", folder / "kb" / "site_config.yml"


def _records(site: Path) -> dict:
    data = (site / "assets/mzkb/status-data.js").read_text(encoding="utf-8")
    return json.loads(data.split(".statusData = ", 1)[1].rstrip(";\n"))


def _doc_path(site: Path, doc_id: str) -> Path:
    return next(p for p in site.glob(f"*/{doc_id}.html"))


def _document_page(page, site: Path, doc_id: str, day: str) -> dict:
    """The document page of ``doc_id`` on ``day``: its status (the truth), checked against its own
    banners; the views it names are checked like every other view."""
    page.goto(_doc_path(site, doc_id).as_uri())
    badge = page.locator(".mzkb-doc-header__badges [data-mzkb-label]")
    state = badge.get_attribute("data-mzkb-state")
    assert badge.inner_text() == LABELS[state]
    assert page.locator(".mzkb-meta [data-mzkb-label]").inner_text() == LABELS[state]
    for kind in ("expired", "pending", "amended"):
        banner = page.locator(f".mzkb-status-banner--{kind}")
        assert (banner.count() > 0 and banner.first.is_visible()) is (state == kind), (day, doc_id, kind)
    return {"state": state, "view": page.evaluate(SHOWN),
            "amend_banners": [t.strip() for t in page.locator(".mzkb-amend-banner:visible").all_inner_texts()]}


def _expected(tally, truth) -> int:
    ids, base, wanted, _ = tally
    return base + sum(truth[key] in wanted for key in ids if key)


@pytest.mark.parametrize("day", DAYS)
def test_every_view_agrees_with_the_document_page(story, browser, day):
    """Every view, loaded once on ``day``, shows each document's status as its own page does: marked
    statuses and labels, unmarked badges, groups (现行 / 即将施行 / 历史), counts, the day said, and the
    search's badges and order (as ``mzkb search --as-of``)."""
    site, config = story
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.clock.set_fixed_time(dt.datetime.fromisoformat(day + "T10:00:00"))
    dated = sorted(_records(site)["records"])
    assert {RESUME, HOLIDAY, STANDARD, GUIDE, CASE} <= set(dated)
    docs = {doc_id: _document_page(page, site, doc_id, day) for doc_id in dated}
    truth = {doc_id: d["state"] for doc_id, d in docs.items()}
    assert truth[CASE] == ("current" if day <= CASE_UNTIL else "expired")
    # the amended guideline's section banner: 将被 / 已被 / 曾被 as the adjusting notice stands that day
    resume_banner = next(t for t in docs[GUIDE]["amend_banners"] if "恢复民政服务机构正常服务秩序" in t)
    assert resume_banner.startswith("本节将被" if truth[RESUME] == "pending" else "本节已被"), (day, resume_banner)
    for holiday_banner in (t for t in docs[RESUME]["amend_banners"] if "元旦春节" in t):
        word = {"pending": "本节将被", "expired": "本节曾被"}.get(truth[HOLIDAY], "本节已被")
        assert holiday_banner.startswith(word), (day, holiday_banner)

    views = {view: None for view in VIEWS}
    for view in views:
        page.goto((site / view).as_uri())
        views[view] = page.evaluate(SHOWN)
        if view == TIMELINE:
            views[view]["in_force"] = page.evaluate(VISIBLE_IDS, "ol.mzkb-timeline--in-force > li")
            views[view]["pending"] = page.evaluate(VISIBLE_IDS, "#jijiang-shixing ~ ol > li")
            views[view]["in_force_text"] = page.locator("ol.mzkb-timeline--in-force").inner_text()
        elif view in LISTS:
            views[view]["current"] = page.evaluate(VISIBLE_IDS, "[data-mzkb-group]:not(.mzkb-history):not(.mzkb-case-group--history)"
                                                              " > ul > li.mzkb-item, .mzkb-case-group:not(.mzkb-case-group--history) .mzkb-case-card")
            views[view]["history"] = page.locator(".mzkb-history li.mzkb-item, .mzkb-case-group--history .mzkb-case-card").evaluate_all(
                "els => els.filter(e => !e.hidden).map(e => e.querySelector('a[href]').getAttribute('href').split('/').pop().replace(/\\.html$/, ''))")
            views[view]["history_count"] = page.locator(".mzkb-history [data-mzkb-count], .mzkb-case-history [data-mzkb-count]"
                                                        ).evaluate_all("els => els.filter(e => !e.closest('[hidden]')).map(e => +e.textContent)")
        if view == "cases/index.html":
            views[view]["count_line"] = page.locator("#mzkb-case-count").inner_text()
            # the filters count each case once and leave a card of another day's group hidden
            page.select_option("#mzkb-case-province", "320000")
            views[view]["filtered"] = (page.locator("#mzkb-case-count").inner_text(),
                                       page.evaluate(VISIBLE_IDS, ".mzkb-case-group:not(.mzkb-case-group--history) .mzkb-case-card"),
                                       page.evaluate(VISIBLE_IDS, ".mzkb-case-group--history .mzkb-case-card"))
    for d in docs.values():  # the document pages are views too: 版本历史, 相关文件, the amendment banners
        views.setdefault("doc", []).append(d["view"])

    for view, shown in views.items():
        for one in shown if isinstance(shown, list) else [shown]:
            assert one["asof"] and set(one["asof"]) == {day}, (view, one["asof"])
            for key, state, labels, group in one["marked"]:
                if key in truth:
                    assert state == truth[key], (day, view, key)
                    assert all(text == LABELS[state] for text in labels), (day, view, key, labels)
                    assert not group or state in group.split(), (day, view, key, group)
            for doc_id, label in one["badges"]:
                if doc_id in truth:
                    assert label == LABELS[truth[doc_id]], (day, view, doc_id, label)
            for tally in one["tallies"]:
                assert tally[3] == _expected(tally, truth), (day, view, tally)

    # the compare page names each edition's status: the first edition replaced, the second as on its page
    assert [b for b in views[COMPARE]["badges"]] == [["elderly-care-covid-guide-1", LABELS["superseded"]], [GUIDE, LABELS[truth[GUIDE]]]]
    # the timeline's groups: 现行规定 holds the rules in force, 即将施行 those pending
    timeline = views[TIMELINE]
    for key in (RESUME, HOLIDAY, STANDARD):
        assert (key in timeline["in_force"]) is (truth[key] in IN_FORCE), (day, key, timeline["in_force"])
        assert (key in timeline["pending"]) is (truth[key] == "pending"), (day, key, timeline["pending"])
    if truth[STANDARD] in IN_FORCE:
        assert "尚未生效" not in timeline["in_force_text"] and "将被" not in timeline["in_force_text"]
    # portal, listings and the case gallery: a document in the current list in force, else under 历史,
    # each group counting what it shows
    for view in LISTS:
        shown = views[view]
        for key, state in truth.items():
            if key in shown["current"] or key in shown["history"]:
                assert (key in shown["current"], key in shown["history"]) == (state in IN_FORCE, state not in IN_FORCE), (day, view, key)
        if view != PORTAL:
            assert shown["history_count"] in ([len(shown["history"])], []) and (shown["history"] or not shown["history_count"]), (day, view)
    gallery = views["cases/index.html"]
    assert CASE in gallery["current"] + gallery["history"]
    assert gallery["count_line"] == f"共 {len(gallery['current']) + len(gallery['history'])} 个案例"
    assert f"现行案例 {len(gallery['current'])} 个，历史案例 {len(gallery['history'])} 个。" in gallery["text"]
    count, current, history = gallery["filtered"]
    assert count == f"符合条件的案例 1 个（共 {len(gallery['current']) + len(gallery['history'])} 个）", (day, count)
    assert (current, history) == (([CASE], []) if truth[CASE] in IN_FORCE else ([], [CASE])), (day, current, history)
    lead = views["notices/index.html"]["text"]
    assert f"现行有效 {len(views['notices/index.html']['current'])} 件" in lead
    home = views["index.html"]
    tile = re.search(r"养老机构\s*现行文件 (\d+) 件", home["text"])
    assert tile and int(tile.group(1)) == len(views[PORTAL]["current"]), (day, tile)

    # search: badges as on the document pages, order (and edition folding) as mzkb search --as-of
    from engines import browser_top, cli_top

    queries = ["家属探视", "探视", "养老机构新冠肺炎疫情防控指南", "元旦春节期间"]
    assert browser_top(page, site, queries, 5, day=day) == cli_top(config, queries, 5, day=day), day
    page.goto((site / "search.html").as_uri() + "?q=%E5%AE%B6%E5%B1%9E%E6%8E%A2%E8%A7%86")
    first = page.locator("[data-mzkb-result]").first
    first.wait_for(timeout=10000)
    top = cli_top(config, ["家属探视"], 1, day=day)[0][0]
    assert top in first.locator("a.mzkb-result__title").get_attribute("href"), (day, top)
    if top in truth:
        assert LABELS[truth[top]] in first.locator(".mzkb-result__badges").inner_text()
    if day >= "2027-03-01":
        assert top == STANDARD  # the 4-visitor rule answers first once in force
    # the status filter of the search page judges the reader's day too
    page.goto((site / "search.html").as_uri() + "?q=%E6%8E%A2%E8%A7%86&status=pending")
    page.locator("#mzkb-search-summary").filter(has_text="找到").or_(page.locator("#mzkb-search-summary")
                                                                        .filter(has_text="没有")).wait_for(timeout=10000)
    hrefs = [a.get_attribute("href") for a in page.locator("[data-mzkb-result] a.mzkb-result__title").all()]
    assert any(STANDARD in h for h in hrefs) is (truth[STANDARD] == "pending"), (day, hrefs)
    assert errors == []
    context.close()


def test_without_script_the_build_days_judgement_and_its_day(demo_site: Path):
    html = (demo_site / "timelines/elderly-care/tan-shi-yu-feng-bi-guan-li.html").read_text(encoding="utf-8")
    data = (demo_site / "assets/mzkb/status-data.js").read_text(encoding="utf-8")
    day = json.loads(data.split(".statusData = ", 1)[1].rstrip(";\n"))["day"]
    assert f"状态以 <time data-mzkb-asof datetime=\"{day}\">{day}</time> 为准" in html
    if day < "2027-03-01":  # the visiting standard is pending on the build day: its change 将被, not 曾被
        assert ('<span data-mzkb-when="pending">将被</span><span data-mzkb-when="expired superseded repealed" hidden>曾被</span>'
                '<a href="../../notices/notice-elderly-care-visiting-standard') in html


def test_search_status_filter_judges_the_as_of_day(demo_site: Path, demo_config: Path):
    def ids(day: str, status: str) -> set[str]:
        run = CliRunner().invoke(cli, ["search", "-c", str(demo_config), "--json", "-n", "50", "--as-of", day, "--status", status,
                                       "探视"], catch_exceptions=False)
        return {h["id"] for h in json.loads(run.output)} if run.output.strip().startswith("[") else set()

    assert STANDARD in ids("2027-02-28", "pending") and STANDARD not in ids("2027-03-05", "pending")
    assert STANDARD in ids("2027-03-05", "current")
    assert HOLIDAY in ids("2022-01-15", "current") and HOLIDAY in ids("2022-02-21", "expired")
    assert HOLIDAY not in ids("2022-02-21", "current")


def test_video_and_case_cards_judge_the_readers_day(small_kb: Path, browser, tmp_path: Path):
    """A video and a case with a validity period: their cards' badges follow the reader's day."""
    from mzkb.pipeline import build

    for rel in ("videos/remains.md", "cases/zhejiang.md"):
        path = small_kb.parent / "content" / rel
        path.write_text(path.read_text(encoding="utf-8").replace("\ntitle:", "\nvalid_until: 2020-06-30\ntitle:", 1), encoding="utf-8")
    out = tmp_path / "site"
    result = build(small_kb, out)
    assert result.ok, [d.format() for d in (*result.prepared.diagnostics, *result.diagnostics)]
    context = browser.new_context()
    page = context.new_page()
    for day, label in (("2020-03-01", LABELS["current"]), ("2021-03-01", LABELS["expired"])):
        page.clock.set_fixed_time(dt.datetime.fromisoformat(day + "T10:00:00"))
        for listing, card in (("videos/index.html", ".mzkb-video-card"), ("cases/index.html", ".mzkb-case-card")):
            page.goto((out / listing).as_uri())
            badge = page.locator(f"{card} [data-mzkb-label]").first
            assert badge.inner_text() == label, (day, listing)
    context.close()
