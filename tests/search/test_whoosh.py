"""`mzkb search` over the Whoosh index of the last build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mzkb.cli import cli
from mzkb.pipeline import build


@pytest.fixture
def built_kb(small_built: Path) -> Path:
    """The small site, built once per session (``mzkb search`` only reads its index)."""
    return small_built


def search(config: Path, *args: str) -> list[dict]:
    result = CliRunner().invoke(cli, ["search", "-c", str(config), "--json", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_json_contract(built_kb: Path):
    hits = search(built_kb, "暂停探视")
    assert hits, "no hits"
    for key in ("id", "title", "url", "type", "status", "score", "snippet"):
        assert key in hits[0]
    assert hits[0]["id"] == "tan-shi-tong-zhi"
    assert hits[0]["url"] == "notices/tan-shi-tong-zhi.html#一暂停探视"
    marked = [hits[0]["snippet"][a:b] for a, b in hits[0]["highlights"]]
    assert "暂停" in marked and "探视" in marked  # whole runs, not characters, as offsets
    assert "【" not in hits[0]["snippet"]
    assert [hits[0]["title"][a:b] for a, b in hits[0]["title_highlights"]] == ["暂停", "探视"]
    assert [h["full"] for h in hits] == sorted((h["full"] for h in hits), reverse=True)  # full matches first


def test_editions_fold_under_the_current_one(built_kb: Path):
    hits = search(built_kb, "养老机构防控指南消毒要求")
    ids = [h["id"] for h in hits]
    assert "guide-2" in ids and "guide-1" not in ids
    assert hits[ids.index("guide-2")]["older"] == ["guide-1"]


def test_a_phrase_only_an_old_edition_holds_finds_it_naming_the_current_one(small_kb: Path):
    old = small_kb.parent / "content" / "guidelines" / "guide-1.md"
    old.write_text(old.read_text(encoding="utf-8") + "\n## 三、床位终末消毒\n\n床位终末消毒按床位终末消毒规程执行，床位终末消毒后通风。\n",
                   encoding="utf-8")
    new = small_kb.parent / "content" / "guidelines" / "guide-2.md"
    new.write_text(new.read_text(encoding="utf-8") + "\n## 三、其他\n\n床位按规定终末处理。\n", encoding="utf-8")
    assert build(small_kb).ok
    from mzkb.config import load_config
    from mzkb.search.whoosh_index import search_results

    config, _ = load_config(small_kb)
    hits = search_results(config.state_dir / "whoosh", "床位终末消毒", config).hits
    # the whole phrase is only in the old edition: it heads the result, which names the edition in force
    assert (hits[0].id, hits[0].status, hits[0].current, hits[0].older) == ("guide-1", "superseded", "guide-2", ("guide-2",))
    # a query both editions match whole: the current edition heads, the old one is folded under it
    hits = search_results(config.state_dir / "whoosh", "床位", config).hits
    assert hits[0].id == "guide-2" and hits[0].current == "" and hits[0].older == ("guide-1",)


def test_counts_full_and_partial_matches(built_kb: Path):
    from mzkb.config import load_config
    from mzkb.search.whoosh_index import search_results

    config, _ = load_config(built_kb)
    found = search_results(config.state_dir / "whoosh", "暂停消毒", config)
    assert found.full == 0 and found.partial >= 2  # no document says 暂停消毒; 暂停 and 消毒 apart do
    found = search_results(config.state_dir / "whoosh", "每日消毒", config)
    assert found.full == 2  # both editions say it (folded into one result)
    assert [(h.id, h.full, h.older) for h in found.hits][0] == ("guide-2", True, ("guide-1",))
    assert [h.full for h in found.hits] == [True] + [False] * (len(found.hits) - 1)  # partial ones after


def test_text_output_prints_the_counts_like_the_browser(built_kb: Path):
    from mzkb.config import load_config
    from mzkb.search.whoosh_index import search_results

    config, _ = load_config(built_kb)
    partial = search_results(config.state_dir / "whoosh", "暂停消毒", config).partial
    output = CliRunner().invoke(cli, ["search", "-c", str(built_kb), "每日消毒"]).output
    assert output.splitlines()[0].startswith("找到 2 个文件完全匹配")
    output = CliRunner().invoke(cli, ["search", "-c", str(built_kb), "暂停消毒"]).output
    assert output.splitlines()[0] == f"没有文件完全匹配“暂停消毒”，另有 {partial} 个部分匹配。"


def test_doc_number_prefix_and_pinyin(built_kb: Path):
    for typed in ("测民发〔2020〕", "测民发2020", "〔2020〕示例1号"):
        assert search(built_kb, typed, "-n", "1")[0]["id"] == "tan-shi-tong-zhi", typed
    assert search(built_kb, "tanshi", "-n", "1")[0]["id"] == "tan-shi-tong-zhi"  # 探视 in the title
    assert search(built_kb, "fkzn", "-n", "1")[0]["id"] == "guide-2"  # 防控指南 by initials


def test_transcript_hit_links_to_the_moment(built_kb: Path):
    hits = search(built_kb, "双层密封袋")
    assert hits[0]["id"] == "remains-video"
    assert hits[0]["url"] == "videos/remains-video.html#t=6"
    assert "双层密封袋" in hits[0]["snippet"]


def test_doc_number_in_any_bracket_style(built_kb: Path):
    for typed in ("测民发〔2020〕示例1号", "测民发[2020]示例1号", "测民发(2020)示例1号"):
        assert search(built_kb, typed, "-n", "1")[0]["id"] == "tan-shi-tong-zhi", typed


def test_synonym_from_site_config(built_kb: Path):
    hits = search(built_kb, "殡仪馆防护服")
    assert hits and hits[0]["id"] == "remains-video"


def test_filters(built_kb: Path):
    assert {h["type"] for h in search(built_kb, "养老机构", "--type", "guideline")} == {"guideline"}
    assert {h["status"] for h in search(built_kb, "养老机构", "--status", "current")} == {"current"}
    by_label = search(built_kb, "防护", "--audience", "殡葬服务机构")
    assert [h["id"] for h in by_label] == ["remains-video"]


def test_limit_and_text_output(built_kb: Path):
    assert len(search(built_kb, "养老机构", "-n", "1")) == 1
    result = CliRunner().invoke(cli, ["search", "-c", str(built_kb), "暂停探视"])
    assert result.exit_code == 0 and "1. 关于暂停养老机构探视的通知 [政策通知·现行有效]" in result.output
    assert "【" not in result.output  # piped: plain text, no marker characters
    shown = CliRunner().invoke(cli, ["search", "-c", str(built_kb), "暂停探视"], color=True).output
    assert "\x1b[1m\x1b[4m暂停\x1b[0m" in shown  # a terminal underlines the matched runs


def test_no_index_yet_and_unknown_audience(small_kb: Path):
    result = CliRunner().invoke(cli, ["search", "-c", str(small_kb), "探视"])
    assert result.exit_code == 1 and "mzkb build" in result.output
    assert build(small_kb).ok
    assert CliRunner().invoke(cli, ["search", "-c", str(small_kb), "探视", "--audience", "外星机构"]).exit_code == 2


def test_index_lives_beside_site_config_whatever_the_output(small_kb: Path, tmp_path: Path):
    assert build(small_kb, tmp_path / "elsewhere").ok
    assert (small_kb.parent / ".mzkb" / "whoosh").is_dir()
    assert search(small_kb, "暂停探视")[0]["id"] == "tan-shi-tong-zhi"


def test_demo_query_set_finds_the_best_answer(demo_config: Path):
    """The visible query set over the demo: nothing empty, best answer in the top 5 for >= 95%."""
    import yaml

    from mzkb.config import load_config
    from mzkb.search.whoosh_index import search as whoosh_search

    config, _ = load_config(demo_config)
    queries = yaml.safe_load((Path(__file__).parent / "queries_demo.yml").read_text(encoding="utf-8"))
    top5 = {q["q"]: [h.id for h in whoosh_search(config.state_dir / "whoosh", q["q"], config, 5)] for q in queries}
    assert [q for q, ids in top5.items() if not ids] == []
    hits = sum(q["expect"][0] in top5[q["q"]] for q in queries)
    assert hits / len(queries) >= 0.95


@pytest.mark.parametrize("typed", ["养老" * 5000, "".join(chr(0x4E00 + 7 * i) for i in range(10_000)), "消毒 " * 3000])
def test_a_10000_character_query_is_cut_before_any_work(built_kb: Path, typed: str):
    """Issue 24: `mzkb search` took quadratic time in the query's length (killed after 15 minutes
    at 10,000 characters). The query is cut to MAX_QUERY characters first, and says so."""
    from mzkb.config import load_config
    from mzkb.search import analyzer
    from mzkb.search.records import synonym_groups
    from mzkb.search.whoosh_index import search_results

    config = load_config(built_kb)[0]
    found = search_results(config.state_dir / "whoosh", typed, config)
    cut = typed[: analyzer.MAX_QUERY]
    assert found.shortened and found.query == analyzer.fold_traditional(cut) and len(found.query) == analyzer.MAX_QUERY
    same = search_results(config.state_dir / "whoosh", cut, config)
    assert not same.shortened and [h.to_json() for h in found.hits] == [h.to_json() for h in same.hits]
    assert all(len(terms) <= analyzer.MAX_QUERY_TERMS
               for terms in analyzer.analyze_query(found.query, lambda term: True, synonym_groups(config)))
    result = CliRunner().invoke(cli, ["search", "-c", str(built_kb), typed], catch_exceptions=False)
    assert result.exit_code == 0 and f"搜索词太长，只按前 {analyzer.MAX_QUERY} 个字符搜索。" in result.stderr
    assert typed not in result.stdout
    as_json = CliRunner().invoke(cli, ["search", "-c", str(built_kb), "--json", typed], catch_exceptions=False)
    assert json.loads(as_json.stdout) == [h.to_json() for h in found.hits]
def test_a_limit_cuts_the_ordered_results_and_never_empties_them(demo_config: Path):
    """`-n 1` is the first line of `-n 10`: the list is cut after ordering (an amended rule's
    pairing once dropped the only result shown)."""
    config = demo_config
    for query in ("家属探视", "探视", "口罩", "遗体处置"):
        ten = search(config, query, "-n", "10")
        for n in (1, 2, 3):
            assert [h["id"] for h in search(config, query, "-n", str(n))] == [h["id"] for h in ten[:n]], (query, n)
