"""The ranking steps both engines share after their first-stage BM25 scores.

``theme/assets/mzkb/search.js`` mirrors this module step by step (same names, same order):

1. ``Match``: a document's best first-stage score over the query's spellings, whether it
   matched the whole query (``full``: every 文号/bigram/Latin term of one spelling) and a 文号.
2. fold (``group_of``): the matching editions of one chain become one ``Group`` headed by the
   chain's current edition (else its newest matching one) unless the query names an older
   edition — its 文号, its title or a phrase only it holds (``lead``: then that edition heads the
   result, which names the edition in force); the group scores as its best member (a full match
   before a partial one), and says so when only an older edition matches the whole query.
   The browser folds every match (chains are in its manifest); Whoosh folds the matches best
   first until it has the groups it shows.
3. ``first_order``: full matches before partial ones; within each, 文号 matches first — the
   documents whose own ``doc_number`` it is (``OWNER``, a partial one too) before those citing it,
   each newest first —, then by score. A query that is only a 文号 prefix no document's 文号
   starts with keeps only the documents citing it (``docno_only``), and both engines say so.
4. ``rerank``: within each window of ``WINDOW`` results, each member's ``known_level`` is read
   from its texts (the title typed, or a phrase only its text holds whole) and may make it the
   head (``settle``); a known item ranks above the other results of its tier whatever its
   status; then the score is multiplied by a phrase factor computed on the best member's unit
   texts (how much of the query occurs contiguously, and whether the title holds all of it);
   scores within ``SIMILAR`` of each other count as a tie that the newer document wins. Status
   (in the scores) thus orders only results of similar relevance.

Snippets (``snippet_spans``) are cut around the best occurrence of the longest matched part
of the query, and highlight whole matched runs; topics that hold the query (``matched_topics``)
are shown with the result, and the title's matched runs (``title_marks``), marked the same way.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from . import analyzer
from .records import DEFAULT_STATUS_FACTOR, RELEVANT_SHARE, STATUS_FACTOR

WINDOW = 10
"""Results are reranked on their text in windows of this many (one page of search.html)."""
PHRASE_BOOST = 1.5
"""Score factor 1 + PHRASE_BOOST x coverage² (coverage: share of the query found contiguously)."""
TITLE_BOOST = 1.0
"""Extra factor when the title holds every part of the query."""
SIMILAR = 1.15
"""Scores within this ratio are similar relevance: the newer document ranks first."""
SNIPPET_WIDTH = 110
"""Characters shown in a snippet."""
KNOWN_TITLE_SHARE = 0.6
"""A query is a document's title typed (``known_level`` 2) when the title holds all of it and it
has at least this share of the title's characters."""
KNOWN_PHRASE_CHARS = 5
"""A query of at least this many characters (in runs of two or more) that a document's text holds
whole, contiguously, names that document (``known_level`` 1)."""
VERIFY = 30
"""The browser reads the texts of at most this many full-match candidates (``holds_query``) per
query, the first window's and those that move into it; a count with candidates left unread is
shown as an upper bound (至多). ``mzkb search`` reads every candidate's text."""


CITED, OWNER = 1, 2
"""``Match.docno``: the query's 文号 is in the document's text (cited) / is its own ``doc_number``."""


def docno_level(cited: bool, owner: bool) -> int:
    """``Match.docno`` of a document holding the query's 文号 terms (``cited``) and owner terms
    (``analyzer.OWNER`` + a query 文号 term: ``owner``)."""
    return OWNER if owner else CITED if cited else 0


def docno_only(normalized_query: str, matches) -> tuple[bool, bool]:
    """(only 文号 matches are results, say that no document's 文号 starts with the query) for a
    query that is nothing but a 文号 (``analyzer.docno_query``): a whole 文号 some document holds,
    or a bracketed prefix, lists the documents holding it (owners first, then those citing it, each
    newest first), never the documents that merely share its characters; a bracketed prefix nobody
    owns says so (``没有文号以…开头的文件``), with the documents citing it if any. Words and a year
    (民发2020, perhaps 养老2020) keep every result, 文号 matches first."""
    kind = analyzer.docno_query(normalized_query)
    held = any(m.docno for m in matches)
    owned = any(m.docno == OWNER for m in matches)
    if kind == "prefix":
        return True, not owned
    return kind == "whole" and held, False


SUGGEST_MIN = 3
"""Shortest Han run of a query that ``suggestion`` corrects."""


def suggestion(typed: str, texts: list[str]) -> str:
    """您是不是要找: for a query no document matches whole (``typed``: normalized), the query with one
    character of a Han run (``SUGGEST_MIN`` or longer) replaced so that it occurs in the indexed texts
    — the titles and unit texts of the best members of the first window's results (``texts``, in
    any order): the replacement found most often (ties: the smallest string), for the first run
    that has one (隔里观察 -> 隔离观察); '' when none. ``search.js`` suggestion does the same."""
    folded = [fold_text(t) for t in texts]
    for run in (r for r in analyzer.runs(typed) if analyzer.is_han(r) and len(r) >= SUGGEST_MIN):
        size, counts = len(run), {}
        for text in folded:
            for i in range(len(text) - size + 1):
                window = text[i : i + size]
                if window != run and sum(a != b for a, b in zip(window, run)) == 1 and _HAN_WORD.fullmatch(window):
                    counts[window] = counts.get(window, 0) + 1
        if counts:
            best = min(counts, key=lambda w: (-counts[w], w))
            return typed.replace(run, best, 1)
    return ""


_HAN_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def browser_rules() -> dict:
    """The constants ``search.js`` reads (emitted into it at build time, ``scripts.py``)."""
    return {"WINDOW": WINDOW, "PHRASE_BOOST": PHRASE_BOOST, "TITLE_BOOST": TITLE_BOOST, "SIMILAR": SIMILAR,
            "SNIPPET_WIDTH": SNIPPET_WIDTH, "KNOWN_TITLE_SHARE": KNOWN_TITLE_SHARE,
            "KNOWN_PHRASE_CHARS": KNOWN_PHRASE_CHARS, "RELEVANT_SHARE": RELEVANT_SHARE, "VERIFY": VERIFY,
            "STATUS_FACTOR": dict(STATUS_FACTOR), "DEFAULT_STATUS_FACTOR": DEFAULT_STATUS_FACTOR,
            "CITED": CITED, "OWNER": OWNER, "OWNER_MARK": analyzer.OWNER, "SUGGEST_MIN": SUGGEST_MIN}


_EDGE = re.compile(r"^[^0-9a-z\[\]\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^0-9a-z\[\]\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")

_YEAR_START, _YEAR_END = re.compile(r"\[[0-9]{4}\]."), re.compile(r"[^\[\]]\[[0-9]{4}\]$")


def query_words(query: str) -> list[str]:
    """What a full match must hold (``holds_query``): the query normalized (``analyzer.normalize``:
    full width, case, one bracket style) and split at spaces, each word without punctuation at its
    ends; a 文号 prefix typed without brackets (民发2020) as the index writes it (民发[2020]).
    ``search.js`` queryWords."""
    words = []
    for word in analyzer.normalize(query).split():
        word = _EDGE.sub("", word)
        if word.startswith("[") and not _YEAR_START.match(word):
            word = _EDGE.sub("", word[1:])
        if word.endswith("]") and not _YEAR_END.search(word):
            word = _EDGE.sub("", word[:-1])
        if word and "[" not in word:
            prefix = analyzer.query_doc_numbers(word)
            if prefix and not any(r == word for r in analyzer.runs(word)):
                word = prefix[0]
        if word and word not in words:
            words.append(word)
    return words


def exact_by_terms(words: list[str]) -> bool:
    """True when every word is two Han characters: a bigram found in a reader-visible field
    (postings mark the others, ``browser_index.HIDDEN``) is then the word itself, and the browser
    needs no text to count full matches."""
    return bool(words) and all(len(w) == 2 and analyzer.is_han(w) and analyzer.runs(w) == [w] for w in words)


def holds_query(words: list[str], texts) -> bool:
    """The one definition of a full match: every query word (``query_words``) occurs in the
    document's reader-visible text — ``texts``: title, 文号, headings, unit texts (whole, not
    cut to ``records.UNIT_TEXT``), attachment texts — normalized as the analyzer does (``fold_text``).
    Labels added for recall (audience names, synonyms, pinyin) are not in it."""
    if not words:
        return False
    folded = [fold_text(t) for t in texts if t]
    return all(any(w in t for t in folded) for w in words)


def synonym_counts(by_synonym: dict, spellings: list[str]) -> tuple[int, tuple[str, ...]]:
    """How many documents hold a synonym's spelling whole but not the query typed (``by_synonym``:
    such document -> index of the first such spelling), and those spellings in order
    (``search.js`` synonymCounts)."""
    return len(by_synonym), tuple(spellings[v] for v in sorted(set(by_synonym.values())))


@dataclass(frozen=True, slots=True)
class Match:
    """One document's first-stage result."""

    key: object
    """Document id (Whoosh) or number (browser)."""
    score: float
    full: bool
    docno: int
    """``OWNER`` when the query's 文号 is the document's own, ``CITED`` when its text holds it, else 0."""
    unit: int
    date: int
    """yyyymmdd."""


@dataclass(slots=True)
class Group:
    """The matching editions of one chain (or one document alone)."""

    head: Match
    best: Match
    members: list = field(default_factory=list)
    factor: float = 1.0
    known: int = 0
    """The best ``known_level`` of its members (0 until ``settle``)."""
    current: object = None
    """Key of its chain's edition in force (None: not a chain, or no edition in force)."""

    @property
    def score(self) -> float:
        return self.best.score * self.factor

    @property
    def full(self) -> bool:
        return any(m.full for m in self.members)

    @property
    def docno(self) -> int:
        return max(m.docno for m in self.members)

    @property
    def older(self) -> list:
        """The other matching editions, in chain order."""
        return [m for m in self.members if m.key != self.head.key]


def lead(members: list, levels: dict | None = None):
    """The member that heads a group of editions in chain order (current edition first): the
    first of those the query names most surely — by 文号, then ``known_level`` — so the current
    edition heads unless the query names an older one."""
    levels = levels or {}
    return max(members, key=lambda m: (m.docno, levels.get(m.key, 0), -members.index(m)))


def full_elsewhere(group: Group):
    """The first member matching the whole query when the head does not (the result says the
    whole match is only in that edition), else None."""
    if group.head.full:
        return None
    return next((m for m in group.members if m.full), None)


def group_of(members: list[Match]) -> Group:
    """A group of editions in chain order: headed by ``lead``, scored as its best member (a
    member matching the whole query before one matching part of it)."""
    return Group(lead(members), max(members, key=lambda m: (m.full, m.score)), members)


def known_level(runs_per_variant: list[list[str]], title: str, texts: list[str]) -> int:
    """How surely the query, as typed (the first spelling), names this document: 2 when it is the
    title typed (the title holds all of it and it is ``KNOWN_TITLE_SHARE`` of the title), 1 when
    it is a phrase of ``KNOWN_PHRASE_CHARS`` or more that its text holds whole, else 0."""
    runs = runs_per_variant[0] if runs_per_variant else []
    size = sum(len(r) for r in runs)
    if not size:
        return 0
    title = fold_text(title)
    if all(r in title for r in runs) and size >= KNOWN_TITLE_SHARE * sum(len(r) for r in analyzer.runs(title)):
        return 2
    if size >= KNOWN_PHRASE_CHARS:
        body = "\n".join([title, *(fold_text(t) for t in texts)])
        if all(r in body for r in runs):
            return 1
    return 0


def settle(group: Group, levels: dict) -> None:
    """Set a group's ``known`` level and its head from its members' ``known_level``s."""
    group.known = max((levels.get(m.key, 0) for m in group.members), default=0)
    group.head = lead(group.members, levels)


def first_key(match: Match) -> tuple:
    """A match's place in ``first_order`` (as its group's best member)."""
    return _order_key(Group(match, match, [match]), False) + (match.key,)


def _order_key(group: Group, similar: bool) -> tuple:
    head = group.head
    if group.docno:
        return (0 if group.full or group.docno == OWNER else 1, 0, -group.docno, -group.known, -head.date, 0)
    level = -math.floor(math.log(max(group.score, 1e-9)) / math.log(SIMILAR)) if similar else -group.score
    return (0 if group.full else 1, 1, 0, -group.known, level, -head.date if similar else 0)


def first_order(groups: list[Group]) -> list[Group]:
    """Full matches before partial ones; within each, 文号 matches (newest first), then known items
    (``known_level``, once the texts are read), then by score."""
    return sorted(groups, key=lambda g: (_order_key(g, False), str(g.head.key)))


def longest_part(run: str, text: str) -> str:
    """The longest piece (two characters or more) of a query run that occurs in ``text``, the
    first in the run among the longest.

    The longest size is found by halving (a piece occurs, so do its shorter prefixes): about
    log2(len(run)) x len(run) look-ups instead of len(run)² / 2."""
    def first_of(size: int) -> str:
        return next((run[i : i + size] for i in range(len(run) - size + 1) if run[i : i + size] in text), "")

    low, high, found = 2, len(run), ""
    while low <= high:
        size = (low + high) // 2
        piece = first_of(size)
        if piece:
            low, found = size + 1, piece
        else:
            high = size - 1
    return found


def query_runs(variants: list[str]) -> list[list[str]]:
    """Per spelling (normalized), its runs of two or more characters."""
    return [[r for r in analyzer.runs(v) if len(r) >= 2] for v in variants]


def coverage(runs_per_variant: list[list[str]], text: str) -> float:
    """Best share, over the spellings, of the query's characters found as contiguous pieces."""
    best = 0.0
    for runs in runs_per_variant:
        total = sum(len(r) for r in runs)
        if total:
            best = max(best, sum(len(longest_part(r, text)) for r in runs) / total)
    return best


def phrase_factor(runs_per_variant: list[list[str]], title: str, texts: list[str]) -> float:
    """1 + PHRASE_BOOST x coverage² over the unit texts and title (+ TITLE_BOOST when the title
    holds the whole query). Texts are normalized here."""
    title = fold_text(title)
    body = "\n".join([title, *(fold_text(t) for t in texts)])
    factor = 1 + PHRASE_BOOST * coverage(runs_per_variant, body) ** 2
    if runs_per_variant and coverage(runs_per_variant, title) == 1.0:
        factor += TITLE_BOOST
    return factor


def rerank(window: list[Group]) -> list[Group]:
    """Order one window whose groups have their phrase factor set."""
    return sorted(window, key=lambda g: (_order_key(g, True), str(g.head.key)))


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """Per character of the Basic Multilingual Plane: its normalized form when that is one
    character and differs (full-width forms, compatibility ideographs, capitals, brackets)."""
    table = {}
    for code in range(0x20, 0x10000):
        if 0xD800 <= code < 0xE000:
            continue
        char = chr(code)
        folded = analyzer.normalize(char)
        if len(folded) == 1 and folded != char:
            table[code] = folded
    return table


@lru_cache(maxsize=1)
def _fold_pattern() -> re.Pattern:
    return re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_fold_table())) + "]")


@lru_cache(maxsize=2048)
def fold_text(text: str) -> str:
    """Text normalized as the analyzer does, one character for one (so positions carry over)."""
    table = _fold_table()
    return _fold_pattern().sub(lambda m: table[ord(m.group())], text)


def best_unit(runs_per_variant: list[list[str]], units: list[tuple[str, str]], preferred: int) -> tuple[int, str]:
    """(unit, piece): the unit holding the longest matched piece of the query, in its heading
    or text (a heading holding it wins ties unless its unit has no text to show, then the
    first-stage best unit ``preferred``, then the first unit), and that piece ('' when no unit
    holds two characters of the query)."""
    best, rank, piece = (preferred if 0 <= preferred < len(units) else 0), (0, False, False, False), ""
    for i, (heading, text) in enumerate(units):
        heading, text = fold_text(heading), fold_text(text)
        for runs in runs_per_variant:
            for run in runs:
                found = longest_part(run, heading + "\n" + text)
                candidate = (len(found), found in heading and bool(text.strip()), found in text, i == preferred)
                if found and candidate > rank:
                    best, rank, piece = i, candidate, found
    return best, piece


def matched_topics(runs_per_variant: list[list[str]], topics, piece: str) -> list[tuple[str, list[tuple[int, int]]]]:
    """(topic, marks) for the document's topics (front matter ``topics``) that hold a part of
    the query at least as long as the snippet's ``piece`` (two characters or more): a topic is
    indexed (head unit, ``meta``) but is in no text a snippet is cut from, so the result shows
    it, its matched runs marked as in a snippet."""
    need = max(2, len(piece))
    shown = []
    for topic in topics:
        folded = fold_text(topic)
        found = max((longest_part(r, folded) for rs in runs_per_variant for r in rs), key=len, default="")
        if len(found) >= need:
            shown.append((topic, snippet_spans(topic, runs_per_variant, found, len(topic))[2]))
    return shown


def title_marks(runs_per_variant: list[list[str]], title: str) -> list[tuple[int, int]]:
    """The whole matched runs of the query in a result's title (two characters or more), marked
    as in a snippet: a word that only the title holds is still shown marked."""
    folded = fold_text(title)
    piece = max((longest_part(r, folded) for rs in runs_per_variant for r in rs), key=len, default="")
    return snippet_spans(title, runs_per_variant, piece, len(title))[2] if piece else []


def snippet_spans(text: str, runs_per_variant: list[list[str]], piece: str,
                  width: int = SNIPPET_WIDTH) -> tuple[int, int, list[tuple[int, int]]]:
    """(start, end, marks): a window of ``text`` around the first occurrence of ``piece`` and
    the whole matched runs inside it (maximal pieces of the query, two characters or more)."""
    folded = fold_text(text)
    at = folded.find(piece) if piece else -1
    start = max(0, at - (width - len(piece)) // 3) if at >= 0 else 0
    end = min(len(text), start + width)
    runs = [r for rs in runs_per_variant for r in rs]
    marks: list[tuple[int, int]] = []
    i = start
    while i < end:
        size = 0
        for run in runs:
            for length in range(min(len(run), end - i), max(size, 1), -1):
                if folded[i : i + length] in run:
                    size = length
                    break
        if size >= 2:
            if marks and marks[-1][1] == i:
                marks[-1] = (marks[-1][0], i + size)
            else:
                marks.append((i, i + size))
            i += size
        else:
            i += 1
    return start, end, marks
