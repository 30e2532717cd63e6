"""The intermediate form every format reader produces: blocks of text with layout hints,
tables and extracted files. The 公文 extractor and the Markdown writer read only this."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..content.text import fix_radicals  # noqa: F401  (readers import it from here)


@dataclass(frozen=True, slots=True)
class Para:
    """One paragraph (or one visual line of a PDF) in reading order."""

    text: str
    """Text with inner whitespace kept, outer whitespace stripped."""
    heading: int = 0
    """Heading level the source declared (Word ``Heading 2``, ``<h2>``, Markdown ``##``); 0 = none."""
    size: float = 0.0
    """Font size in points where the format has one (0 = unknown)."""
    bold: bool = False
    """The whole paragraph is bold (or set in a 黑体/小标宋 face)."""
    centered: bool = False
    """Centred paragraph (titles, 发文机关标志)."""
    right: bool = False
    """Right-aligned paragraph (署名, 成文日期)."""
    red: bool = False
    """Red text (发文机关标志)."""
    page: int = 0
    """1-based page of a PDF (0 elsewhere)."""
    markdown: bool = False
    """The text is already Markdown (``.md`` input): written as is."""


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell as the source lays it out: a merged cell spans rows and/or columns."""

    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True, slots=True)
class Table:
    """A table; rows of cell texts, the first ``header`` rows are the header."""

    rows: tuple[tuple[str, ...], ...]
    """The grid: every row has the same number of slots; a merged cell's text is in every slot it
    covers (so nothing reading the grid sees a blank or a shifted cell)."""
    cells: tuple[tuple[Cell, ...], ...] = ()
    """The source's layout when some cell spans rows or columns (each row lists the cells that
    start in it, left to right, as HTML does); ``()`` when the grid is all there is."""
    header: int = 1
    """Rows of the header (a header cell spanning two rows makes two)."""

    @property
    def merged(self) -> bool:
        return bool(self.cells)


MAX_SPAN = 1000
"""Columns one cell may span (HTML's own limit): a hostile ``colspan`` cannot blow up the grid."""


def table_from_cells(layout: list[list[Cell]], header: int = 0) -> Table | None:
    """A ``Table`` from cells laid out as HTML does (a cell spanning rows takes its slots in the
    rows below), ``None`` when nothing has text. ``header`` 0: the first row's tallest cell."""
    layout = [[Cell(c.text, max(1, min(c.rowspan, len(layout) - n)), max(1, min(c.colspan, MAX_SPAN))) for c in row]
              for n, row in enumerate(layout)]
    grid: list[list[str | None]] = []
    width = 0
    for number, row in enumerate(layout):
        while len(grid) <= number:
            grid.append([])
        column = 0
        for cell in row:
            while column < len(grid[number]) and grid[number][column] is not None:
                column += 1
            for down in range(cell.rowspan):
                while len(grid) <= number + down:
                    grid.append([])
                target = grid[number + down]
                target.extend([None] * (column + cell.colspan - len(target)))
                for across in range(cell.colspan):
                    target[column + across] = cell.text
            column += cell.colspan
        width = max(width, max((len(r) for r in grid), default=0))
    rows = [tuple(t or "" for t in r) + ("",) * (width - len(r)) for r in grid]
    spans = any(c.rowspan > 1 or c.colspan > 1 for row in layout for c in row)
    # a blank row is dropped unless a cell starting in it reaches further down
    keep = [i for i, row in enumerate(rows)
            if any(row) or i < len(layout) and any(c.rowspan > 1 for c in layout[i])]
    if not any(any(rows[i]) for i in keep):
        return None
    if not header:
        header = max((c.rowspan for c in layout[0]), default=1) if layout else 1
    header = min(header, len(keep))
    if len(keep) < len(rows):
        kept = set(keep)
        header = sum(1 for i in keep if i < header) or 1
        layout = [[Cell(c.text, sum(1 for r in range(i, i + c.rowspan) if r in kept), c.colspan) for c in row]
                  for i, row in enumerate(layout) if i in kept]
        rows = [rows[i] for i in keep]
    return Table(tuple(rows), tuple(tuple(r) for r in layout) if spans else (), header or 1)


@dataclass(frozen=True, slots=True)
class Image:
    """A reference to an extracted picture at its place in the text."""

    name: str
    """File name of the extracted picture (see ``Extracted.files``)."""


Block = Para | Table | Image


@dataclass(frozen=True, slots=True)
class Notice:
    """A warning a reader gives about one part of the file (a catalogue code and its fields)."""

    code: str
    line: int
    """1-based line in the source file (HTML), 0 when the format has none."""
    fields: dict


@dataclass(frozen=True, slots=True)
class Extracted:
    """What a format reader returns for one file."""

    blocks: tuple[Block, ...]
    """Content in reading order."""
    files: tuple[tuple[str, bytes], ...] = ()
    """Pictures and embedded files to write beside the document: (file name, bytes)."""
    hints: dict = field(default_factory=dict)
    """Metadata the format states outside the text (HTML 发文机关/成文日期 table, ``<title>``)."""
    warnings: tuple[Notice, ...] = ()
    """What the reader left out on purpose (a refused picture, an embedded web page), for the report."""


class ReadError(Exception):
    """A file that cannot be imported: ``code`` is a catalogue code, ``fields`` fill its message."""

    def __init__(self, code: str, **fields: object):
        super().__init__(code)
        self.code = code
        self.fields = fields
