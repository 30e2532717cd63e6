"""Search quality and speed, measured (not timed tests).

    python bench/search.py quality [--set demo|lawref|all]   success@1, success@5, MRR for both engines
    python bench/search.py speed [--docs 3000] [--pagefind]  first-result time, warm latency, bytes per query

Engines: the browser index (headless Chromium, site opened from file://) and `mzkb search`
(Whoosh). A query succeeds at k when its best expected document is among the first k.
Writes bench/out/search-*.json; bench/REPORT.md quotes the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from generator.pipeline import build  # noqa: E402
from generator.search.whoosh_index import search as whoosh_search  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def build_kb(config: Path, out: Path):
    """Build a knowledge base; return (SiteConfig, site dir)."""
    result = build(config, out)
    if not result.ok:
        raise SystemExit("\n".join(d.format() for d in result.prepared.diagnostics[:20]))
    return result.prepared.config, result.out_dir


def doc_id_of(url: str) -> str:
    """Document id from a result URL (``guidelines/x.html#a`` -> ``x``)."""
    return url.split("#")[0].rsplit("/", 1)[-1].removesuffix(".html")


def browser_rankings(site: Path, queries: list[str], limit: int = 10) -> dict[str, list[str]]:
    """Ranked ids per query from the browser engine (in-page API of search.html, from file://)."""
    from playwright.sync_api import sync_playwright

    out: dict[str, list[str]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto((site / "search.html").as_uri())
        page.wait_for_function("window.mzkbSearch && window.MzkbAnalyzer")
        for q in queries:
            urls = page.evaluate("""async ([q, n]) => {
                const res = await mzkbSearch.search(q, {}, n);
                return res.results.map(r => mzkbSearch.state.frags[r.doc].u);
            }""", [q, limit])
            out[q] = [doc_id_of(u) for u in urls]
        browser.close()
    return out


def whoosh_rankings(config, queries: list[str], limit: int = 10) -> dict[str, list[str]]:
    """Ranked ids per query from the Whoosh engine (what `mzkb search` prints)."""
    return {q: [h.id for h in whoosh_search(config.state_dir / "whoosh", q, config, limit)] for q in queries}


def score(queries: list[dict], rankings: dict[str, list[str]]) -> dict:
    """success@1, success@5, MRR (best expected id), all-expected@5, empty results, misses."""
    s1 = s5 = mrr = all5 = empty = 0
    misses = []
    for item in queries:
        ranked = rankings[item["q"]]
        best = item["expect"][0]
        rank = ranked.index(best) + 1 if best in ranked else 0
        s1 += rank == 1
        s5 += 0 < rank <= 5
        mrr += 1 / rank if rank else 0
        all5 += all(e in ranked[:5] for e in item["expect"])
        empty += not ranked
        if not 0 < rank <= 5:
            misses.append({"q": item["q"], "expect": best, "got": ranked[:5]})
    n = len(queries)
    return {"queries": n, "success@1": round(s1 / n, 3), "success@5": round(s5 / n, 3), "mrr": round(mrr / n, 3),
            "all_expected@5": round(all5 / n, 3), "empty": empty, "misses": misses}


def quality(which: str) -> dict:
    """Run the query sets; return the report."""
    work = HERE / "out" / "work"
    work.mkdir(parents=True, exist_ok=True)
    report = {}
    sets = []
    if which in ("demo", "all"):
        queries = yaml.safe_load((ROOT / "tests/search/queries_demo.yml").read_text(encoding="utf-8"))
        sets.append(("demo", ROOT / "site_config.yml", queries))
    if which in ("lawref", "all"):
        import lawref

        target = work / "lawref-kb"
        shutil.rmtree(target, ignore_errors=True)
        config_path = lawref.import_corpus(target)
        sets.append(("lawref", config_path, lawref.known_item_queries(target)))
    for name, config_path, queries in sets:
        config, site = build_kb(config_path, work / f"site-{name}")
        texts = [q["q"] for q in queries]
        started = time.perf_counter()
        browser = browser_rankings(site, texts)
        browser_s = time.perf_counter() - started
        started = time.perf_counter()
        whoosh = whoosh_rankings(config, texts)
        whoosh_s = time.perf_counter() - started
        report[name] = {"browser": score(queries, browser), "whoosh": score(queries, whoosh),
                        "browser_seconds": round(browser_s, 2), "whoosh_seconds": round(whoosh_s, 2)}
        for engine in ("browser", "whoosh"):
            r = report[name][engine]
            print(f"{name:7} {engine:8} n={r['queries']} s@1={r['success@1']} s@5={r['success@5']} "
                  f"mrr={r['mrr']} all@5={r['all_expected@5']} empty={r['empty']}")
    return report


SPEED_QUERIES = ["养老机构疫情防控", "遗体接运", "临时救助", "志愿服务", "心理疏导", "探视管理", "捐赠物资管理", "应急处置"]


def speed(docs: int, with_pagefind: bool) -> dict:
    """First-result time from opening search.html?q=, warm latency and bytes loaded, on a synthetic corpus."""
    from playwright.sync_api import sync_playwright

    from synth import write_corpus

    work = HERE / "out" / "work" / f"speed-{docs}"
    if not (work / "site" / "search.html").exists():
        shutil.rmtree(work, ignore_errors=True)
        config = write_corpus(work, docs)
        build_kb(config, work / "site")
    site = work / "site"
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for q in SPEED_QUERIES:
            context = browser.new_context()
            page = context.new_page()
            started = time.perf_counter()
            page.goto((site / "search.html").as_uri() + "?q=" + q)
            page.wait_for_selector("[data-mzkb-result]", timeout=30000)
            first = time.perf_counter() - started
            loaded = page.evaluate("Object.keys(mzkbSearch.state.scripts)")
            search_files = [site / "assets/mzkb/search.js", site / "assets/mzkb/search-analyzer.js"]
            search_files += [(site / "search.html").parent / u for u in loaded]
            size = sum(f.resolve().stat().st_size for f in search_files)
            warm = []
            for _ in range(5):
                warm.append(page.evaluate("async q => { const t = performance.now(); await mzkbSearch.search(q, {}, 10); return performance.now() - t; }", q))
            rows.append({"q": q, "first_results_s": round(first, 3), "warm_ms_median": round(statistics.median(warm), 2),
                         "bytes": size, "files": len(search_files)})
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
            context.close()
        browser.close()
    report = {"docs": docs, "rows": rows,
              "median_first_results_s": round(statistics.median(r["first_results_s"] for r in rows), 3),
              "median_warm_ms": round(statistics.median(r["warm_ms_median"] for r in rows), 2),
              "median_bytes": statistics.median(r["bytes"] for r in rows),
              "index_bytes": sum(f.stat().st_size for f in (site / "search").rglob("*") if f.is_file())}
    if with_pagefind:
        import pagefind_compare

        pf_site = pagefind_compare.index_with_pagefind(site, work / "pagefind")
        pf_rows = pagefind_compare.measure_pagefind(pf_site, SPEED_QUERIES)
        report["pagefind"] = pf_rows
        pf_bytes = statistics.median(r["bytes"] for r in pf_rows)
        report["pagefind_median_bytes"] = pf_bytes
        report["bytes_ratio_mzkb_to_pagefind"] = round(report["median_bytes"] / pf_bytes, 3)
    print(json.dumps({k: v for k, v in report.items() if k not in ("rows", "pagefind")}, ensure_ascii=False))
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--set", default="all", choices=["demo", "lawref", "all"])
    s = sub.add_parser("speed")
    s.add_argument("--docs", type=int, default=3000)
    s.add_argument("--pagefind", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1600000000")
    (HERE / "out").mkdir(exist_ok=True)
    if args.cmd == "quality":
        report = quality(args.set)
        name = f"search-quality-{args.set}.json"
    else:
        report = speed(args.docs, args.pagefind)
        name = f"search-speed-{args.docs}.json"
    (HERE / "out" / name).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written bench/out/{name}")


if __name__ == "__main__":
    main()
