"""The site's app icons, drawn at build time by a small pure-Python PNG writer (no image library,
no network): a white open book on the theme colour. Deterministic bytes for a given size."""

from __future__ import annotations

import struct
import zlib

THEME_RGB = (0x00, 0x4D, 0x40)
"""The theme colour (Material teal 900, ``#004d40``): white text on it passes AAA contrast."""
WHITE = (0xFF, 0xFF, 0xFF)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width: int, height: int, rows: list[bytes]) -> bytes:
    """An 8-bit RGB PNG from ``rows`` (``width * 3`` bytes each)."""
    raw = b"".join(b"\x00" + row for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, 9))
            + _chunk(b"IEND", b""))


def _is_book(x: float, y: float) -> bool:
    """Whether the unit-square point (x, y) is on the book: two pages with a spine gap and text lines."""
    if not (0.18 <= y <= 0.80 and 0.14 <= x <= 0.86):
        return False
    if abs(x - 0.5) < 0.025:  # the spine
        return False
    inner = 0.20 <= x <= 0.44 or 0.56 <= x <= 0.80
    for top in (0.30, 0.42, 0.54, 0.66):  # text lines are cut out of the pages
        if inner and top <= y <= top + 0.035:
            return False
    return True


def icon(size: int, padding: float = 0.0) -> bytes:
    """A square PNG icon of ``size`` pixels; ``padding`` (a share of the size) keeps the drawing inside a
    maskable icon's safe zone."""
    rows = []
    scale = 1.0 - 2 * padding
    for py in range(size):
        row = bytearray()
        for px in range(size):
            x = ((px + 0.5) / size - padding) / scale
            y = ((py + 0.5) / size - padding) / scale
            row += bytes(WHITE if 0 <= x <= 1 and 0 <= y <= 1 and _is_book(x, y) else THEME_RGB)
        rows.append(bytes(row))
    return png(size, size, rows)
