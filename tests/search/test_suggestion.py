"""您是不是要找: a query that no document matches whole gets one suggestion, the same in both engines,
taken from the texts of its first results (隔里观察 -> 隔离观察)."""

from __future__ import annotations

import random
from pathlib import Path
from urllib.parse import quote

from click.testing import CliRunner

from mzkb.cli import cli
from mzkb.config import load_config
from mzkb.search import ranking
from mzkb.search.whoosh_index import search_results

ROOT = Path(__file__).resolve().parents[2]
BROWSER = """async qs => { const out = []; for (const q of qs) out.push((await mzkbSearch.search(q, {}, 10)).suggestion); return out; }"""


def test_suggestion_rule():
    texts = ["设置隔离观察区", "隔离观察点", "隔壁观察"]
    assert ranking.suggestion("隔里观察", texts) == "隔离观察"  # found twice, 隔壁观察 once
    assert ranking.suggestion("养老", texts) == ""  # runs shorter than SUGGEST_MIN are left alone
    assert ranking.suggestion("隔里观察", ["无关"]) == ""


def test_typo_gets_the_same_suggestion_in_both_engines(demo_site: Path, demo_config: Path, page):
    config, _ = load_config(demo_config)
    run = CliRunner().invoke(cli, ["search", "-c", str(demo_config), "隔里观察"])
    assert run.exit_code == 0 and "您是不是要找：隔离观察" in run.output
    page.goto((demo_site / "search.html").as_uri() + "?q=" + quote("隔里观察"))
    page.wait_for_function("() => document.body.innerText.includes('您是不是要找：隔离观察')", timeout=10000)
    # typos made by changing one character of demo phrases: both engines suggest alike
    rnd = random.Random(27)
    phrases = ["分区分级有序恢复", "遗体接运车辆消毒", "困难群众基本生活", "殡仪馆防护用品", "养老机构探视服务", "婚姻登记预约"]
    typos = [p[:i] + rnd.choice("的一是了我不人在他有这") + p[i + 1:] for p in phrases for i in (1, 4)]
    cli_side = [search_results(config.state_dir / "whoosh", q, config, 10).suggestion for q in typos]
    assert page.evaluate(BROWSER, typos) == cli_side
    assert sum(bool(s) for s in cli_side) >= 6
    # a query documents match whole gets none
    assert search_results(config.state_dir / "whoosh", "隔离观察", config).suggestion == ""
    assert page.errors == []
