"""Every view judges status on the reader's day alike (issue 26): the browser's clock set to each
boundary of the demo's family-visit story, the document pages, their section banners, the topic
timeline, the home page's 最近更新 and tiles, the 养老机构 portal, the notice listing and its lead
line, other documents' 相关文件 and 版本历史, the edition compare page and the search results (badges, order, status filter) all show
the status the document page shows (``validity.js`` over ``status-data.js``)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mzkb.cli import cli
from mzkb.content.model import Status

RESUME, HOLIDAY, STANDARD, GUIDE = ("notice-resume-services-2020", "notice-holiday-prevention-2022",
                                    "notice-elderly-care-visiting-standard", "elderly-care-covid-guide-2")
PAGES = {RESUME: "notices/", HOLIDAY: "notices/", STANDARD: "notices/", GUIDE: "guidelines/"}
DAYS = ["2020-05-09", "2020-05-10", "2022-01-15", "2022-02-21", "2027-02-28", "2027-03-01", "2027-03-05"]
VIEWS = ["index.html", "timelines/elderly-care/tan-shi-yu-feng-bi-guan-li.html", "timelines/tan-shi-yu-feng-bi-guan-li.html",
         "audiences/elderly-care.html", "notices/index.html", "guidelines/index.html",
         # other documents' pages: 相关文件 and 版本历史 name these documents with their status
         "guidelines/elderly-care-high-risk-guide.html", "notices/notice-elderly-care-visiting-standard.html",
         "guidelines/elderly-care-covid-guide-1.html",
         "compare/elderly-care-covid-guide-1--elderly-care-covid-guide-2.html"]
LABELS = {s.value: s.label for s in Status}
IN_FORCE = ("current", "amended")

SHOWN = """() => {
  const seen = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const out = [];
  document.querySelectorAll("[data-mzkb-status]").forEach(box => {
    if (!seen(box)) return;
    const labels = [box].concat(Array.from(box.querySelectorAll("[data-mzkb-label]")))
      .filter(el => el.hasAttribute("data-mzkb-label") && seen(el)
              && (el === box || el.parentNode.closest("[data-mzkb-status]") === box)).map(el => el.textContent.trim());
    out.push([box.getAttribute("data-mzkb-status"), box.getAttribute("data-mzkb-state"), labels,
              box.getAttribute("data-mzkb-in") || ""]);
  });
  const asof = Array.from(document.querySelectorAll("[data-mzkb-asof]")).map(el => el.textContent);
  return [out, asof];
}"""


TALLIES = """() => Array.from(document.querySelectorAll("[data-mzkb-tally]")).map(el =>
  [el.getAttribute("data-mzkb-tally").split(" "), +el.getAttribute("data-mzkb-tally-base"),
   el.getAttribute("data-mzkb-tally-in").split(" "), +el.textContent])"""


def _page_status(page, site: Path, doc_id: str) -> str:
    folder = PAGES.get(doc_id) or next(f"{p.parent.name}/" for p in site.glob(f"*/{doc_id}.html"))
    page.goto((site / folder / f"{doc_id}.html").as_uri())
    badge = page.locator(".mzkb-doc-header__badges [data-mzkb-label]")
    state = badge.get_attribute("data-mzkb-state")
    assert badge.inner_text() == LABELS[state]
    return state


@pytest.mark.parametrize("day", DAYS)
def test_every_view_agrees_with_the_document_page(demo_site: Path, demo_config: Path, browser, day):
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.clock.set_fixed_time(dt.datetime.fromisoformat(day + "T10:00:00"))
    truth = {doc_id: _page_status(page, demo_site, doc_id) for doc_id in PAGES}
    # the document pages themselves: banners of the day
    page.goto((demo_site / "notices" / f"{HOLIDAY}.html").as_uri())
    assert page.locator(".mzkb-status-banner--expired").is_visible() is (truth[HOLIDAY] == "expired")
    assert page.locator(".mzkb-status-banner--pending").is_visible() is (truth[HOLIDAY] == "pending")
    page.goto((demo_site / "guidelines" / f"{GUIDE}.html").as_uri())
    banners = page.locator(".mzkb-amend-banner")
    texts = [banners.nth(i).inner_text() for i in range(banners.count())]
    resume_banner = next(t for t in texts if "恢复民政服务机构正常服务秩序" in t)
    assert resume_banner.startswith("本节将被" if truth[RESUME] == "pending" else "本节已被"), (day, resume_banner)
    for view in VIEWS:
        page.goto((demo_site / view).as_uri())
        shown, asof = page.evaluate(SHOWN)
        assert asof and set(asof) == {day}, (view, asof)
        for key, state, labels, group in shown:
            if key in truth:
                assert state == truth[key], (day, view, key)
                assert all(text == LABELS[state] for text in labels), (day, view, key, labels)
                assert not group or state in group.split(), (day, view, key, group)
    # the compare page names each edition's status: the first edition replaced, the second as on its page
    page.goto((demo_site / VIEWS[-1]).as_uri())
    sides = page.locator(".mzkb-lead .mzkb-badge")
    assert [sides.nth(i).inner_text() for i in range(sides.count())] == [LABELS["superseded"], LABELS[truth[GUIDE]]], day
    # the timeline's groups: 现行规定 holds the rules in force, 即将施行 those pending
    page.goto((demo_site / VIEWS[1]).as_uri())
    in_force = page.locator("ol.mzkb-timeline--in-force > li:visible")
    ids = [in_force.nth(i).get_attribute("data-mzkb-entry") for i in range(in_force.count())]
    assert {i for i in ids if i in truth} == {k for k, s in truth.items() if s in IN_FORCE and k != HOLIDAY or
                                                 k == HOLIDAY and s in IN_FORCE}, (day, ids)
    pending = page.locator("#jijiang-shixing")
    assert pending.is_visible() is any(s == "pending" for k, s in truth.items() if k != GUIDE)
    if truth[STANDARD] in IN_FORCE:
        assert "尚未生效" not in page.locator("ol.mzkb-timeline--in-force").inner_text()
    # the portal: in force in the current lists, else under 历史文件
    page.goto((demo_site / "audiences/elderly-care.html").as_uri())
    for key, state in truth.items():
        items = page.locator(f"li.mzkb-item[data-mzkb-status='{key}']:visible")
        if items.count():
            assert items.first.get_attribute("data-mzkb-in") == ("current amended" if state in IN_FORCE
                                                                 else "pending expired superseded repealed")
    # search: badges as on the document pages, order as mzkb search --as-of
    page.goto((demo_site / "search.html").as_uri() + "?q=%E5%AE%B6%E5%B1%9E%E6%8E%A2%E8%A7%86")
    first = page.locator("[data-mzkb-result]").first
    first.wait_for(timeout=10000)
    run = CliRunner().invoke(cli, ["search", "-c", str(demo_config), "--json", "--as-of", day, "家属探视"], catch_exceptions=False)
    top = json.loads(run.output)[0]["id"]
    assert top in first.locator("a.mzkb-result__title").get_attribute("href"), (day, top)
    if top in truth:
        assert LABELS[truth[top]] in first.locator(".mzkb-result__badges").inner_text()
    if day == "2027-03-05":
        assert top == STANDARD  # the 4-visitor rule answers first once in force
    # the status filter of the search page judges the reader's day too
    page.goto((demo_site / "search.html").as_uri() + "?q=%E6%8E%A2%E8%A7%86&status=pending")
    page.locator("#mzkb-search-summary").filter(has_text="找到").or_(page.locator("#mzkb-search-summary")
                                                                        .filter(has_text="没有")).wait_for(timeout=10000)
    hrefs = [a.get_attribute("href") for a in page.locator("[data-mzkb-result] a.mzkb-result__title").all()]
    assert any(STANDARD in h for h in hrefs) is (truth[STANDARD] == "pending"), (day, hrefs)
    _counts_agree(page, demo_site, day, truth)
    assert errors == []
    context.close()


def _counts_agree(page, site: Path, day: str, truth: dict) -> None:
    """The home tiles and listing lead lines count what the document pages say on ``day``, and
    what the portal and the listing show."""
    def expected(tally) -> int:
        ids, base, wanted, _ = tally
        for key in ids:
            if key not in truth:
                truth[key] = _page_status(page, site, key)
        return base + sum(truth[key] in wanted for key in ids)

    page.goto((site / "index.html").as_uri())
    tiles = page.evaluate(TALLIES)
    assert tiles and all(t[3] == expected(t) for t in tiles), (day, tiles)
    page.goto((site / "index.html").as_uri())
    tile = page.locator("a.mzkb-tile[href='audiences/elderly-care.html'] .mzkb-tile__count").inner_text()
    page.goto((site / "audiences/elderly-care.html").as_uri())
    shown = page.locator("[data-mzkb-group]:not(.mzkb-history) li.mzkb-item:visible").count()
    assert tile == f"现行文件 {shown} 件", (day, tile, shown)
    page.goto((site / "notices/index.html").as_uri())
    (current, history) = page.evaluate(TALLIES)
    assert current[3] == expected(current) and history[3] == expected(history), (day, current, history)
    lead = page.locator(".mzkb-lead").inner_text()
    listed = page.locator("[data-mzkb-group]:not(.mzkb-history) li.mzkb-item:visible").count()
    old = int(page.locator(".mzkb-history [data-mzkb-count]").inner_text())
    assert lead == f"现行有效 {listed} 件，历史文件 {old} 件。", (day, lead)


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
