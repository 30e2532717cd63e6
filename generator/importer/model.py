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
class Table:
    """A table; rows of cell texts, the first row is the header."""

    rows: tuple[tuple[str, ...], ...]
    """Cell texts; every row has the same number of cells."""


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
