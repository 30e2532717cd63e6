"""Browser and `mzkb search` side by side (issue #27 items 1 and 2): the same queries through both
engines, top-1 and top-10 agreement, and full-文号 success@1 (the document whose own 文号 the
query is, at rank 1, in either bracket form).

    python bench/engines_agree.py demo               the demo, its visible query set, titles and 文号
    python bench/engines_agree.py generated [--docs N]   notices citing each other's 文号 (tests/engines.py)
    python bench/engines_agree.py notices --kb DIR   a knowledge base made by bench/real_notices.py
    python bench/engines_agree.py lawref --kb DIR    a knowledge base made by bench/lawref.py (dev half)

Prints one JSON line per set and writes bench/out/agree-SET.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

from engines import BRACKETS, agreement, browser_top, cli_top, docno_forms, write_generated_kb  # noqa: E402

from mzkb.config import load_config  # noqa: E402
from mzkb.pipeline import build, prepare  # noqa: E402

CHROMIUM = os.environ.get("MZKB_CHROMIUM", "/usr/bin/chromium")


def kb_queries(config_path: Path, extra: list[str], limit: int, seed: int = 27) -> tuple[list[str], list[tuple[str, str]]]:
    """Queries over a knowledge base: ``extra``, every (sampled) title, and every 文号 in a bracket
    form drawn at random; and the (文号 query, owner id) pairs. Documents sharing a 文号 are left
    out of the 文号 pairs (no single owner)."""
    prepared = prepare(config_path)
    docs = list(prepared.corpus.documents)
    rng = random.Random(seed)
    rng.shuffle(docs)
    docs = docs[:limit]
    numbers: dict[str, list[str]] = {}
    for doc in prepared.corpus.documents:
        if doc.doc_number.strip():
            numbers.setdefault(doc.doc_number.strip(), []).append(doc.id)
    pairs = [(docno_forms(n, rng.randrange(len(BRACKETS))), ids[0]) for n, ids in sorted(numbers.items()) if len(ids) == 1]
    rng.shuffle(pairs)
    pairs = pairs[:limit]
    return extra + [d.title for d in docs] + [q for q, _ in pairs], pairs


COMMON = "的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会"
SUGGEST = """async qs => { const out = []; for (const q of qs) out.push((await mzkbSearch.search(q, {}, 10)).suggestion); return out; }"""


def typo_queries(queries: list[str], seed: int = 27) -> list[tuple[str, str]]:
    """(typo, phrase): from each title, its first Han run cut to 8 characters with one character
    replaced by a common one (a typing slip)."""
    import re

    rng, out = random.Random(seed), []
    for q in queries:
        run = next((r for r in re.findall("[\u4e00-\u9fff]+", q) if len(r) >= 4), "")[:8]
        if run:
            i = rng.randrange(len(run))
            slip = rng.choice([c for c in COMMON if c != run[i]])
            out.append((run[:i] + slip + run[i + 1:], run))
    return out


def measure(name: str, config_path: Path, site: Path, queries: list[str], pairs: list[tuple[str, str]],
            titles: list[str] = ()) -> dict:
    from playwright.sync_api import sync_playwright

    from mzkb.search.whoosh_index import search_results

    cli = cli_top(config_path, queries)
    typos = typo_queries(list(titles))
    config, _ = load_config(config_path)
    hints = [search_results(config.state_dir / "whoosh", t, config, 10) for t, _ in typos]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        theirs = browser_top(page, site, queries)
        their_hints = page.evaluate(SUGGEST, [t for t, _ in typos])
        browser.close()
    asked = [(h.suggestion, w) for h, w in zip(hints, their_hints) if not h.full]
    top1, top10 = agreement(cli, theirs)
    by_query = dict(zip(queries, zip(cli, theirs)))
    owner_cli = sum(by_query[q][0][:1] == [owner] for q, owner in pairs)
    owner_browser = sum(by_query[q][1][:1] == [owner] for q, owner in pairs)
    found = {"set": name, "queries": len(queries), "top1_agree": round(top1, 3), "top10_agree": round(top10, 3),
             "docno_queries": len(pairs),
             "docno_success1_cli": round(owner_cli / len(pairs), 3) if pairs else None,
             "docno_success1_browser": round(owner_browser / len(pairs), 3) if pairs else None,
             "disagree_top1": [q for q in queries if by_query[q][0][:1] != by_query[q][1][:1]][:20],
             "docno_wrong": [(q, o, by_query[q][0][:3]) for q, o in pairs if by_query[q][0][:1] != [o]][:20],
             "typos": len(typos), "typos_without_full_match": len(asked),
             "suggestion_right": round(sum(h.suggestion == p for h, (_, p) in zip(hints, typos) if not h.full) / max(1, len(asked)), 3),
             "suggestion_agree": round(sum(a == b for a, b in asked) / max(1, len(asked)), 3)}
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / f"agree-{name}.json").write_text(json.dumps(found, ensure_ascii=False, indent=1), encoding="utf-8")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("set", choices=["demo", "generated", "notices", "lawref"])
    parser.add_argument("--kb", type=Path, help="knowledge base folder (its site_config.yml), for notices and lawref")
    parser.add_argument("--docs", type=int, default=200, help="documents of the generated set")
    parser.add_argument("--limit", type=int, default=150, help="titles and 文号 sampled per set")
    args = parser.parse_args(argv)
    work = HERE / "out" / f"agree-{args.set}"
    extra: list[str] = []
    if args.set == "demo":
        config = ROOT / "site_config.yml"
        extra = [q["q"] for q in yaml.safe_load((ROOT / "tests/search/queries_demo.yml").read_text(encoding="utf-8"))]
    elif args.set == "generated":
        config, _ = write_generated_kb(work / "kb", args.docs)
    else:
        if not args.kb:
            parser.error("--kb is needed")
        config = args.kb / "site_config.yml"
    site = work / "site"
    result = build(config, site)
    if not result.ok:
        print("build failed", file=sys.stderr)
        return 1
    load_config(config)
    queries, pairs = kb_queries(config, extra, args.limit)
    titles = queries[len(extra):len(queries) - len(pairs)][:60]
    print(json.dumps(measure(args.set, config, site, queries, pairs, titles), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
