"""Visual lines -> blocks: the layout half of reading a fixed-layout page (text PDF, OCR'd scan, OFD).

Each reader builds per-page line records (dicts: text, top, bottom, x0, x1, size, bold, red, page,
height, width) and the tables and pictures found on the page; ``prepare`` drops running headers,
footers and page numbers and marks each line's layout against its page's own margins, and
``laid_out`` joins the lines into paragraphs, continues tables over page breaks and closes the
blocks."""

from __future__ import annotations

import re

from .model import Block, Cell, Image, Para, table_from_cells

_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．、]|（\d+）|第[一二三四五六七八九十百零〇\d]+[章节条]|附件)")
_SENTENCE_END = tuple("。；：！？…”’）」』.;:!?")
_MARKING = re.compile(r"(?:密级|份号|紧急程度|保密期限)\s*[：:]")
_REFERENCE = re.compile(r"附件[\d一二三四五六七八九十]+(?:[-－]\d+)?[）)。，、；的中所和及]")


def laid_out(pages: list) -> tuple[list[Block], list[tuple[str, bytes]]]:
    """Blocks in reading order from the visual lines (dicts: text, top, bottom, x0, x1, size, bold,
    red, page, height, width; running chrome dropped and layout marked) and the tables and pictures
    of each page: lines joined into paragraphs by their geometry. A fixed-layout OFD is read the same way."""
    blocks: list = []
    files: list[tuple[str, bytes]] = []
    for lines, found in pages:
        items = sorted([(line["top"], 0, line) for line in lines] + [(top, 1, item) for top, item in found],
                       key=lambda x: (x[0], x[1]))
        for _, kind, item in items:
            if kind == 0:
                _add_line(blocks, item)
            elif "picture" in item:
                files.append((f"image-{len(files) + 1}.png", item["picture"]))
                blocks.append(Image(files[-1][0]))
            else:
                _add_table(blocks, item)
    return _close(blocks), files


def prepare(pages: list) -> None:
    """Drop running headers and footers, then mark each line's layout (see ``laid_out``)."""
    _drop_running(pages)
    _mark_layout([line for lines, _ in pages for line in lines])


BAND = 0.14
"""Running headers and footers stand in this share of the page height at its top or bottom."""


def _chrome_key(line: dict) -> tuple[str, float]:
    return re.sub(r"\d+", "#", re.sub(r"\s", "", line["text"])), round(line["size"])


def _drop_running(pages: list) -> None:
    """Drop running headers and footers: a line in the top or bottom band of its page whose text
    (numbers aside) and size recur in that band on at least half of the pages (two or more)."""
    if len(pages) < 2:
        return
    seen: dict[tuple[str, float], set[int]] = {}
    for lines, _ in pages:
        for line in lines:
            if _in_band(line):
                seen.setdefault(_chrome_key(line), set()).add(line["page"])
    running = {key for key, on in seen.items() if len(on) >= max(2, (len(pages) + 1) // 2)}
    if running:
        for lines, _ in pages:
            lines[:] = [line for line in lines if not (_in_band(line) and _chrome_key(line) in running)]


def _in_band(line: dict) -> bool:
    return line["top"] < line["height"] * BAND or line["bottom"] > line["height"] * (1 - BAND)


def _mark_layout(lines: list[dict]) -> None:
    """Body font size of the document, and per page its own left and right margins (from the
    page's body-size lines: mirrored or shifted pages each keep theirs); then per line: big (a
    title size), indented, full, centred, right-aligned."""
    if not lines:
        return
    weights: dict[float, int] = {}
    for line in lines:
        weights[line["size"]] = weights.get(line["size"], 0) + len(line["text"])
    body_size = max(weights, key=weights.get)
    edges = {None: _edges([line for line in lines if abs(line["size"] - body_size) <= 0.5] or lines)}
    by_page: dict[int, list[dict]] = {}
    for line in lines:
        by_page.setdefault(line["page"], []).append(line)
    for number, on_page in by_page.items():
        body = [line for line in on_page if abs(line["size"] - body_size) <= 0.5]
        edges[number] = _edges(body) if len(body) >= 4 else edges[None]
    for line in lines:
        left, right = edges[line["page"]]
        em = line["size"] or 12.0
        line["em"] = em
        line["big"] = line["size"] >= body_size + 2
        line["indented"] = line["x0"] > left + 1.2 * em
        line["full"] = line["x1"] >= right - 1.5 * em
        margin_l, margin_r = line["x0"] - left, right - line["x1"]
        # centred: short, and clear of both margins by two characters (the lines of an indented list
        # item that nearly fill the line have about equal margins too)
        line["centered"] = (min(margin_l, margin_r) > 2 * em and abs(margin_l - margin_r) < 1.5 * em
                            and line["x1"] - line["x0"] < 0.75 * (right - left))
        line["right"] = margin_r < 2.5 * em and margin_l > (right - left) * 0.4 and not line["centered"]


def _edges(lines: list[dict]) -> tuple[float, float]:
    """Left and right edge of the type area: the leftmost start and the rightmost end that at
    least a tenth of the lines (two or more) share to the point, so stray lines (a punctuation
    mark hanging past the margin, a line set wider) do not move the margins; lacking such a
    value, the extreme that two lines share."""
    need = max(2, -(-len(lines) // 10))

    def shared(values: list[float], pick) -> float:
        counts: dict[int, int] = {}
        for value in values:
            counts[round(value)] = counts.get(round(value), 0) + 1
        common = [v for v in values if counts[round(v)] >= need] or [v for v in values if counts[round(v)] >= 2]
        return pick(common or values)

    return shared([line["x0"] for line in lines], min), shared([line["x1"] for line in lines], max)


class _Open:
    """A paragraph being assembled from visual lines."""

    def __init__(self, line: dict):
        self.lines = [line]

    @property
    def last(self) -> dict:
        return self.lines[-1]

    def para(self) -> Para:
        first = self.lines[0]
        return Para("".join(_joined(self.lines)), size=first["size"], bold=first["bold"],
                    centered=any(line["centered"] for line in self.lines),
                    right=first["right"], red=first["red"], page=first["page"])


def _joined(lines: list[dict]):
    for index, line in enumerate(lines):
        text = line["text"]
        if index and lines[index - 1]["text"][-1:].isascii() and text[:1].isascii() and text[:1].isalnum():
            yield " "
        yield text


def _continues(prev: dict, line: dict) -> bool:
    if _MARKING.match(line["text"]):
        return False  # "密级：秘密" printed beside the title starts its own line
    if prev["big"] or line["big"]:
        return prev["big"] and line["big"] and prev["size"] == line["size"] and prev["red"] == line["red"]
    if prev["centered"] or line["centered"] or prev["right"] or line["right"]:
        return False
    if not prev["full"] or abs(prev["size"] - line["size"]) > 0.5:
        return False
    if line["indented"] and prev["text"].rstrip().endswith(_SENTENCE_END):
        return False  # a first-line indent after a finished sentence opens a paragraph
    if _REFERENCE.match(line["text"]) and not prev["text"].rstrip().endswith(_SENTENCE_END + tuple("，、")):
        return True  # "…模板参见 / 附件4-2。": a reference to an attachment wrapped to the line start
    return not _NUMBERED.match(line["text"])  # an indented line under a full, unfinished one: a hanging indent


def _add_line(blocks: list, line: dict) -> None:
    last = blocks[-1] if blocks else None
    if isinstance(last, _Open) and _continues(last.last, line):
        last.lines.append(line)
    else:
        blocks.append(_Open(line))


def _add_table(blocks: list, table: dict) -> None:
    """A table continuing the previous page's one (same columns, at the top of its page) is
    appended to it, without its repeated header row."""
    last = blocks[-1] if blocks else None
    if isinstance(last, dict) and last["page"] == table["page"] - 1 and last["width"] == table["width"] \
            and table["top"] < table["height"] * 0.2:
        layout = list(table["layout"])
        if [c.text for c in layout[0]] == [c.text for c in last["layout"][0]]:
            layout = layout[1:]
        if layout:
            layout = _continue_rows(last["layout"], layout)
        last["layout"].extend(layout)
        last["page"] = table["page"]
        return
    blocks.append({"layout": list(table["layout"]), "width": table["width"], "page": table["page"]})


def _placed(layout: list[list[Cell]]) -> list[list[tuple[int, int, Cell]]]:
    """Each row's cells with (row, column) where they start, merged cells from above skipped."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(layout):
        c, placed = 0, []
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            taken.update((r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan))
            c += cell.colspan
        out.append(placed)
    return out


def _continue_rows(above: list[list[Cell]], below: list[list[Cell]]) -> list[list[Cell]]:
    """The rows of a table's next page, joined to the rows above the page break. A blank cell at the
    top of the page is a merged cell running on from the page before (its cell there grows by as
    many rows); a first row with blank cells and no cell opening a numbered item is the rest of the
    row the break cut (its texts are appended to the cells above)."""
    first = below[0]
    if not any(not c.text for c in first) or not any(c.text for c in first):
        return below
    split = not any(_NUMBERED.match(c.text) for c in first if c.text)
    placed = _placed(above)
    last = len(above) - 1
    covering: dict[int, tuple[int, int, Cell]] = {}
    for row in placed:
        for r, c, cell in row:
            if r + cell.rowspan - 1 >= last:
                for dc in range(cell.colspan):
                    covering[c + dc] = (r, c, cell)
    kept = []
    for _, c, cell in _placed([first])[0]:
        origin = covering.get(c)
        if origin is None:
            kept.append(cell)
            continue
        r, oc, old = origin
        grow = cell.rowspan - 1 if split else cell.rowspan
        text = old.text + cell.text if split and cell.text else old.text
        if cell.text and not split:
            kept.append(cell)
            continue
        if not cell.text and not split and old.rowspan == 1 and cell.rowspan == 1:  # blank under a plain cell
            kept.append(cell)
            continue
        if grow or text != old.text:
            row = above[r]
            at = next(i for i, (_, col, _c) in enumerate(placed[r]) if col == oc)
            row[at] = Cell(text, old.rowspan + grow, old.colspan)
    if split:
        return below[1:]
    return [kept, *below[1:]] if kept else below[1:]


def _close(blocks: list) -> list[Block]:
    result: list[Block] = []
    for block in blocks:
        if isinstance(block, _Open):
            result.append(block.para())
        elif isinstance(block, Image):
            result.append(block)
        else:
            table = table_from_cells(block["layout"])
            if table is not None:
                result.append(table)
    return result
