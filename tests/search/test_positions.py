"""Exact 完全匹配 counts where postings alone overcount and there are more candidates than the
browser reads (``ranking.VERIFY``): the position shards (``positions.py``) prove or drop them."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import quote

import yaml

from mzkb.config import load_config
from mzkb.pipeline import build
from mzkb.search import positions
from mzkb.search.ranking import VERIFY
from mzkb.search.whoosh_index import search_results

from .test_full_match import RUN, true_count

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_positions_prove_adjacency_and_read_a_number_whole():
    texts = ["关于医疗保障的通知", "", "医疗费用，治疗保养，保障措施", "国务院令第120号，2012年12月"]
    found = positions.doc_positions(texts)
    held = lambda word, where=found: positions.holds(positions.word_tokens(word)[0], where)  # noqa: E731
    assert held("医疗保障") and held("疗保") and held("国务院令第12")  # 第12 is in 第120
    assert not held("保障措施医疗") and not held("治疗保障") and not held("令第12号"[:-1] + "2号")
    assert not held("国务院令第12号")  # 12 is read whole where the word goes on after it
    assert not held("通知医疗")  # no run spans two texts
    assert positions.word_tokens("医疗保障")[1] and not positions.word_tokens("第12号")[1]  # 号 alone is not proven
    flat = positions.PositionsBuilder()
    flat.add(3, texts)
    flat.add(9, ["医疗保障"])
    assert positions.decode(flat.numbers()["医疗"]) == {3: found["医疗"], 9: [0]}


def _kb(tmp_path_factory) -> Path:
    """40 notices: 33 hold 医疗, 疗保 and 保障 apart (every bigram of 医疗保障, never the word), 4 hold
    it whole; 35 carry 国务院令第12N号 and 12 elsewhere, 2 of them 国务院令第12号 itself."""
    kb = tmp_path_factory.mktemp("positions") / "kb"
    shutil.copytree(FIXTURES / "sites" / "small", kb)
    shutil.rmtree(kb / "content")
    (kb / "content" / "guidelines").mkdir(parents=True)
    for n in range(40):
        if n < 33:
            body = f"医疗费用由个人承担。治疗保养期间，保障措施第{n}项执行。"
        elif n < 37:
            body = "城乡居民医疗保障按规定执行。"
        else:
            body = "其他事项另行通知。"
        number = 12 if n in (5, 38) else 120 + n % 10
        body += f"\n\n依据中华人民共和国国务院令第{number}号，自2012年12月起施行。\n"
        front = {"title": f"第{n}号通知", "date": f"2020-01-{n % 28 + 1:02d}", "issuer": "测试民政局",
                 "audiences": ["relief"], "topics": ["疫情防控"]}
        (kb / "content" / "guidelines" / f"g{n}.md").write_text(
            "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n\n## 一、规定\n\n" + body, encoding="utf-8")
    result = build(kb / "site_config.yml", kb / "site")
    assert result.ok, [d.format() for d in result.prepared.diagnostics]
    return kb


def test_browser_counts_exactly_where_bigrams_overcount(tmp_path_factory, page, monkeypatch):
    """医疗保障: 37 documents hold its bigrams, 4 the word; 中华人民共和国国务院令第12号: 40 documents
    hold its pieces (第120号 … 第129号 and 12 elsewhere), 2 the number itself. More candidates than
    the browser reads, so before position shards it said "找到至多 37 个"; now the count is exact, in
    both engines and in the page's summary line, and position shards were loaded to prove it
    (lists longer than 50 characters in files of their own here, as 公共 or 项目 on real laws)."""
    monkeypatch.setattr("mzkb.search.browser_index.ALONE", 50)
    kb = _kb(tmp_path_factory)
    content, site = kb / "content", kb / "site"
    config, _ = load_config(kb / "site_config.yml")
    queries = ["医疗保障", "中华人民共和国国务院令第12号", "国务院令第12号"]
    truth = {q: true_count(content, q) for q in queries}
    assert truth == {"医疗保障": 4, "中华人民共和国国务院令第12号": 2, "国务院令第12号": 2}
    page.goto((site / "search.html").as_uri())
    page.wait_for_function("window.mzkb && window.mzkb.search && window.mzkb.analyzer")
    candidates = page.evaluate("""async () => { const r = await mzkbSearch.search("医疗 疗保 保障", {}, 10); return r.full; }""")
    assert candidates > VERIFY  # every document holding the bigrams: more than the browser reads
    found = page.evaluate(RUN, queries)
    for query in queries:
        assert search_results(config.state_dir / "whoosh", query, config).full == truth[query], query
        assert found[query] == [truth[query], False], (query, found[query])
    page.goto((site / "search.html").as_uri() + "?q=" + quote("医疗保障"))
    page.wait_for_selector("[data-mzkb-result]", timeout=10000)
    assert page.locator("#mzkb-search-summary").inner_text().startswith("找到 4 个文件完全匹配")
    loaded = page.evaluate("mzkb.loadedScripts()")
    assert any(Path(u).name.startswith("p") for u in loaded if "/search/" in u), loaded
    assert any(u.endswith("assets/mzkb/search-positions.js") for u in loaded), loaded
    assert any(Path(u).name.startswith("p") and Path(u).name.count(".") == 2 for u in loaded if "/search/" in u), loaded
    assert page.errors == []
