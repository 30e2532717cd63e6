"""Searching the Whoosh index behind ``mzkb search`` (``whoosh_writer`` writes it): the same
analyzer and scoring model as the browser (first-stage BM25F per spelling of the query), then
the shared steps of ``ranking``.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import log
from pathlib import Path

from whoosh import index as windex
from whoosh import query as wq
from whoosh.scoring import BM25F, BM25FScorer

from ..config import SiteConfig
from ..content import status as dated_status
from ..seal import is_sealed
from . import analyzer
from . import ranking
from .browser_index import B, K1, SCALE, quantized
from .records import ALWAYS, binds_always, binds_on, RELEVANT_SHARE, keep_below, query_aliases, status_factor, synonym_groups
from .whoosh_writer import TEXT_FIELDS


@dataclass(frozen=True, slots=True)
class Hit:
    """One result found by ``search``: a document, with the other matching editions of its chain."""

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
    full: bool = True
    """The document (or an edition folded under it) matches the whole query."""
    older: tuple = ()
    """Ids of the other matching editions of its chain (shown as 另有 N 个旧版本也匹配)."""
    in_attachment: bool = False
    """The best match is in an attached file (``url`` points to it; ``heading`` names it)."""
    topics: tuple = ()
    """The document's topics that hold the query (``ranking.matched_topics``)."""
    snippet_marks: tuple = ()
    """The matched runs in ``snippet``: (start, end) offsets, in order (never marker characters:
    real 文号 hold 【】)."""
    title_marks: tuple = ()
    """The matched runs in ``title`` (``ranking.title_marks``), as offsets."""
    topic_marks: tuple = ()
    """For each of ``topics``, its matched runs as offsets."""
    current: str = ""
    """Id of the edition of its chain in force, when that is not this document (a match found
    only in an older edition heads its result, which names the rule now in force)."""
    current_title: str = ""
    current_url: str = ""
    full_in: str = ""
    """Id of the older edition that matches the whole query when this one matches part of it."""
    full_in_title: str = ""
    index_number: str = ""
    """信息公开 索引号 ('' when the document has none)."""
    subjects: tuple = ()
    """信息公开 主题分类."""
    recipients: str = ""
    """信息公开 主送."""
    snippet_in: str = ""
    """Id of the older edition whose passage ``snippet`` shows (only it holds the query whole:
    "见于旧版《…》（YYYY年版）"), else ''."""
    snippet_in_date: str = ""

    def to_json(self) -> dict:
        """JSON-ready dict (the ``mzkb search --json`` contract): highlights as [start, end] offsets."""
        data = {k: getattr(self, k) for k in self.__slots__ if not k.endswith("_marks")}
        data["older"] = list(self.older)
        data["topics"] = list(self.topics)
        data["subjects"] = list(self.subjects)
        data["highlights"] = [list(span) for span in self.snippet_marks]
        data["title_highlights"] = [list(span) for span in self.title_marks]
        data["topic_highlights"] = [[list(span) for span in spans] for spans in self.topic_marks]
        return data


@dataclass(frozen=True, slots=True)
class Results:
    """Ranked results and the honest counts the browser prints too."""

    hits: list
    full: int
    """Documents whose reader-visible text holds the query (``ranking.holds_query``)."""
    partial: int
    """Documents matching part of it (neither the query nor a synonym's spelling whole)."""
    query: str = ""
    """What was searched: the query, cut to ``analyzer.MAX_QUERY`` characters (and folded to simplified characters)."""
    shortened: bool = False
    """The query was longer and has been cut."""
    folded: str = ""
    """The query as searched when it was typed in traditional characters (``analyzer.fold_traditional``), else ''."""
    synonym: int = 0
    """Documents holding a synonym's spelling of the query whole but not the query typed."""
    synonym_words: tuple = ()
    """Those spellings (``analyzer.expand_synonyms`` order), named in the count line."""
    no_owner: str = ""
    """The query when it is a 文号 prefix that no document's 文号 starts with (``ranking.docno_only``):
    the results are then only documents citing it, and the CLI says 没有文号以…开头的文件."""
    aliased: str = ""
    """The query as searched when an alias replaced a word of it (``analyzer.apply_aliases``: covid -> 新冠), else ''."""
    suggestion: str = ""
    """您是不是要找: when no document matches the whole query, the query with one character corrected
    so that the first results' texts hold it (``ranking.suggestion``), else ''."""


class LiveBM25F(BM25F):
    """Whoosh's BM25F with the browser's idf (``search.js``: Whoosh's formula over the live
    documents). Whoosh counts the deleted documents of an updated index (the old versions of
    changed documents, until a merge drops them) in both the term's frequency and the number of
    documents, so that incremental builds would rank otherwise than full ones."""

    def idf(self, searcher, fieldname, text) -> float:  # noqa: D102 (Whoosh API)
        parent = searcher.get_parent()
        reader = parent.reader()
        if not reader.has_deletions():
            return super().idf(searcher, fieldname, text)
        live = sum(1 for _ in reader.postings(fieldname, text).all_ids())  # segment readers skip deleted documents
        return log(parent.doc_count() / (live + 1)) + 1


class SharedBM25F(LiveBM25F):
    """The browser's score of a posting (``browser_index.quantized``: BM25's term-frequency part in
    ``SCALE`` steps, on the length Whoosh stores), times the live idf, over ``SCALE``: both engines
    rank on the same numbers, so they return the same order."""

    def scorer(self, searcher, fieldname, text, qf=1):  # noqa: D102 (Whoosh API)
        if not searcher.schema[fieldname].scorable:
            return super().scorer(searcher, fieldname, text, qf)
        scorer = _SharedScorer(searcher, fieldname, text, self.B, self.K1, qf)
        scorer.avgfl = self.mean_length(searcher.get_parent(), fieldname)
        return scorer

    def mean_length(self, searcher, fieldname: str) -> float:
        """Mean stored length of the live documents (as ``browser_index.BrowserIndexBuilder.avg``):
        a Whoosh merge keeps each stored length but not the exact total, and drops deleted ones."""
        cache = self.__dict__.setdefault("_means", {})
        if fieldname not in cache:
            reader = searcher.reader()
            lengths = [reader.doc_field_length(d, fieldname, 0) for d in reader.all_doc_ids()]
            cache[fieldname] = (sum(lengths) / len(lengths)) if lengths else 1.0
        return cache[fieldname] or 1.0


class _SharedScorer(BM25FScorer):
    """BM25F's scorer (the idf of the top-level searcher's weighting: ``LiveBM25F``), quantized."""

    def _score(self, weight, length):
        saturated = weight * (self.K1 + 1) / (weight + self.K1 * ((1 - self.B) + self.B * length / self.avgfl))
        return self.idf * quantized(saturated) / SCALE


class IndexMissing(Exception):
    """No index has been built yet for this knowledge base."""


class IndexDamaged(IndexMissing):
    """The index folder holds files that do not fit the seal this user's mzkb wrote (damaged,
    altered or brought from elsewhere): never opened, the next build writes a new one."""


def search(index_dir: Path, text: str, config: SiteConfig, limit: int = 10, doc_type: str | None = None,
           audience: str | None = None, status: str | None = None, day: str | None = None) -> list[Hit]:
    """Ranked results for a query, best first (see ``search_results``)."""
    return search_results(index_dir, text, config, limit, doc_type, audience, status, day).hits


def search_results(index_dir: Path, text: str, config: SiteConfig, limit: int = 10, doc_type: str | None = None,
                   audience: str | None = None, status: str | None = None, day: str | None = None) -> Results:
    """First-stage BM25F per spelling of the query, then the shared steps of ``ranking``: fold
    edition chains, full matches before partial ones, rerank each window on the unit texts.
    Stored fields are read only for the documents near the top (and their chains). A query longer
    than ``analyzer.MAX_QUERY`` characters is cut first (``Results.shortened``).
    ``day`` (``YYYY-MM-DD``, default: the status the build judged): statuses are judged on that
    day (``content.status``) — shown, filtered by ``status`` and in the scores as their status factors."""
    if not any(index_dir.glob("*.toc")):
        raise IndexMissing(str(index_dir))
    if not is_sealed(index_dir):  # planted or damaged indexes are never opened (Whoosh reads pickles)
        raise IndexDamaged(str(index_dir))
    typed, cut = text, analyzer.cut_query(text)
    folded = analyzer.fold_traditional(cut)
    text = analyzer.apply_aliases(folded, query_aliases(config))
    ix = windex.open_dir(str(index_dir))
    with ix.searcher(weighting=SharedBM25F(B=B, K1=K1)) as searcher:
        reader = searcher.reader()
        variants = analyzer.analyze_query(text, lambda t: any((f, t) in reader for f in TEXT_FIELDS), synonym_groups(config))
        filters = [wq.Term(name, value) for name, value in (("type", doc_type), ("audience", audience)) if value]
        if status:  # the status on the day: a document whose status depends on it is judged below
            filters.append(wq.Or([wq.Term("status", status), wq.Term("has_dated", "1")]) if day else wq.Term("status", status))
        best: dict[int, ranking.Match] = {}
        by_synonym: dict[int, int] = {}  # document -> first synonym spelling it holds whole
        for number, terms in enumerate(variants):  # full only for the spelling typed, not a synonym's
            for match in _rank_variant(searcher, terms, filters, True):
                if number:
                    if match.full:
                        by_synonym.setdefault(match.key, number)
                    match = ranking.Match(match.key, match.score, False, match.docno, match.unit, match.date)
                old = best.get(match.key)
                if old is None:
                    best[match.key] = match
                else:
                    top = match if match.score > old.score else old
                    best[match.key] = ranking.Match(top.key, top.score, old.full or match.full, max(old.docno, match.docno),
                                                    0, top.date)
        stored = _Stored(searcher, day)
        _verify(best, stored, ranking.query_words(text))
        if status and day:
            best = {key: match for key, match in best.items() if stored.status(key) == status}
        for key, match in best.items():
            ratio = stored.factor_ratio(key)
            if ratio != 1.0:
                best[key] = ranking.Match(key, match.score * ratio, match.full, match.docno, match.unit, match.date)
                match = best[key]
            if match.docno:  # 文号 matches are listed newest first
                best[key] = ranking.Match(key, match.score, match.full, match.docno, 0, stored.date(key))
        only, no_owner = ranking.docno_only(analyzer.normalize(text), best.values())
        if only:  # a query that is nothing but a 文号: the documents holding it, owners first
            best = {key: match for key, match in best.items() if match.docno}
            by_synonym = {key: v for key, v in by_synonym.items() if key in best}
        runs = ranking.query_runs(analyzer.expand_synonyms(analyzer.normalize(text), synonym_groups(config)))
        needed = -(-max(limit, 1) // ranking.WINDOW) * ranking.WINDOW
        below = _below(searcher, best, stored, runs)
        groups = _ordered_below(_top_groups(best, stored, needed + len(below)), below, best)[:needed]
        reranked = _reranked(groups, needed, stored, runs)
        shown = _ordered_below(reranked, below, best)[:limit]  # -n cuts after ordering
        hits = [_hit(g, stored, runs) for g in shown]
        full = sum(1 for m in best.values() if m.full)
        spellings = analyzer.expand_synonyms(analyzer.normalize(text), synonym_groups(config))
        count, words = ranking.synonym_counts(_held_synonyms(by_synonym, best, stored, spellings), spellings)
        hint = "" if full or count else ranking.suggestion(analyzer.normalize(text), [t for g in reranked[: ranking.WINDOW]
                                                for t in (stored[g.best.key]["title_s"], *(u[3] or "" for u in stored[g.best.key]["units"]))])
        return Results(hits, full, len(best) - full - count, text, cut != typed, folded if folded != cut else "", count, words,
                       text.strip() if no_owner else "", text if text != folded else "", hint)


def visible_texts(fields: dict) -> list[str]:
    """A stored document's reader-visible text for ``ranking.holds_query``: title, 文号, and each
    unit's heading and whole text (the stored text plus its ``rest``)."""
    return [fields["title_s"], fields["doc_number"], *(u[2] or "" for u in fields["units"]), *unit_texts(fields)]


def unit_texts(fields: dict) -> list[str]:
    """Each unit's whole text: its stored first ``records.UNIT_TEXT`` characters and the rest."""
    texts = [u[3] or "" for u in fields["units"]]
    for index, rest in fields.get("rest") or ():
        texts[index] += rest
    return texts


def _verify(best: dict, stored: "_Stored", words: list[str]) -> None:
    """A candidate (every term of the query matched) is a full match only when its visible text
    holds the query (``ranking.holds_query``): every candidate's stored text is read."""
    for key, match in best.items():
        if match.full and not ranking.holds_query(words, visible_texts(stored[key])):
            best[key] = ranking.Match(key, match.score, False, match.docno, match.unit, match.date)


def _held_synonyms(by_synonym: dict, best: dict, stored: "_Stored", spellings: list[str]) -> dict[int, int]:
    """Document -> the first synonym spelling its visible text holds (``ranking.holds_query``), for
    the documents that are not full matches and matched a synonym's every term."""
    held = {}
    for key in by_synonym:
        if not best[key].full:
            texts = visible_texts(stored[key])
            first = next((v for v in range(1, len(spellings)) if ranking.holds_query(ranking.query_words(spellings[v]), texts)), 0)
            if first:
                held[key] = first
    return held


def _below(searcher, best: dict, stored: "_Stored", runs: list) -> dict[int, list[int]]:
    """Matched document -> matched documents in force it must stay below (``records.below_candidates``:
    the pair's sections are the best units of both for the query, and the target is relevant)."""
    found: dict[int, list[int]] = {}

    def best_anchor(docnum: int) -> str:
        units = stored[docnum]["units"]
        return units[ranking.best_unit(runs, [(u[2] or "", u[3] or "") for u in units], -1)[0]][1]

    for docnum in searcher.docs_for_query(wq.Term("has_below", "1")):
        if docnum not in best:
            continue
        targets = []
        for target_id, own, anchors, kind in stored[docnum].get("below") or ():
            target = stored.number(target_id)
            if target not in best or not binds_on(kind, stored.status(docnum), stored.status(target)):
                continue
            if own == ALWAYS:
                binds = binds_always(best[docnum], best[target])
            else:
                binds = (best[target].score >= RELEVANT_SHARE * best[docnum].score
                         and (not own or own == best_anchor(docnum)) and (not anchors or best_anchor(target) in anchors))
            if binds:
                targets.append(target)
        if targets:
            found[docnum] = targets
    return found


def _ordered_below(groups: list, below: dict[int, list[int]], best: dict) -> list:
    """``records.keep_below`` over groups; a group whose target matched but is not among these
    groups ranks below all of them and is left out. A pair never puts a full match below a
    partial one, nor a known item below a document the query names less surely."""
    if not below:
        return groups
    index = {m.key: i for i, g in enumerate(groups) for m in g.members}
    keys = list(range(len(groups)))
    after: dict[int, list[int]] = {}
    dropped = set()
    for i, group in enumerate(groups):
        for member in group.members:
            for target in below.get(member.key, ()):
                other = groups[index[target]] if target in index else None
                if (group.full and not (other.full if other else best[target].full)) or \
                        group.known > (other.known if other else 0):
                    continue
                if other is not None and index[target] != i:
                    after.setdefault(i, []).append(index[target])
                elif other is None:
                    dropped.add(i)
    return [groups[i] for i in keep_below(keys, after) if i not in dropped]


class _Stored:
    """Stored fields read on demand, by document number or id; statuses as of ``day``."""

    def __init__(self, searcher, day: str | None = None) -> None:
        self.searcher, self.cache, self.day, self.records, self.dated = searcher, {}, day, {}, set()
        if day is not None:  # the few documents whose status depends on the day
            for docnum in searcher.docs_for_query(wq.Term("has_dated", "1")):
                self.records[self[docnum]["doc_id"]] = self[docnum]["dated"]
                self.dated.add(docnum)

    def status(self, docnum: int) -> str:
        """The document's status on the day (the build's judgement without a day)."""
        fields = self[docnum]
        if docnum not in self.dated:
            return fields["status"]
        return dated_status.status_on(fields["doc_id"], self.records, self.day, fields["status"])

    def factor_ratio(self, docnum: int) -> float:
        """Status factor on the day / the one in the postings (1 without a day or a record)."""
        if docnum not in self.dated:
            return 1.0
        return status_factor(self.status(docnum)) / status_factor(self[docnum]["status"])

    def __getitem__(self, docnum: int) -> dict:
        if docnum not in self.cache:
            self.cache[docnum] = self.searcher.stored_fields(docnum)
        return self.cache[docnum]

    def number(self, doc_id: str) -> int | None:
        return self.searcher.document_number(doc_id=doc_id)

    def date(self, docnum: int) -> int:
        return _date(self[docnum]["date"])


def _chain(stored: _Stored, docnum: int) -> list[int]:
    """Document numbers of the edition chain a document belongs to (itself alone when none)."""
    seen, todo = {docnum}, [docnum]
    while todo:
        fields = stored[todo.pop()]
        for doc_id in (*(fields.get("next_ids") or ()), *(fields.get("prev_ids") or ())):
            other = stored.number(doc_id)
            if other is not None and other not in seen:
                seen.add(other)
                todo.append(other)
    return sorted(seen)


def _top_groups(best: dict, stored: _Stored, needed: int) -> list:
    """The first ``needed`` groups in ``ranking.first_order``: matches are taken best first and
    folded with the other matching editions of their chain (chains read from stored fields)."""
    order = sorted(best.values(), key=lambda m: ranking.first_key(m))
    groups, placed = [], set()
    for match in order:
        if len(groups) >= needed:
            break
        if match.key in placed:
            continue
        chain = _chain(stored, match.key)
        members = [best[n] for n in chain if n in best and n not in placed]
        placed.update(m.key for m in members)
        group = None
        if len(chain) > 1:
            position = {n: (stored.status(n) not in dated_status.IN_FORCE, -stored.date(n), n) for n in chain}
            members.sort(key=lambda m: position[m.key])
            members = [ranking.Match(m.key, m.score, m.full, m.docno, m.unit, stored.date(m.key)) for m in members]
            group = ranking.group_of(members)
            first = min(chain, key=position.__getitem__)
            group.current = first if not position[first][0] else None
        groups.append(group or ranking.group_of(members))
    return groups


def _reranked(groups: list, limit: int, stored: _Stored, runs: list) -> list:
    """The first ``limit`` groups, each window of ``ranking.WINDOW`` reranked on its text."""
    shown: list = []
    for start in range(0, min(limit, len(groups)), ranking.WINDOW):
        window = groups[start : start + ranking.WINDOW]
        for group in window:
            ranking.settle(group, {m.key: ranking.known_level(runs, stored[m.key]["title_s"], [u[3] for u in stored[m.key]["units"]])
                                   for m in group.members})
            fields = stored[group.best.key]
            group.factor = ranking.phrase_factor(runs, fields["title_s"], [u[3] for u in fields["units"]])
            group.head = ranking.Match(group.head.key, group.head.score, group.head.full, group.head.docno,
                                       group.head.unit, stored.date(group.head.key))
        shown += ranking.rerank(window)
    return shown[:limit]


def _date(iso: str) -> int:
    return int(iso.replace("-", "")[:8] or 0)


def _term_docs(reader, item: dict) -> set[int]:
    """Document numbers holding a query term (a Latin word or lone character: as a prefix)."""
    if item["kind"] in ("latin", "char"):
        found: set[int] = set()
        for term in reader.expand_prefix("text", item["term"]):
            found.update(reader.postings("text", term).all_ids())
        return found
    return set(reader.postings("text", item["term"]).all_ids()) if ("text", item["term"]) in reader else set()


def _rank_variant(searcher, terms: list[dict], filters: list, typed: bool) -> list[ranking.Match]:
    """Matches for one spelling (keyed by document number): BM25F (status factor in the postings)
    times coordination²; full when every 文号/bigram/Latin term matched."""
    if not terms:
        return []
    subqueries = []
    for item in terms:
        make = wq.Prefix if item["kind"] in ("latin", "char") else wq.Term
        subqueries.append(wq.Or([make(f, item["term"]) for f in TEXT_FIELDS]))
    results = searcher.search(wq.Or(subqueries), limit=None, filter=wq.And(filters) if filters else None)
    reader = searcher.reader()
    holders = [_term_docs(reader, t) for t in terms]
    # a 文号 read from plain words (做好2022年 -> 做好[2022]) that no document holds is not required
    needed = [i for i, t in enumerate(terms) if t["kind"] != "word" and (t["kind"] != "docno" or holders[i])] \
        or list(range(len(terms)))
    docno = [i for i, t in enumerate(terms) if t["kind"] == "docno"]
    owned = set().union(*(_term_docs(reader, {"kind": "docno", "term": analyzer.OWNER + terms[i]["term"]}) for i in docno))
    ranked = []
    for docnum, score in results.items():
        matched = sum(docnum in h for h in holders)
        full = typed and all(docnum in holders[i] for i in needed)
        ranked.append(ranking.Match(docnum, score * (matched / len(terms)) ** 2, full,
                                    ranking.docno_level(any(docnum in holders[i] for i in docno), docnum in owned), 0, 0))
    return ranked


def _hit(group, stored: _Stored, runs: list) -> Hit:
    fields = stored[group.head.key]
    elsewhere = ranking.full_elsewhere(group)
    source = stored[elsewhere.key] if elsewhere else fields  # only an older edition holds it: its passage
    texts = unit_texts(source)
    index, piece = ranking.best_unit(runs, [(u[2] or "", t) for u, t in zip(source["units"], texts)], -1)
    unit = source["units"][index]
    attachment = not elsewhere and len(unit) > 4 and unit[4] == "attachment"
    url = fields["url"] if elsewhere else unit[1] if attachment else fields["url"] + (f"#{unit[1]}" if unit[1] else "")
    text, marks = snippet(texts[index] or source["title_s"], runs, piece)
    topics = ranking.matched_topics(runs, fields.get("topics") or (), piece)
    current = stored[group.current] if group.current is not None and group.current != group.head.key else None
    return Hit(fields["doc_id"], fields["title_s"], url, fields["type"], stored.status(group.head.key), round(group.score, 4),
               text, "" if elsewhere else unit[2], fields["date"], fields["issuer"],
               fields["doc_number"], group.full, tuple(stored[m.key]["doc_id"] for m in group.older), attachment,
               tuple(topic for topic, _ in topics), marks,
               tuple(tuple(span) for span in ranking.title_marks(runs, fields["title_s"])),
               tuple(tuple(tuple(span) for span in spans) for _, spans in topics),
               *((current["doc_id"], current["title_s"], current["url"]) if current else ("", "", "")),
               *((source["doc_id"], source["title_s"]) if elsewhere else ("", "")),
               fields.get("index_number", ""), tuple(fields.get("subjects") or ()), fields.get("recipients", ""),
               *((source["doc_id"], source["date"]) if elsewhere else ("", "")))


def snippet(text: str, runs: list, piece: str) -> tuple[str, tuple]:
    """About ``ranking.SNIPPET_WIDTH`` characters around the longest matched piece, and the
    matched runs in it as (start, end) offsets into the returned text."""
    text = " ".join(text.split())
    start, end, marks = ranking.snippet_spans(text, runs, piece)
    lead = "…" if start else ""
    shift = len(lead) - start
    return lead + text[start:end] + ("…" if end < len(text) else ""), tuple((a + shift, b + shift) for a, b in marks)
