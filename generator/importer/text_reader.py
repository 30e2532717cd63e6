"""Pasted text (``.txt``) and Markdown (``.md``) -> ``Extracted``, in any of UTF-8, GBK/GB18030,
UTF-16 or Big5, named by the loader's detection (``content.loader.guess_encoding``)."""

from __future__ import annotations

import codecs
import textwrap
import re

from ..content.loader import guess_encoding
from .model import Extracted, Notice, Para, ReadError, Table

_CODECS = {"GBK/GB18030": "gb18030", "Big5": "big5", "UTF-16": "utf-16"}
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([a-zA-Z0-9_-]+)", re.I)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def decode_bytes(data: bytes, html: bool = False) -> tuple[str, str]:
    """(text, encoding name) of a text file; LF line endings. Undecodable bytes raise ``ReadError``."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _lf(data.decode(name, errors="strict")), name
    candidates = ["utf-8"]
    if html:
        found = _META_CHARSET.search(data[:4096])
        if found:
            candidates.append(found.group(1).decode("ascii").lower().replace("gb2312", "gb18030").replace("gbk", "gb18030"))
    if data[:200].count(b"\x00") > 20:
        candidates.append("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be")
    candidates += [name for name in ("utf-16-le", "utf-16-be") if _plausible_utf16(data, name)]
    candidates.append(_CODECS.get(guess_encoding(data), "gb18030"))
    for name in candidates:
        try:
            return _lf(data.decode(name)), name
        except (UnicodeDecodeError, LookupError):
            continue
    raise ReadError("MZ710")


def _plausible_utf16(data: bytes, name: str) -> bool:
    """UTF-16 without a BOM (Chinese text has no NUL bytes to give it away): the bytes decode
    as ``name`` and nearly every character is Chinese, ASCII, punctuation or whitespace."""
    if len(data) % 2 or len(data) < 4:
        return False
    try:
        text = data[:20_000].decode(name)
    except UnicodeDecodeError:
        return False
    usual = sum(1 for c in text if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef"
                or " " <= c <= "~" or c in "\r\n\t")
    return usual >= 0.9 * len(text)


def encoding_note(encoding: str) -> str:
    """What the import report says about an encoding that is not UTF-8 ('' for UTF-8)."""
    names = {"utf-16-le": "UTF-16LE（没有 BOM）", "utf-16-be": "UTF-16BE（没有 BOM）", "utf-16": "UTF-16",
             "gb18030": "GBK/GB18030", "big5": "Big5"}
    if encoding in ("utf-8", "utf-8-sig"):
        return ""
    return f"文件编码为 {names.get(encoding, encoding)}，已按此编码读取，请核对文字是否正确"


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def read_text(data: bytes) -> Extracted:
    """One paragraph per non-empty line (pasted text has no other paragraph marks); runs of
    lines with the same number of tab-separated cells (a table pasted from Word) are a table."""
    text, encoding = decode_bytes(data)
    blocks: list = []
    rows: list[tuple[str, ...]] = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        cells = tuple(c.strip() for c in line.strip("\r").split("\t"))
        if len(cells) >= 2 and (not rows or len(rows[0]) == len(cells)):
            rows.append(cells)
            continue
        _flush(blocks, rows)
        rows = [cells] if len(cells) >= 2 else []
        if not rows:
            blocks.append(Para(line.strip().replace("\u3000", " ").strip()))
    _flush(blocks, rows)
    if not blocks:
        raise ReadError("MZ702")
    note = encoding_note(encoding) if encoding.startswith("utf-16") else ""
    return Extracted(tuple(blocks), warnings=(Notice("MZ714", 0, {"detail": note}),) if note else ())


def _flush(blocks: list, rows: list[tuple[str, ...]]) -> None:
    if len(rows) >= 2:
        blocks.append(Table(tuple(rows)))
    elif rows:
        blocks.append(Para(" ".join(c for c in rows[0] if c)))


def read_markdown(data: bytes) -> Extracted:
    """Markdown blocks (separated by blank lines) kept as Markdown; ``#`` headings as levels;
    HTML comments dropped. Front matter of a file that already has one is dropped too."""
    text, _ = decode_bytes(data)
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end > 0:
            text = text[text.find("\n", end + 1) + 1:]
    text = _COMMENT.sub("", text)
    blocks = []
    for chunk in re.split(r"\n\s*\n", text):
        lines = [line.rstrip() for line in chunk.strip("\n").split("\n") if line.strip()]
        while lines:
            found = _HEADING.match(lines[0].strip())
            if found:
                blocks.append(Para(found.group(2), heading=len(found.group(1)), markdown=True))
                lines = lines[1:]
                continue
            blocks.append(Para(textwrap.dedent("\n".join(lines)).strip(), markdown=True))
            break
    if not blocks:
        raise ReadError("MZ702")
    return Extracted(tuple(blocks))
