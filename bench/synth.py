"""Synthetic Chinese civil-affairs documents for benchmarks (deterministic for a seed).

Structure is what editors write (front matter, a preamble, numbered ## and ### sections,
numbered lists); the text is sampled from a character Markov chain (order 3) trained on the
repository's own sample guidance (`content/`, `tests/fixtures/`), with place names from
the GB/T 2260 table and numbered institutions mixed in. That gives what matters for index
cost and memory: about as many distinct terms per document as real regulations (~1,200
per 3,000 characters, measured on the lawref corpus) and a vocabulary that keeps growing
with the corpus, as a national collection does.
"""

from __future__ import annotations

import csv
import random
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDER = 3
NUMERALS = "一二三四五六七八九十"
AUDIENCES = ["养老机构", "儿童福利机构", "精神卫生福利机构", "流浪乞讨人员救助管理机构", "殡葬服务机构", "窗口单位",
             "城乡社区", "社会救助", "慈善与社会组织"]
INSTITUTIONS = ["社会福利院", "敬老院", "儿童福利院", "救助管理站", "殡仪馆", "光荣院", "精神康复中心", "社区服务中心",
                "婚姻登记处", "养老服务中心", "未成年人救助保护中心"]
TYPES = ["notices", "guidelines", "cases"]
_STRIP = re.compile(r"^---\n.*?\n---\n|[#>*`|\[\]()!_-]|\d+\.", re.S | re.M)


@lru_cache(maxsize=1)
def _training_text() -> str:
    texts = []
    for folder in (ROOT / "content", ROOT / "tests" / "fixtures"):
        for path in sorted(folder.rglob("*.md")):
            texts.append(_STRIP.sub("", path.read_text(encoding="utf-8")))
    return re.sub(r"\s+", "", "".join(texts))


@lru_cache(maxsize=1)
def _chain() -> dict[str, list[str]]:
    text = _training_text()
    chain: dict[str, list[str]] = defaultdict(list)
    for i in range(len(text) - ORDER):
        chain[text[i : i + ORDER]].append(text[i + ORDER])
    return dict(chain)


@lru_cache(maxsize=1)
def _places() -> list[str]:
    with open(ROOT / "generator" / "data" / "regions.csv", encoding="utf-8") as handle:
        rows = [row for row in csv.reader(line for line in handle if not line.startswith("#"))][1:]
    return [row[1] for row in rows]


@lru_cache(maxsize=1)
def _provinces() -> list[str]:
    """The 34 province-level divisions (a case's ``region`` must start with one)."""
    with open(ROOT / "generator" / "data" / "regions.csv", encoding="utf-8") as handle:
        rows = [row for row in csv.reader(line for line in handle if not line.startswith("#"))][1:]
    return [row[1] for row in rows if row[3] == "province"]


def sentence(rng: random.Random, length: int) -> str:
    """About ``length`` characters of Markov text ending in a full stop, with a named place or institution."""
    chain, text = _chain(), _training_text()
    start = rng.randrange(len(text) - ORDER)
    out = list(text[start : start + ORDER])
    while len(out) < length:
        options = chain.get("".join(out[-ORDER:]))
        if not options:
            options = [text[rng.randrange(len(text))]]
        out.append(rng.choice(options))
    place = rng.choice(_places())
    named = f"{place}第{rng.randint(1, 60)}{rng.choice(INSTITUTIONS)}" if rng.random() < 0.5 else place
    cut = rng.randrange(len(out))
    body = "".join(out[:cut]) + named + "".join(out[cut:])
    return body.rstrip("，。；：、") + "。"


def paragraph(rng: random.Random, n: int) -> str:
    """A paragraph of ``n`` sentences."""
    return "".join(sentence(rng, rng.randint(30, 70)) for _ in range(n))


def document(rng: random.Random, number: int, chars: int = 2500) -> tuple[str, str, str]:
    """(folder, file name, text) of one synthetic document of about ``chars`` characters."""
    folder = TYPES[number % len(TYPES)]
    place = rng.choice(_places())
    kind = "通知" if folder == "notices" else "指南" if folder == "guidelines" else "经验做法"
    title = f"{place}关于{sentence(rng, 8)[:-1]}工作的{kind}（第{number}号）"
    audiences = rng.sample(AUDIENCES, rng.randint(1, 3))
    year = 2019 + number % 6
    meta = [f"id: synth-{number:05d}", f"title: {title}", f"date: {year}-{1 + number % 12:02d}-{1 + number % 28:02d}",
            f"audiences: [{', '.join(audiences)}]", f"issuer: {place}民政局", f"doc_number: 示民发〔{year}〕{number}号"]
    if folder == "cases":
        meta.append(f"region: {rng.choice(_provinces())}")
    body: list[str] = [paragraph(rng, 3), ""]
    size, section = 0, 0
    while size < chars:
        heading = f"## {NUMERALS[section % 10]}、{sentence(rng, 10)[:-1]}"
        section += 1
        block = [heading, "", paragraph(rng, 4), ""]
        block += [f"{i}. {sentence(rng, 40)}" for i in range(1, 4)] + [""]
        block += [f"### （{NUMERALS[section % 10]}）{sentence(rng, 8)[:-1]}", "", paragraph(rng, 3), ""]
        size += sum(len(x) for x in block)
        body += block
    text = "---\n" + "\n".join(meta) + "\n---\n\n" + "\n".join(body)
    return folder, f"synth-{number:05d}.md", text


def write_corpus(target: Path, count: int, seed: int = 7, chars: int = 2500) -> Path:
    """Write ``count`` documents under ``target/content`` plus a site_config.yml; return the config path."""
    rng = random.Random(seed)
    for folder in ("notices", "guidelines", "videos", "cases"):
        (target / "content" / folder).mkdir(parents=True, exist_ok=True)
    for number in range(count):
        folder, name, text = document(rng, number, chars)
        (target / "content" / folder / name).write_text(text, encoding="utf-8")
    keys = ["elderly-care", "child-welfare", "mental-health", "relief", "funeral", "service-window", "community",
            "social-assistance", "charity"]
    audiences = "\n".join(f"  - key: {k}\n    label: {label}" for k, label in zip(keys, AUDIENCES))
    config = target / "site_config.yml"
    config.write_text(f"site:\n  title: 合成基准知识库\ncontent_dir: content\naudiences:\n{audiences}\n", encoding="utf-8")
    return config
