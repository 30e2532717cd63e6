"""The Whoosh index behind ``mzkb search``: same units, same analyzer, BM25F field weights.

Text is analyzed by ``analyzer.analyze`` before it reaches Whoosh (terms joined with
U+001F and split by a stock tokenizer), so the stored schema pickles no custom code and
both engines index exactly the same terms.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as windex
from whoosh import query as wq
from whoosh.analysis import RegexTokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.scoring import BM25F

from ..config import SiteConfig
from ..content.links import Corpus
from . import analyzer
from .browser_index import province
from .records import FIELD_WEIGHTS, STATUS_FACTOR, document_units, synonym_groups, user_words

SEP = "\x1f"
TEXT_FIELDS = tuple(FIELD_WEIGHTS)


def schema() -> Schema:
    """One Whoosh document per unit; text fields carry their BM25F weight as field boost."""
    tokens = RegexTokenizer(r"[^\x1f]+")
    text_fields = {name: TEXT(analyzer=tokens, field_boost=weight, phrase=False) for name, weight in FIELD_WEIGHTS.items()}
    return Schema(
        doc_id=ID(stored=True), unit=NUMERIC(stored=True), anchor=STORED, heading=STORED, text=STORED,
        title_s=STORED, url=STORED, date=STORED, issuer=STORED, doc_number=STORED,
        type=ID(stored=True), status=ID(stored=True), audience=KEYWORD(stored=True), year=ID(stored=True),
        region=ID(stored=True), **text_fields,
    )


def write_index(corpus: Corpus, config: SiteConfig, target: Path) -> int:
    """Build the index in a sibling folder and swap it into ``target``; return the unit count."""
    seg = analyzer.segmenter(user_words(corpus, config))
    stage = target.parent / f".{target.name}.building-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    ix = windex.create_in(str(stage), schema())
    writer = ix.writer(limitmb=256)
    count = 0
    for doc in corpus.documents:
        for unit in document_units(doc, config):
            analyzed = {f: SEP.join(analyzer.analyze(t, seg)) for f, t in unit.fields.items() if t}
            writer.add_document(
                doc_id=doc.id, unit=unit.number, anchor=unit.anchor, heading=unit.heading, text=unit.text[:2000],
                title_s=doc.title, url=doc.url, date=doc.date.isoformat(), issuer=doc.issuer, doc_number=doc.doc_number,
                type=doc.type.value, status=doc.status.value, audience=" ".join(doc.audiences),
                year=str(doc.date.year), region=province(doc.region), **analyzed,
            )
            count += 1
    writer.commit()
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    if target.exists():
        os.replace(target, old)
    os.replace(stage, target)
    shutil.rmtree(old, ignore_errors=True)
    return count


@dataclass(frozen=True, slots=True)
class Hit:
    """One document found by ``search``."""

    id: str
    title: str
    url: str
    type: str
    status: str
    score: float
    snippet: str
    heading: str
    date: str
    issuer: str
    doc_number: str

    def to_json(self) -> dict:
        """JSON-ready dict (the ``mzkb search --json`` contract)."""
        return {k: getattr(self, k) for k in self.__slots__}


class IndexMissing(Exception):
    """No index has been built yet for this knowledge base."""


def search(index_dir: Path, text: str, config: SiteConfig, limit: int = 10, doc_type: str | None = None,
           audience: str | None = None, status: str | None = None) -> list[Hit]:
    """Ranked documents for a query, best first (current documents above superseded ones)."""
    if not windex.exists_in(str(index_dir)):
        raise IndexMissing(str(index_dir))
    ix = windex.open_dir(str(index_dir))
    with ix.searcher(weighting=BM25F()) as searcher:
        reader = searcher.reader()
        variants = analyzer.analyze_query(text, lambda t: any((f, t) in reader for f in TEXT_FIELDS), synonym_groups(config))
        filters = [wq.Term(name, value) for name, value in (("type", doc_type), ("audience", audience), ("status", status)) if value]
        best: dict[str, tuple[float, dict]] = {}
        for terms in variants:
            for doc_id, score, unit in _rank_variant(searcher, terms, filters):
                if doc_id not in best or best[doc_id][0] < score:
                    best[doc_id] = (score, unit)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))
        all_terms = [t["term"] for terms in variants for t in terms]
        return [_hit(score, unit, all_terms) for _doc_id, (score, unit) in ranked[:limit]]


def _rank_variant(searcher, terms: list[dict], filters: list) -> list[tuple[str, float, dict]]:
    """(doc id, score, best unit) for one spelling: best unit + 1/4 of the others, times coordination²."""
    if not terms:
        return []
    subqueries = []
    for item in terms:
        kind, term = item["kind"], item["term"]
        make = wq.Prefix if kind in ("latin", "char") else wq.Term
        subqueries.append(wq.Or([make(f, term) for f in TEXT_FIELDS]))
    results = searcher.search(wq.Or(subqueries), limit=2000, filter=wq.And(filters) if filters else None, terms=True)
    docs: dict[str, dict] = {}
    for hit in results:
        entry = docs.setdefault(hit["doc_id"], {"units": [], "matched": set()})
        entry["units"].append((hit.score, dict(hit)))
        for _field, term in hit.matched_terms():
            entry["matched"].add(term.decode() if isinstance(term, bytes) else term)
    ranked = []
    for doc_id, entry in docs.items():
        units = sorted(entry["units"], key=lambda u: (-u[0], u[1]["unit"]))
        best_score, best = units[0]
        score = best_score + 0.25 * sum(s for s, _ in units[1:])
        matched = sum(1 for t in terms if t["term"] in entry["matched"]
                      or (t["kind"] in ("latin", "char") and any(m.startswith(t["term"]) for m in entry["matched"])))
        score *= (matched / len(terms)) ** 2 * STATUS_FACTOR[best["status"]]
        ranked.append((doc_id, score, best))
    return ranked


def _hit(score: float, unit: dict, terms: list[str]) -> Hit:
    url = unit["url"] + (f"#{unit['anchor']}" if unit["anchor"] else "")
    return Hit(unit["doc_id"], unit["title_s"], url, unit["type"], unit["status"], round(score, 4),
               snippet(unit["text"] or unit["title_s"], terms), unit["heading"], unit["date"],
               unit["issuer"], unit["doc_number"])


def snippet(text: str, terms: list[str], width: int = 80) -> str:
    """About ``width`` characters of ``text`` around the first matching term (normalized text)."""
    text = " ".join(text.split())
    lower = text.lower()
    positions = [lower.find(t) for t in terms if t and lower.find(t) >= 0]
    start = max(0, min(positions) - width // 4) if positions else 0
    piece = text[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")
