"""Known-item search on the demo, in both engines: a document's title, its 文号 prefix or a phrase
only its text holds finds it at rank 1 whatever its status (repealed, expired, superseded), and
the result names the edition in force."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mzkb.config import load_config
from mzkb.pipeline import prepare
from mzkb.search import analyzer
from mzkb.search.records import UNIT_TEXT, document_units
from mzkb.search.whoosh_index import search_results

ROOT = Path(__file__).resolve().parents[2]
PHRASE = 8
"""Characters of the unique phrase taken from each document."""


def _corpus():
    prepared = prepare(ROOT / "site_config.yml")
    assert not prepared.failed
    return prepared.config, prepared.corpus


def _texts(doc, config) -> str:
    """Everything of a document that either engine can match (normalized)."""
    units = document_units(doc, config)
    return analyzer.normalize("\n".join(f"{u.heading}\n{u.text}\n" + "\n".join(u.fields.values()) for u in units))


def known_queries() -> list[tuple[str, str, str]]:
    """(kind, query, document id): every demo document's title, and a phrase of PHRASE Han
    characters from its text (within what both engines keep of a unit) that no other document holds."""
    config, corpus = _corpus()
    texts = {d.id: _texts(d, config) for d in corpus.documents}
    cases = []
    for doc in corpus.documents:
        cases.append(("title", doc.title, doc.id))
        others = [t for i, t in texts.items() if i != doc.id]
        phrase = ""
        for unit in document_units(doc, config)[1:] or document_units(doc, config):
            for run in re.findall("[\u4e00-\u9fff]+", analyzer.normalize((unit.text or "")[:UNIT_TEXT])):
                for start in range(len(run) - PHRASE + 1):
                    piece = run[start : start + PHRASE]
                    if not any(piece in t for t in others):
                        phrase = piece
                        break
                if phrase:
                    break
            if phrase:
                break
        assert phrase, doc.id
        cases.append(("phrase", phrase, doc.id))
    return cases


ISSUE_CASES = [
    ("关于养老机构暂停探视和外出活动的紧急通知", "notice-elderly-care-visiting-suspension"),
    ("关于做好2022年元旦春节期间民政服务机构疫情防控工作的通知", "notice-holiday-prevention-2022"),
    ("特殊原因需要外", "notice-elderly-care-visiting-suspension"),
    ("民养老函〔2020〕", "notice-elderly-care-visiting-suspension"),
]


def test_every_title_and_unique_phrase_first_in_whoosh(demo_config: Path):
    config, _ = load_config(demo_config)
    cases = known_queries() + [("issue", q, d) for q, d in ISSUE_CASES]
    statuses = set()
    wrong = []
    for kind, query, doc_id in cases:
        found = search_results(config.state_dir / "whoosh", query, config, 5)
        if not found.hits or found.hits[0].id != doc_id:
            wrong.append((kind, query, doc_id, [h.id for h in found.hits[:3]]))
        else:
            statuses.add(found.hits[0].status)
    assert wrong == []
    assert {"repealed", "expired", "superseded", "pending", "current"} <= statuses  # every status found first


def test_old_edition_found_first_names_the_edition_in_force(demo_config: Path):
    config, _ = load_config(demo_config)
    hit = search_results(config.state_dir / "whoosh", "关于养老机构暂停探视和外出活动的紧急通知", config, 5).hits[0]
    assert (hit.id, hit.status, hit.current) == ("notice-elderly-care-visiting-suspension", "repealed", "elderly-care-covid-guide-2")
    assert hit.current_url == "guidelines/elderly-care-covid-guide-2.html"
    # the current edition matching as well still heads its chain
    hit = search_results(config.state_dir / "whoosh", "养老机构新冠肺炎疫情防控指南", config, 5).hits[0]
    assert hit.id == "elderly-care-covid-guide-2" and hit.current == "" and "elderly-care-covid-guide-1" in hit.older


BROWSER_SEARCH = """async cases => {
    const out = [];
    for (const [kind, q, id] of cases) {
        const r = await mzkbSearch.search(q, {}, 5);
        const first = r.results[0];
        const f = first ? mzkbSearch.state.frags[first.doc] : null;
        out.push([kind, q, id, f ? f.u : "", f ? f.s : "", first && first.current !== undefined
                  && first.current !== null ? mzkbSearch.state.frags[first.current].u : ""]);
    }
    return out;
}"""


@pytest.fixture
def search_page(demo_site: Path, page):
    page.goto((demo_site / "search.html").as_uri())
    page.wait_for_function("window.mzkb && window.mzkb.search && window.mzkb.analyzer")
    return page


def test_every_title_and_unique_phrase_first_in_the_browser(search_page):
    cases = known_queries() + [("issue", q, d) for q, d in ISSUE_CASES]
    found = search_page.evaluate(BROWSER_SEARCH, [list(c) for c in cases])
    wrong = [row[:4] for row in found if not row[3].endswith("/" + row[2] + ".html")]
    assert wrong == []
    assert {"repealed", "expired", "superseded", "pending", "current"} <= {row[4] for row in found}
    assert search_page.errors == []


def test_browser_result_shows_status_and_the_rule_in_force(demo_site: Path, page):
    from urllib.parse import quote

    page.goto((demo_site / "search.html").as_uri() + "?q=" + quote("关于养老机构暂停探视和外出活动的紧急通知"))
    first = page.locator("[data-mzkb-result]").first
    first.wait_for(timeout=10000)
    assert "visiting-suspension" in first.locator("a.mzkb-result__title").get_attribute("href")
    assert "已废止" in first.locator(".mzkb-result__badges").inner_text()
    link = first.locator("a.mzkb-result__current")
    assert "现行版本" in first.locator(".mzkb-result__current-note").inner_text()
    assert link.get_attribute("href").endswith("guidelines/elderly-care-covid-guide-2.html")
    # a document in force says so explicitly
    page.goto((demo_site / "search.html").as_uri() + "?q=" + quote("分区分级有序恢复"))
    page.locator("[data-mzkb-result]").first.wait_for(timeout=10000)
    assert "现行有效" in page.locator("[data-mzkb-result] .mzkb-result__badges").first.inner_text()
    assert page.errors == []


def test_ranking_constants_reach_the_browser_from_python(demo_site: Path):
    """The browser reads ranking.py's constants, written into search.js by the build (never a copy)."""
    import json

    from mzkb.search.ranking import browser_rules

    shipped = (demo_site / "assets/mzkb/search.js").read_text(encoding="utf-8")
    assert json.dumps(browser_rules(), sort_keys=True, separators=(",", ":")) in shipped
    assert "mzkb:rules" not in shipped
    source = (ROOT / "theme/assets/mzkb/search.js").read_text(encoding="utf-8")
    assert not re.search(r"\b(?:WINDOW|SIMILAR|KNOWN_PHRASE_CHARS)\s*=\s*[0-9]", source)


@pytest.mark.parametrize("day", ["2020-05-09", "2022-01-15", "2027-03-05", "2035-06-01"])
def test_every_title_and_unique_phrase_first_on_the_readers_day(demo_site: Path, demo_config: Path, page, day):
    """The known-item bar holds on any reader's day, not only the build's: statuses re-judged on
    ``day`` (``mzkb search --as-of``, the browser's clock) never push a title or a unique phrase
    below rank 1 in either engine."""
    from engines import browser_top, cli_top

    cases = known_queries() + [("issue", q, d) for q, d in ISSUE_CASES]
    queries = [q for _, q, _ in cases]
    expected = [d for _, _, d in cases]
    whoosh = [ids[:1] for ids in cli_top(demo_config, queries, 1, day=day)]
    browser = [ids[:1] for ids in browser_top(page, demo_site, queries, 1, day=day)]
    assert [(q, e, w) for q, e, w in zip(queries, expected, whoosh) if w != [e]] == []
    assert [(q, e, b) for q, e, b in zip(queries, expected, browser) if b != [e]] == []
    assert page.errors == []
