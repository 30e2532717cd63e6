"""What changed between two editions, from the Markdown structure (markdown-it tokens).

Blocks (headings, paragraphs, list items, table rows, code) are aligned with difflib;
replaced blocks are paired by similarity and diffed character by character (Chinese has
no spaces, so a word diff is not enough); a heading or paragraph deleted in one place and
inserted unchanged in another is reported as moved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from .markdown import inline_text, parser

_SPACE = re.compile(r"\s+")
_ARTICLE = re.compile(r"^\s*(第[一二三四五六七八九十百千零〇两\d]+条)")
PAIR_THRESHOLD = 0.45
"""Two blocks at least this similar (character ratio) count as one changed block."""


@dataclass(frozen=True, slots=True)
class Block:
    """One comparable unit of a document body."""

    kind: str
    """heading, paragraph, item, row or code."""
    text: str
    """Plain text."""
    level: int = 0
    """Heading level (0 for other kinds)."""
    heading: str = ""
    """Nearest heading above (context for summaries)."""
    article: str = ""
    """Article number (第十条) this block belongs to, when the text is a regulation."""

    @property
    def key(self) -> str:
        """Text without white space: what is compared (spacing changes are not changes)."""
        return _SPACE.sub("", self.text)

    @property
    def label(self) -> str:
        """Where the block is, for summaries: its article (第十条), else its section heading, else its opening."""
        if self.article:
            return self.article
        if self.heading:
            return self.heading
        return self.text[:16] + ("…" if len(self.text) > 16 else "")


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the comparison."""

    op: str
    """equal, changed, added, removed, moved_from (old place) or moved_to (new place)."""
    old: Block | None
    new: Block | None
    segments: tuple[tuple[str, str], ...] = ()
    """For changed rows: (equal|insert|delete, text) character-level pieces."""


def blocks(body: str) -> list[Block]:
    """The comparable blocks of a Markdown body, in order."""
    tokens = parser().parse(body)
    out: list[Block] = []
    heading = article = ""
    row: list[str] = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            heading = inline_text(tokens[index + 1]).strip()
            article = ""
            out.append(Block("heading", heading, int(token.tag[1]), heading))
        elif token.type == "tr_open":
            row = []
        elif token.type == "inline" and tokens[index - 1].type in ("th_open", "td_open"):
            row.append(inline_text(token).strip())
        elif token.type == "tr_close":
            out.append(Block("row", " | ".join(row), 0, heading, article))
        elif token.type == "inline" and tokens[index - 1].type == "paragraph_open":
            text = inline_text(token).strip()
            if text:
                match = _ARTICLE.match(text)
                article = match.group(1) if match else article
                kind = "item" if token.level > 1 else "paragraph"
                out.append(Block(kind, text, 0, heading, article))
        elif token.type in ("fence", "code_block"):
            out.append(Block("code", token.content.rstrip("\n"), 0, heading, article))
    return out


def char_segments(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """Character-level diff of two texts as (equal|insert|delete, text) pieces."""
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    pieces: list[tuple[str, str]] = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("equal", old[a0:a1]))
        else:
            if a1 > a0:
                pieces.append(("delete", old[a0:a1]))
            if b1 > b0:
                pieces.append(("insert", new[b0:b1]))
    return tuple(pieces)


_ORDINAL = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．]|第[一二三四五六七八九十百\d]+[章节条])\s*")
MOVE_THRESHOLD = 0.8
"""A removed and an added block this similar (numbering ignored) are one moved block."""


def _key(block: Block) -> str:
    """What aligns blocks: the text without spaces and without its numbering (第五条, 三、, (二)),
    so a renumbered article or heading lines up with its old self."""
    return _ORDINAL.sub("", block.key)


def _similarity(a: Block, b: Block) -> float:
    if a.kind != b.kind and {a.kind, b.kind} != {"paragraph", "item"}:
        return 0.0
    return SequenceMatcher(None, _key(a), _key(b), autojunk=False).ratio()


def _pair(old: list[Block], new: list[Block]) -> list[Row]:
    """Rows for a replaced range: similar blocks become changed rows, in order."""
    rows: list[Row] = []
    j = 0
    for block in old:
        best, best_k = 0.0, -1
        for k in range(j, min(len(new), j + 8)):
            score = _similarity(block, new[k])
            if score > best:
                best, best_k = score, k
        if best >= PAIR_THRESHOLD:
            rows.extend(Row("added", None, n) for n in new[j:best_k])
            rows.append(Row("changed", block, new[best_k], char_segments(block.text, new[best_k].text)))
            j = best_k + 1
        else:
            rows.append(Row("removed", block, None))
    rows.extend(Row("added", None, n) for n in new[j:])
    return rows


def compare(old_body: str, new_body: str) -> list[Row]:
    """Align two bodies block by block; see the module docstring."""
    old, new = blocks(old_body), blocks(new_body)
    matcher = SequenceMatcher(None, [_key(b) for b in old], [_key(b) for b in new], autojunk=False)
    rows: list[Row] = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            # same text; when only the numbering differs (第五条 -> 第六条) it is a changed row
            rows.extend(Row("equal", o, n) if o.key == n.key else Row("changed", o, n, char_segments(o.text, n.text))
                        for o, n in zip(old[a0:a1], new[b0:b1]))
        elif op == "delete":
            rows.extend(Row("removed", o, None) for o in old[a0:a1])
        elif op == "insert":
            rows.extend(Row("added", None, n) for n in new[b0:b1])
        else:
            rows.extend(_pair(old[a0:a1], new[b0:b1]))
    return _moves(rows)


def _moves(rows: list[Row]) -> list[Row]:
    """A block removed in one place and added (nearly) unchanged elsewhere is a move.

    Headings are compared without their numbering (六、组织保障 -> 二、组织保障 is a move).
    """
    added = [i for i, r in enumerate(rows) if r.op == "added" and r.new.kind in ("heading", "paragraph", "item")]
    result = list(rows)
    for index, row in enumerate(rows):
        if row.op != "removed" or row.old.kind not in ("heading", "paragraph", "item"):
            continue
        best, best_i = 0.0, -1
        for i in added:
            candidate = rows[i].new
            if candidate.kind != row.old.kind or result[i].op != "added":
                continue
            score = 1.0 if _key(candidate) == _key(row.old) else SequenceMatcher(None, _key(row.old), _key(candidate), autojunk=False).ratio()
            if score > best:
                best, best_i = score, i
        if best >= MOVE_THRESHOLD:
            new = rows[best_i].new
            segments = char_segments(row.old.text, new.text) if new.key != row.old.key else ()
            result[index] = Row("moved_from", row.old, new, segments)
            result[best_i] = Row("moved_to", row.old, new, segments)
    return result


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts and names of what changed (new numbering; ``第六条（原第五条）`` when renumbered)."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    """Old numbering."""
    changed: tuple[str, ...]
    moved: tuple[str, ...]
    renumbered: tuple[str, ...] = ()
    """Blocks whose only change is their number (第五条 -> 第六条)."""


def row_label(row: Row) -> str:
    """Where a row is: its label in the new edition, with the old one when they differ."""
    if row.old is None:
        return row.new.label
    if row.new is None:
        return row.old.label
    old, new = row.old.label, row.new.label
    if old == new or not (row.old.article and row.new.article):
        return new
    return f"{new}（原{old}）"


def is_renumbered(row: Row) -> bool:
    """A changed row whose text is the same once numbering is ignored."""
    return row.op == "changed" and row.old.key != row.new.key and _key(row.old) == _key(row.new)


def _unit(block: Block) -> tuple[str, str]:
    """The part of a document a block belongs to: its article, else its section (heading), else itself."""
    if block.article:
        return ("article", block.article)
    if block.heading:
        return ("section", block.heading)
    return ("block", block.label)


def _units(rows: list[Row]) -> tuple[list, dict, dict]:
    """Rows grouped by unit of the new edition; an old unit only when nothing of it was matched.

    An old unit is matched with the new unit its first matched block went to (by content,
    whatever the numbering), so a renumbered article or section is one unit, not two.
    """
    olds_of: dict[tuple[str, str], list[str]] = {}
    new_of: dict[tuple[str, str], tuple[str, str]] = {}
    for row in rows:
        if row.old is not None and row.new is not None:
            old, new = _unit(row.old), _unit(row.new)
            if old[0] == new[0] != "block" and old not in new_of:
                new_of[old] = new
                olds_of.setdefault(new, []).append(old[1])
    order: list = []
    units: dict = {}
    for row in rows:
        if row.new is not None:
            unit = ("new",) + _unit(row.new)
        elif _unit(row.old) in new_of:
            unit = ("new",) + new_of[_unit(row.old)]
        else:
            unit = ("old",) + _unit(row.old)
        if unit not in units:
            order.append(unit)
        units.setdefault(unit, []).append(row)
    return order, units, olds_of


def summarize(rows: list[Row]) -> Summary:
    """Labels of what was added, removed, changed, moved and renumbered.

    The unit is the article in regulations (第五条) and the section (heading) elsewhere: an
    old unit is matched with the new unit its text went to, whatever their numbers, so a
    renumbered article or section is changed, moved or renumbered — never both added and
    removed; paragraphs added to or dropped from a matched unit make it changed.
    """
    order, units, olds_of = _units(rows)
    renumbering = any(olds != [name] for (kind, name), olds in olds_of.items() if kind == "article")
    added: list[str] = []
    removed: list[str] = []
    changed: list[str] = []
    moved: list[str] = []
    renumbered: list[str] = []
    for side, kind, name in order:
        group = units[(side, kind, name)]
        if side == "old":
            removed.append(("原" + name) if renumbering and kind == "article" else name)
            continue
        olds = olds_of.get((kind, name), [])
        if not olds:
            if any(r.op == "added" for r in group):
                added.append(name)
            elif any(r.op != "equal" for r in group):
                changed.append(name)
            continue
        label = f"{name}（原{'、'.join(olds)}）" if kind == "article" and olds != [name] else name
        if all(r.op == "equal" for r in group):
            continue
        if any(r.op == "moved_to" and r.new.kind == "heading" for r in group):
            moved.append(label)
            if any(r.op in ("added", "removed", "changed") for r in group):
                changed.append(label)
        elif all(r.op == "equal" or is_renumbered(r) for r in group):
            renumbered.append(label)
        elif all(r.op in ("equal", "moved_to", "moved_from") for r in group):
            moved.append(label)
        else:
            changed.append(label)
    return Summary(tuple(added), tuple(removed), tuple(changed), tuple(moved), tuple(renumbered))
