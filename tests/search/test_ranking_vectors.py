"""One ranking, one vector file: ``ranking_vectors.json`` holds demo queries (a reader's, titles,
文号 in several bracket forms, aliases, traditional characters) and the top 10 document ids both
engines must return, in order. Re-record after an intended ranking change with
``python tests/search/test_ranking_vectors.py`` (after a demo build), and review the diff."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VECTORS = Path(__file__).with_name("ranking_vectors.json")
DAY = "2026-12-07"
"""The day statuses are judged on, in both engines (the demo has documents whose status changes with the day)."""
sys.path.insert(0, str(ROOT / "tests"))

from engines import browser_top, cli_top  # noqa: E402


def test_both_engines_return_the_recorded_top_10(demo_site: Path, demo_config: Path, page):
    vectors = json.loads(VECTORS.read_text(encoding="utf-8"))
    queries = [v["q"] for v in vectors]
    expected = [v["top"] for v in vectors]
    assert len(queries) >= 40
    assert cli_top(demo_config, queries, day=DAY) == expected
    assert browser_top(page, demo_site, queries, day=DAY) == expected
    assert page.errors == []


def _queries() -> list[str]:
    import yaml

    from mzkb.pipeline import prepare

    typed = [q["q"] for q in yaml.safe_load((ROOT / "tests/search/queries_demo.yml").read_text(encoding="utf-8"))][::3]
    docs = list(prepare(ROOT / "site_config.yml").corpus.documents)
    titles = [d.title for d in docs[::4]]
    forms = [("〔", "〕"), ("[", "]"), ("【", "】"), ("(", ")")]
    numbers = [d.doc_number.replace("〔", forms[i % 4][0]).replace("〕", forms[i % 4][1])
               for i, d in enumerate(d for d in docs if d.doc_number)][::3]
    return typed + titles + numbers + ["民办函〔2020〕", "民办函2020", "covid", "COVID-19 养老机构", "家屬探視", "隔离观察"]


if __name__ == "__main__":
    queries = _queries()
    top = cli_top(ROOT / "site_config.yml", queries, day=DAY)
    VECTORS.write_text(json.dumps([{"q": q, "top": t} for q, t in zip(queries, top)], ensure_ascii=False, indent=1) + "\n",
                       encoding="utf-8")
    print(f"{len(queries)} vectors -> {VECTORS}")
