"""The import limits: what a file may declare before any work is done on it (sizes from the zip
central directory, page boxes, image dimensions) and a time budget checked in every loop. A
file over a limit is refused with its own code; none of them is a tuning knob for editors.

The numbers are written for editors in ``diagnostics.IMPORT_LIMITS`` (docs/diagnostics.md,
“导入限制”); ``tests/content/test_import_limits.py`` keeps the two equal."""

from __future__ import annotations

import time
from dataclasses import dataclass

from .model import ReadError

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Upper bounds for one imported file."""

    seconds: float = 20.0
    """CPU time budget for reading one file (checked between pages, paragraphs and pictures): the
    work a file costs, so a busy machine does not make a good file fail."""
    convert_seconds: float = 90.0
    """Wall time for LibreOffice to turn one .doc/.wps into .docx: a separate process, so wall time
    is what bounds it (its start-up alone takes seconds, and several times that on a busy machine)."""
    docx_part_mb: int = 32
    """Inflated size of one XML part of a .docx (document.xml, styles.xml …)."""
    docx_xml_mb: int = 64
    """Inflated size of all XML parts of a .docx together."""
    docx_total_mb: int = 256
    """Inflated size of all parts of a .docx together (pictures and embedded files included)."""
    docx_entries: int = 5_000
    """Files inside a .docx."""
    paragraphs: int = 20_000
    """Paragraphs of one document (Word paragraphs, lines of a text file, PDF lines)."""
    xml_elements: int = 1_000_000
    """XML elements of all XML parts of a .docx together."""
    pdf_pages: int = 2_000
    """Pages of a PDF."""
    page_area: float = 10_000_000.0
    """Area of one PDF page in square points (A0 is 8.0 million; a 14,400 pt square page is 207 million)."""
    page_content_mb: int = 8
    """Inflated size of one PDF page's content streams."""
    image_pixels: int = 50_000_000
    """Pixels one picture in a PDF declares (width × height of the image itself)."""
    rendered_pixels: int = 60_000_000
    """Pixels rendered for the pictures of one PDF together (at 150 dpi); pictures past it are not extracted."""
    ocr_pages: int = 30
    """Pages of a scanned PDF recognised by OCR (when an engine is installed)."""
    ocr_seconds: float = 300.0
    """Time budget for recognising the pages of one scanned PDF."""


LIMITS = Limits()
"""The limits every import uses."""


class Budget:
    """The time budget of one import: ``check`` raises ``ReadError`` (MZ732) once it is spent.
    It counts this process's CPU time by default, so a loaded machine does not refuse a good file;
    work done by a child process (the OCR engine) is counted on the wall clock instead."""

    def __init__(self, seconds: float, clock=time.process_time):
        self.seconds = seconds
        self.clock = clock
        self.deadline = clock() + seconds

    def remaining(self) -> float:
        """Seconds left on this budget's clock."""
        return self.deadline - self.clock()

    def check(self, where: str) -> None:
        """Stop the import when its time is up; ``where`` names the step (Chinese)."""
        if self.remaining() <= 0:
            raise ReadError("MZ732", seconds=f"{self.seconds:g}", where=where)


def size_text(size: float) -> str:
    """Bytes as the report shows them (``1.5 GB``, ``40 MB``)."""
    if size >= 1024 * MB:
        return f"{size / 1024 / MB:.1f} GB"
    return f"{size / MB:.0f} MB" if size >= MB else f"{size / 1024:.0f} KB"
