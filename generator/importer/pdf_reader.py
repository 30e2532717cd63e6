"""Text PDF -> ``Extracted`` with pdfplumber: visual lines joined into paragraphs (indent and
line length), font size, bold and red kept as hints, tables (also across pages) as tables.
A PDF with a password is refused with its own code; one without a text layer (a scan) is read by
the local OCR engine (``ocr``), or refused (MZ707) when there is none."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from . import ocr
from .limits import LIMITS, Budget, Limits, size_text
from .model import Cell, Extracted, Notice, ReadError, fix_radicals
from .pdf_layout import laid_out, prepare

_PAGE_NUMBER = re.compile(r"^[—–\-－·\s]*\d{1,4}[—–\-－·\s]*$|^第\s*\d+\s*页(\s*共\s*\d+\s*页)?$")
MIN_PICTURE = 40
"""Pictures smaller than this (points, either side) are decoration: not extracted."""


RESOLUTION = 150
"""Pictures are rendered at this many dots per inch."""


def read_pdf(path: Path, limits: Limits = LIMITS, budget: Budget | None = None) -> Extracted:
    """Read a text PDF; encrypted, damaged and image-only files, and files over ``limits``
    (page count, page area, content size, picture pixels: all checked before the page is
    laid out or rendered), raise ``ReadError``."""
    import pdfplumber

    budget = budget or Budget(limits.seconds)
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # font warnings are not the editor's concern
    try:
        pdf = pdfplumber.open(str(path))
    except Exception as exc:  # pdfplumber wraps pdfminer's many error kinds
        raise _read_error(exc, path) from exc
    with pdf:
        try:
            all_pages = pdf.pages
        except Exception as exc:
            raise _read_error(exc, path) from exc
        if len(all_pages) > limits.pdf_pages:
            raise ReadError("MZ729", detail=f"共 {len(all_pages)} 页，上限 {limits.pdf_pages} 页")
        for number, page in enumerate(all_pages, 1):
            _check_box(page, number, limits)
        renderer = _Renderer(path, limits)
        pages, images, sizes = [], 0, []
        try:
            for number, page in enumerate(all_pages, 1):
                budget.check(f"读取 PDF 第 {number} 页")
                _check_content(page, number, limits)
                pages.append(_page_items(page, number, renderer, limits, budget))
                images += len(page.images)
                sizes.append((float(page.width), float(page.height)))
                page.close()  # drop the page's layout objects: memory stays one page's worth
        except ReadError:
            raise
        except Exception as exc:
            raise _read_error(exc, path) from exc
        finally:
            renderer.close()
        hints: dict = {}
        if not any(lines for lines, _ in pages):
            if not all_pages:
                raise ReadError("MZ708", detail="找不到任何页面：文件的交叉引用表（xref）或页面目录已损坏")
            pages, hints = _scanned(path, sizes, images, limits, renderer)
        else:
            _close_spacing(pages)  # a word processor's gaps between Chinese and digits; OCR words carry none
        prepare(pages)
    blocks, files = laid_out(pages)
    return Extracted(tuple(blocks), tuple(files), hints=hints, warnings=tuple(renderer.warnings))


def _scanned(path: Path, sizes: list[tuple[float, float]], images: int, limits: Limits, renderer: _Renderer):
    """A PDF without a text layer: its pages recognised by the local OCR engine (a warning says so,
    and the hints mark every field found as a guess), or MZ707 naming the engine that would be used."""
    exe = ocr.engine()
    if exe is None:
        raise ReadError("MZ707", pages=len(sizes), images=images, ocr=ocr.missing_hint())
    pages, confidence = ocr.recognise(path, sizes, exe, limits)
    for lines, _ in pages:
        lines[:] = [line for line in lines if not _PAGE_NUMBER.match(line["text"])]
    if not any(lines for lines, _ in pages):
        raise ReadError("MZ707", pages=len(sizes), images=images, ocr=f"{ocr.DESCRIPTION}也没有识别出文字")
    renderer.warnings.append(Notice("MZ742", 0, {"engine": ocr.DESCRIPTION, "pages": len(sizes),
                                                 "confidence": f"{confidence:.0f}%"}))
    return pages, {"ocr": ocr.DESCRIPTION}


def _check_box(page, number: int, limits: Limits) -> None:
    """Refuse a page whose media or crop box is larger than ``limits.page_area``."""
    for box in (page.mediabox, page.cropbox):
        width, height = abs(float(box[2]) - float(box[0])), abs(float(box[3]) - float(box[1]))
        if width * height > limits.page_area:
            raise ReadError("MZ729", detail=f"第 {number} 页大小为 {width:.0f}×{height:.0f} pt"
                            f"（{width * height / 1e4:.0f} 万平方点），上限 {limits.page_area / 1e4:g} 万平方点")


def _check_content(page, number: int, limits: Limits) -> None:
    """Refuse a page whose content streams inflate past ``limits.page_content_mb`` (Flate is
    inflated in bounded steps, so a bomb costs at most the limit)."""
    import zlib

    from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFStream, resolve1

    limit = limits.page_content_mb * 1024 * 1024
    total = 0
    for ref in page.page_obj.contents:
        stream = resolve1(ref)
        if not isinstance(stream, PDFStream):
            continue
        filters = stream.get_filters()
        raw = stream.rawdata if stream.rawdata is not None else (stream.data or b"")
        if not filters or stream.rawdata is None:
            total += len(raw)
        elif len(filters) == 1 and filters[0][0] in LITERALS_FLATE_DECODE:
            inflater = zlib.decompressobj()
            pending = raw
            try:
                while pending and total <= limit:
                    total += len(inflater.decompress(pending, 1024 * 1024))
                    pending = inflater.unconsumed_tail
            except zlib.error:
                continue  # pdfminer reports the damage itself
        else:
            total += len(stream.get_data() or b"")
        if total > limit:
            raise ReadError("MZ729", detail=f"第 {number} 页的内容解压后超过 {size_text(limit)}")


class _Renderer:
    """Renders picture areas with pdfium (only the area, never the whole page), counting the
    pixels before each render against ``limits.rendered_pixels``."""

    def __init__(self, path: Path, limits: Limits):
        self.path = path
        self.limits = limits
        self.document = None
        self.pixels = 0
        self.skipped = 0
        self.warnings: list[Notice] = []

    def render(self, page, image, number: int) -> bytes | None:
        import io

        import pypdfium2

        scale = RESOLUTION / 72
        x0, top = max(image["x0"], 0), max(image["top"], 0)
        x1, bottom = min(image["x1"], page.width), min(image["bottom"], page.height)
        pixels = int((x1 - x0) * scale + 1) * int((bottom - top) * scale + 1)
        if self.pixels + pixels > self.limits.rendered_pixels:
            if not self.skipped:
                self.warnings.append(Notice("MZ731", 0, {"page": number, "limit": f"{self.limits.rendered_pixels / 1e4:g} 万"}))
            self.skipped += 1
            return None
        self.pixels += pixels
        if self.document is None:
            self.document = pypdfium2.PdfDocument(str(self.path))
        pdfium_page = self.document[number - 1]
        try:
            width, height = pdfium_page.get_size()
            crop = (max(x0, 0), max(height - bottom, 0), max(width - x1, 0), max(top, 0))
            picture = pdfium_page.render(scale=scale, crop=crop).to_pil().convert("RGB")
        finally:
            pdfium_page.close()
        buffer = io.BytesIO()
        picture.save(buffer, "PNG")
        return buffer.getvalue()

    def close(self) -> None:
        if self.document is not None:
            self.document.close()


def _read_error(exc: BaseException, path: Path) -> ReadError:
    """The diagnostic for an exception of pdfminer/pdfplumber (possibly wrapped): a file that
    starts like a PDF but cannot be parsed has a damaged structure, and the report says so."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    seen, todo = [], [exc]
    while todo:
        item = todo.pop()
        if isinstance(item, BaseException) and item not in seen:
            seen.append(item)
            todo += [*item.args, item.__cause__, item.__context__]
    if any(isinstance(e, (PDFPasswordIncorrect, PDFEncryptionError)) for e in seen):
        return ReadError("MZ706")
    if any(isinstance(e, PDFSyntaxError) for e in seen):
        with path.open("rb") as handle:
            header = handle.read(1024)
        if b"%PDF-" in header:
            return ReadError("MZ708", detail="文件结构已损坏：交叉引用表（xref）或 trailer 无法读取")
        return ReadError("MZ708", detail="不是有效的 PDF 文件")
    return ReadError("MZ708", detail="文件不完整或已损坏")


_TOC_ENTRY = re.compile(r"[.．·…]{5,}\s*\d{1,4}(?!\d)")
_CJK = "\u4e00-\u9fff，。、；：（）《》〔〕“”"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s(?=[0-9A-Za-z])|(?<=[0-9A-Za-z%])\s(?=[{_CJK}])")


def _line_size(chars: list[dict]) -> float:
    """The size most of a line's characters are set in (a larger bullet or mark does not make the
    line bigger); the largest of equally common sizes."""
    counts: dict[float, int] = {}
    for char in chars:
        size = round(char["size"], 1)
        counts[size] = counts.get(size, 0) + 1
    return max(counts, key=lambda size: (counts[size], size)) if counts else 0.0


def _spacing(chars: list[dict]) -> tuple[int, int]:
    """(Chinese/number boundaries with a gap, without one) in a line: a word processor that spaces
    them (``2019 年``) does so at every boundary, a typed space is the exception."""
    gapped = tight = 0
    for prev, char in zip(chars, chars[1:]):
        if char["text"] != " " and prev["text"] != " " and _CJK_GAP.search(prev["text"][-1:] + " " + char["text"][:1]):
            if char["x0"] - prev["x1"] > 1.5:
                gapped += 1
            else:
                tight += 1
    return gapped, tight


def _close_spacing(pages: list) -> None:
    """Close the gaps between Chinese and numbers when the document sets them everywhere (autospace)."""
    gapped = sum(line["spacing"][0] for lines, _ in pages for line in lines)
    tight = sum(line["spacing"][1] for lines, _ in pages for line in lines)
    if gapped > tight:
        for lines, _ in pages:
            for line in lines:
                line["text"] = line.get("closed", line["text"])


def _closed(chars: list[dict]) -> str:
    """A line's text from its glyphs, without the gap a word processor sets between Chinese and
    a number or Latin word (``2019 年``: about a fifth of an em and no space glyph): spacing, not
    text. A typed space (a space glyph) or a wider gap stays one space."""
    out: list[str] = []
    prev = None
    for char in chars:
        text = char["text"]
        if prev is not None and text != " " and prev["text"] != " ":
            gap = char["x0"] - prev["x1"]
            boundary = bool(_CJK_GAP.search(prev["text"][-1:] + " " + text[:1]))
            if gap > 1.5 and not (boundary and gap < 0.3 * max(char["size"], prev["size"])):
                out.append(" ")
        out.append(text)
        prev = char
    return re.sub(r" {2,}", " ", "".join(out))


def _page_items(page, number: int, renderer: _Renderer, limits: Limits, budget: Budget):
    for image in page.images:
        width, height = (image.get("srcsize") or (0, 0))
        if float(width) * float(height) > limits.image_pixels:
            raise ReadError("MZ730", page=number, pixels=f"{float(width):.0f}×{float(height):.0f}",
                            limit=f"{limits.image_pixels / 1e4:g} 万")
    budget.check(f"查找 PDF 第 {number} 页的表格")
    # pdfplumber finds tables by their ruling lines: a page drawing none has none (and is read 10× faster)
    tables = page.find_tables() if page.rects or page.lines or page.curves else []
    # ruling that makes one column (a frame or rules drawn around prose, as WPS prints) is no table:
    # its lines are read as text, with the punctuation that hangs past the frame's edge
    tables = [t for t in tables if len({round(cell[0]) for cell in t.cells}) >= 2]
    boxes = [t.bbox for t in tables]

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    text_page = page.filter(outside) if boxes else page
    raw = text_page.extract_text_lines(return_chars=True, x_tolerance=1.5)
    lines = []
    for line in raw:
        text = fix_radicals(line["text"].strip())
        if not text or _PAGE_NUMBER.match(text) or _TOC_ENTRY.search(text):
            continue  # a contents line (…………12) points at printed pages: the headings are the contents
        chars = [c for c in line["chars"] if c["text"].strip()]
        lines.append({"text": text, "top": line["top"], "bottom": line["bottom"], "x0": line["x0"], "x1": line["x1"],
                      "page": number, "height": float(page.height),
                      "size": _line_size(chars),
                      "bold": bool(chars) and all(_heavy(c["fontname"]) for c in chars),
                      "red": bool(chars) and all(_is_red(c.get("non_stroking_color")) for c in chars),
                      "width": float(page.width), "spacing": _spacing(line["chars"])})
        if _CJK_GAP.search(text):
            lines[-1]["closed"] = fix_radicals(_closed(line["chars"]).strip())
    found = []
    for table in tables:
        layout, width = _layout(table)
        if any(c.text for row in layout for c in row):
            found.append((table.bbox[1], {"layout": layout, "width": width, "top": table.bbox[1],
                                          "bottom": table.bbox[3], "page": number, "height": float(page.height)}))
    for image in page.images:
        if image["width"] >= MIN_PICTURE and image["height"] >= MIN_PICTURE:
            budget.check(f"提取 PDF 第 {number} 页的图片")
            picture = renderer.render(page, image, number)
            if picture is not None:
                found.append((image["top"], {"picture": picture}))
    return lines, found


def _layout(table) -> tuple[list[list[Cell]], int]:
    """The cells of a pdfplumber table with their spans: a cell's box covers so many of the
    table's row tops and column starts (a merged cell is one box over several)."""
    tops = sorted({cell[1] for cell in table.cells})
    starts = sorted({cell[0] for cell in table.cells})

    def count(points: list[float], low: float, high: float) -> int:
        return max(1, sum(1 for x in points if low - 0.5 <= x < high - 1.0))

    layout = []
    for row, texts in zip(table.rows, table.extract(x_tolerance=1.5)):
        layout.append([Cell(_cell(text), count(tops, box[1], box[3]), count(starts, box[0], box[2]))
                       for box, text in zip(row.cells, texts) if box is not None])
    return layout, len(starts)


def _cell(value) -> str:
    """A cell's text: its lines joined, and the gaps justification opens between Chinese characters closed."""
    text = re.sub(r"\s*\n\s*", "", value or "").strip()
    return fix_radicals(_CJK_SPACED.sub("", text))


_CJK_SPACED = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")


def _heavy(fontname: str) -> bool:
    name = fontname.lower()
    return any(k in name for k in ("bold", "hei", "black", "heavy", "xbs", "xiaobiaosong"))


def _is_red(color) -> bool:
    if not isinstance(color, (tuple, list)):
        return False
    if len(color) == 3:
        r, g, b = color
        return r > 0.7 and g < 0.35 and b < 0.35
    if len(color) == 4:
        c, m, y, k = color
        return c < 0.2 and m > 0.7 and y > 0.6 and k < 0.3
    return False
