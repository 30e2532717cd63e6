"""Where each bigram and Latin word stands in a document's visible text: the proof of adjacency the
browser's full-match count needs when there are too many candidates to read (issue #27).

A posting only says a document holds 医疗, 疗保 and 保障 somewhere; 医疗保障 is in the text only
where they stand one character apart. ``doc_positions`` gives, per term, its offsets in the
document's visible texts as ``search.js`` ``holdsQuery`` reads them (title, 文号, unit headings,
whole unit texts, each folded by ``ranking.fold_text``, one character for one), laid end to end
with one character between texts, so no run of a query spans two of them. The browser loads
these side files (``H/pN.js``, sharded by the same key as the term shards) only for a count
whose candidates postings cannot prove and that are more than it would read (``ranking.VERIFY``):
every other query loads nothing more.

``word_tokens`` cuts a query word into (offset, term, kind): the bigrams that cover its Han runs
most cheaply (``cover``) and its Latin words; ``holds`` is the check ``search-positions.js``
mirrors (that script too is loaded only then): a base offset where every token stands. A word
made only of Han runs of two or more characters and Latin words is then proven held; a word with
a lone Han character or another character (号, 〔, ·) is only filtered, by its Latin words and
``FILTER_BIGRAMS`` bigrams (its survivors are read as before).
"""

from __future__ import annotations

import re
from array import array
from collections import defaultdict
from itertools import chain

from . import analyzer
from .ranking import fold_text

_HAN = analyzer._HAN
_BIGRAM = re.compile(rf"(?=([{_HAN}]{{2}}))")
_LATIN = re.compile(analyzer._ASCII_WORD)
_TOKEN = re.compile(rf"[{_HAN}]+|{analyzer._ASCII_WORD}")
PLACE_TARGET_BYTES = 2_000
"""Aimed size of one position shard (``pN.js``): a query loads one per bigram it looks up, and
every other term there comes along."""
ALONE = 2_000
"""A term whose positions take more characters has a file of its own (``pN.K.js``): the long
lists (公共, 项目 …) never come along with another query's bigram."""


def visible_texts(doc, units) -> list[str]:
    """The texts a reader sees and ``holdsQuery`` reads, in that order."""
    return [doc.title or "", doc.doc_number or "", *((u.heading or "") for u in units),
            *((u.text or doc.summary or "") for u in units)]


FILTER_BIGRAMS = 2
"""A word positions cannot prove (国务院令第12号: the 号 alone) is filtered by its Latin words and this
many of its cheapest bigrams: enough to leave few to read, without the long lists of 中华 人民 共和 …"""


def doc_positions(texts: list[str]) -> dict[str, list[int]]:
    """Term -> ascending offsets of its occurrences (bigrams and Latin words) in the texts end to end."""
    found: defaultdict[str, list[int]] = defaultdict(list)
    base = 0
    for raw in texts:
        if raw:
            text = fold_text.__wrapped__(raw)  # not cached: unit texts are long and many
            for match in _BIGRAM.finditer(text):
                found[match.group(1)].append(base + match.start())
            for match in _LATIN.finditer(text):
                found[match.group()].append(base + match.start())
            base += len(text)
        base += 1
    return found


def word_tokens(word: str, frequency=lambda term: 0) -> tuple[list[tuple[int, str, str]], bool]:
    """(offset, term, kind) of a folded query word — kind ``bigram`` (``cover``, ``frequency``: a bigram's document frequency), ``latin`` (the whole Latin
    word) or ``prefix`` (a Latin word ending the query word: the text's may go on, 12 in 第120号
    holds 第12) — and whether standing at those offsets proves the word held (only Han runs of
    two or more characters and Latin words, nothing between them)."""
    tokens: list[tuple[int, str, str]] = []
    covered = 0
    for match in _TOKEN.finditer(word):
        run, start = match.group(), match.start()
        if analyzer.is_han(run):
            tokens += [(start + i, run[i : i + 2], "bigram")
                       for i in cover(len(run), lambda i, run=run: frequency(run[i : i + 2]) + 1)]
            covered += len(run) if len(run) > 1 else 0
        else:
            tokens.append((start, run, "prefix" if match.end() == len(word) else "latin"))
            covered += len(run)
    proves = bool(tokens) and covered == len(word)
    if not proves:  # only a filter (its survivors are read): its Latin words and two cheapest bigrams
        bigrams = sorted((t for t in tokens if t[2] == "bigram"), key=lambda t: (frequency(t[1]), t[0]))[FILTER_BIGRAMS:]
        tokens = [t for t in tokens if t not in bigrams]
    return tokens, proves


def cover(size: int, cost=lambda offset: 1) -> list[int]:
    """Offsets of bigrams covering a Han run of ``size`` characters (each character at least once),
    the cheapest by ``cost(offset)`` — the browser's cost is the bigram's document frequency + 1:
    rare bigrams have short position lists (公共卫生事件: 公共 共卫 生事 事件, not 卫生). Every cover
    holds the first and the last bigram and skips no two offsets in a row; equal costs take the
    fewest bigrams (医疗保障: 医疗 at 0, 保障 at 2). ``search-positions.js`` cover is the same."""
    if size < 2:
        return []
    best: list[float] = []
    came: list[int] = []
    for i in range(size - 1):
        prev = -1 if i == 0 else 0 if i == 1 else (i - 2 if best[i - 2] <= best[i - 1] else i - 1)
        best.append(cost(i) + (best[prev] if prev >= 0 else 0))
        came.append(prev)
    out, at = [], size - 2
    while at >= 0:
        out.insert(0, at)
        at = came[at]
    return out


def holds(tokens: list[tuple[int, str, str]], positions: dict[str, list[int]]) -> bool:
    """A base offset where every token stands (a ``prefix`` token: any term starting with it)."""
    if not tokens:
        return False
    sets = []
    for offset, term, kind in tokens:
        where = set(chain.from_iterable(p for t, p in positions.items() if t.startswith(term))) if kind == "prefix" \
            else set(positions.get(term, ()))
        sets.append({p - offset for p in where})
    return bool(set.intersection(*sets))


class PositionsBuilder:
    """Collects one segment's positions document by document (global document numbers)."""

    def __init__(self) -> None:
        self.terms: defaultdict[str, array] = defaultdict(lambda: array("I"))
        """Term -> flat [document, count, offsets…] in the order documents are added."""

    def add(self, number: int, texts: list[str]) -> None:
        for term, offsets in doc_positions(texts).items():
            flat = self.terms[term]
            flat.append(number)
            flat.append(len(offsets))
            flat.extend(offsets)

    def numbers(self) -> dict[str, list[int]]:
        """Term -> the numbers its shard entry encodes: per document (document delta, count, first
        offset, offset deltas); ``browser_index`` writes them as varints."""
        out = {}
        for term in sorted(self.terms):
            flat, numbers, i, previous = self.terms[term], [], 0, 0
            while i < len(flat):
                doc, n = flat[i], flat[i + 1]
                offsets = flat[i + 2 : i + 2 + n]
                numbers += [doc - previous, n, offsets[0], *(b - a for a, b in zip(offsets, offsets[1:]))]
                previous, i = doc, i + 2 + n
            out[term] = numbers
        self.terms.clear()
        return out


def decode(numbers: list[int]) -> dict[int, list[int]]:
    """Inverse of one term's ``PositionsBuilder.numbers``: document -> offsets."""
    out, i, doc = {}, 0, 0
    while i < len(numbers):
        doc += numbers[i]
        n, at, offsets = numbers[i + 1], 0, []
        for delta in numbers[i + 2 : i + 2 + n]:
            at += delta
            offsets.append(at)
        out[doc] = offsets
        i += 2 + n
    return out
