"""Real regulation corpus (lawref-minzheng) -> an mzkb knowledge base plus known-item queries.

The corpus (``shared/corpora/lawref-minzheng``, read-only) holds 126 Markdown files of Chinese
laws, regulations, judicial interpretations, local regulations and a few court cases, copied
from LawRefBook/Laws. Each file is ``# 标题``, free history lines (adoption / amendment),
``<!-- INFO END -->`` and then ``## 第一章 …`` chapters with ``第一条 …`` articles; there is no
front matter. ``manifest.json`` gives title, date, level and expired flag per file.

``import_corpus`` writes every file as a guideline (``content/guidelines/<id>.md``) with
derived front matter; titles with several editions become ``supersedes`` chains.
``known_item_queries`` produces, for every imported document, a title query and phrase
queries copied from its articles, with the ids a good search should return first.

Usage: python bench/lawref.py OUT_DIR [--only PATH ...] [--phrases N] [--seed S] [--check]
Writes OUT_DIR/site_config.yml, OUT_DIR/content/guidelines/*.md and OUT_DIR/queries.yml.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import subprocess
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from mzkb.content.ids import make_id  # noqa: E402

DEFAULT_SOURCE = Path(os.environ.get("MZKB_LAWREF", HERE.parent.parent / "shared" / "corpora" / "lawref-minzheng"))
"""Corpus location: ``../shared/corpora/lawref-minzheng`` from the project root (env ``MZKB_LAWREF`` overrides)."""

MARKER = "<!-- INFO END -->"
HEADER = "# 由 bench/lawref.py 从 lawref-minzheng 自动导入，请勿手工修改"
"""First front-matter line of every generated file; only such files are removed on re-import."""
FALLBACK_DATE = "2000-01-01"
"""Placeholder date for documents whose source gives no date at all."""

# Copy of the nine audiences of /work/main/site_config.yml (key, label, synonyms).
AUDIENCES = [
    ("elderly-care", "养老机构", ["养老院", "敬老院", "老年公寓", "护理院"]),
    ("child-welfare", "儿童福利机构", ["儿童福利院", "未成年人救助保护机构", "儿童之家"]),
    ("mental-health", "精神卫生福利机构", ["精神卫生福利院", "精神病人福利机构"]),
    ("relief", "流浪乞讨人员救助管理机构", ["救助站", "救助管理站", "救助管理机构"]),
    ("funeral", "殡葬服务机构", ["殡仪馆", "火葬场", "公墓", "殡仪服务站"]),
    ("service-window", "窗口单位", ["婚姻登记处", "婚姻登记机关", "政务服务窗口"]),
    ("community", "城乡社区", ["社区", "居委会", "村委会", "城乡社区组织"]),
    ("social-assistance", "社会救助", ["困难群众兜底保障", "低保", "特困供养", "临时救助"]),
    ("charity", "慈善与社会组织", ["慈善组织", "社会组织", "志愿服务"]),
]

# Audience label -> title keywords. Titles matching none get 全部.
AUDIENCE_KEYWORDS = {
    "养老机构": ["养老", "老年人"],
    "儿童福利机构": ["儿童", "未成年人"],
    "精神卫生福利机构": ["精神"],
    "流浪乞讨人员救助管理机构": ["流浪", "乞讨"],
    "殡葬服务机构": ["殡葬", "丧葬"],
    "窗口单位": ["婚姻"],
    "城乡社区": ["社区", "村民委员会", "居民委员会"],
    "社会救助": ["救助", "低保", "最低生活保障", "社会保障"],
    "慈善与社会组织": ["慈善", "志愿", "社会组织"],
}
# Words that contain a keyword but mean something else; removed from the title before matching.
AUDIENCE_FALSE_FRIENDS = ["养老保险", "搜寻救助"]

_CN_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_FILE_DATE = re.compile(r"\((\d{4}-\d{2}-\d{2})\)")
_ARTICLE = re.compile(r"^\s*第[一二三四五六七八九十百千零〇两]+条(?:之[一二三四五六七八九十]+)?[\s\u3000]*(.*)$")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
_TITLE_NOISE = re.compile(r"[\s\u3000、，,·]+")


# ---------------------------------------------------------------------------------------------
# Reading the corpus


def load_manifest(source: Path = DEFAULT_SOURCE) -> list[dict]:
    """The manifest records (path, title, date, level, expired, valid_from), in manifest order."""
    return json.loads((Path(source) / "manifest.json").read_text(encoding="utf-8"))


def split_source(text: str) -> tuple[list[str], str, bool]:
    """Raw file text -> (history lines, body, marker found).

    History lines are the non-empty lines between the ``# 标题`` line and the marker; the body is
    everything after the marker (after the title line when the marker is missing), without
    level-1 headings and without leading/trailing blank lines.
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    start = 1 if lines and re.match(r"#(?!#)", lines[0]) else 0
    try:
        marker = next(i for i, line in enumerate(lines) if line.strip() == MARKER)
    except StopIteration:
        marker = None
    if marker is None:
        history, body_lines = [], lines[start:]
    else:
        history = [line.strip() for line in lines[start:marker] if line.strip()]
        body_lines = lines[marker + 1:]
    body_lines = [line for line in body_lines if not re.match(r" {0,3}#(?:[ \t]|$)", line)]
    body = "\n".join(line.rstrip() for line in body_lines).strip("\n")
    return history, body, marker is not None


def history_items(history: list[str], title: str) -> list[str]:
    """Clean history lines: title fragments dropped, continuation lines joined, stray ``）`` removed."""
    items: list[str] = []
    compact_title = _TITLE_NOISE.sub("", title)
    for raw in history:
        line = raw.strip().strip("\u3000").strip()
        if not line:
            continue
        if not _CN_DATE.match(line):
            if not items and _TITLE_NOISE.sub("", line) in compact_title:
                continue  # the title wrapped over several lines
            if items:
                items[-1] += line
                continue
        items.append(line)
    cleaned = []
    for item in items:
        item = re.sub(r"[\s\u3000]+", " ", item).strip()
        while item.endswith("）") and item.count("）") > item.count("（"):
            item = item[:-1].rstrip()
        for piece in _split_at_dates(item):
            piece = re.sub(r"(?:根据|并经|、)$", "", piece.rstrip("。；;，, ")).rstrip()
            if piece:
                cleaned.append(piece)
    return cleaned


def _split_at_dates(item: str) -> list[str]:
    """One history line that holds several dated steps (wrapped badly in the source) -> one string per step.

    ``2012年3月31日 A批准2021年10月28日B修订`` -> ``2012年3月31日 A批准``, ``2021年10月28日 B修订``.
    Dates inside 《…》 do not split.
    """
    cuts = [m for m in _CN_DATE.finditer(item) if m.start() > 0 and item.count("《", 0, m.start()) == item.count("》", 0, m.start())]
    if not cuts:
        return [item]
    pieces, start = [], 0
    for match in cuts:
        pieces.append(item[start:match.start()].strip())
        start = match.start()
    pieces.append(item[start:].strip())
    return [re.sub(r"^(\d{4}年\d{1,2}月\d{1,2}日)\s*", r"\1 ", piece) for piece in pieces if piece]


def _segments(items: list[str]) -> list[tuple[dt.date | None, str]]:
    """History items split at every date: (date, text after the date), in source order."""
    result = []
    for item in items:
        found = list(_CN_DATE.finditer(item))
        if not found:
            result.append((None, item))
            continue
        for index, match in enumerate(found):
            end = found[index + 1].start() if index + 1 < len(found) else len(item)
            try:
                day = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                day = None
            result.append((day, item[match.end():end].strip()))
    return result


def history_date(items: list[str]) -> str | None:
    """Date of the latest adoption / amendment / publication in the history (not 施行), or None."""
    dates = [day for day, rest in _segments(items) if day and not rest.startswith("施行")]
    return max(dates).isoformat() if dates else None


def derive_date(record: dict, items: list[str]) -> tuple[str, str]:
    """(date, where it came from): manifest, file name, history (latest date) or placeholder."""
    if record.get("date"):
        return record["date"], "manifest"
    found = _FILE_DATE.search(Path(record["path"]).name)
    if found:
        return found.group(1), "file name"
    from_history = history_date(items)
    if from_history:
        return from_history, "history"
    return FALLBACK_DATE, "placeholder"


_LOCAL_BODY = re.compile(r"^((?:[\u4e00-\u9fff]{1,8}?)(?:省|自治区|市|州|盟))(?:第[^届]{1,5}届)?人民代表大会(常务委员会)?")
_NATIONAL_BODY = re.compile(r"^第[^届]{1,5}届全国人民代表大会(常务委员会)?")
_MINISTRY = re.compile(r"^([\u4e00-\u9fff]{2,6}?(?:部|总署|委员会))(?:令|第\d+号令)")
_ORDER_NUMBER = re.compile(r"((?:中华人民共和国)?国务院令第\d+号|[\u4e00-\u9fff]{2,4}部令第\d+号|海关总署第\d+号令)")


def derive_issuer(items: list[str], title: str, level: str) -> str:
    """Issuing body from the history (the body that adopted or last amended the text), else from the level.

    Approval steps (批准) by a provincial congress are skipped: a city regulation's issuer is
    the city congress. Falls back to 国务院 for 行政法规, to the court(s) named in the title for
    司法解释, and to the manifest level otherwise.
    """
    text = "".join(items)
    if "最高人民法院" in text or level == "司法解释":
        head = _TITLE_NOISE.sub("", title.split("关于")[0]) if "关于" in title else ""
        source = text or head
        courts = [name for name in ("最高人民法院", "最高人民检察院") if name in source]
        if courts:
            return "、".join(courts)
    for _day, rest in reversed(_segments(items)):
        if not rest or "批准" in rest or rest.startswith("施行"):
            continue
        national = _NATIONAL_BODY.match(rest)
        if national:
            return "全国人民代表大会" + (national.group(1) or "")
        local = _LOCAL_BODY.match(rest)
        if local:
            return local.group(1) + "人民代表大会" + (local.group(2) or "")
        if rest.startswith("国务院") or "国务院令" in rest or rest.startswith("《国务院"):
            return "国务院"
        ministry = _MINISTRY.match(rest)
        if ministry:
            return ministry.group(1)
    if level == "行政法规":
        return "国务院"
    return level


def derive_doc_number(items: list[str]) -> str:
    """Latest order number named in the history (``中华人民共和国国务院令第271号``), else ''."""
    numbers = _ORDER_NUMBER.findall("".join(items))
    return numbers[-1] if numbers else ""


def derive_audiences(title: str) -> list[str]:
    """Audience labels chosen by keywords in the title, in config order; ``["全部"]`` when none match."""
    probe = title
    for word in AUDIENCE_FALSE_FRIENDS:
        probe = probe.replace(word, "")
    labels = [label for _key, label, _syn in AUDIENCES if any(k in probe for k in AUDIENCE_KEYWORDS[label])]
    return labels or ["全部"]


def derive_topics(level: str) -> list[str]:
    """Topic tags from the manifest level: kind of text, plus the region for local regulations."""
    if level.endswith("地方法规"):
        return ["地方性法规", level[: -len("地方法规")]]
    return [level]


def derive_summary(body: str, limit: int = 150) -> str:
    """Text of 第一条 (usually the purpose clause), cut to ``limit`` characters; '' without articles.

    Without it the site would use the first paragraph, which is the 沿革 note.
    """
    for line in body.split("\n"):
        found = _ARTICLE.match(line)
        if found and found.group(1).strip() and line.strip().startswith("第一条"):
            text = found.group(1).strip()
            return text if len(text) <= limit else text[: limit - 1] + "…"
    return ""


def level_of(record: dict) -> str:
    """The manifest's level, else the corpus folder the file sits in (lawref-dev has no level)."""
    return record.get("level") or record["path"].split("/")[0]


def plan(records: list[dict], source: Path = DEFAULT_SOURCE) -> list[dict]:
    """Derive front matter and body for every manifest record (all of them, so ids stay stable).

    Returns one dict per record, in manifest order, with keys ``record`` (manifest entry),
    ``id``, ``items`` (clean history), ``body``, ``marker`` (marker found), ``date``,
    ``date_source``, ``edition``, ``meta`` (front matter without ``supersedes``) and ``chain``
    (the plan dicts of all editions of the title, oldest first).
    """
    docs = []
    for record in records:
        raw = (Path(source) / record["path"]).read_bytes()
        text = raw.decode("utf-8")  # the corpus is UTF-8 throughout; fail loudly otherwise
        history, body, marker = split_source(text)
        items = history_items(history, record["title"])
        date, date_source = derive_date(record, items)
        docs.append({"record": record, "items": items, "body": body, "marker": marker,
                     "date": date, "date_source": date_source})
    by_title: dict[str, list[dict]] = defaultdict(list)
    for doc in docs:
        by_title[doc["record"]["title"]].append(doc)
    for title, editions in by_title.items():
        editions.sort(key=lambda d: (d["date"], d["record"]["path"]))
        base = make_id(title)
        years = defaultdict(int)
        for doc in editions:
            years[doc["date"][:4]] += 1
        for doc in editions:
            if len(editions) == 1:
                doc["id"], doc["edition"] = base, ""
            elif doc["date_source"] == "placeholder":
                doc["id"], doc["edition"] = f"{base}-undated", "日期不详版"
            elif years[doc["date"][:4]] > 1:
                doc["id"], doc["edition"] = f"{base}-{doc['date'].replace('-', '')}", f"{doc['date'][:4]}年版"
            else:
                doc["id"], doc["edition"] = f"{base}-{doc['date'][:4]}", f"{doc['date'][:4]}年版"
            doc["chain"] = [d for d in editions]
    seen: dict[str, int] = {}
    for doc in sorted(docs, key=lambda d: d["record"]["path"]):
        doc_id = doc["id"]
        if doc_id in seen:  # different titles with the same pinyin (or truncated) id
            seen[doc_id] += 1
            while f"{doc_id}-{seen[doc_id]}" in seen:
                seen[doc_id] += 1
            doc["id"] = f"{doc_id}-{seen[doc_id]}"
            seen[doc["id"]] = 1
        else:
            seen[doc_id] = 1
    for doc in docs:
        record = doc["record"]
        meta = {"id": doc["id"], "title": record["title"], "date": doc["date"],
                "issuer": derive_issuer(doc["items"], record["title"], level_of(record))}
        number = derive_doc_number(doc["items"])
        if number:
            meta["doc_number"] = number
        meta["audiences"] = derive_audiences(record["title"])
        meta["topics"] = derive_topics(level_of(record))
        summary = derive_summary(doc["body"])
        if summary:
            meta["summary"] = summary
        if record.get("expired"):
            meta["status"] = "repealed"
        if doc["edition"]:
            meta["edition"] = doc["edition"]
        doc["meta"] = meta
    return docs


def render(meta: dict, items: list[str], body: str, date_source: str) -> str:
    """Front matter + ``沿革`` paragraph + body, LF line endings, ending in one newline."""
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000, default_flow_style=False)
    notes = []
    if items:
        notes.append("沿革：" + "；".join(items) + "。")
    if date_source == "placeholder":
        notes.append(f"（原文未注明发布日期和沿革，此处日期 {FALLBACK_DATE} 仅为占位。）")
    if not body.strip():
        notes.append("（原文只有标题和沿革，没有正文。）")
    parts = ["---", HEADER, front.rstrip("\n"), "---", ""]
    if notes:
        parts += ["\n\n".join(notes), ""]
    parts.append(body)
    return "\n".join(parts).rstrip("\n") + "\n"


def site_config(topics: list[str]) -> str:
    """Text of the knowledge base's site_config.yml."""
    data = {
        "site": {
            "title": "法规参考库",
            "description": "民政相关法律、行政法规、司法解释和地方性法规原文（来源：LawRefBook/Laws），供测试与基准使用，不是官方发布版本。",
            "language": "zh",
            "demo": True,
        },
        "content_dir": "content",
        "audiences": [{"key": k, "label": label, "synonyms": syn} for k, label, syn in AUDIENCES],
        "topics": topics,
    }
    return "# mzkb 站点配置：由 bench/lawref.py 生成。\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)


def import_corpus(target: Path, source: Path = DEFAULT_SOURCE, only: list[str] | None = None) -> Path:
    """Write ``target/site_config.yml`` and one ``target/content/guidelines/<id>.md`` per corpus file.

    ``only`` restricts the import to these manifest paths (ids are still computed over the whole
    manifest, so they do not depend on the selection; ``supersedes`` then links to the previous
    imported edition). Files written by an earlier import are removed first; other files in the
    folder are left alone. Returns the path of site_config.yml.
    """
    target, source = Path(target), Path(source)
    records = load_manifest(source)
    if only is not None:
        known = {r["path"] for r in records}
        unknown = [p for p in only if p not in known]
        if unknown:
            raise ValueError(f"not in manifest: {', '.join(unknown)}")
    docs = plan(records, source)
    chosen = [d for d in docs if only is None or d["record"]["path"] in set(only)]
    chosen_ids = {d["id"] for d in chosen}
    folder = target / "content" / "guidelines"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.md"):
        with old.open(encoding="utf-8", errors="replace") as handle:
            if handle.readline().rstrip("\n") == "---" and handle.readline().rstrip("\n") == HEADER:
                old.unlink()
    for doc in chosen:
        meta = dict(doc["meta"])
        previous = [d for d in doc.get("chain", []) if d["id"] in chosen_ids]
        index = previous.index(doc)
        if index > 0:
            meta["supersedes"] = previous[index - 1]["id"]
        text = render(meta, doc["items"], doc["body"], doc["date_source"])
        with (folder / f"{doc['id']}.md").open("w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    topics: list[str] = []
    for doc in docs:
        for topic in doc["meta"]["topics"]:
            if topic not in topics:
                topics.append(topic)
    config = target / "site_config.yml"
    with config.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(site_config(topics))
    return config


# ---------------------------------------------------------------------------------------------
# Queries


def read_kb(target: Path) -> list[dict]:
    """Imported documents of a knowledge base: front matter dict plus ``body``, sorted by id."""
    docs = []
    for path in sorted((Path(target) / "content" / "guidelines").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---\n"):
            continue
        front, _, body = text[4:].partition("\n---\n")
        meta = yaml.safe_load(front) or {}
        meta["date"] = str(meta.get("date", ""))
        meta["body"] = body
        meta.setdefault("id", path.stem)
        docs.append(meta)
    return sorted(docs, key=lambda d: d["id"])


def title_key(title: str) -> str:
    """Title without spaces and list punctuation: ``最高人民法院  最高人民检察院…`` = ``最高人民法院、最高人民检察院…``."""
    return _TITLE_NOISE.sub("", title)


def articles(body: str) -> list[tuple[str, str]]:
    """(article number, text after it) for every ``第…条`` line of a body."""
    result = []
    for line in body.split("\n"):
        found = _ARTICLE.match(line)
        if found and found.group(1).strip():
            number = line.strip()[: line.strip().index("条") + 1]
            result.append((number, found.group(1).strip()))
    return result


def paragraphs(body: str) -> list[tuple[str, str]]:
    """Fallback for bodies without articles: ("", line) for plain text lines (no headings, no 沿革)."""
    return [("", line.strip()) for line in body.split("\n")
            if line.strip() and not line.lstrip().startswith(("#", "沿革：", "（原文"))]


def _spans(rng: random.Random, text: str, tries: int) -> list[str]:
    """Up to ``tries`` random spans of 8–14 consecutive Han characters from ``text``."""
    runs = [m.group(0) for m in _HAN_RUN.finditer(text) if len(m.group(0)) >= 8]
    spans = []
    for _ in range(tries if runs else 0):
        run = rng.choice(runs)
        size = rng.randint(8, min(14, len(run)))
        start = rng.randint(0, len(run) - size)
        spans.append(run[start:start + size])
    return spans


def known_item_queries(target: Path, per_doc_phrases: int = 1, seed: int = 7) -> list[dict]:
    """Known-item queries for every document of an imported knowledge base.

    Per document: one ``{"q": title, "expect": [...], "kind": "title"}`` (editions of the same
    title newest first, then documents whose title differs only in spaces/、) and
    ``per_doc_phrases`` ``kind: "phrase"`` queries: 8–14 consecutive Han characters copied from
    a ``第…条`` article (from a plain paragraph when the text has no articles), preferring a span
    found only in this document or its editions; ``expect`` is this id, then the other
    editions containing the phrase, then (only when no rarer span exists) any other document
    containing it. Phrase queries also carry ``article`` (``第十条``, or "" for paragraphs).
    Deterministic: each document uses ``random.Random(f"{seed}:{id}")``.
    """
    docs = read_kb(target)
    groups: dict[str, list[dict]] = defaultdict(list)
    for doc in docs:
        groups[title_key(doc["title"])].append(doc)
    flat = {doc["id"]: re.sub(r"\s+", "", doc["body"]) for doc in docs}
    newest_first = lambda items: sorted(items, key=lambda d: (d["date"], d["id"]), reverse=True)  # noqa: E731
    queries: list[dict] = []
    for doc in docs:
        family = groups[title_key(doc["title"])]
        same = newest_first([d for d in family if d["title"] == doc["title"]])
        alike = newest_first([d for d in family if d["title"] != doc["title"]])
        queries.append({"q": doc["title"], "expect": [d["id"] for d in same + alike], "kind": "title"})
        family_ids = [d["id"] for d in newest_first(family)]
        rng = random.Random(f"{seed}:{doc['id']}")
        lines = articles(doc["body"]) or paragraphs(doc["body"])
        order = list(range(len(lines)))
        rng.shuffle(order)
        used: set[str] = set()
        picked = 0
        fallback: tuple[int, str, str] | None = None
        for index in order:
            if picked >= per_doc_phrases:
                break
            number, text = lines[index]
            for phrase in _spans(rng, text, 4):
                if phrase in used:
                    continue
                holders = {i for i, body in flat.items() if phrase in body}
                if holders <= set(family_ids):
                    expect = [doc["id"]] + [i for i in family_ids if i in holders and i != doc["id"]]
                    queries.append({"q": phrase, "expect": expect, "kind": "phrase", "article": number})
                    used.add(phrase)
                    picked += 1
                    break
                if fallback is None or len(holders) < fallback[0]:
                    fallback = (len(holders), phrase, number)
        if picked < per_doc_phrases and fallback and fallback[1] not in used:
            _count, phrase, number = fallback
            holders = {i for i, body in flat.items() if phrase in body}
            others = sorted(holders - set(family_ids))
            expect = [doc["id"]] + [i for i in family_ids if i in holders and i != doc["id"]] + others
            queries.append({"q": phrase, "expect": expect, "kind": "phrase", "article": number})
    return queries


GENERIC_TITLE_WORDS = frozenset({"条例", "规定", "办法", "实施", "决定", "通知", "意见", "解释", "规则", "细则", "若干",
                                  "关于", "管理", "中华人民共和国", "人民代表大会", "常务委员会", "最高人民法院", "暂行",
                                  "修改", "修正", "适用", "问题", "案件", "审理", "工作", "人民政府", "委员会", "省", "市"})


def topical_queries(target: Path, count: int = 40, seed: int = 7) -> list[dict]:
    """Topical words taken from titles: jieba words of 3–6 Han characters (or two adjacent words
    making 4–6) that 3 to 60 titles contain, generic legal words left out; ``count`` of them,
    drawn at random (seeded). Each query carries ``holders`` (ids whose text contains the word:
    title, issuer, 文号, topics, audiences or body) and ``titled`` (ids whose title contains it)."""
    import rjieba

    docs = read_kb(target)
    seg = rjieba.Jieba()
    candidates: set[str] = set()
    for doc in docs:
        for run in _HAN_RUN.findall(doc["title"]):
            words = [w for w in seg.cut(run, False) if len(w) >= 2]  # a pair: two adjacent words of 2+
            for i, word in enumerate(words):
                pair = word + words[i + 1] if i + 1 < len(words) and run.find(word + words[i + 1]) >= 0 else ""
                for phrase in (word, pair):
                    if 3 <= len(phrase) <= 6 and not any(g in phrase for g in GENERIC_TITLE_WORDS):
                        candidates.add(phrase)
    texts = {d["id"]: _searchable(d) for d in docs}
    titles = {d["id"]: re.sub(r"\s+", "", d["title"]) for d in docs}
    chosen = []
    for word in sorted(candidates):
        titled = [i for i, t in titles.items() if word in t]
        if 3 <= len(titled) <= 60:
            chosen.append({"q": word, "kind": "topical", "titled": titled,
                           "holders": [i for i, t in texts.items() if word in t]})
    random.Random(seed).shuffle(chosen)
    return sorted(chosen[:count], key=lambda q: q["q"])


def _searchable(doc: dict) -> str:
    """What the index holds of a document, as plain text: its parts one per line, any
    whitespace a boundary (the analyzer cuts runs there, so a word never spans a line break,
    e.g. a heading and the paragraph after it)."""
    parts = [doc["title"], doc.get("doc_number", ""), doc.get("issuer", ""), " ".join(doc.get("topics", [])),
             " ".join(doc.get("audiences", [])), doc.get("edition", ""), doc.get("summary", ""), doc["body"]]
    return re.sub(r"\s+", "\n", unicodedata.normalize("NFKC", "\n".join(str(p) for p in parts)))


def write_queries(path: Path, queries: list[dict]) -> Path:
    """Write queries as a YAML list (UTF-8, LF); return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        yaml.safe_dump(queries, handle, allow_unicode=True, sort_keys=False, width=10_000)
    return path


def chains(target: Path) -> dict[str, list[str]]:
    """Title -> ids of its editions (oldest first) for titles with two or more editions."""
    by_title: dict[str, list[dict]] = defaultdict(list)
    for doc in read_kb(target):
        by_title[doc["title"]].append(doc)
    return {title: [d["id"] for d in sorted(items, key=lambda d: (d["date"], d["id"]))]
            for title, items in sorted(by_title.items()) if len(items) > 1}


def main(argv: list[str] | None = None) -> int:
    """CLI: import the corpus into OUT_DIR, write OUT_DIR/queries.yml, print a summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--only", nargs="*", default=None, help="manifest paths to import (default: all)")
    parser.add_argument("--phrases", type=int, default=1, help="phrase queries per document")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--check", action="store_true", help="run mzkb check on the result")
    args = parser.parse_args(argv)
    config = import_corpus(args.out_dir, args.source, args.only)
    queries = known_item_queries(args.out_dir, args.phrases, args.seed)
    qpath = write_queries(args.out_dir / "queries.yml", queries)
    docs = read_kb(args.out_dir)
    found = chains(args.out_dir)
    kinds = defaultdict(int)
    for q in queries:
        kinds[q["kind"]] += 1
    print(f"config:  {config}")
    print(f"docs:    {len(docs)}")
    print(f"chains:  {len(found)} (titles with >= 2 editions)")
    for title, ids in found.items():
        print(f"  {title}: {' -> '.join(ids)}")
    print(f"queries: {len(queries)} ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}) -> {qpath}")
    if args.check:
        return subprocess.run([sys.executable, "-m", "mzkb.cli", "check", "-c", str(config)], cwd=HERE.parent).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
