"""Does a file's content match its extension? (magic bytes of the formats editors attach)

A ``.pdf`` that is really a Word file, or random bytes named ``.xlsx``, would be published as a
download no reader can open; the check reads at most the first 1 KiB of the file.
"""

from __future__ import annotations

from pathlib import Path

_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
FORMATS: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("PDF", (b"%PDF-",)),
    ".docx": ("Word（.docx）", _ZIP), ".xlsx": ("Excel（.xlsx）", _ZIP), ".pptx": ("PowerPoint（.pptx）", _ZIP),
    ".odt": ("OpenDocument", _ZIP), ".ods": ("OpenDocument", _ZIP), ".ofd": ("OFD", _ZIP), ".zip": ("ZIP", _ZIP),
    ".doc": ("Word（.doc）", _OLE), ".xls": ("Excel（.xls）", _OLE), ".ppt": ("PowerPoint（.ppt）", _OLE),
    ".wps": ("WPS 文字", _OLE), ".et": ("WPS 表格", _OLE),
    ".png": ("PNG 图片", (b"\x89PNG\r\n\x1a\n",)), ".jpg": ("JPEG 图片", (b"\xff\xd8\xff",)),
    ".jpeg": ("JPEG 图片", (b"\xff\xd8\xff",)), ".gif": ("GIF 图片", (b"GIF87a", b"GIF89a")),
}
"""Extension -> (name shown to editors, accepted leading bytes). Other extensions are not checked."""

_SNIFF = [(b"%PDF-", "PDF"), (b"PK\x03\x04", "ZIP 压缩包（或 .docx/.xlsx）"), (_OLE[0], "旧版 Office（.doc/.xls）"),
          (b"\x89PNG", "PNG 图片"), (b"\xff\xd8\xff", "JPEG 图片"), (b"GIF8", "GIF 图片"), (b"{\\rtf", "RTF 文档"),
          (b"<", "网页或 XML 文本")]


def mismatch(path: Path) -> tuple[str, str] | None:
    """(the format the extension promises, what the bytes look like) when they disagree, else None."""
    expected = FORMATS.get(path.suffix.lower())
    if expected is None:
        return None
    name, magics = expected
    with path.open("rb") as handle:
        head = handle.read(1024)
    if name == "PDF" and b"%PDF-" in head:  # readers accept a PDF header within the first KiB
        return None
    if any(head.startswith(magic) for magic in magics):
        return None
    return name, describe(head)


def describe(head: bytes) -> str:
    """What a file's first bytes look like, in Chinese."""
    if not head:
        return "空文件"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    for magic, label in _SNIFF:
        if stripped.startswith(magic):
            return label
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not merely a character cut at the end of the 1 KiB read
            return "无法识别的内容"
    return "纯文本"
