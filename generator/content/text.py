"""Text of a document's attachments (PDF pages, Word text, Excel sheets) for the search index.

A file that cannot be read (scan, password, damage) gives no text: the attachment is still
listed and downloadable, it just cannot be found by its content."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path


SEARCHABLE = (".pdf", ".docx", ".xlsx")
"""Attachment formats whose text is indexed."""
MAX_CHARS = 200_000
"""Text beyond this many characters of one attachment is not indexed."""


def attachment_parts(path: Path) -> tuple[tuple[int, str, str], ...]:
    """(page number or 0, label, text) of each searchable part of an attachment: one per PDF
    page, one per Excel sheet, one for a Word file; () when unreadable or not searchable."""
    try:
        stat = path.stat()
    except OSError:
        return ()
    return _parts(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=512)
def _parts(name: str, size: int, mtime: int) -> tuple[tuple[int, str, str], ...]:
    path = Path(name)
    suffix = path.suffix.lower()
    try:
        if suffix == ".pdf":
            parts = _pdf(path)
        elif suffix == ".docx":
            parts = _docx(path)
        elif suffix == ".xlsx":
            parts = _xlsx(path)
        else:
            return ()
    except Exception:  # a damaged or protected attachment is not searchable; nothing else breaks
        return ()
    kept, total = [], 0
    for number, label, text in parts:
        text = " ".join(text.split())
        if not text:
            continue
        text = text[: max(0, MAX_CHARS - total)]
        total += len(text)
        if text:
            kept.append((number, label, text))
    return tuple(kept)


def _pdf(path: Path) -> list[tuple[int, str, str]]:
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    with pdfplumber.open(str(path)) as pdf:
        return [(n, f"第{n}页", fix_radicals(page.extract_text() or "")) for n, page in enumerate(pdf.pages, 1)]


def _docx(path: Path) -> list[tuple[int, str, str]]:
    import docx

    document = docx.Document(str(path))
    texts = []
    for item in document.iter_inner_content():
        if hasattr(item, "rows"):
            texts += [" ".join(cell.text for cell in row.cells) for row in item.rows]
        else:
            texts.append(item.text)
    return [(0, "", "\n".join(texts))]


def _xlsx(path: Path) -> list[tuple[int, str, str]]:
    import openpyxl

    book = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    try:
        return [(0, f"工作表“{sheet.title}”", "\n".join(" ".join(str(v) for v in row if v is not None)
                                                   for row in sheet.iter_rows(values_only=True)))
                for sheet in book.worksheets]
    finally:
        book.close()


_RADICALS = str.maketrans(dict(zip(
    "⺁⺇⺊⺋⺎⺒⺓⺕⺗⺟⺠⺦⺨⺩⺪⺬⺭⺯⺰⺶⺹⺺⺻⺼⺽⺾⻁⻂⻃⻄⻅⻆⻈⻉⻊⻋⻌⻏⻐⻑⻓⻔⻖⻗⻘⻙⻚⻛⻜⻝⻟⻠⻢⻣⻤⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳",
    "厂几卜卩兀巳幺彐心母民丬犭王疋示礻糸纟羊耂肀聿月臼艹虍衤襾西见角讠贝足车辶阝钅長长门阝雨青韦页风飞食食饣马骨鬼鱼鸟卤麦黄黾齐齿龙龟",
)) | {0x2F3E: "户"})  # ⼾: Simplified Chinese fonts draw it as 户 (NFKC would give the traditional 戶)


def fix_radicals(text: str) -> str:
    """Radical code points that PDF fonts map for ordinary characters (``⺠`` for 民, ``⼀`` for 一)
    -> the ordinary characters. Kangxi radicals have a compatibility mapping; the supplement
    block is mapped by table. Nothing else in the text changes."""
    if not any("\u2e80" <= c <= "\u2fdf" for c in text):
        return text
    import unicodedata

    text = text.translate(_RADICALS)
    return "".join(unicodedata.normalize("NFKC", c) if "\u2f00" <= c <= "\u2fdf" else c for c in text)
