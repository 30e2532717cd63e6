"""Word ``.docx`` -> ``Extracted`` with python-docx: paragraphs with their style, alignment,
size and colour, tables, pictures and embedded files (OLE packages such as .xlsx).

Before python-docx reads anything, the zip's central directory (inflated sizes, number of
files) and a streaming count of the XML (elements, paragraphs) are checked against
``limits.LIMITS``, so a zip bomb or a million empty paragraphs is refused before it costs
memory or time. Embedded files a browser would run (SVG, HTML, XML) are not written."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..content.media import runs_in_browser
from .limits import LIMITS, Budget, Limits, size_text
from .model import Block, Cell, Extracted, Image, Notice, Para, ReadError, table_from_cells

_NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "o": "urn:schemas-microsoft-com:office:office",
    "v": "urn:schemas-microsoft-com:vml",
}
_HEAVY_FACES = ("黑体", "宋体-粗", "小标宋", "方正小标宋", "SimHei", "Heiti")
_EXT = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/bmp": ".bmp", "image/x-emf": ".emf",
        "image/x-wmf": ".wmf", "image/tiff": ".tif", "image/svg+xml": ".svg", "text/html": ".html",
        "application/xhtml+xml": ".xhtml", "text/xml": ".xml", "application/xml": ".xml"}
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RUNNABLE_TYPES = ("image/svg+xml", "text/html", "application/xhtml+xml", "text/xml", "application/xml", "message/rfc822")


def read_docx(path: Path, limits: Limits = LIMITS, budget: Budget | None = None) -> Extracted:
    """Read a Word document; a broken or foreign file, or one over ``limits``, raises ``ReadError``."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    budget = budget or Budget(limits.seconds)
    if not zipfile.is_zipfile(path):
        raise ReadError("MZ705")
    check_package(path, limits, budget)
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ReadError("MZ705") from exc
    except Exception as exc:  # lxml or zip errors deep in python-docx: still a broken file
        raise ReadError("MZ705") from exc
    reader = _Reader(document)
    for index, item in enumerate(document.iter_inner_content()):
        if index % 200 == 0:
            budget.check("读取 Word 正文")
        if hasattr(item, "rows"):
            reader.table(item)
        else:
            reader.paragraph(item)
    return Extracted(tuple(reader.blocks), tuple(reader.files), warnings=tuple(reader.warnings))


def check_package(path: Path, limits: Limits, budget: Budget) -> None:
    """Refuse a .docx whose parts inflate past the limits (sizes from the central directory,
    which Python's zip reader never reads past) or whose XML holds too many elements or
    paragraphs (counted while streaming, stopping at the limit)."""
    try:
        with zipfile.ZipFile(path) as package:
            infos = package.infolist()
            if len(infos) > limits.docx_entries:
                raise ReadError("MZ728", detail=f"包含 {len(infos)} 个文件，上限 {limits.docx_entries} 个")
            xml = [i for i in infos if i.filename.lower().endswith((".xml", ".rels"))]
            for info in xml:
                if info.file_size > limits.docx_part_mb * 1024 * 1024:
                    raise ReadError("MZ727", part=info.filename, size=size_text(info.file_size),
                                    limit=f"{limits.docx_part_mb} MB")
            total_xml = sum(i.file_size for i in xml)
            if total_xml > limits.docx_xml_mb * 1024 * 1024:
                raise ReadError("MZ727", part="全部 XML 部分", size=size_text(total_xml), limit=f"{limits.docx_xml_mb} MB")
            total = sum(i.file_size for i in infos)
            if total > limits.docx_total_mb * 1024 * 1024:
                raise ReadError("MZ727", part="全部内容", size=size_text(total), limit=f"{limits.docx_total_mb} MB")
            elements = 0
            for info in xml:
                elements = _count(package, info, elements, limits, budget)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise ReadError("MZ705") from exc


def _count(package: zipfile.ZipFile, info: zipfile.ZipInfo, elements: int, limits: Limits, budget: Budget) -> int:
    """Stream one XML part, counting its elements (and the paragraphs of a document part)."""
    from lxml import etree

    paragraphs = 0
    with package.open(info) as stream:
        parser = etree.iterparse(stream, events=("end",), resolve_entities=False, no_network=True, load_dtd=False,
                                 huge_tree=False, remove_comments=True)
        try:
            for _, element in parser:
                elements += 1
                if element.tag == _W + "p":
                    paragraphs += 1
                    if paragraphs > limits.paragraphs:
                        raise ReadError("MZ728", detail=f"{info.filename} 中的段落超过 {limits.paragraphs} 个")
                if elements > limits.xml_elements:
                    raise ReadError("MZ728", detail=f"XML 元素超过 {limits.xml_elements} 个")
                if elements % 20_000 == 0:
                    budget.check("检查 Word 文档结构")
                element.clear(keep_tail=False)
        except etree.XMLSyntaxError as exc:
            raise ReadError("MZ705") from exc
    return elements


class _Reader:
    """Walks the document once, numbering extracted files in order of appearance."""

    def __init__(self, document):
        self.document = document
        self.blocks: list[Block] = []
        self.files: list[tuple[str, bytes]] = []
        self.warnings: list[Notice] = []
        self.seen: dict[str, str] = {}
        self.styles: dict = {}  # style id -> style (python-docx looks styles up by a linear search)

    def paragraph(self, par) -> None:
        for name in self._objects(par._p):
            self.blocks.append(Image(name))
        text = par.text.replace("\u3000", " ").strip()
        if not text:
            return
        key = par._p.style
        if key not in self.styles:
            self.styles[key] = par.style
        style = self.styles[key]
        align = _align(par, style)
        self.blocks.append(Para(text, heading=_heading_level(style), size=_size(par, style), bold=_heavy(par),
                                centered=align == "center", right=align == "right", red=_red(par)))

    def table(self, table) -> None:
        """Cells from the table's XML: ``w:gridSpan`` is a colspan, a ``w:vMerge`` run (restart,
        then continue cells in the same grid column) one cell with a rowspan."""
        from docx.table import _Cell

        layout: list[list[Cell]] = []
        open_cells: dict[tuple[int, int], list] = {}  # (column, colspan) -> [text, rowspan] of a restart cell
        for tr in table._tbl.tr_lst:
            row, column, still_open = [], _grid_before(tr), {}
            if column:
                row.append([" ", 1, column])
            for tc in tr.tc_lst:
                span = max(1, int(tc.grid_span or 1))
                text = " ".join(p.text.strip() for p in _Cell(tc, table).paragraphs if p.text.strip())
                key = (column, span)
                if tc.vMerge == "continue" and key in open_cells:
                    origin = open_cells[key]
                    origin[1] += 1
                    origin[0] = " ".join(x for x in (origin[0], text) if x)
                    still_open[key] = origin
                else:
                    cell = [text, 1, span]
                    row.append(cell)
                    if tc.vMerge is not None:
                        still_open[key] = cell
                column += span
            layout.append(row)
            open_cells = still_open
        layout = [[Cell(t.strip(), rows, cols) for t, rows, cols in row] for row in layout]
        found = table_from_cells(layout)
        if found is not None:
            self.blocks.append(found)

    def _objects(self, element) -> list[str]:
        """Names of pictures and embedded files referenced inside ``element``, extracted once each."""
        names = []
        r = "{%s}" % _NS["r"]
        for node in element.iter("{%s}blip" % _NS["a"], "{%s}imagedata" % _NS["v"], "{%s}OLEObject" % _NS["o"]):
            rid = node.get(r + "embed") if node.tag.endswith("blip") else node.get(r + "id")
            name = self._extract(rid) if rid else ""
            if name:
                names.append(name)
        return names

    def _extract(self, rid: str) -> str:
        part = self.document.part.related_parts.get(rid)
        if part is None:
            return ""
        key = str(part.partname)
        if key in self.seen:
            return self.seen[key]
        suffix = Path(key).suffix.lower() or _EXT.get(part.content_type, ".bin")
        if runs_in_browser(f"x{suffix}") or part.content_type in _RUNNABLE_TYPES:
            self.warnings.append(Notice("MZ733", 0, {"name": Path(key).name, "kind": part.content_type or suffix}))
            self.seen[key] = ""
            return ""
        kind = "image" if part.content_type.startswith("image/") else "embedded"
        name = f"{kind}-{len(self.files) + 1}{suffix}"
        self.files.append((name, part.blob))
        self.seen[key] = name
        return name


def _grid_before(tr) -> int:
    """Grid columns a row leaves empty before its first cell (``w:gridBefore``)."""
    found = tr.find(f"{_W}trPr/{_W}gridBefore")
    value = found.get(f"{_W}val") if found is not None else None
    return int(value) if value and value.isdigit() else 0


def _heading_level(style) -> int:
    name = (style.name if style is not None else "") or ""
    for prefix in ("Heading ", "heading ", "标题 "):
        if name.startswith(prefix) and name[len(prefix):].strip().isdigit():
            return int(name[len(prefix):].strip())
    return 1 if name in ("Title", "标题") else 0


def _style_chain(style):
    while style is not None:
        yield style
        style = style.base_style


def _size(par, style) -> float:
    for run in par.runs:
        if run.text.strip() and run.font.size:
            return run.font.size.pt
    for base in _style_chain(style):
        if base.font.size:
            return base.font.size.pt
    return 0.0


def _heavy(par) -> bool:
    runs = [r for r in par.runs if r.text.strip()]
    if not runs:
        return False
    if all(r.bold for r in runs):
        return True
    faces = [_east_asia(r) for r in runs]
    return all(any(h in f for h in _HEAVY_FACES) for f in faces if f) and any(faces)


def _east_asia(run) -> str:
    fonts = run._r.xpath("./w:rPr/w:rFonts")
    if fonts:
        value = fonts[0].get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
        if value:
            return value
    return run.font.name or ""


def _align(par, style) -> str:
    value = par.alignment
    if value is None:
        for base in _style_chain(style):
            if base.paragraph_format.alignment is not None:
                value = base.paragraph_format.alignment
                break
    if value is None:
        return ""
    return {1: "center", 2: "right"}.get(int(value), "")


def _red(par) -> bool:
    runs = [r for r in par.runs if r.text.strip()]
    if not runs:
        return False
    for run in runs:
        rgb = run.font.color.rgb if run.font.color is not None and run.font.color.type is not None else None
        if rgb is None:
            return False
        r, g, b = rgb[0], rgb[1], rgb[2]
        if not (r >= 180 and g <= 80 and b <= 80):
            return False
    return True
