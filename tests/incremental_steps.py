"""The random edit sequences of the incremental-build property tests
(tests/site/test_incremental_property*.py) and how their builds are compared; see
test_incremental_property.py for what is compared and what legitimately differs."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from mzkb.config import load_config
from mzkb.pipeline import build
from mzkb.search.browser_index import decode_varints
from mzkb.search.whoosh_index import search

FIXTURE = Path(__file__).parent / "fixtures" / "sites" / "small"
BUILDS = 30
WORDS = ["消毒", "探视", "测温", "登记", "琥珀台账", "青花瓷瓶", "通风", "口罩", "隔离观察", "物资保障"]
QUERIES = ["消毒", "探视", "琥珀台账", "青花瓷瓶 登记", "隔离观察", "养老机构 通风", "防控指南", "遗体"]
SCORE_TOLERANCE = 0.2
"""Relative score difference allowed between the two builds (corpus statistics, see above; 30
random builds of this site measured up to 0.1)."""
# no shrinking: a failure prints its 30 steps as drawn (shrinking 30 builds x 2 would take many minutes)
SPEC = settings(max_examples=2, deadline=None, derandomize=True, database=None, phases=[Phase.explicit, Phase.generate],
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
"""Two sequences per test: Hypothesis draws the simplest one first (30 body edits of one document)."""

NOTICE = """---
title: {title}
date: 2020-0{month}-1{day}
issuer: 测试民政局
audiences: [养老机构]
---

{body}
"""

# one step: (kind, which document, word, number)
steps = st.tuples(st.sampled_from(["edit", "edit", "retitle", "add", "add", "delete", "rename", "none"]),
                  st.integers(0, 20), st.sampled_from(WORDS), st.integers(0, 8))


def generated(root: Path) -> list[Path]:
    """The documents the sequence made (the fixture's own ones are edited, never deleted:
    others refer to them)."""
    return sorted((root / "content/notices").glob("gen-*.md"))


def documents(root: Path) -> list[Path]:
    return sorted(p for p in (root / "content").rglob("*.md"))


def apply(root: Path, step: tuple, counter: int) -> None:
    kind, which, word, number = step
    mine = generated(root)
    if kind == "add" or (kind in ("delete", "rename") and not mine):
        body = "\n\n".join(f"## {WORDS[(number + i) % len(WORDS)]}\n\n本节说明{word}和{WORDS[(number + 2 * i) % len(WORDS)]}。"
                           for i in range(1 + number % 3))
        (root / f"content/notices/gen-{counter}.md").write_text(
            NOTICE.format(title=f"关于{word}的通知{counter}", month=1 + number % 9, day=number, body=body), encoding="utf-8")
    elif kind == "delete":
        mine[which % len(mine)].unlink()
    elif kind == "rename":
        path = mine[which % len(mine)]
        path.rename(path.with_name(f"gen-{counter}-moved.md"))
    elif kind == "edit":
        path = documents(root)[which % len(documents(root))]
        path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n补充{word}要求第{number}条。\n", encoding="utf-8")
    elif kind == "retitle":
        path = documents(root)[which % len(documents(root))]
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"^title: (.*)$", lambda m: f"title: {m.group(1)[:20]}{word}", text, count=1, flags=re.M),
                        encoding="utf-8")


def pages(site: Path) -> dict[str, bytes]:
    """Every file of a site except the search index (segmented by design) and the two lists that
    name its files: the service worker's cache list and the output marker."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and not p.relative_to(site).as_posix().startswith("search/")
            and p.relative_to(site).as_posix() not in ("sw.js", ".mzkb-output")}


LOAD = re.compile(r'^mzkbSearch\.load\("(\w+)",(\d+),(.*?)(?:,(\d+))?\);\n$', re.S)


def browser_index(site: Path) -> tuple[dict, dict]:
    """The browser index as a search reads it, keyed by page address instead of document number:
    live documents' fragments and filter rows, manifest lists, and per term the live documents
    holding it with their best unit; and, apart, their scores."""
    loaded: dict = {}
    for path in sorted((site / "search").rglob("*.js")):
        kind, number, payload, segment = LOAD.match(path.read_text(encoding="utf-8")).groups()
        loaded[path.relative_to(site / "search").as_posix()] = (kind, int(number), json.loads(payload), segment)
    manifest = loaded.pop("manifest.js")[2]
    docs = loaded.pop(manifest["docsFile"])[2]
    frags = {number: data for kind, number, data, _s in loaded.values() if kind == "frag"}
    dead = set(manifest["dead"])
    live = {n for s in manifest["segments"] for n in range(s["f"], s["f"] + s["n"])} - dead
    url = {n: frags[n]["u"] for n in live}
    assert len(set(url.values())) == len(url) == manifest["docs"]
    postings, scores = {}, {}
    for name, (kind, _number, data, _segment) in loaded.items():
        if kind != "shard":
            continue
        for term, digits in data.items():
            numbers, doc = decode_varints(digits), 0
            for i in range(0, len(numbers), 3):
                doc += numbers[i]
                if doc in live:
                    postings.setdefault(term, {})[url[doc]] = numbers[i + 2]
                    scores.setdefault(term, {})[url[doc]] = numbers[i + 1]
    readable = {
        "fragments": {url[n]: frags[n] for n in live}, "rows": {url[n]: docs[n] for n in live},
        "chains": sorted([url[n] for n in chain] for chain in manifest["chains"]),
        "below": {url[int(n)]: [[url[t], own, units] for t, own, units in pairs] for n, pairs in manifest["below"].items()},
        "postings": postings,
        **{k: v for k, v in manifest.items() if k not in ("segments", "dead", "docsFile", "chains", "below")},
    }
    return readable, scores


def close(a: float, b: float) -> bool:
    return abs(a - b) <= SCORE_TOLERANCE * max(abs(a), abs(b), 1)


def same_ranking(ours: list[tuple[str, float]], theirs: list[tuple[str, float]]) -> bool:
    """Same results with close scores, in the same order except among near-ties of the full build."""
    if sorted(k for k, _ in ours) != sorted(k for k, _ in theirs):
        return False
    score = dict(theirs)
    if not all(close(s, score[k]) for k, s in ours):
        return False
    for i, (a, _s) in enumerate(ours):  # a pair the two builds order differently must be a near-tie
        for b, _t in ours[i + 1:]:
            if score[a] < score[b] and not close(score[a], score[b]):
                return False
    return True


def whoosh_hits(kb: Path, config, query: str) -> list:
    return search(kb / ".mzkb" / "whoosh", query, config, limit=20)


def compare(inc: Path, full: Path) -> None:
    assert pages(inc / "site") == pages(full / "site")
    ours, our_scores = browser_index(inc / "site")
    theirs, their_scores = browser_index(full / "site")
    assert ours == theirs
    for term, docs in theirs["postings"].items():
        assert all(close(our_scores[term][u], their_scores[term][u]) for u in docs), term
    config, _ = load_config(inc / "site_config.yml")
    for query in QUERIES:
        a, b = whoosh_hits(inc, config, query), whoosh_hits(full, config, query)
        fields = lambda h: (h.id, h.title, h.url, h.type, h.status, h.snippet, h.heading, h.full, h.older, h.topics)  # noqa: E731
        assert sorted(map(fields, a)) == sorted(map(fields, b)), query
        assert same_ranking([(h.id, h.score) for h in a], [(h.id, h.score) for h in b]), (query, a, b)


def run_sequence(base: Path, sequence: list) -> None:
    """Build a copy of the small site incrementally after each step of ``sequence`` and another
    copy from scratch, and compare them after every step (``compare``)."""
    inc, full = base / "inc", base / "full"
    shutil.copytree(FIXTURE, inc)
    assert build(inc / "site_config.yml").ok
    reused = 0
    for counter, step in enumerate(sequence):
        apply(inc, step, counter)
        shutil.rmtree(full, ignore_errors=True)
        shutil.copytree(inc, full, ignore=shutil.ignore_patterns(".mzkb", "site"))
        result = build(inc / "site_config.yml")
        assert result.ok, (counter, step, [d.format() for d in result.diagnostics])
        assert build(full / "site_config.yml", incremental=False).ok
        report = json.loads((inc / ".mzkb/build-report.json").read_text(encoding="utf-8"))
        reused += report["reused_pages"] > 0
        compare(inc, full)
    assert reused > BUILDS // 2  # the builds were incremental ones
