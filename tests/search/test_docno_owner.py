"""The 文号's own document first, in both engines: a query that is a full 文号 (any bracket form)
ranks the document whose ``doc_number`` it is first, the documents citing it after; a 文号 prefix
lists its owners newest first, and says so when it is no document's. Aliases (covid -> 新冠) in
both engines."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from engines import agreement, browser_top, cli_top, docno_forms, write_generated_kb

from mzkb.cli import cli
from mzkb.config import load_config
from mzkb.pipeline import build
from mzkb.search import analyzer


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    target = tmp_path_factory.mktemp("gen") / "kb"
    config, docs = write_generated_kb(target)
    result = build(config, target / "site")
    assert result.ok, [d.format() for d in result.prepared.diagnostics]
    return config, target / "site", docs


def test_full_doc_number_in_any_bracket_form_finds_its_owner_first_in_both_engines(generated, page):
    config, site, docs = generated
    queries = [docno_forms(d["doc_number"], n) for n, d in enumerate(docs)]
    cli = cli_top(config, queries)
    browser = browser_top(page, site, queries)
    dates = {d["id"]: d["date"] for d in docs}
    assert sum(len(d["cited_by"]) >= 2 for d in docs) >= 8
    for doc, mine, theirs in zip(docs, cli, browser):
        # the owner, then the documents citing it, newest first, alike in both engines
        tier = [doc["id"]] + sorted(doc["cited_by"], key=lambda i: (dates[i], i), reverse=True)[: len(mine) - 1]
        assert mine[: len(tier)] == tier and theirs[: len(tier)] == tier, doc["doc_number"]
    assert agreement(cli, browser)[0] == 1.0
    assert page.errors == []


def test_doc_number_prefix_lists_owners_newest_first(generated, page):
    config, site, docs = generated
    owners = sorted((d for d in docs if d["doc_number"].startswith("测民发〔2020〕")), key=lambda d: d["date"], reverse=True)
    assert len(owners) >= 2
    for query in ("测民发〔2020〕", "测民发2020", "测民发[2020]"):
        top = cli_top(config, [query], 30)[0]
        assert top[: len(owners)] == [d["id"] for d in owners], query
        assert browser_top(page, site, [query], 30)[0] == top


def test_a_prefix_no_document_owns_says_so_in_both_engines(generated, page):
    config, site, _ = generated
    run = CliRunner().invoke(cli, ["search", "-c", str(config), "测民发〔2031〕"])
    assert run.exit_code == 0 and "没有文号以“测民发〔2031〕”开头的文件。" in run.output
    assert "部分匹配" not in run.output  # never the documents that share its characters
    page.goto((site / "search.html").as_uri() + "?q=" + quote("测民发〔2031〕"))
    page.wait_for_function("() => document.body.innerText.includes('没有文号以“测民发〔2031〕”开头的文件')", timeout=10000)
    assert page.locator("[data-mzkb-result]").count() == 0
    # a prefix its owners exist for says nothing of the kind
    run = CliRunner().invoke(cli, ["search", "-c", str(config), "测民发〔2020〕"])
    assert "没有文号以" not in run.output


def test_json_keeps_real_doc_numbers_whole_with_offsets(tmp_path):
    """莆房金委【2024】6号 comes out as typed, its highlights as offsets (never 【】 markers)."""
    config, _ = write_generated_kb(tmp_path / "kb", count=3)
    notice = tmp_path / "kb" / "content" / "notices" / "gen-001.md"
    text = notice.read_text(encoding="utf-8")
    notice.write_text(re.sub(r"doc_number: .*", "doc_number: 莆房金委【2024】6号", text, count=1), encoding="utf-8")
    assert build(config, tmp_path / "kb" / "site").ok
    run = CliRunner().invoke(cli, ["search", "-c", str(config), "--json", "莆房金委【2024】6号"])
    hits = json.loads(run.output)
    assert hits[0]["id"] == "gen-001" and hits[0]["doc_number"] == "莆房金委【2024】6号"
    assert "【【" not in run.output and all(isinstance(s, list) and len(s) == 2 for s in hits[0]["title_highlights"])


def test_aliases_default_and_configured_in_both_engines(generated, tmp_path, page):
    assert analyzer.apply_aliases("COVID-19防控", [("covid-19", "新冠"), ("covid", "新冠")]) == "新冠防控"
    assert analyzer.apply_aliases("covidx covid", [("covid", "新冠")]) == "covidx 新冠"  # a whole Latin word only
    config, site, docs = generated
    text = config.read_text(encoding="utf-8")
    kb = tmp_path / "kb"
    write_generated_kb(kb)
    (kb / "site_config.yml").write_text(text + "search:\n  aliases:\n    laoren: 养老机构\n    fuli: 儿童福利\n", encoding="utf-8")
    assert build(kb / "site_config.yml", kb / "site").ok
    for typed, searched in (("laoren 探视管理", "养老机构 探视管理"), ("fuli", "儿童福利")):
        assert cli_top(kb / "site_config.yml", [typed]) == cli_top(kb / "site_config.yml", [searched])
        assert browser_top(page, kb / "site", [typed]) == browser_top(page, kb / "site", [searched])
        run = CliRunner().invoke(cli, ["search", "-c", str(kb / "site_config.yml"), typed])
        assert f"已按“{searched}”搜索。" in run.output
    page.goto((kb / "site" / "search.html").as_uri() + "?q=" + quote("FULI"))
    page.wait_for_function("() => document.body.innerText.includes('已按“儿童福利”搜索')", timeout=10000)
    assert page.errors == []


def test_covid_finds_the_demo_documents_on_xinguan(demo_site: Path, demo_config: Path, page):
    covid, xinguan = cli_top(demo_config, ["covid", "新冠"])
    assert covid == xinguan and len(covid) == 10
    assert browser_top(page, demo_site, ["COVID-19"]) == browser_top(page, demo_site, ["新冠"])


@pytest.mark.parametrize(("aliases", "detail"), [("[covid, 新冠]", "映射"), ("{covid: [新冠]}", "非空字符串"),
                                                  ("{covid: ''}", "非空字符串"), ("{新冠: 新冠}", "相同")])
def test_bad_aliases_are_a_chinese_diagnostic_at_their_line(tmp_path, aliases, detail):
    (tmp_path / "content").mkdir()
    path = tmp_path / "site_config.yml"
    path.write_text(f"site:\n  title: 知识库\naudiences: []\nsearch:\n  aliases: {aliases}\n", encoding="utf-8")
    config, diags = load_config(path)
    assert config is None
    [diag] = [d for d in diags if d.code in ("MZ104", "MZ353")]
    assert detail in diag.message and diag.line == 5


def test_engines_agree_on_the_generated_kb(generated, page):
    """Titles, 文号 prefixes, words and phrases: the same top 10 in the same order (both engines rank
    on the same quantized scores, whoosh_index.SharedBM25F)."""
    config, site, docs = generated
    queries = [d["title"] for d in docs[:12]] + [d["doc_number"][:-3] for d in docs[:6]] + \
        ["养老机构", "探视管理 疫情防控", "基本生活保障", "隔离观察", "殡葬", "救助管理 临时救助", "2020", "做好特困人员"]
    cli, browser = cli_top(config, queries), browser_top(page, site, queries)
    assert [d["id"] for d in docs[:12]] == [top[0] for top in cli[:12]]
    assert agreement(cli, browser) == (1.0, 1.0)
