"""Search records: each document becomes units (its head, its sections, its transcript cues).

Both engines index the same units with the same analyzer, so a hit deep-links to the
same place: ``page.html`` (head), ``page.html#anchor`` (section) or ``page.html#t=75`` (cue).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import rjieba

from ..config import SiteConfig
from ..content.text import SEARCHABLE, attachment_parts
from ..content.links import Corpus, asset_url
from ..content.model import Document
from . import analyzer

FIELD_WEIGHTS = {"title": 6.0, "docno": 5.0, "meta": 1.5, "headings": 2.5, "body": 1.0, "transcript": 0.8,
                 "pinyin": 1.0}
"""BM25F field weights: title > 文号 > headings > body > transcript (meta: issuer, audiences, topics, region,
索引号, 主题分类, 主送;
pinyin: full pinyin and initials of the title's words, see ``analyzer.pinyin_readings``)."""
UNIT_TEXT = 1500
"""Characters of each unit's text both engines keep for snippets and for the phrase rerank."""
MAX_UNITS = 127
"""Units per document beyond this are merged into the last one (unit numbers fit 7 bits)."""



@dataclass(frozen=True, slots=True)
class Unit:
    """One searchable part of a document."""

    doc_id: str
    """Document id."""
    number: int
    """0 = the document head (title, 文号, metadata, text before the first heading)."""
    anchor: str
    """Fragment to link to ('' for the head, a heading anchor, or ``t=SECONDS``)."""
    heading: str
    """Heading shown with the snippet ('' for the head; ``MM:SS`` for a cue)."""
    fields: dict
    """Field name -> text."""
    kind: str = ""
    """'' for a part of the page; ``attachment`` for a part of an attached file, whose
    ``anchor`` is then the file's site path (with ``#page=N`` for a PDF page)."""
    factor: float = 1.0
    """Per-unit score multiplier (hook: e.g. a section amended by another document ranks below
    the amending one); both engines multiply the unit's term weights by it."""

    @property
    def text(self) -> str:
        """Plain text used for snippets."""
        return self.fields.get("body") or self.fields.get("transcript") or ""


def document_units(doc: Document, config: SiteConfig, pinyin: dict[str, str] | None = None) -> list[Unit]:
    """The units of one document, head first (``pinyin``: titles' readings computed beforehand,
    ``analyzer.title_pinyin``; a title missing from it is read here)."""
    labels = {a.key: (a.label,) for a in config.audiences}  # synonyms are expanded on the query side
    meta = " ".join([doc.issuer, doc.region, doc.edition, " ".join(doc.topics),
                     " ".join(" ".join(labels.get(k, ())) for k in doc.audiences),
                     doc.index_number, " ".join(doc.subjects), doc.recipients])  # 信息公开: 索引号, 主题分类, 主送
    intro = [s.text for s in doc.sections if not s.title]
    head_body = " ".join(intro) or doc.summary
    readings = pinyin.get(doc.title) if pinyin else None  # "" is a reading too (a title without Han words)
    head = {"title": doc.title, "docno": doc.doc_number, "meta": meta, "body": head_body,
            "pinyin": " ".join(analyzer.pinyin_readings(doc.title)) if readings is None else readings}
    units = [Unit(doc.id, 0, "", "", head)]
    amended = {c.anchor for c in doc.amended_by if c.active}  # sections a document in force adjusted
    for section in doc.sections:
        if not section.title:
            continue
        if len(units) >= MAX_UNITS:
            last = units[-1]
            merged = dict(last.fields, body=last.fields["body"] + "\n" + section.title + "\n" + section.text)
            units[-1] = Unit(doc.id, last.number, last.anchor, last.heading, merged, last.kind, last.factor)
            continue
        units.append(Unit(doc.id, len(units), section.anchor, section.title, {"headings": section.title, "body": section.text},
                          factor=AMENDED_SECTION_FACTOR if section.anchor in amended else 1.0))
    room = MAX_UNITS - len(units)
    per_unit = max(1, -(-len(doc.cues) // room)) if room > 0 else len(doc.cues) or 1
    for start in range(0, len(doc.cues) if room > 0 else 0, per_unit):
        group = doc.cues[start : start + per_unit]
        seconds = int(group[0].start)
        minutes, secs = divmod(seconds, 60)
        units.append(Unit(doc.id, len(units), f"t={seconds}", f"{minutes:02d}:{secs:02d}",
                          {"transcript": " ".join(c.text for c in group)}))
    units.extend(attachment_units(doc, len(units)))
    return units


def section_unit(doc: Document, anchor: str) -> int:
    """The unit number ``document_units`` gives the section with this anchor (-2 if none)."""
    titled = [s.anchor for s in doc.sections if s.title]
    if anchor not in titled:
        return -2
    return min(1 + titled.index(anchor), MAX_UNITS - 1)


def attachment_units(doc: Document, first: int) -> list[Unit]:
    """Units of the text of the document's PDF/DOCX/XLSX attachments (a PDF page, a sheet, a
    Word file each), numbered from ``first`` and within ``MAX_UNITS``."""
    units: list[Unit] = []
    for asset in doc.attachments:
        if not asset.rel.lower().endswith(SEARCHABLE):
            continue
        name = asset.rel.rsplit("/", 1)[-1]
        for page, label, text in attachment_parts(asset.source):
            if first + len(units) >= MAX_UNITS:
                return units
            url = asset_url(asset.rel) + (f"#page={page}" if page else "")
            heading = f"附件：{name}" + (f" {label}" if label else "")
            units.append(Unit(doc.id, first + len(units), url, heading, {"body": text}, "attachment"))
    return units


def user_words(corpus: Corpus, config: SiteConfig) -> frozenset[str]:
    """The segmenter's user dictionary: audience labels and synonyms, synonym groups, topics, and
    titles short enough to be a word term (``MIN_WORD``..``MAX_WORD`` characters), so editing a
    long title does not change how every other document is cut."""
    words: set[str] = set(config.topics)
    for audience in config.audiences:
        words.add(audience.label)
        words.update(audience.synonyms)
    for group in config.synonyms:
        words.update(group)
    words.update(d.title for d in corpus.documents if analyzer.MIN_WORD <= _title_length(d.title) <= analyzer.MAX_WORD)
    return frozenset(words)


@lru_cache(maxsize=1 << 17)
def _title_length(title: str) -> int:
    """Length of a normalized title (memoized: ``mzkb serve`` asks again for every title on each rebuild)."""
    return len(analyzer.normalize(title))


def synonym_groups(config: SiteConfig) -> list[list[str]]:
    """Synonym groups applied to queries: each audience with its synonyms, plus search.synonyms."""
    groups = [[a.label, *a.synonyms] for a in config.audiences if a.synonyms]
    groups += [list(g) for g in config.synonyms]
    return groups


DEFAULT_ALIASES = (("covid-19", "新冠"), ("covid19", "新冠"), ("covid", "新冠"), ("2019-ncov", "新冠"), ("ncov", "新冠"),
                   ("sars-cov-2", "新冠病毒"))
"""Aliases every knowledge base has (``search.aliases`` in site_config.yml adds to them or overrides one)."""


def query_aliases(config: SiteConfig) -> list[tuple[str, str]]:
    """Aliases applied to queries (``analyzer.apply_aliases``): the defaults, then ``search.aliases``
    (a word typed there replaces its default)."""
    merged = dict(DEFAULT_ALIASES)
    merged.update((analyzer.ascii_lower(typed), searched) for typed, searched in config.aliases)
    return sorted(merged.items())


STATUS_FACTOR = {"current": 1.0, "amended": 1.0, "superseded": 0.45, "pending": 0.4, "expired": 0.3, "repealed": 0.35}
"""Score multipliers per document status (the hook for new states: add one entry per state; a
state that is no longer in force — expired, not yet valid — takes a superseded-like factor).
Whatever the factor, a document never ranks above the current document of its own edition
chain: both engines fold a chain into one result headed by its current edition
(``edition_chains``)."""
DEFAULT_STATUS_FACTOR = 0.45
"""Factor of a status missing from ``STATUS_FACTOR``."""


def status_factor(status: str) -> float:
    """Score multiplier of a document status (``STATUS_FACTOR``)."""
    return STATUS_FACTOR.get(status, DEFAULT_STATUS_FACTOR)


def edition_chains(docs) -> dict[str, str]:
    """Document id -> chain key (the id of the chain's newest edition) for documents that belong
    to an edition chain of two or more documents (``supersedes``/``superseded_by``)."""
    by_id = {d.id: d for d in docs}
    key: dict[str, str] = {}
    for doc in docs:
        if not (doc.supersedes or doc.superseded_by):
            continue
        node, seen = doc, {doc.id}
        while node.superseded_by and node.superseded_by[0] in by_id and node.superseded_by[0] not in seen:
            node = by_id[node.superseded_by[0]]
            seen.add(node.id)
        key[doc.id] = node.id
    return key


AMENDED_SECTION_FACTOR = 0.4
"""Multiplier of a section that a document in force has amended (``amends``): the amending
section ranks above it for the same query."""


ALWAYS = "*"
"""Own anchor of a ``below_candidates`` pair that binds whenever both documents match (``binds_always``):
an expired or not yet valid measure never ranks above a document in force that it adjusted."""


def binds_always(match, target) -> bool:
    """Whether an ``ALWAYS`` pair binds for these two matches: always, unless the query asked for
    the measure itself — by its 文号, or with words that only it holds in full (the document in
    force matches part of them). ``search.js`` mirrors this in ``keepBelow``."""
    return not match.docno and (target.full or not match.full)


RELEVANT_SHARE = 0.2
"""A ``below_candidates`` pair binds only when the target scores at least this share of the document's
score for the query (a passing mention does not make it "the rule" the query is about)."""


MEASURE, AMENDED = "measure", "amended"
"""Kinds of a ``below_candidates`` pair: a measure's (binds while the measure is expired or
pending), an amended section's (binds while the amending document is in force)."""


def below_candidates(doc: Document) -> tuple[tuple[str, str, tuple[str, ...], str], ...]:
    """(target id, own anchor, target anchors, kind): ``doc`` must not rank above the target when
    the query's best unit in ``doc`` is the own anchor ('' = any, ``ALWAYS``: whenever both
    match, ``binds_always``) and in the target one of the target anchors (empty = any) — the
    query is about the rule that one changed in the other. Every pair a document can have on some
    day: an expired or not yet valid measure stays below the documents in force it adjusted
    (``amends``); an amended section stays below the section that amends it while that is in
    force. The engines keep the pairs that bind on the day the query is judged on (``binds_on``)."""
    pairs: list[tuple[str, str, tuple[str, ...], str]] = []
    for a in doc.amends:
        pairs += [(a.target, "", tuple(a.sections), MEASURE), (a.target, ALWAYS, (), MEASURE)]
    pairs += [(c.by, c.anchor, (c.at,) if c.at else (), AMENDED) for c in doc.amended_by]
    return tuple(dict.fromkeys(pairs))


def binds_on(kind: str, own_status: str, target_status: str) -> bool:
    """Whether a ``below_candidates`` pair applies, given both documents' statuses on the day
    (``content.status.status_on``): the target is in force, and a measure's pair only while the
    measure itself is not."""
    if target_status not in ("current", "amended"):
        return False
    return own_status in ("expired", "pending") if kind == MEASURE else True


def keep_below(keys: list, below: dict) -> list:
    """``keys`` (best first) reordered so that a key never precedes a key that ``below[key]``
    names: such a key moves to just after the last of them; everything else keeps its order.
    ``search.js`` mirrors this (``keepBelow``)."""
    position = {key: i for i, key in enumerate(keys)}
    waiting: dict = {}
    result: list = []

    def place(key) -> None:
        result.append(key)
        for later in waiting.pop(key, []):
            place(later)

    for key in keys:
        after = [t for t in below.get(key, ()) if position.get(t, -1) > position[key]]
        if after:
            waiting.setdefault(max(after, key=position.__getitem__), []).append(key)
        else:
            place(key)
    return result


def analyzed_documents(corpus: Corpus, config: SiteConfig, only: set[str] | None = None,
                       words: frozenset[str] | None = None):
    """Yield (document, units, per-unit field -> term counts) in corpus order: the one
    analysis pass that every index is built from (``only``: just these document ids;
    ``words``: ``user_words`` when the caller has it already)."""
    docs = corpus.documents if only is None else [d for d in corpus.documents if d.id in only]
    yield from analyze_documents(docs, config, user_words(corpus, config) if words is None else words)


def analyze_documents(docs, config: SiteConfig, words: frozenset[str], pinyin: dict[str, str] | None = None):
    """``analyzed_documents`` for some documents, with the segmenter dictionary of the whole corpus
    (``pinyin``: see ``document_units``)."""
    seg = analyzer.segmenter(words)
    for doc in docs:
        units = document_units(doc, config, pinyin)
        yield doc, units, [analyze_unit(u, seg) for u in units]


def analyze_unit(unit: Unit, seg: rjieba.Jieba) -> dict[str, Counter]:
    """Field -> term counts of one unit (the analysis both engines index)."""
    fields = {field: Counter(analyzer.analyze(text, seg)) for field, text in unit.fields.items() if text}
    if "docno" in fields:  # the document's own 文号, apart from the ones it cites (analyzer.owner_terms)
        fields["docno"].update(analyzer.owner_terms(unit.fields["docno"]))
    return fields
