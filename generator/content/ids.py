"""ASCII ids from Chinese names (pinyin), stable and URL-safe."""

from __future__ import annotations

import difflib
import re
import unicodedata

ID_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,118}[a-z0-9])?$")
_NOT_ID = re.compile(r"[^a-z0-9]+")
MAX_LEN = 80


def make_id(name: str) -> str:
    """Turn a (Chinese) name into an id: ``养老机构指南（第二版）`` -> ``yang-lao-ji-gou-zhi-nan-di-er-ban``.

    Han characters become tone-less pinyin syllables, other letters and digits are
    kept, everything else separates words. Never empty: falls back to ``doc``.
    """
    name = unicodedata.normalize("NFKC", name)
    if name.isascii():
        syllables = [name]
    else:
        from pypinyin import Style, lazy_pinyin  # its dictionaries take a third of a second to load

        syllables = lazy_pinyin(name, style=Style.NORMAL, errors=lambda chars: chars)
    words: list[str] = []
    for syllable in syllables:
        decomposed = unicodedata.normalize("NFKD", syllable)
        plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
        words.append(_NOT_ID.sub("-", plain))
    slug = re.sub(r"-{2,}", "-", "-".join(words)).strip("-")
    if len(slug) > MAX_LEN:
        slug = slug[:MAX_LEN].rsplit("-", 1)[0]
    return slug or "doc"


def is_valid_id(value: str) -> bool:
    """True for lowercase ASCII letters, digits and inner hyphens, at most 120 characters."""
    return bool(ID_RE.match(value))


def closest(name: str, candidates: list[str], cutoff: float = 0.5) -> str | None:
    """The candidate most like ``name`` (difflib's ratio of at least ``cutoff``), or None."""
    found = difflib.get_close_matches(name, candidates, n=1, cutoff=cutoff)
    return found[0] if found else None


def id_hint(target: str, by_id: dict) -> str:
    """``，是否应为 guide-2（标题）？`` for an unknown id: the closest existing id, if one is close."""
    found = closest(target, list(by_id), 0.6)
    return f"，是否应为 {found}（{by_id[found].title}）？" if found else ""
