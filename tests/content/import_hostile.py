"""Hostile import inputs made by code (small files): PDF page and image bombs as raw PDF bytes,
.docx zip bombs and paragraph floods as hand-written zips, a saved page pointing at private files."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def raw_pdf(pages: list[tuple[float, float, bytes]], images: dict[str, bytes]) -> bytes:
    """A PDF from (width, height, content stream) pages; ``images``: name -> image XObject
    dictionary-and-stream bytes (``<<…>>stream…endstream``) shared by all pages."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")
    tree = add(b"")
    image_refs = {name: add(body) for name, body in images.items()}
    xobjects = b"".join(b"/%s %d 0 R" % (name.encode(), ref) for name, ref in image_refs.items())
    kids = []
    for width, height, content in pages:
        stream = add(b"<</Length %d>>stream\n%s\nendstream" % (len(content), content))
        kids.append(add(b"<</Type/Page/Parent %d 0 R/MediaBox[0 0 %g %g]/Resources<</Font<</F1<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>>>/XObject<<%s>>>>/Contents %d 0 R>>"
                        % (tree, width, height, xobjects, stream)))
    objects[catalog - 1] = b"<</Type/Catalog/Pages %d 0 R>>" % tree
    objects[tree - 1] = b"<</Type/Pages/Kids[%s]/Count %d>>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<</Size %d/Root %d 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref))
    return out.getvalue()


def image_xobject(width: int, height: int, data: bytes = b"\xff\x00\x00") -> bytes:
    """An RGB image XObject declaring ``width`` × ``height`` pixels (``data`` need not fill it)."""
    return (b"<</Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace/DeviceRGB/BitsPerComponent 8/Length %d>>"
            b"stream\n%s\nendstream" % (width, height, len(data), data))


def page_bomb_pdf(pages: int = 1) -> bytes:
    """The issue's bomb: 14,400 pt pages, each with a 1×1 image scaled over the whole page."""
    content = b"q 14400 0 0 14400 0 0 cm /Im0 Do Q"
    return raw_pdf([(14400, 14400, content)] * pages, {"Im0": image_xobject(1, 1)})


def _entry(name: str, data: bytes) -> tuple[str, bytes, int, int]:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return name, packer.compress(data) + packer.flush(), zlib.crc32(data), len(data)


def raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip from (name, deflated bytes, crc32, inflated size) entries, written by hand so that
    an entry can be a deflate stream built without inflating it first."""
    out = io.BytesIO()
    central = []
    for name, packed, crc, size in entries:
        encoded = name.encode()
        offset = out.tell()
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(packed), size, len(encoded), 0))
        out.write(encoded + packed)
        central.append(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(packed), size,
                                   len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    start = out.tell()
    for record in central:
        out.write(record)
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()


def docx_parts(document_xml: bytes | None = None) -> dict[str, bytes]:
    """The parts of a blank python-docx document, with ``document_xml`` as word/document.xml."""
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with zipfile.ZipFile(buffer) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    if document_xml is not None:
        parts["word/document.xml"] = document_xml
    return parts


def paragraph_flood_docx(path: Path, paragraphs: int) -> Path:
    """A .docx whose body is ``paragraphs`` one-character paragraphs (3 M of them zip to ~300 KB)."""
    body = b"<w:p><w:r><w:t>a</w:t></w:r></w:p>" * paragraphs
    xml = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="%s"><w:body>%s'
           b"</w:body></w:document>" % (W_NS.encode(), body))
    path.write_bytes(raw_zip([_entry(name, data) for name, data in docx_parts(xml).items()]))
    return path


def inflation_bomb_docx(path: Path, inflated: int = 1_500 * 1024 * 1024) -> Path:
    """A .docx whose document.xml inflates to ``inflated`` bytes (1.5 GB: a file of ~5 MB).

    The deflate stream is one compressed chunk repeated: after a sync flush the compressor's
    output for the same periodic input repeats, so the stream is built without deflating 1.5 GB."""
    unit = b"<w:p><w:r><w:t>a</w:t></w:r></w:p>"
    chunk = unit * (1024 * 1024 // len(unit))
    head = b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="%s"><w:body>' % W_NS.encode()
    tail = b"</w:body></w:document>"
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    pieces = [packer.compress(head) + packer.flush(zlib.Z_SYNC_FLUSH)]
    count = (inflated - len(head) - len(tail)) // len(chunk)
    for _ in range(3):  # the compressor reaches its periodic state
        pieces.append(packer.compress(chunk) + packer.flush(zlib.Z_SYNC_FLUSH))
    steady = packer.compress(chunk) + packer.flush(zlib.Z_SYNC_FLUSH)
    assert steady == pieces[-1]
    pieces += [steady] * (count - 3)
    pieces.append(packer.compress(tail) + packer.flush())
    size = len(head) + len(chunk) * count + len(tail)
    crc = zlib.crc32(head)
    big = chunk * 16
    for _ in range(count // 16):
        crc = zlib.crc32(big, crc)
    for _ in range(count % 16):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    parts = docx_parts()
    del parts["word/document.xml"]
    entries = [_entry(name, data) for name, data in parts.items()]
    entries.append(("word/document.xml", b"".join(pieces), crc, size))
    path.write_bytes(raw_zip(entries))
    return path
