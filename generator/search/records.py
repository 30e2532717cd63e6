"""Search records: each document becomes units (its head, its sections, its transcript cues).

Both engines index the same units with the same analyzer, so a hit deep-links to the
same place: ``page.html`` (head), ``page.html#anchor`` (section) or ``page.html#t=75`` (cue).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import rjieba

from ..config import SiteConfig
from ..content.importer.attachments import SEARCHABLE, attachment_parts
from ..content.links import Corpus, asset_url
from ..content.model import Document
from . import analyzer

FIELD_WEIGHTS = {"title": 6.0, "docno": 5.0, "meta": 1.5, "headings": 2.5, "body": 1.0, "transcript": 0.8}
"""BM25F field weights: title > 文号 > headings > body > transcript (meta: issuer, audiences, topics, region)."""
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

    @property
    def text(self) -> str:
        """Plain text used for snippets."""
        return self.fields.get("body") or self.fields.get("transcript") or ""


def document_units(doc: Document, config: SiteConfig) -> list[Unit]:
    """The units of one document, head first."""
    labels = {a.key: (a.label, *a.synonyms) for a in config.audiences}
    meta = " ".join([doc.issuer, doc.region, doc.edition, " ".join(doc.topics),
                     " ".join(" ".join(labels.get(k, ())) for k in doc.audiences)])
    intro = [s.text for s in doc.sections if not s.title]
    head_body = " ".join(intro) or doc.summary
    units = [Unit(doc.id, 0, "", "", {"title": doc.title, "docno": doc.doc_number, "meta": meta, "body": head_body})]
    for section in doc.sections:
        if not section.title:
            continue
        if len(units) >= MAX_UNITS:
            last = units[-1]
            merged = dict(last.fields, body=last.fields["body"] + "\n" + section.title + "\n" + section.text)
            units[-1] = Unit(doc.id, last.number, last.anchor, last.heading, merged)
            continue
        units.append(Unit(doc.id, len(units), section.anchor, section.title, {"headings": section.title, "body": section.text}))
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
    words.update(d.title for d in corpus.documents
                 if analyzer.MIN_WORD <= len(analyzer.normalize(d.title)) <= analyzer.MAX_WORD)
    return frozenset(words)


def synonym_groups(config: SiteConfig) -> list[list[str]]:
    """Synonym groups applied to queries: each audience with its synonyms, plus search.synonyms."""
    groups = [[a.label, *a.synonyms] for a in config.audiences if a.synonyms]
    groups += [list(g) for g in config.synonyms]
    return groups


STATUS_FACTOR = {"current": 1.0, "amended": 1.0, "superseded": 0.45, "pending": 0.4, "expired": 0.3, "repealed": 0.35}
"""Score multipliers: documents in force rank above superseded, expired, not yet valid and repealed ones."""

AMENDED_SECTION_FACTOR = 0.4
"""Multiplier of a section that a document in force has amended (``amends``): the amending
section ranks above it for the same query."""


def rank_below(doc: Document, corpus: Corpus | None = None) -> tuple[tuple[str, str], ...]:
    """(document id, anchor) pairs: ``doc`` must never rank above that document when both match
    — always when the anchor is '', else only when ``doc``'s best unit is that section.

    An expired or not yet valid measure stays below the documents it adjusted (``amends``); a
    document whose amended section is what matched stays below the document amending it (with
    ``corpus``: only targets in force now; without, the engines check at query time)."""
    pairs: list[tuple[str, str]] = []
    if doc.status.value in ("expired", "pending"):
        pairs += [(a.target, "") for a in doc.amends]
    pairs += [(c.by, c.anchor) for c in doc.amended_by if c.active]
    if corpus is not None:
        pairs = [(t, a) for t, a in pairs if (found := corpus.get(t)) is not None and found.status.in_force]
    return tuple(dict.fromkeys(pairs))


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


def unit_factor(doc: Document, unit: Unit) -> float:
    """Score multiplier of one unit: sections amended by a document in force count less."""
    if unit.anchor and any(c.active and c.anchor == unit.anchor for c in doc.amended_by):
        return AMENDED_SECTION_FACTOR
    return 1.0


def analyzed_documents(corpus: Corpus, config: SiteConfig, only: set[str] | None = None):
    """Yield (document, units, per-unit field -> term counts) in corpus order: the one
    analysis pass that every index is built from (``only``: just these document ids)."""
    docs = corpus.documents if only is None else [d for d in corpus.documents if d.id in only]
    yield from analyze_documents(docs, config, user_words(corpus, config))


def analyze_documents(docs, config: SiteConfig, words: frozenset[str]):
    """``analyzed_documents`` for some documents, with the segmenter dictionary of the whole corpus."""
    seg = analyzer.segmenter(words)
    for doc in docs:
        units = document_units(doc, config)
        yield doc, units, [analyze_unit(u, seg) for u in units]


def analyze_unit(unit: Unit, seg: rjieba.Jieba) -> dict[str, Counter]:
    """Field -> term counts of one unit (the analysis both engines index)."""
    return {field: Counter(analyzer.analyze(text, seg)) for field, text in unit.fields.items() if text}
