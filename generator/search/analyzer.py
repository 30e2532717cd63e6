"""The one place that turns text into search terms.

A short chain of small steps; ``theme/assets/mzkb/search.js`` mirrors the query side
step by step (same names, same order), and ``tests/search/analyzer_vectors.json``
holds test vectors that both implementations must pass.

Index side:  normalize -> doc_numbers + runs -> (Han: bigrams + words) / (Latin: word)
Query side:  fold_traditional -> normalize -> expand_synonyms -> doc_numbers + runs -> (Han:
             bigrams + vocabulary_words) / (Latin: word, prefix)

``fold_traditional`` runs once at each engine's entry (``whoosh_index.search_results``,
``search.js`` ``search``): a query typed in traditional characters (家屬探視) is searched in
simplified ones (家属探视); the browser loads the part of the table its characters need.

``words`` come from rjieba (jieba's dictionary plus a user dictionary built from the
taxonomy and document titles); the query side cannot run jieba in the browser, so both
engines cut the query against the index's own vocabulary instead (``vocabulary_words``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

import opencc
import rjieba

# Brackets people type around the year of a 文号: 〔〕 [] () （） 【】 ［］ ｛｝
_BRACKETS = str.maketrans({"〔": "[", "〕": "]", "【": "[", "】": "]", "(": "[", ")": "]", "{": "[", "}": "]",
                           "［": "[", "］": "]", "（": "[", "）": "]", "﹝": "[", "﹞": "]", "[": "[", "]": "]"})
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_ASCII_WORD = "[a-z0-9]+"
_RUNS = re.compile(rf"[{_HAN}]+|{_ASCII_WORD}")
_DOCNO = re.compile(rf"([{_HAN}]{{1,12}}) *\[ *([0-9]{{4}}) *\] *([{_HAN}]{{0,4}}[0-9]+) *号")
_DOCNO_HEAD = re.compile(rf"([{_HAN}]{{1,12}}) *\[? *((?:19|20)[0-9]{{2}}) *\]?(?![0-9])")
_DOCNO_TAIL = re.compile(rf"\[ *([0-9]{{4}}) *\] *([{_HAN}]{{0,4}}[0-9]+) *号?")
DOCNO_PREFIX = (2, 6)
"""文号 terms keep the last 2..6 characters of the issuer code, so 根据民发〔2020〕12号 still yields 民发[2020]12号."""
MAX_WORD = 8
"""Longest vocabulary word the query side looks for."""
MIN_WORD = 3
"""Shortest jieba word kept as a term (two-character words are already bigrams)."""


FOLD_CHUNKS = 64
"""The browser loads the traditional -> simplified table in this many parts: a character's part
is its code point modulo ``FOLD_CHUNKS`` (``fold_chunk``), so a query loads a few small files."""


@lru_cache(maxsize=1)
def traditional_table() -> dict[int, str]:
    """Traditional -> simplified, character for character: every Han character (``_HAN``) that
    OpenCC's ``t2s`` conversion turns into one other character (家屬探視 -> 家属探视).

    Character for character, not OpenCC's phrase conversion: the browser applies the same
    table, and search terms are characters and bigrams anyway. The few characters that are
    also standard simplified ones in rare uses (乾隆, the surname 於) are folded too: a query is
    searched as simplified text."""
    convert = opencc.OpenCC("t2s.json").convert
    table: dict[int, str] = {}
    for low, high in _HAN_RANGES:
        for code in range(low, high + 1):
            char = chr(code)
            simple = convert(char)
            if len(simple) == 1 and simple != char and ord(simple) < 0x10000:  # one UTF-16 unit in the browser
                table[code] = simple
    return table


def fold_traditional(text: str) -> str:
    """The query in simplified characters (``traditional_table``)."""
    return text.translate(traditional_table())


def fold_chunk(char: str) -> int:
    """The part of the folding table (``fold_parts``) that holds ``char``."""
    return ord(char) % FOLD_CHUNKS


def fold_parts() -> list[str]:
    """The folding table for the browser: part n is the concatenated (traditional, simplified)
    pairs of the characters whose ``fold_chunk`` is n, in code point order."""
    parts = [""] * FOLD_CHUNKS
    for code, simple in sorted(traditional_table().items()):
        parts[code % FOLD_CHUNKS] += chr(code) + simple
    return parts


_BRACKET_CHARS = re.compile("[" + re.escape("".join(chr(c) for c in _BRACKETS)) + "]")


def normalize(text: str) -> str:
    """NFKC (full width -> half width), lowercase, and one bracket style for 文号."""
    if not unicodedata.is_normalized("NFKC", text):  # the quick check is much cheaper than NFKC
        text = unicodedata.normalize("NFKC", text)
    text = text.lower()
    return text.translate(_BRACKETS) if _BRACKET_CHARS.search(text) else text


def _code_suffixes(code: str) -> list[str]:
    low, high = DOCNO_PREFIX
    return [code[len(code) - size :] for size in range(min(low, len(code)), min(high, len(code)) + 1)]


def doc_numbers(text: str) -> list[str]:
    """文号 terms, e.g. ``民发[2020]12号`` whatever brackets were typed (text is normalized).

    One term per issuer-code suffix of 2..6 characters (a lone 1-character code is kept).
    """
    return _doc_number_terms(text)[0]


def doc_number_prefixes(text: str) -> list[str]:
    """Index side: the prefixes a 文号 can be typed as — issuer code + year (``民发[2020]``,
    one per code suffix) and year + number (``[2020]12号``)."""
    return _doc_number_terms(text)[1]


def _doc_number_terms(text: str) -> tuple[list[str], list[str]]:
    """``doc_numbers`` and ``doc_number_prefixes`` of a text, in one pass."""
    whole, prefixes = [], []
    for match in _DOCNO.finditer(text):
        codes, year = _code_suffixes(match.group(1)), f"[{match.group(2)}]"
        whole.extend(code + year + f"{match.group(3)}号" for code in codes)
        prefixes.extend(code + year for code in codes)
        prefixes.append(f"{year}{match.group(3)}号")
    return whole, prefixes


OWNER = "="
"""Mark of an owner term: ``OWNER`` + a 文号 term (whole or prefix) is indexed for the document
whose own ``doc_number`` it is (``owner_terms``), not for the documents that cite it; its shard is
the 文号 term's (``shard_key``), so looking it up loads no other file."""


def owner_terms(doc_number: str) -> list[str]:
    """Index side, ``docno`` field only: the document's own 文号 terms and prefixes, marked ``OWNER``."""
    whole, prefixes = _doc_number_terms(normalize(doc_number))
    return [OWNER + term for term in dict.fromkeys(whole + prefixes)]


def docno_query(text: str) -> str:
    """What a query that is nothing but a 文号 is (text normalized): ``whole`` (民发〔2020〕12号),
    ``prefix`` (民发〔2020〕, 〔2020〕12号: brackets or 号 say it is a 文号), ``head`` (民发2020: words
    and a year, perhaps a 文号) or '' (other words around it, or no 文号)."""
    text = text.strip()
    if _DOCNO.fullmatch(text):
        return "whole"
    if _DOCNO_TAIL.fullmatch(text) or (_DOCNO_HEAD.fullmatch(text) and "[" in text):
        return "prefix"
    return "head" if _DOCNO_HEAD.fullmatch(text) else ""


def query_doc_numbers(text: str) -> list[str]:
    """Query side: whole 文号 terms, else the prefix typed (``民发〔2020〕``, ``民发2020``,
    ``〔2020〕12号``) as the index's prefix terms (``doc_number_prefixes``)."""
    whole = doc_numbers(text)
    if whole:
        return whole
    terms = [f"[{m.group(1)}]{m.group(2)}号" for m in _DOCNO_TAIL.finditer(text)]
    if not terms:
        for match in _DOCNO_HEAD.finditer(text):
            terms.append(_code_suffixes(match.group(1))[0] + f"[{match.group(2)}]")  # the shortest
    return terms


def runs(text: str) -> list[str]:
    """Maximal runs of Han characters or of ASCII letters/digits (text is normalized)."""
    return _RUNS.findall(text)


def is_han(run: str) -> bool:
    """True for a run of Han characters."""
    return bool(run) and not run[0].isascii()


def bigrams(run: str) -> list[str]:
    """Overlapping character pairs of a Han run; a single character stands alone."""
    if len(run) < 2:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


@lru_cache(maxsize=4)
def segmenter(user_words: frozenset[str] = frozenset()) -> rjieba.Jieba:
    """A jieba segmenter with a user dictionary (taxonomy labels, synonyms, titles).

    One instance per dictionary, so two knowledge bases in one process never mix words.
    """
    seg = rjieba.Jieba()
    for word in sorted(user_words):
        for run in runs(normalize(word)):
            if is_han(run) and MIN_WORD <= len(run) <= 16:
                seg.add_word(run, None, None)
    return seg


def words(run: str, seg: rjieba.Jieba | None = None) -> list[str]:
    """Jieba words (search mode) of a Han run, ``MIN_WORD`` to ``MAX_WORD`` characters long."""
    seg = seg or segmenter()
    return [w for w in seg.cut_for_search(run, True) if MIN_WORD <= len(w) <= MAX_WORD]


def vocabulary_words(run: str, has_term: Callable[[str], bool]) -> list[str]:
    """Substrings of a Han run (``MIN_WORD``..``MAX_WORD`` long) that the index holds as words."""
    found = []
    for size in range(MIN_WORD, min(MAX_WORD, len(run)) + 1):
        for start in range(len(run) - size + 1):
            candidate = run[start : start + size]
            if has_term(candidate):
                found.append(candidate)
    return found


_HAN_WORD = re.compile(rf"[{_HAN}]{{{MIN_WORD},{MAX_WORD}}}")
_BIGRAM = re.compile(rf"(?=([{_HAN}]{{2}}))")
_LONE_HAN = re.compile(rf"(?<![{_HAN}])[{_HAN}](?![{_HAN}])")
_LATIN = re.compile(_ASCII_WORD)


def analyze(text: str, seg: rjieba.Jieba | None = None) -> list[str]:
    """Index-side terms of a text, with repeats (term frequency matters): 文号 terms, the
    bigrams of its Han runs (``bigrams``: a lone character stands alone), its ASCII words, then
    the jieba words of the whole text.

    The runs' terms are found by regular expressions over the whole text (the same terms as
    ``runs`` + ``bigrams``, without a Python loop per character); jieba cuts the whole text in
    one call (it splits at punctuation itself); only words made of ``MIN_WORD``..``MAX_WORD``
    Han characters are kept, as ``words`` does run by run.
    """
    text = normalize(text)
    terms: list[str] = []
    if "[" in text:  # a 文号 has its year in brackets
        whole, prefixes = _doc_number_terms(text)
        terms += whole + prefixes
    pairs, lone = _BIGRAM.findall(text), _LONE_HAN.findall(text)
    terms += pairs + lone + _LATIN.findall(text)
    if pairs or lone:
        terms.extend(filter(_HAN_WORD.fullmatch, (seg or segmenter()).cut_for_search(text, True)))
    return terms


PINYIN_SPAN = 6
"""Longest run of adjacent title words (in characters) read as one pinyin term."""


def pinyin_readings(title: str, seg: rjieba.Jieba | None = None) -> list[str]:
    """Pinyin terms of a title's words, computed at build time: for every span of adjacent
    words of 2..``PINYIN_SPAN`` Han characters, its full pinyin (``yanglaofuwu``) and, for
    spans of 3 or more characters, its initials (``ylfw``). Queries in Latin letters match
    them as prefixes (``yanglao``); Han queries never produce Latin terms, so Han wins.
    Each word is read once (``word_pinyin``): a span's reading is its words' readings in a row."""
    out: list[str] = []
    for run in runs(normalize(title)):
        if not is_han(run):
            continue
        words = [(len(word), word_pinyin(word)) for word in (seg or segmenter()).cut(run, False)]
        for i in range(len(words)):
            size, syllables = 0, ()
            for length, reading in words[i:]:
                size += length
                if size > PINYIN_SPAN:
                    break
                syllables += reading
                if size >= 2:
                    out.append("".join(syllables))
                    if size >= 3:
                        out.append("".join(syllable[0] for syllable in syllables))
    return list(dict.fromkeys(out))


@lru_cache(maxsize=1 << 16)
def word_pinyin(word: str) -> tuple[str, ...]:
    """The syllables of one word, toneless (memoized: titles share their words)."""
    # imported here: pypinyin's phrase dictionary takes ~55 MiB in every process that loads it,
    # and a full build reads titles' pinyin in one short-lived process (``indexer.read_pinyin``)
    from pypinyin import lazy_pinyin

    return tuple(lazy_pinyin(word))


def title_pinyin(titles: Iterable[str]) -> dict[str, str]:
    """Title -> its ``pinyin_readings`` joined by spaces (the head unit's ``pinyin`` field)."""
    return {title: " ".join(pinyin_readings(title)) for title in titles}


MAX_VARIANTS = 8
"""At most this many spellings of one query are searched (the original first)."""
MAX_QUERY = 100
"""Longest query searched, in characters (code points) as typed: a longer one is cut to its first
``MAX_QUERY`` characters and the engines say so. Ranking compares every piece of the query with
unit texts, so without a bound a pasted page of text freezes the browser and ``mzkb search``."""
MAX_QUERY_TERMS = 128
"""Most distinct terms one spelling of a query is searched with (the first ones, in query order)."""


def cut_query(text: str) -> str:
    """The part of a query that is searched: its first ``MAX_QUERY`` characters."""
    return text[:MAX_QUERY]


def _word_edge(char: str) -> bool:
    return char.isascii() and char.isalnum()


def ascii_lower(text: str) -> str:
    """Only ASCII letters lowered (as ``search-analyzer.js`` asciiLower; one character for one)."""
    return "".join(c.lower() if c.isascii() else c for c in text)


def apply_aliases(text: str, aliases: Iterable[tuple[str, str]]) -> str:
    """The query with each alias typed replaced by the word it stands for (covid -> 新冠), scanning
    left to right and trying the longest alias first; ASCII letters match in any case, and an alias
    starting or ending with a Latin letter or digit matches only a whole Latin word there
    (covid in COVID-19, not in covidx). ``search-analyzer.js`` applyAliases does the same."""
    pairs = sorted(((ascii_lower(a), b) for a, b in aliases if a), key=lambda p: (-len(p[0]), p[0]))
    if not pairs:
        return text
    low = ascii_lower(text)
    out, i = [], 0
    while i < len(text):
        for typed, searched in pairs:
            end = i + len(typed)
            if low.startswith(typed, i) and not (_word_edge(typed[0]) and i and _word_edge(low[i - 1])) \
                    and not (_word_edge(typed[-1]) and end < len(low) and _word_edge(low[end])):
                out.append(searched)
                i = end
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def expand_synonyms(text: str, groups: Iterable[Iterable[str]]) -> list[str]:
    """The query and its variants with synonyms swapped in (养老院探视 -> 养老机构探视 …).

    For each group the query mentions, its longest mentioned member is replaced by each
    other member; a document's score is its best score over the variants.
    """
    variants = [text]
    for group in groups:
        members = [normalize(m) for m in group]
        present = sorted((m for m in members if m and m in text), key=len, reverse=True)
        if not present:
            continue
        found = present[0]
        added = [v.replace(found, m) for v in variants for m in members if m != found and m]
        for variant in added:
            if variant not in variants and len(variants) < MAX_VARIANTS:
                variants.append(variant)
    return variants


def analyze_one(text: str, has_term: Callable[[str], bool], max_terms: int = MAX_QUERY_TERMS) -> list[dict]:
    """Query-side terms of one (normalized) spelling: [{term, kind}], kinds docno, bigram, word, latin,
    char; the first ``max_terms`` of them."""
    out: list[dict] = []
    seen: set[str] = set()

    def add(term: str, kind: str) -> None:
        if term not in seen:
            seen.add(term)
            out.append({"term": term, "kind": kind})

    for number in query_doc_numbers(text):
        add(number, "docno")
    for run in runs(text):
        if is_han(run):
            if len(run) == 1:
                add(run, "char")
                continue
            for gram in bigrams(run):
                add(gram, "bigram")
            for word in vocabulary_words(run, has_term):
                add(word, "word")
        else:
            add(run, "latin")
    if any(t["kind"] != "char" for t in out):  # a lone character only matters in a one-character query
        out = [t for t in out if t["kind"] != "char"]
    return out[:max_terms]


def analyze_query(text: str, has_term: Callable[[str], bool], synonyms: Iterable[Iterable[str]] = (),
                  max_terms: int = MAX_QUERY_TERMS) -> list[list[dict]]:
    """Query-side terms for each spelling of the query (see ``expand_synonyms``), original first.

    ``has_term`` answers whether the index holds a term (the vocabulary the query is cut against).
    The query is expected cut already (``cut_query``); each spelling gives at most ``max_terms``.
    """
    return [analyze_one(variant, has_term, max_terms) for variant in expand_synonyms(normalize(text), synonyms)]


def browser_rules() -> dict:
    """The analyzer's rules ``search-analyzer.js`` reads (emitted into it at build time,
    ``scripts.py``): bracket folding, the Han ranges and the 文号 patterns (their Python sources
    are valid JavaScript regular expressions), word sizes, spelling limit and the owner mark."""
    brackets = {chr(code): folded for code, folded in _BRACKETS.items() if chr(code) != folded}
    return {"BRACKETS": brackets, "HAN": _HAN, "ASCII_WORD": _ASCII_WORD, "DOCNO": _DOCNO.pattern,
            "DOCNO_HEAD": _DOCNO_HEAD.pattern, "DOCNO_TAIL": _DOCNO_TAIL.pattern, "DOCNO_PREFIX": list(DOCNO_PREFIX),
            "MAX_WORD": MAX_WORD, "MIN_WORD": MIN_WORD, "MAX_VARIANTS": MAX_VARIANTS, "OWNER": OWNER}


def shard_key(term: str) -> str:
    """The index shard a term lives in is chosen by its first two characters; a 文号 term
    (which has brackets) by the whole term, so thousands of 文号 of one issuer do not share a shard;
    an owner term (``OWNER``) by its 文号 term."""
    return term.removeprefix(OWNER) if "[" in term else term[:2]


def shard_keys(text: str, synonyms: Iterable[Iterable[str]] = (), max_terms: int = MAX_QUERY_TERMS) -> list[str]:
    """Shard keys of every term any spelling of the query can produce.

    Han runs: their bigrams (every word of the run starts with one), or the character of a
    one-character run; 文号 terms: their first two characters; ASCII words: their first two
    characters (prefix matches share them). Per spelling the first ``max_terms`` keys: they hold
    the first ``max_terms`` terms ``analyze_one`` keeps (a word's key is a bigram before it).
    """
    keys: list[str] = []
    for variant in expand_synonyms(normalize(text), synonyms):
        found = [shard_key(n) for n in query_doc_numbers(variant)]
        lone: list[str] = []
        for run in runs(variant):
            if is_han(run) and len(run) == 1:
                lone.append(run)  # only searched when nothing else is (see analyze_one)
            else:
                found.extend(bigrams(run) if is_han(run) else [shard_key(run)])
        keys.extend(k for k in list(dict.fromkeys(found or lone))[:max_terms] if k not in keys)
    return keys
