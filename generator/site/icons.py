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


_LINES = (0.30, 0.42, 0.54, 0.66)
"""Tops of the text lines cut out of the pages (each 0.035 high)."""


def _band(y: float) -> int:
    """Which kind of row a height is: -1 outside the book, 0 plain pages, 1 a row through text lines."""
    if not 0.18 <= y <= 0.80:
        return -1
    return 1 if any(top <= y <= top + 0.035 for top in _LINES) else 0


def _on_book(x: float, band: int) -> bool:
    """Whether x (unit square) is white in a row of ``band``: two pages, a spine gap, text lines cut out."""
    if band < 0 or not 0.14 <= x <= 0.86 or abs(x - 0.5) < 0.025:
        return False
    return not (band == 1 and (0.20 <= x <= 0.44 or 0.56 <= x <= 0.80))


def icon(size: int, padding: float = 0.0) -> bytes:
    """A square PNG icon of ``size`` pixels: a white open book on the theme colour; ``padding`` (a share of
    the size) keeps the drawing inside a maskable icon's safe zone. Rows repeat, so each kind is drawn once."""
    scale = 1.0 - 2 * padding
    unit = [((p + 0.5) / size - padding) / scale for p in range(size)]
    kinds: dict[int, bytes] = {}
    rows = []
    for y in unit:
        band = _band(y) if 0 <= y <= 1 else -1
        if band not in kinds:
            kinds[band] = b"".join(bytes(WHITE if 0 <= x <= 1 and _on_book(x, band) else THEME_RGB) for x in unit)
        rows.append(kinds[band])
    return png(size, size, rows)
