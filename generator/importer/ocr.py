"""Scanned PDFs (no text layer) read by a locally installed OCR engine: tesseract with its
Simplified Chinese model ``chi_sim``, found on PATH and never downloaded.

Each page is rendered by pdfium at ``DPI`` (its pixels checked against the picture limit first) and
recognised by ``tesseract … tsv``; the words come back as visual lines with their boxes in points,
the same line records ``pdf_reader`` builds from a text layer, so paragraphs, running headers and
the 公文 fields follow the same rules. Without the engine a scan stays refused (MZ707), and the
message names the engine that would be used."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from .limits import Budget, Limits
from .model import ReadError

ENGINE = "tesseract"
LANGUAGE = "chi_sim"
DESCRIPTION = "tesseract（简体中文语言包 chi_sim）"
"""The engine as messages name it."""
DPI = 300
"""Pages are rendered at this many dots per inch for recognition."""
INSTALL = "Debian/Ubuntu：apt install tesseract-ocr tesseract-ocr-chi-sim"


def engine() -> str | None:
    """The tesseract executable on PATH when it has the ``chi_sim`` model, else None."""
    exe = shutil.which(ENGINE)
    if exe is None:
        return None
    try:
        listed = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30,
                                stdin=subprocess.DEVNULL, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return exe if LANGUAGE in (listed.stdout + listed.stderr).split() else None


def missing_hint() -> str:
    """What MZ707 says about OCR on this machine (which engine would be used, and how to get it)."""
    if shutil.which(ENGINE) is None:
        return f"本机没有安装文字识别（OCR）引擎；安装{DESCRIPTION}（{INSTALL}）后，mzkb import 会用它识别扫描件"
    return (f"本机的 tesseract 没有简体中文语言包 chi_sim（Debian/Ubuntu：apt install tesseract-ocr-chi-sim）；"
            f"装上后 mzkb import 会用{DESCRIPTION}识别扫描件")


def recognise(path: Path, sizes: list[tuple[float, float]], exe: str, limits: Limits) -> tuple[list, float]:
    """The pages of a scanned PDF as ``pdf_reader`` page records ``(lines, [])`` (``sizes``: each page's
    width and height in points), and the mean word confidence (0–100). Page count, pixels and time
    are checked before the work they bound."""
    import pypdfium2

    if len(sizes) > limits.ocr_pages:
        raise ReadError("MZ729", detail=f"扫描件共 {len(sizes)} 页，文字识别上限 {limits.ocr_pages} 页")
    scale = DPI / 72
    for number, (width, height) in enumerate(sizes, 1):
        if width * scale * height * scale > limits.image_pixels:
            raise ReadError("MZ730", page=number, pixels=f"{width * scale:.0f}×{height * scale:.0f}",
                            limit=f"{limits.image_pixels / 1e4:g} 万")
    budget = Budget(limits.ocr_seconds, clock=time.monotonic)  # tesseract works in a child process
    pages, confidences = [], []
    document = pypdfium2.PdfDocument(str(path))
    try:
        with tempfile.TemporaryDirectory(prefix="mzkb-ocr-") as tmp:
            for number, (width, height) in enumerate(sizes, 1):
                budget.check(f"识别扫描件第 {number} 页")
                page = document[number - 1]
                try:
                    picture = page.render(scale=scale).to_pil().convert("RGB")
                finally:
                    page.close()
                image = Path(tmp) / f"page-{number}.png"
                picture.save(image, "PNG")
                words = _tesseract(exe, image, budget, limits, number)
                lines = _lines(words, picture, number, width, height)
                confidences += [conf for *_, conf in words]
                pages.append((lines, []))
    finally:
        document.close()
    _snap_sizes([line for lines, _ in pages for line in lines])
    return pages, (sum(confidences) / len(confidences) if confidences else 0.0)


def _tesseract(exe: str, image: Path, budget: Budget, limits: Limits, number: int) -> list[tuple]:
    """The words tesseract finds on one page image: (line key, left, top, width, height, text, conf)."""
    left = budget.remaining()
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one core: the machine is shared
    try:
        done = subprocess.run([exe, str(image), "stdout", "-l", LANGUAGE, "--psm", "3", "tsv"], capture_output=True,
                              timeout=max(left, 0.1), stdin=subprocess.DEVNULL, check=False, env=env)
    except subprocess.TimeoutExpired:
        raise ReadError("MZ732", seconds=f"{limits.ocr_seconds:g}", where=f"识别扫描件第 {number} 页") from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ReadError("MZ743", detail=(detail[-1] if detail else f"退出码 {done.returncode}")[:200])
    words = []
    for row in csv.DictReader(io.StringIO(done.stdout.decode("utf-8", "replace")), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        words.append((key, int(row["left"]), int(row["top"]), int(row["width"]), int(row["height"]), text,
                      max(float(row["conf"]), 0.0)))
    return words


BLANK = 0.75
"""A gap between two words of at least this share of the line's glyph height is a written blank
(``第一条　为了…``); characters of one Chinese word stand closer (measured: at most 0.62, blanks
after an article label 0.82–1.37, on a 300 dpi scan of a law)."""
_PUNCTUATION = set("，。、；：？！“”‘’（）《》〈〉【】〔〕…—·,.;:?!()[]\"'")


def _joined(words: list[tuple]) -> str:
    """Words of one line (``_tesseract`` tuples, in reading order): tesseract separates every Chinese
    character, so a blank is kept only between two Latin letters or digits, or where the gap is
    as wide as a written blank and neither side is a punctuation mark (their glyphs are narrow)."""
    heights = sorted(w[4] for w in words)
    height = heights[len(heights) // 2] or 1
    out, previous = "", None
    for word in words:
        text = word[5]
        if previous is not None:
            gap = word[1] - (previous[1] + previous[3])
            latin = out[-1].isascii() and out[-1].isalnum() and text[0].isascii() and text[0].isalnum()
            wide = gap >= BLANK * height and out[-1] not in _PUNCTUATION and text[0] not in _PUNCTUATION
            if latin or wide:
                out += " "
        out += text
        previous = word
    return out


def _lines(words: list[tuple], picture, number: int, width: float, height: float) -> list[dict]:
    """Words grouped into visual lines, as ``pdf_reader`` line records (points, top-left origin)."""
    grouped: dict[tuple, list[tuple]] = {}
    for word in words:
        grouped.setdefault(word[0], []).append(word)
    unit = 72 / DPI
    lines = []
    for items in grouped.values():
        x0 = min(w[1] for w in items)
        top = min(w[2] for w in items)
        x1 = max(w[1] + w[3] for w in items)
        bottom = max(w[2] + w[4] for w in items)
        heights = sorted(w[4] for w in items)
        lines.append({"text": _joined(items), "top": top * unit, "bottom": bottom * unit,
                      "x0": x0 * unit, "x1": x1 * unit, "page": number, "height": float(height),
                      "size": heights[len(heights) // 2] * unit, "bold": False,
                      "red": _red(picture, (x0, top, x1, bottom)), "width": float(width)})
    return sorted(lines, key=lambda line: (line["top"], line["x0"]))


def _red(picture, box: tuple[int, int, int, int]) -> bool:
    """True when most of the ink in ``box`` is red (the 红头 of a 公文)."""
    crop = picture.crop(box)
    crop.thumbnail((240, 24))
    ink = red = 0
    data = crop.tobytes()  # RGB triplets
    for index in range(0, len(data) - 2, 3):
        r, g, b = data[index], data[index + 1], data[index + 2]
        if min(r, g, b) < 160:
            ink += 1
            red += r > 150 and g < 110 and b < 110
    return ink > 0 and red > ink / 2


def _snap_sizes(lines: list[dict]) -> None:
    """Measured glyph heights vary by a point or two along one type size: sizes within a fifth of
    the body size become the body size, the others whole points."""
    if not lines:
        return
    weights: dict[int, int] = {}
    for line in lines:
        weights[round(line["size"])] = weights.get(round(line["size"]), 0) + len(line["text"])
    body = max(weights, key=weights.get)
    for line in lines:
        line["size"] = float(body if abs(line["size"] - body) <= body * 0.2 else round(line["size"]))
