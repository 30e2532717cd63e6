"""An OFD (GB/T 33190, the national fixed-layout format of e-government documents) -> ``Extracted``
with ofdkit: the text objects of each page as placed (position and size, in millimetres), grouped
into visual lines and then joined into paragraphs by the PDF reader's own geometry rules.

ofdkit reads the package (OFD.xml, Document.xml, pages, templates) with its own limits on entries
and part sizes; it gives no weight or colour, so no line is bold or red (the 发文机关标志 is found
by its words and size). Pictures, tables drawn as paths and signatures are not read."""

from __future__ import annotations

from pathlib import Path

from .limits import LIMITS, Budget, Limits
from .model import Extracted, ReadError
from .pdf_layout import laid_out, prepare

PT = 72 / 25.4
"""Points per millimetre: the lines get the PDF reader's units."""


def read_ofd(path: Path, limits: Limits = LIMITS, budget: Budget | None = None) -> Extracted:
    """Read an OFD with a text layer; a damaged or oversized package raises ``ReadError`` (MZ745),
    one without any text (a scan) MZ746."""
    import ofdkit

    budget = budget or Budget(limits.seconds)
    try:
        document = ofdkit.open(path)
    except ofdkit.OFDError as exc:
        raise ReadError("MZ745", detail=str(exc)[:120] or type(exc).__name__) from exc
    pages = []
    with document:
        try:
            all_pages = document.pages
            if len(all_pages) > limits.pdf_pages:
                raise ReadError("MZ745", detail=f"共 {len(all_pages)} 页，上限 {limits.pdf_pages} 页")
            for number, page in enumerate(all_pages, 1):
                budget.check(f"读取 OFD 第 {number} 页")
                pages.append((_lines(page, number), []))
        except ofdkit.OFDError as exc:
            raise ReadError("MZ745", detail=str(exc)[:120] or type(exc).__name__) from exc
    if not any(lines for lines, _ in pages):
        raise ReadError("MZ746", pages=len(pages))
    prepare(pages)
    blocks, files = laid_out(pages)
    return Extracted(tuple(blocks), tuple(files))


def _lines(page, number: int) -> list[dict]:
    """The page's text runs grouped by baseline (runs within a third of their size), left to right."""
    runs = sorted((r for r in page.runs if r.text.strip()), key=lambda r: (round(r.y, 1), r.x))
    rows: list[list] = []
    for run in runs:
        if rows and abs(rows[-1][0].y - run.y) <= max(run.size, rows[-1][0].size) / 3:
            rows[-1].append(run)
        else:
            rows.append([run])
    lines = []
    for row in rows:
        row.sort(key=lambda r: r.x)
        text, end = "", None
        for run in row:
            if end is not None and run.x - end > run.size * 0.6:
                text += " "  # a gap wider than the 公文's own spacing: two words
            text += run.text
            end = run.x + run.width
        size = max(r.size for r in row) * PT
        top = min(r.y - r.size for r in row) * PT
        lines.append({"text": text.strip(), "top": top, "bottom": max(r.y for r in row) * PT,
                      "x0": row[0].x * PT, "x1": end * PT, "page": number, "height": page.height * PT,
                      "width": page.width * PT, "size": round(size, 1), "bold": False, "red": False})
    return lines
