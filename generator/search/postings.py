"""One inverted structure for both engines: each document's terms, weighed once, and the
postings of a whole index part, inverted once.

``document_terms`` turns a document's analyzed units (``records.analyze_unit``) into its
field-weighted term frequencies (BM25F's tf, summed over the units), the unit holding most of
each term's weight (a hit's deep link) and its field-weighted length. ``Postings`` collects
them document by document and gives them back term by term, in code point order, with the
documents in the order they were added: the browser index scores them
(``browser_index.BrowserIndexBuilder.finish``) and Whoosh's writer posts them
(``whoosh_writer.BulkSegmentWriter``), so both engines index the very same numbers.

Most of a document is body text with weight 1 in units with factor 1: its counts are summed,
and its best units found, by C-level counting and sorting; only the few other fields
(title, 文号, headings, metadata, pinyin, transcripts, amended sections) are weighed term by
term. Postings arrive as flat arrays per document and are inverted a batch at a time by one
sort, instead of one append per posting.
"""

from __future__ import annotations

from array import array
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, count, repeat
from operator import itemgetter

from .records import FIELD_WEIGHTS

_MAIN_FIELD = "body"
"""The field whose counts are the term frequencies as they are (weight 1)."""
assert FIELD_WEIGHTS[_MAIN_FIELD] == 1.0


@dataclass(frozen=True, slots=True)
class DocTerms:
    """What both indexes take from one document's text."""

    weights: dict[str, float]
    """Term -> field-weighted frequency summed over the document's units (before the status factor)."""
    best: dict[str, int]
    """Term -> number of the unit holding most of its weight (the first such unit on a tie)."""
    length: int
    """The field-weighted length Whoosh normalizes by (``doc_length``)."""


def take(values, indexes) -> tuple:
    """``values[i]`` for each ``i`` of ``indexes`` (not empty), as a tuple: one
    ``operator.itemgetter`` call instead of a Python-level call per item."""
    if len(indexes) == 1:
        return (values[indexes[0]],)
    return itemgetter(*indexes)(values)


def doc_length(weights: dict[str, float]) -> int:
    """A document's field-weighted length: the sum of its terms' weighted frequencies, each
    rounded (at least 1) as the Whoosh posting's frequency is."""
    rounded = list(map(round, weights.values()))  # weights are positive: max(1, round(w)) adds the zeros as ones
    return max(1, sum(rounded) + rounded.count(0))


def document_terms(units: list, analyzed: list[dict[str, Counter]]) -> DocTerms:
    """A document's ``DocTerms`` from its units and, per unit, field -> term counts.

    A term's weight in a unit is the sum over the unit's fields of count x field weight x the
    unit's factor; its document weight is the sum over units; its best unit the unit where
    its weight is largest."""
    main: list[tuple[int, Counter]] = []
    extras: list[tuple[int, dict[str, float]]] = []
    for unit, fields in zip(units, analyzed):
        rest = fields
        if unit.factor == 1.0 and fields.get(_MAIN_FIELD):
            main.append((unit.number, fields[_MAIN_FIELD]))
            rest = {name: counts for name, counts in fields.items() if name != _MAIN_FIELD}
        extra = _weighed(rest, unit.factor)
        if extra:
            extras.append((unit.number, extra))
    weights, best = _sum_main(main)
    if extras:
        _add_extras(weights, best, dict(main), extras)
    return DocTerms(weights, best, doc_length(weights) if weights else 0)


def _weighed(fields: dict[str, Counter], factor: float) -> dict[str, float]:
    """Term -> weight in one unit, over the given fields."""
    weights: dict[str, float] = {}
    for name, counts in fields.items():
        weight, get = FIELD_WEIGHTS[name] * factor, weights.get
        for term, n in counts.items():
            weights[term] = get(term, 0) + n * weight
    return weights


def _sum_main(main: list[tuple[int, Counter]]) -> tuple[dict, dict]:
    """Weights and best units of the main-field counts of some units."""
    if not main:
        return {}, {}
    if len(main) == 1:
        number, counts = main[0]
        return dict(counts), dict.fromkeys(counts, number)
    weights = Counter(chain.from_iterable(counts.elements() for _number, counts in main))
    # (count, term, unit) sorted by count, units in reverse order: the last entry of each term
    # is its largest count in its first unit, and building a dict keeps the last entry
    entries = sorted(chain.from_iterable(zip(counts.values(), counts.keys(), repeat(number))
                                         for number, counts in reversed(main)), key=itemgetter(0))
    return dict(weights), dict(zip(map(itemgetter(1), entries), map(itemgetter(2), entries)))


TIE = 1e-9
"""Two weights of one term within this share of each other are equal: the same weights summed in
another order can differ in the last bit. On a tie the first unit is the term's best unit (the
deep link goes to the first place that says it as much)."""


def _heavier(here: float, current: float) -> bool:
    """``here`` outweighs ``current`` by more than a tie."""
    return here > current * (1 + TIE)


def _as_heavy(here: float, current: float) -> bool:
    """``here`` and ``current`` are a tie (``TIE``)."""
    return abs(here - current) <= TIE * max(here, current)


def _add_extras(weights: dict, best: dict, main: dict[int, Counter], extras: list[tuple[int, dict[str, float]]]) -> None:
    """Add the other fields' weights, moving a term's best unit where they make it larger."""
    value_of: dict[str, float] = {}
    """Term -> weight in its best unit, for terms whose best unit is settled by the extras."""
    for number, extra in extras:
        counts = main.get(number)
        for term, value in extra.items():
            weights[term] = weights.get(term, 0) + value
            here = (counts.get(term, 0) if counts else 0) + value
            current, holder = value_of.get(term), best.get(term)
            if current is None and holder is not None:
                current = main[holder][term]  # the largest main-field count
            # the holder's own extras only make it larger; another unit takes over when larger, or as large and earlier
            if current is None or holder == number or _heavier(here, current) or (_as_heavy(here, current) and number < holder):
                best[term], value_of[term] = number, here


class Postings:
    """The postings of documents numbered 0, 1, … in the order they are added: per term, the
    documents, their field-weighted frequencies (``DocTerms.weights``) and best units."""

    def __init__(self, batch: int = 1 << 18) -> None:
        """``batch``: postings inverted at a time (the sort's two lists of Python ints take about
        80 bytes a posting: 256 Ki postings ~20 MiB; 1 Mi raised a 1,000-document build's peak by 100 MiB)."""
        self.count = 0
        """Documents added."""
        self._ids: defaultdict[str, int] = defaultdict(count().__next__)
        self._lists: list = []
        """Per term id: (documents, weights, best units), filled a batch at a time."""
        self._batch = batch
        self._new()

    def _new(self) -> None:
        self._terms, self._docs, self._weights, self._best = array("I"), array("I"), array("d"), array("B")

    def add(self, terms: DocTerms) -> int:
        """Append one document's postings; return its number."""
        number = self.count
        self.count += 1
        weights = terms.weights
        self._terms.extend(map(self._ids.__getitem__, weights))
        self._weights.extend(weights.values())
        self._best.extend(map(terms.best.__getitem__, weights))
        self._docs.extend(repeat(number, len(weights)))
        if len(self._terms) >= self._batch:
            self._invert()
        return number

    def _invert(self) -> None:
        """Move the batch into the per-term arrays: one sort by term id (stable, so each term's
        documents stay in order), then one extend per term."""
        terms, docs, weights, best = self._terms, self._docs, self._weights, self._best
        lists = self._lists
        lists.extend((array("I"), array("d"), array("B")) for _ in range(len(self._ids) - len(lists)))
        order = sorted(range(len(terms)), key=terms.__getitem__)
        start = 0
        for term, size in sorted(Counter(terms).items()):
            at = order[start : start + size]
            start += size
            ids, values, units = lists[term]
            ids.extend(take(docs, at))
            values.extend(take(weights, at))
            units.extend(take(best, at))
        self._new()

    def __len__(self) -> int:
        """Distinct terms."""
        return len(self._ids)

    def by_term(self, release: bool = False) -> Iterator[tuple[str, array, array, array]]:
        """(term, documents, weights, best units) for every term in code point order (which is
        UTF-8 byte order, as Whoosh wants it); ``release``: forget each term once given."""
        self._invert()
        ids, lists = self._ids, self._lists
        for term in sorted(ids):
            number = ids[term]
            found = lists[number]
            if release:
                lists[number] = None
            yield term, *found
