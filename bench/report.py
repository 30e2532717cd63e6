"""Write bench/REPORT.md from the JSON results in bench/out/ (run after the benchmark scripts)."""

from __future__ import annotations

import json
import platform
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def load(name: str):
    path = OUT / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def build_section(lines: list[str]) -> None:
    rows = [r for r in (load(f"build-{n}.json") for n in (1000, 5000, 20000)) if r]
    lines += ["## Build at scale: mzkb vs plain MkDocs + Material (`python bench/build.py --sizes 1000,5000,20000`)", ""]
    if not rows:
        lines += ["(not run yet)", ""]
        return
    lines += ["Synthetic corpora from `bench/synth.py` (about 3,000 characters a document, ~1,300 distinct terms each, "
              "a vocabulary that grows with the corpus). Each build is a cold one (no `.mzkb/`); then one document's "
              "body is edited and the build is run again (incremental).", "",
              "| documents | mzkb s | ms / doc | peak MiB, largest process | peak MiB, all processes | site MiB | browser index MiB | Whoosh index MiB | Material s | mzkb / Material | rebuild after one edit s | rebuild / full |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        material = (f"{r['material_seconds']}" if r.get("material_finished")
                    else "> 1800 (stopped)" if r.get("material_finished") is False else "not run")
        if r.get("material_finished") is None and r["documents"] > 5000 and any(x.get("material_finished") is False for x in rows):
            material = "not run (5,000 did not finish)"
        lines.append(f"| {r['documents']} | {r['mzkb_seconds']} | {1000 * r['mzkb_seconds'] / r['documents']:.1f} | "
                     f"{r['mzkb_peak_mib']} | {r.get('mzkb_peak_all_processes_mib', '–')} | {r['mzkb_site_mib']} | "
                     f"{r['search_index_mib']} | {r['whoosh_index_mib']} | {material} | {r.get('ratio_mzkb_to_material', '–')} | "
                     f"{r.get('incremental_seconds', '–')} | {r.get('incremental_share', '–')} |")
    lines += ["", "Stages of the cold builds (seconds; the index workers run while the main process renders):", "",
              "| documents | check | render (main process) | after render: waiting for the index, writing it, swapping the site | per index worker: analysis / browser index / Whoosh index |",
              "|---|---|---|---|---|"]
    for r in rows:
        st = r.get("stages", {})
        workers = "; ".join(f"{w.get('analysis')} / {w.get('browser')} / {w.get('whoosh')}" for w in r.get("index_workers", []))
        lines.append(f"| {r['documents']} | {st.get('check', '–')} | {st.get('render', '–')} | "
                     f"{st.get('index (waiting after render)', '–')} | {workers or '–'} |")
    by_n = {r["documents"]: r for r in rows}
    lines += ["", "Against the bar (issue #9):", ""]
    if 20000 in by_n:
        big = by_n[20000]
        lines.append(f"- 20,000 documents: **{big['mzkb_seconds']} s** (bar: under 600 s); peak memory "
                     f"**{big.get('mzkb_peak_all_processes_mib', '–')} MiB** for all processes together "
                     f"({big['mzkb_peak_mib']} MiB the largest one; bar: under 4,096 MiB).")
        if 1000 in by_n:
            small = by_n[1000]
            ratio = (big["mzkb_seconds"] / 20000) / (small["mzkb_seconds"] / 1000)
            lines.append(f"- Time per document at 20,000 / at 1,000: **{ratio:.2f}x** (bar: at most 1.5x).")
    if 5000 in by_n and by_n[5000].get("incremental_share") is not None:
        mid = by_n[5000]
        lines.append(f"- 5,000 documents, one document edited: **{mid['incremental_seconds']} s** after a "
                     f"{mid['mzkb_seconds']} s full build = **{100 * mid['incremental_share']:.1f}%** (bar: under 5%); "
                     f"{mid.get('incremental_rendered')} page rendered, {mid.get('incremental_reindexed')} document re-indexed.")
    lines += ["", "mzkb's figure includes everything a build does (check, both search indexes, render, swap). "
                  "Material's is `mkdocs build` with its default navigation and its own search plugin on the same "
                  "Markdown; it was stopped after 30 minutes, and larger corpora were then not tried. Material's figures "
                  "may come from an earlier `--material-only` run on the byte-identical corpus (`--reuse-material`).", ""]


def search_section(lines: list[str]) -> None:
    lines += ["## Search quality (`python bench/search.py quality`)", ""]
    names = ["search-quality-all.json"] if load("search-quality-all.json") else ["search-quality-demo.json", "search-quality-lawref.json"]
    for name in names:
        data = load(name)
        if not data:
            continue
        for set_name, result in data.items():
            lines += [f"Query set **{set_name}** ({result['browser']['queries']} queries; "
                      f"{'tests/search/queries_demo.yml' if set_name == 'demo' else 'known-item queries by title and by a phrase copied from an article, bench/lawref.py'}):", "",
                      "| engine | success@1 | success@5 | MRR | all expected in top 5 | empty |", "|---|---|---|---|---|---|"]
            for engine in ("browser", "whoosh"):
                r = result[engine]
                lines.append(f"| {engine} | {r['success@1']} | {r['success@5']} | {r['mrr']} | {r['all_expected@5']} | {r['empty']} |")
            lines.append("")
    speed = load("search-speed-3000.json")
    lines += ["## Search speed and bytes, 3,000 synthetic documents from file:// (`python bench/search.py speed --docs 3000 --pagefind`)", ""]
    if not speed:
        lines += ["(not run yet)", ""]
        return
    lines += ["| query | first results s | warm median ms | bytes loaded | files | Pagefind bytes | mzkb / Pagefind |", "|---|---|---|---|---|---|---|"]
    pf = {r["query"]: r for r in speed.get("pagefind", [])} if speed.get("pagefind") else {}
    for r in speed["rows"]:
        other = pf.get(r["q"], {}).get("bytes")
        ratio = f"{r['bytes'] / other:.2f}" if other else "–"
        lines.append(f"| {r['q']} | {r['first_results_s']} | {r['warm_ms_median']} | {r['bytes']} | {r['files']} | {other or '–'} | {ratio} |")
    lines += ["", f"Medians: first results {speed['median_first_results_s']} s, warm {speed['median_warm_ms']} ms, "
                  f"{speed['median_bytes']:.0f} bytes per query (mzkb's search scripts + manifest + shards + 10 fragments); "
                  f"whole browser index {speed['index_bytes'] / 2**20:.1f} MiB.",
              f"Pagefind median {speed.get('pagefind_median_bytes', '–')} bytes per query (its JS, worker, WebAssembly, index chunks and 10 fragments, over http because it cannot run from file://); "
              f"ratio mzkb / Pagefind: **{speed.get('bytes_ratio_mzkb_to_pagefind', '–')}**.", ""]


BARS = {"title": {"success@1": 0.93}, "phrase": {"success@1": 0.85, "success@5": 0.96, "success@10": 0.98},
        "topical": {"precision@10": 0.90, "title_first@3": 0.85, "snippet_shows_word": 0.95, "count_exact": 1.0}}


def search_v2_section(lines: list[str]) -> None:
    """Issue 16: lawref-dev quality of both engines, and bytes / first-result time old vs new."""
    data = load("search-quality-lawref-dev.json")
    lines += ["## Search v2 on lawref-dev (`python bench/search.py quality --set lawref-dev`)", ""]
    if data:
        lines += [f"{data['docs']} real regulations; a seeded sample of {data['sample']} title and {data['sample']} phrase "
                  "known-item queries (bench/lawref.py) and 40 topical title words (`lawref.topical_queries`). A result "
                  "is a group of editions: a query succeeds at k when its document is in one of the first k groups.", "",
                  "| figure | browser | `mzkb search` | bar |", "|---|---|---|---|"]
        for kind, figures in (("title", ["success@1", "success@5", "success@10", "mrr"]),
                              ("phrase", ["success@1", "success@5", "success@10", "mrr"]),
                              ("topical", ["precision@10", "title_first@3", "title_in_top3", "snippet_shows_word",
                                           "count_exact", "count_ratio_median"])):
            for fig in figures:
                bar = BARS.get(kind, {}).get(fig)
                lines.append(f"| {kind} {fig} | {data['browser'][kind][fig]} | {data['whoosh'][kind][fig]} | "
                             f"{'≥ ' + str(bar) if bar is not None else '–'} |")
        lines += ["", "title_first@3: share of the top 3 whose title holds the word (queries with 3+ such titles); "
                      "title_in_top3: share of those queries with one such title in the top 3; count_exact: share of "
                      "topical queries whose reported full-match count equals the number of documents containing the "
                      "word; count_ratio_median: reported / true.", ""]
    new, old = load("search-speed-3000.json"), load("search-speed-3000-main.json")
    if new and old:
        lines += ["Bytes per cold query and first-result time from file://, 3,000 synthetic documents "
                  "(`python bench/search.py speed --docs 3000`; old = main before search v2, run from a copy of it "
                  "just before the new one, same machine, same synthetic corpus):", "",
                  "| query | bytes old | bytes new | first results s old | first results s new |", "|---|---|---|---|---|"]
        for a, b in zip(old["rows"], new["rows"]):
            lines.append(f"| {a['q']} | {a['bytes']} | {b['bytes']} | {a['first_results_s']} | {b['first_results_s']} |")
        lines += [f"| **median** | {old['median_bytes']:.0f} | {new['median_bytes']:.0f} | "
                  f"{old['median_first_results_s']} | {new['median_first_results_s']} |", ""]


def versions_section(lines: list[str]) -> None:
    data = load("versions-300.json")
    lines += ["## Versioned builds (`python bench/versions.py --docs 300`)", ""]
    if not data:
        lines += ["(not run yet)", ""]
        return
    lines += [f"First `build --versions` (3 releases + latest): {data['first_build_s']} s. After a 4th release: "
              f"{data['after_4th_release_s']} s (rebuilt {', '.join(data['rebuilt'])}; reused {', '.join(data['reused'])}).", ""]


def main() -> None:
    lines = ["# Benchmark report", "", "Generated by `python bench/report.py` from `bench/out/*.json`. "
             f"Machine: {platform.machine()}, 2 cores, Python {platform.python_version()}. "
             "Figures from one run each. The build figures were taken on an otherwise idle machine; "
             "treat seconds as ±10%.", ""]
    build_section(lines)
    search_section(lines)
    search_v2_section(lines)
    versions_section(lines)
    (HERE / "REPORT.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("written bench/REPORT.md")


if __name__ == "__main__":
    main()
