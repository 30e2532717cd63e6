"""Search quality and speed, measured (not timed tests).

    python bench/search.py quality [--set demo|lawref|all]   success@1, success@5, MRR for both engines
    python bench/search.py speed [--docs 3000] [--pagefind]  first-result time, warm latency, bytes per query
    python bench/search.py counts --kb DIR [--pagefind]      full-match counts = true counts, snippets at the match

Engines: the browser index (headless Chromium, site opened from file://) and `mzkb search`
(Whoosh). A query succeeds at k when its best expected document is among the first k.
Writes bench/out/search-*.json; bench/REPORT.md quotes the figures.
"""

from __future__ import annotations

import argparse
import json
import random
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

from mzkb.pipeline import build  # noqa: E402
from mzkb.search.whoosh_index import search_results  # noqa: E402

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


BROWSER_RUN = """async ([qs, n]) => {
    const F = mzkbSearch.state.frags, out = {};
    for (const q of qs) {
        const res = await mzkbSearch.search(q, {}, n);
        const older = [].concat(...res.results.map(r => r.older));
        await mzkbSearch.loadFrags(older);
        out[q] = {full: res.full, partial: res.partial, groups: res.results.map(r => [r.doc].concat(r.older).map(d => F[d].u)),
                  snippets: res.results.map(r => {
                      const text = (mzkbSearch.texts(r.doc)[r.unit] || "").replace(/\\s+/g, " ");
                      const s = mzkbSearch.snippetSpans(text, res.runs, r.piece);
                      return text.slice(s.start, s.end); }),
                  topics: res.results.map(r => (r.topics || []).map(t => t[0]).join("、")),
                  titled: res.results.map(r => (r.titleMarks || []).map(m => F[r.doc].t.slice(m[0], m[1])).join("、"))};
    }
    return out;
}"""


def browser_results(site: Path, queries: list[str], limit: int = 10) -> dict[str, dict]:
    """Per query from the browser engine (in-page API of search.html, from file://): result
    groups (head id, then the other matching editions), counts and snippet texts."""
    from playwright.sync_api import sync_playwright

    out: dict[str, dict] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto((site / "search.html").as_uri())
        page.wait_for_function("window.mzkb && window.mzkb.search && window.mzkb.analyzer")
        for start in range(0, len(queries), 50):
            found = page.evaluate(BROWSER_RUN, [queries[start:start + 50], limit])
            for q, r in found.items():
                r["groups"] = [[doc_id_of(u) for u in g] for g in r["groups"]]
                out[q] = r
        browser.close()
    return out


def browser_rankings(site: Path, queries: list[str], limit: int = 10) -> dict[str, list[list[str]]]:
    """Result groups per query from the browser engine."""
    return {q: r["groups"] for q, r in browser_results(site, queries, limit).items()}


def whoosh_results(config, queries: list[str], limit: int = 10) -> dict[str, dict]:
    """The same from the Whoosh engine (what `mzkb search` prints)."""
    out = {}
    for q in queries:
        found = search_results(config.state_dir / "whoosh", q, config, limit)
        out[q] = {"full": found.full, "partial": found.partial, "groups": [[h.id, *h.older] for h in found.hits],
                  "snippets": [h.snippet for h in found.hits],
                  "topics": ["、".join(h.topics) for h in found.hits],
                  "titled": ["、".join(h.title[a:b] for a, b in h.title_marks) for h in found.hits]}
    return out


def whoosh_rankings(config, queries: list[str], limit: int = 10) -> dict[str, list[list[str]]]:
    """Result groups per query from the Whoosh engine."""
    return {q: r["groups"] for q, r in whoosh_results(config, queries, limit).items()}


def score(queries: list[dict], rankings: dict[str, list[list[str]]]) -> dict:
    """success@1/5/10, MRR (best expected id; a result is a group of editions, so an old edition
    folded under its current one counts where the group is), all-expected@5, empty, misses."""
    s1 = s5 = s10 = mrr = all5 = empty = 0
    misses = []
    for item in queries:
        groups = rankings[item["q"]]
        best = item["expect"][0]
        rank = next((i + 1 for i, g in enumerate(groups) if best in g), 0)
        s1 += rank == 1
        s5 += 0 < rank <= 5
        s10 += 0 < rank <= 10
        mrr += 1 / rank if rank else 0
        top5 = {d for g in groups[:5] for d in g}
        all5 += all(e in top5 for e in item["expect"])
        empty += not groups
        if not 0 < rank <= 5:
            misses.append({"q": item["q"], "expect": best, "got": [g[0] for g in groups[:5]]})
    n = max(len(queries), 1)
    return {"queries": len(queries), "success@1": round(s1 / n, 3), "success@5": round(s5 / n, 3),
            "success@10": round(s10 / n, 3), "mrr": round(mrr / n, 3), "all_expected@5": round(all5 / n, 3),
            "empty": empty, "misses": misses}


def topical_score(queries: list[dict], found: dict[str, dict]) -> dict:
    """Topical title words: precision@10 (share of the top 10 whose head document contains the
    word), title-first@3 (where 3+ titles contain it: share of the top 3 whose title does; and
    share of queries with one such title in the top 3), snippet shows the word (over relevant
    hits: its snippet or the topics line of the result; result_shows_word: or the word marked in
    its title), and the full-match count against the
    true number of documents containing the word."""
    from lawref import title_key  # noqa: F401  (bench/ on the path)

    p10 = []
    t3 = []
    any3 = []
    shown = []
    shown_marked = []
    exact = 0
    ratios = []
    for item in queries:
        r = found[item["q"]]
        holders, titled = set(item["holders"]), set(item["titled"])
        heads = [g[0] for g in r["groups"][:10]]
        if heads:
            p10.append(sum(h in holders for h in heads) / len(heads))
        if len(titled) >= 3:
            t3.append(sum(h in titled for h in heads[:3]) / 3)
            any3.append(any(h in titled for h in heads[:3]))
        for head, snip, topics, marked in zip(heads, r["snippets"][:10], r.get("topics") or [""] * 10,
                                              r.get("titled") or [""] * 10):
            if head in holders:  # what the result shows: its snippet and the topics holding the query
                shown.append(item["q"] in snip + "\n" + topics)
                shown_marked.append(shown[-1] or item["q"] in marked)  # or its title, the word marked
        exact += r["full"] == len(holders)
        ratios.append(r["full"] / max(len(holders), 1))
    mean = lambda xs: round(sum(xs) / len(xs), 3) if xs else None  # noqa: E731
    return {"queries": len(queries), "precision@10": mean(p10), "title_first@3": mean(t3), "title_in_top3": mean(any3),
            "snippet_shows_word": mean(shown), "result_shows_word": mean(shown_marked), "count_exact": mean([1.0] * exact + [0.0] * (len(queries) - exact)),
            "count_ratio_median": round(statistics.median(ratios), 3) if ratios else None}


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


DEV_SOURCE = ROOT.parent / "shared" / "corpora" / "lawref-dev"

COUNTS_RUN = """async ([qs, n]) => {
    const F = mzkbSearch.state.frags, out = {};
    for (const q of qs) {
        const res = await mzkbSearch.search(q, {}, n);
        out[q] = {full: res.full, upper: !!res.fullUpper, heads: res.results.map(r => F[r.doc].u),
                  snippets: res.results.map(r => {
                      const src = r.source === undefined ? r.doc : r.source;
                      const text = (mzkbSearch.wholeTexts(src)[r.unit] || "").replace(/\\s+/g, " ");
                      const s = mzkbSearch.snippetSpans(text, res.runs, r.piece);
                      return text.slice(s.start, s.end); })};
    }
    return out;
}"""


def _visible_texts(kb: Path) -> dict[str, str]:
    """Per document of an imported KB: its reader-visible text (title, 文号, summary, body — not the
    audience labels, topics or issuer the index holds for recall), folded as the analyzer does,
    any whitespace a boundary."""
    import re

    import lawref
    from mzkb.search.ranking import fold_text

    return {d["id"]: fold_text(re.sub(r"\s+", "\n", "\n".join(str(d.get(k) or "") for k in ("title", "doc_number", "summary", "body"))))
            for d in lawref.read_kb(kb)}


def count_queries(kb: Path, sample: int, seed: int = 7) -> dict[str, list[dict]]:
    """Phrase and topical queries of ``dev_queries`` and a seeded sample of the KB's 文号, each
    with ``truth``: the ids whose visible text holds every word of the query (``ranking.query_words``)."""
    import lawref
    from mzkb.search.ranking import query_words

    saved = HERE / "out" / f"count-queries-{kb.resolve().name}-{sample}-{seed}.json"
    if saved.exists():  # the sample takes minutes to draw (jieba over every title, every article)
        return json.loads(saved.read_text(encoding="utf-8"))
    sets, topics = dev_queries(kb, sample, 40, seed)
    numbers = sorted({d["doc_number"] for d in lawref.read_kb(kb) if d.get("doc_number")})
    docno = [{"q": n} for n in random.Random(seed).sample(numbers, min(sample, len(numbers)))]
    visible = _visible_texts(kb)
    out = {"phrase": [{"q": q["q"]} for q in sets["phrase"]], "topical": [{"q": q["q"]} for q in topics], "docno": docno}
    for queries in out.values():
        for item in queries:
            words = query_words(item["q"])
            item["truth"] = sorted(i for i, t in visible.items() if words and all(w in t for w in words))
    saved.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return out


def count_score(queries: list[dict], found: dict[str, dict]) -> dict:
    """count_exact: share of queries whose reported full-match count is the true count (an upper
    bound, 至多, is not exact); snippet_shows: over the top-10 heads that hold the query, the share
    whose snippet shows every word of it."""
    from mzkb.search.ranking import fold_text, query_words

    exact, upper, shown, misses = 0, 0, [], []
    for item in queries:
        r, truth = found[item["q"]], set(item["truth"])
        exact += r["full"] == len(truth) and not r["upper"]
        upper += r["upper"]
        if r["full"] != len(truth) and len(misses) < 8:
            misses.append([item["q"], r["full"], len(truth), r["upper"]])
        words = query_words(item["q"])
        for head, snippet in zip(r["heads"][:10], r["snippets"][:10]):
            if head in truth:
                shown.append(all(w in fold_text(snippet) for w in words))
    return {"queries": len(queries), "count_exact": round(exact / max(len(queries), 1), 3), "upper_bounds": upper,
            "snippet_shows": round(sum(shown) / len(shown), 3) if shown else None, "snippet_hits": len(shown), "misses": misses}


def cold_bytes(site: Path, queries: list[str]) -> list[dict]:
    """Bytes a cold query loads from file:// (search scripts, manifest, shards, fragments, rests), one
    fresh browser context per query, as ``speed`` measures them."""
    from playwright.sync_api import sync_playwright
    from urllib.parse import quote

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for q in queries:
            context = browser.new_context()
            page = context.new_page()
            page.goto((site / "search.html").as_uri() + "?q=" + quote(q))
            page.wait_for_selector("[data-mzkb-result], .mzkb-search-empty, #mzkb-search-summary", timeout=60000)
            page.wait_for_function("document.querySelector('#mzkb-search-summary') && "
                                   "document.querySelector('#mzkb-search-summary').textContent.length > 0", timeout=60000)
            loaded = page.evaluate("mzkb.loadedScripts()")
            page_html = (site / "search.html").read_text(encoding="utf-8")  # the scripts the page itself loads;
            files = [f for f in sorted((site / "assets/mzkb").glob("search*.js")) if f.name in page_html]  # lazy ones: below
            files += [site / "assets/mzkb/loader.js"]
            files += [(site / "search.html").parent / u for u in loaded]
            rows.append({"q": q, "bytes": sum(f.resolve().stat().st_size for f in files), "files": len(files)})
            context.close()
        browser.close()
    return rows


def counts(kb: Path, sample: int, bytes_sample: int, with_pagefind: bool, engines=("browser", "whoosh")) -> dict:
    """Full-match count accuracy and snippet-shows-match rate of both engines on an imported and
    built lawref KB (``--kb``), and bytes per cold query (with Pagefind's side by side)."""
    from mzkb.config import load_config

    config, _ = load_config(kb / "site_config.yml")
    site = kb / "site"
    sets = count_queries(kb, sample)
    texts = list(dict.fromkeys(q["q"] for qs in sets.values() for q in qs))
    report: dict = {"sample": sample}
    for engine in engines:
        started = time.perf_counter()
        if engine == "browser":
            from playwright.sync_api import sync_playwright

            found = {}
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.goto((site / "search.html").as_uri())
                page.wait_for_function("window.mzkb && window.mzkb.search && window.mzkb.analyzer")
                for start in range(0, len(texts), 25):
                    for q, r in page.evaluate(COUNTS_RUN, [texts[start:start + 25], 10]).items():
                        r["heads"] = [doc_id_of(u) for u in r["heads"]]
                        found[q] = r
                browser.close()
        else:
            found = {}
            for q in texts:
                res = search_results(config.state_dir / "whoosh", q, config, 10)
                found[q] = {"full": res.full, "upper": False, "heads": [h.id for h in res.hits],
                            "snippets": [h.snippet for h in res.hits]}
        report[engine] = {kind: count_score(qs, found) for kind, qs in sets.items()}
        report[engine]["seconds"] = round(time.perf_counter() - started, 1)
        for kind in sets:
            print(f"counts {engine:8} {kind:8} {json.dumps(report[engine][kind], ensure_ascii=False)}", flush=True)
    rng = random.Random(11)
    chosen = [q["q"] for kind in ("phrase", "topical", "docno") for q in rng.sample(sets[kind], min(bytes_sample, len(sets[kind])))]
    rows = cold_bytes(site, chosen)
    report["bytes"] = rows
    report["median_bytes"] = statistics.median(r["bytes"] for r in rows)
    print(json.dumps({"median_bytes": report["median_bytes"]}), flush=True)
    if with_pagefind:
        import pagefind_compare

        pf_site = pagefind_compare.index_with_pagefind(site, HERE / "out" / "work" / "pagefind-counts")
        pf_rows = pagefind_compare.measure_pagefind(pf_site, chosen)
        report["pagefind"] = pf_rows
        report["pagefind_median_bytes"] = statistics.median(r["bytes"] for r in pf_rows)
        report["bytes_ratio_mzkb_to_pagefind"] = round(report["median_bytes"] / report["pagefind_median_bytes"], 3)
        print(json.dumps({k: report[k] for k in ("pagefind_median_bytes", "bytes_ratio_mzkb_to_pagefind")}), flush=True)
    return report


def quality_dev(sample: int, topical: int, seed: int = 7, source: Path = DEV_SOURCE, kb: Path | None = None) -> dict:
    """lawref-dev (1,782 real regulations): a seeded sample of known-item title and phrase
    queries, and topical title words; both engines on the same built site. With ``kb``: a
    knowledge base imported by ``bench/lawref.py`` and built with ``mzkb build`` already
    (its ``site/``), measured as it is."""
    import lawref

    if kb is None:
        work = HERE / "out" / "work"
        target, site_dir = work / "lawref-dev-kb", work / "site-lawref-dev"
        shutil.rmtree(target, ignore_errors=True)
        config_path = lawref.import_corpus(target, source)
        config, site = build_kb(config_path, site_dir)
    else:
        from mzkb.config import load_config

        target, (config, _) = kb, load_config(kb / "site_config.yml")
        site = kb / "site"
    sets, topics = dev_queries(target, sample, topical, seed)
    texts = list(dict.fromkeys([q["q"] for qs in sets.values() for q in qs] + [q["q"] for q in topics]))
    report: dict = {"docs": len(lawref.read_kb(target)), "sample": sample}
    for engine, run in (("browser", lambda: browser_results(site, texts)), ("whoosh", lambda: whoosh_results(config, texts))):
        started = time.perf_counter()
        found = run()
        seconds = time.perf_counter() - started
        rankings = {q: r["groups"] for q, r in found.items()}
        report[engine] = {kind: score(qs, rankings) for kind, qs in sets.items()}
        report[engine]["topical"] = topical_score(topics, found)
        report[engine]["seconds"] = round(seconds, 1)
        report[engine]["found"] = found
        for kind in ("title", "phrase"):
            r = report[engine][kind]
            print(f"lawref-dev {engine:8} {kind:7} n={r['queries']} s@1={r['success@1']} s@5={r['success@5']} "
                  f"s@10={r['success@10']} mrr={r['mrr']}", flush=True)
        print(f"lawref-dev {engine:8} topical {json.dumps(report[engine]['topical'], ensure_ascii=False)}", flush=True)
    return report


def dev_queries(target: Path, sample: int, topical: int, seed: int = 7) -> tuple[dict[str, list[dict]], list[dict]]:
    """The seeded sample of ``quality_dev``: title and phrase known-item queries, topical words."""
    import lawref

    known = lawref.known_item_queries(target)
    rng = random.Random(seed)
    sets = {kind: rng.sample([q for q in known if q["kind"] == kind], min(sample, sum(q["kind"] == kind for q in known)))
            for kind in ("title", "phrase")}
    return sets, lawref.topical_queries(target, topical, seed)


def snippet_coverage(kb: Path, topics: list[dict]) -> dict:
    """Over every document that contains a topical word (not only the top 10): does the result
    show it? The unit ``ranking.best_unit`` picks, its snippet (``snippet_spans`` on the unit
    text both engines keep), the topics line (``matched_topics``), the marked title
    (``title_marks``). No build: the KB's sources are loaded and cut into units as the index does."""
    from mzkb.pipeline import prepare
    from mzkb.search import ranking
    from mzkb.search.records import UNIT_TEXT, document_units

    prepared = prepare(kb / "site_config.yml", use_cache=False)
    docs = {d.id: d for d in prepared.corpus.documents}
    pairs = snippet = topics_line = title = 0
    for item in topics:
        runs = ranking.query_runs([item["q"]])
        for doc_id in item["holders"]:
            doc = docs[doc_id]
            units = document_units(doc, prepared.config)
            texts = [(u.heading, (u.text or doc.summary)[:UNIT_TEXT]) for u in units]
            index, piece = ranking.best_unit(runs, texts, -1)
            text = " ".join(texts[index][1].split())
            start, end, _marks = ranking.snippet_spans(text, runs, piece)
            pairs += 1
            in_snippet = item["q"] in text[start:end]
            in_topics = any(item["q"] in t for t, _m in ranking.matched_topics(runs, doc.topics, piece))
            in_title = any(item["q"] in doc.title[a:b] for a, b in ranking.title_marks(runs, doc.title))
            snippet += in_snippet
            topics_line += in_snippet or in_topics
            title += in_snippet or in_topics or in_title
    return {"pairs": pairs, "snippet": snippet, "snippet_or_topics": topics_line, "or_marked_title": title}


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
            loaded = page.evaluate("mzkb.loadedScripts()")
            search_files = sorted((site / "assets/mzkb").glob("search*.js")) + [site / "assets/mzkb/loader.js"]
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
    q.add_argument("--set", default="all", choices=["demo", "lawref", "all", "lawref-dev"])
    q.add_argument("--sample", type=int, default=300, help="lawref-dev: title and phrase queries of each kind")
    q.add_argument("--topical", type=int, default=40, help="lawref-dev: topical title words")
    q.add_argument("--kb", type=Path, default=None, help="lawref-dev: measure this imported and built KB (no rebuild)")
    c = sub.add_parser("counts", help="full-match counts and snippets on a built lawref KB, bytes per cold query")
    c.add_argument("--kb", type=Path, required=True, help="a KB imported by bench/lawref.py and built with mzkb build (its site/)")
    c.add_argument("--sample", type=int, default=100, help="phrase queries and 文号 (topical: 40)")
    c.add_argument("--bytes-sample", type=int, default=8, help="queries of each kind measured cold")
    c.add_argument("--pagefind", action="store_true")
    c.add_argument("--engines", default="browser,whoosh")
    c.add_argument("--bytes-only", action="store_true", help="only bytes per cold query (e.g. for an older build)")
    s = sub.add_parser("speed")
    s.add_argument("--docs", type=int, default=3000)
    s.add_argument("--pagefind", action="store_true")
    args = parser.parse_args()
    if getattr(args, "kb", None) is not None:
        args.kb = args.kb.resolve()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1600000000")
    (HERE / "out").mkdir(exist_ok=True)
    if args.cmd == "counts" and args.bytes_only:
        rng = random.Random(11)
        sets = count_queries(args.kb, args.sample)
        chosen = [q["q"] for kind in ("phrase", "topical", "docno") for q in rng.sample(sets[kind], min(args.bytes_sample, len(sets[kind])))]
        rows = cold_bytes(args.kb / "site", chosen)
        report = {"bytes": rows, "median_bytes": statistics.median(r["bytes"] for r in rows)}
        print(json.dumps({"median_bytes": report["median_bytes"]}))
        name = "search-bytes-" + args.kb.name + ".json"
    elif args.cmd == "counts":
        report = counts(args.kb, args.sample, args.bytes_sample, args.pagefind, args.engines.split(","))
        name = f"search-counts-{'-'.join(args.engines.split(','))}-lawref-dev.json"
    elif args.cmd == "quality" and args.set == "lawref-dev":
        report = quality_dev(args.sample, args.topical, kb=args.kb)
        name = "search-quality-lawref-dev.json"
    elif args.cmd == "quality":
        report = quality(args.set)
        name = f"search-quality-{args.set}.json"
    else:
        report = speed(args.docs, args.pagefind)
        name = f"search-speed-{args.docs}.json"
    (HERE / "out" / name).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written bench/out/{name}")


if __name__ == "__main__":
    main()
