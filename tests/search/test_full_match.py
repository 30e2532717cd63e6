"""完全匹配 means the document's reader-visible text holds the query (``ranking.holds_query``):
title, 文号, headings, body, transcripts — never only audience labels, topics or pinyin, and not
the query's bigrams scattered over the text. Same counts in the browser and ``mzkb search``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import quote

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mzkb.cli import cli
from mzkb.config import load_config
from mzkb.pipeline import build
from mzkb.search import ranking
from mzkb.search.whoosh_index import search_results

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

RUN = """async (qs) => {
    const out = {};
    for (const q of qs) { const r = await mzkbSearch.search(q, {}, 10); out[q] = [r.full, !!r.fullUpper]; }
    return out;
}"""


def _visible(path: Path) -> tuple[str, bool]:
    """The reader-visible text of a content file, read from its Markdown as a reader would: title,
    文号, body (and a video's transcript file); whether it is a draft."""
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---", 2)
    meta = yaml.safe_load(front)
    parts = [str(meta.get("title", "")), str(meta.get("doc_number", "") or ""), body]
    vtt = path.with_suffix(".vtt")
    if vtt.exists():
        parts.append(vtt.read_text(encoding="utf-8"))
    return "\n".join(parts), bool(meta.get("draft"))


def true_count(content: Path, query: str) -> int:
    """Documents whose visible text holds every word of the query (normalized as the analyzer does)."""
    words = ranking.query_words(query)
    count = 0
    for path in sorted(content.rglob("*.md")):
        text, draft = _visible(path)
        folded = ranking.fold_text(text)
        count += not draft and all(w in folded for w in words)
    return count


def _cli_count_line(config_path: Path, query: str) -> str:
    """The count line `mzkb search` prints (``--json`` prints the hits only, each with ``full``)."""
    as_json = CliRunner().invoke(cli, ["search", query, "--json", "-c", str(config_path)], catch_exceptions=False)
    hits = json.loads(as_json.output)
    result = CliRunner().invoke(cli, ["search", query, "-c", str(config_path)], catch_exceptions=False)
    assert result.exit_code == 0 and as_json.exit_code == 0, result.output
    line = result.output.splitlines()[0]
    assert hits[0]["full"] == line.startswith("找到") if hits else True
    return line


def test_demo_counts_are_the_documents_whose_text_holds_the_query(demo_site: Path, demo_config: Path, page):
    """遗体处置 (two videos hold it only as a topic) and the audience words 城乡 and 社区: the count
    is the number of documents whose text holds the word, the same in Chromium and `mzkb search` (its count line; ``--json``'s first hit is a full match exactly when there are some)."""
    config, _ = load_config(demo_config)
    total = len([p for p in (ROOT / "content").rglob("*.md") if not _visible(p)[1]])
    page.goto((demo_site / "search.html").as_uri())
    page.wait_for_function("window.mzkb && window.mzkb.search && window.mzkb.analyzer")
    queries = ["遗体处置", "城乡", "社区", "临时救助", "遗体 火化", "年内购买首套"]
    browser = page.evaluate(RUN, queries)
    for query in queries:
        truth = true_count(ROOT / "content", query)
        found = search_results(config.state_dir / "whoosh", query, config)
        assert found.full == truth, (query, found.full, truth)
        assert browser[query] == [truth, False], (query, browser[query], truth)
        line = _cli_count_line(demo_config, query)
        assert line.startswith(f"找到 {truth} 个文件完全匹配" if truth else f"没有文件完全匹配“{query}”"), line
    assert true_count(ROOT / "content", "遗体处置") == 4  # the figure: 6 were reported
    for word in ("城乡", "社区"):  # audience labels of every document no longer make them full matches
        assert 0 < true_count(ROOT / "content", word) < total
    page.goto((demo_site / "search.html").as_uri() + "?q=" + quote("遗体处置"))
    page.wait_for_selector("[data-mzkb-result]", timeout=10000)
    summary = page.locator("#mzkb-search-summary").inner_text()
    assert summary.startswith(_cli_count_line(demo_config, "遗体处置")), summary
    assert page.errors == []


ALPHABET = "养老机构殡葬服务"
"""Characters of the generated texts: the audience labels 养老机构 and 殡葬服务机构 are made of them,
so labels (recall only) and bigrams scattered over a text both meet the queries."""

texts = st.text(alphabet=ALPHABET + "，", min_size=1, max_size=40)
documents = st.lists(st.tuples(texts, st.lists(texts, min_size=1, max_size=3), st.integers(0, 3), st.booleans()),
                     min_size=2, max_size=7)
queries = st.lists(st.text(alphabet=ALPHABET, min_size=2, max_size=5), min_size=4, max_size=10, unique=True)


@settings(max_examples=3, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(docs=documents, extra=queries)
def test_full_match_count_is_the_substring_count_in_both_engines(tmp_path_factory, browser, docs, extra):
    """Over generated documents (audience labels made of the query's characters, a section longer
    than the text a fragment keeps): both engines count exactly the documents whose visible text
    holds the query, as a brute-force substring count does."""
    kb = tmp_path_factory.mktemp("gen") / "kb"
    shutil.copytree(FIXTURES / "sites" / "small", kb)
    content = kb / "content"
    shutil.rmtree(content)
    (content / "guidelines").mkdir(parents=True)
    labels = [["relief"], ["elderly-care"], ["funeral"], ["elderly-care", "funeral"]]
    bodies = []
    for n, (title, sections, audience, long) in enumerate(docs):
        body = "".join(f"\n## 第{i + 1}节\n\n{text}\n" for i, text in enumerate(sections))
        if long:  # beyond records.UNIT_TEXT: only the rest file / stored rest holds the end of it
            body += "\n## 长节\n\n" + "，".join(["务服"] * 900) + "，" + sections[0] + "\n"
        front = {"title": f"文件{n}{title}", "date": f"2020-01-{n + 1:02d}", "issuer": "测试民政局",
                 "audiences": labels[audience], "topics": ["疫情防控"]}
        (content / "guidelines" / f"g{n}.md").write_text("---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body,
                                                         encoding="utf-8")
        bodies.append(body)
    result = build(kb / "site_config.yml", kb / "site")
    assert result.ok, [d.format() for d in result.prepared.diagnostics]
    config, _ = load_config(kb / "site_config.yml")
    asked = list(dict.fromkeys(["养老机构", "殡葬服务", "养老", "机构", *extra]))
    page = browser.new_page()
    page.goto((kb / "site" / "search.html").as_uri())
    page.wait_for_function("window.mzkb && window.mzkb.search && window.mzkb.analyzer")
    found_browser = page.evaluate(RUN, asked)
    page.close()
    for query in asked:
        truth = true_count(content, query)
        assert search_results(config.state_dir / "whoosh", query, config).full == truth, query
        assert found_browser[query] == [truth, False], (query, found_browser[query], truth)


def test_a_word_only_an_older_edition_holds_shows_that_editions_passage(small_kb: Path, tmp_path: Path, page):
    """终末消毒 is in the first edition only: the result is headed by the edition in force, and its
    snippet is the first edition's passage, said to be so, in both engines."""
    guides = small_kb.parent / "content" / "guidelines"
    for name, text in (("guide-1.md", "每日开窗通风三次，病区终末消毒由专人负责。"), ("guide-2.md", "每日开窗通风三次，消毒按规定执行，终末处理由专人负责。")):
        path = guides / name
        path.write_text(path.read_text(encoding="utf-8") + f"\n## 三、通风\n\n{text}\n", encoding="utf-8")
    assert build(small_kb, tmp_path / "site").ok
    config, _ = load_config(small_kb)
    hit = search_results(config.state_dir / "whoosh", "终末消毒", config).hits[0]
    assert (hit.id, hit.snippet_in, hit.full) == ("guide-2", "guide-1", True)
    assert "终末消毒" in hit.snippet and [hit.snippet[a:b] for a, b in hit.snippet_marks] == ["终末消毒"]
    result = CliRunner().invoke(cli, ["search", "终末消毒", "-c", str(small_kb)], catch_exceptions=False)
    assert "见于旧版《养老机构防控指南（第一版）》（2020年版）：" in result.output
    page.goto((tmp_path / "site" / "search.html").as_uri() + "?q=" + quote("终末消毒"))
    page.wait_for_selector("[data-mzkb-result]", timeout=10000)
    first = page.locator("[data-mzkb-result]").first
    assert "guide-2" in first.locator("a.mzkb-result__title").get_attribute("href")
    assert first.locator(".mzkb-result__older-passage").inner_text() == "见于旧版《养老机构防控指南（第一版）》（2020年版）："
    assert first.locator(".mzkb-result__snippet mark").all_inner_texts() == ["终末消毒"]
    assert page.errors == []


def test_a_word_beyond_the_fragments_text_is_counted_and_shown(small_kb: Path, tmp_path: Path, page):
    """A section longer than ``records.UNIT_TEXT`` holds 终末消毒 only at its end: both engines count
    the document (the browser loads its rest file) and cut the snippet there."""
    from mzkb.search.records import UNIT_TEXT

    path = small_kb.parent / "content" / "guidelines" / "guide-2.md"
    filler = "，".join(["每日开窗通风"] * (UNIT_TEXT // 6))
    path.write_text(path.read_text(encoding="utf-8") + f"\n## 三、通风\n\n{filler}。病区终末消毒由专人负责。\n", encoding="utf-8")
    assert build(small_kb, tmp_path / "site").ok
    config, _ = load_config(small_kb)
    found = search_results(config.state_dir / "whoosh", "终末消毒", config)
    assert found.full == 1 and "终末消毒" in found.hits[0].snippet
    page.goto((tmp_path / "site" / "search.html").as_uri() + "?q=" + quote("终末消毒"))
    page.wait_for_selector("[data-mzkb-result]", timeout=10000)
    assert page.locator("#mzkb-search-summary").inner_text().startswith("找到 1 个文件完全匹配")
    assert page.locator("[data-mzkb-result]").first.locator(".mzkb-result__snippet mark").all_inner_texts() == ["终末消毒"]
    assert page.errors == []
