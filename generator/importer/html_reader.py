"""A web page saved as ``.html`` -> ``Extracted`` with lxml: the article container (the element
holding most paragraph text), its paragraphs, headings, tables and local pictures, and the
metadata table ministry sites show above a notice (发文机关, 发文字号, 成文日期, 标题)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .model import Block, Cell, Extracted, Image, Notice, Para, ReadError, table_from_cells
from .safety import local_picture, picture_kind
from .text_reader import decode_bytes

_DROP = ("script", "style", "noscript", "nav", "header", "footer", "form", "iframe", "select", "button", "template")
_BLOCK = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dd", "dt", "section", "article",
          "blockquote", "center", "pre", "ul", "ol", "table", "tr", "tbody", "thead", "dl"}
_HINTS = {"标题": "title", "发文机关": "issuer", "发文字号": "doc_number", "文号": "doc_number", "成文日期": "date"}
_SPACE = re.compile(r"[ \t\r\n\u3000\xa0]+")


def read_html(path: Path, data: bytes, max_bytes: int = 50 * 1024 * 1024) -> Extracted:
    """Read a saved web page; a page without article text raises ``ReadError``. Pictures are
    copied only from the page's own folder (``safety.local_picture``, at most ``max_bytes``
    each); every refused one is a warning naming its line."""
    import lxml.html

    text, _encoding = decode_bytes(data, html=True)
    try:
        root = lxml.html.document_fromstring(text)
    except Exception as exc:
        raise ReadError("MZ709", detail=type(exc).__name__) from exc
    for element in root.iter(*_DROP):
        element.drop_tree() if element.getparent() is not None else None
    hints = _hints(root)
    source = re.search(r"(?:来源|发布机构|发布单位)[：:]\s*([\u4e00-\u9fff、]{2,40})", _clean(root.text_content()))
    if source:
        hints["source"] = source.group(1)
    content = _container(root)
    if content is None:
        raise ReadError("MZ709", detail="找不到正文段落")
    walker = _Walker(path.parent, max_bytes)
    heading = root.find(".//h1")
    if "title" not in hints and heading is not None and not _inside(heading, content):
        hints["title"] = _clean(heading.text_content())
    walker.walk(content)
    if not any(isinstance(b, Para) for b in walker.blocks):
        raise ReadError("MZ709", detail="正文为空")
    page_title = root.find(".//title")
    if page_title is not None and page_title.text:
        hints.setdefault("page_title", _clean(page_title.text))
    return Extracted(tuple(walker.blocks), tuple(walker.files), hints, tuple(walker.warnings))


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _label(text: str) -> str:
    return re.sub(r"[\s\u3000\xa0：:]", "", text)


def _hints(root) -> dict:
    """Label -> value pairs from a metadata table (``<td>发文机关：</td><td>民政部</td>``); the
    table is removed so it does not reach the body."""
    hints: dict = {}
    for table in list(root.iter("table", "dl", "ul")):
        if table.getparent() is None or table.find(".//" + table.tag) is not None:
            continue  # only the innermost list or table: a layout table around the page is not metadata
        cells = [c for c in table.iter("td", "th", "dt", "dd", "li", "span") if not len(c.findall(".//td"))]
        found = {}
        for index, cell in enumerate(cells):
            text = _clean(cell.text_content())
            label, _, value = text.partition("：") if "：" in text else (text, "", "")
            key = _HINTS.get(_label(label))
            if key is None:
                continue
            if not value and index + 1 < len(cells):
                value = _clean(cells[index + 1].text_content())
            if value:
                found[key] = value
        if len(found) >= 2:
            hints.update({k: v for k, v in found.items() if k not in hints})
            if table.getparent() is not None:
                table.drop_tree()
    return hints


def _container(root):
    """The element whose child paragraphs hold the most text."""
    scores: dict = {}
    for par in root.iter("p", "br"):
        parent = par.getparent()
        if parent is None:
            continue
        length = len(_clean(par.text_content())) if par.tag == "p" else len(_clean(par.tail or ""))
        scores[parent] = scores.get(parent, 0) + length
    if not scores:
        divs = [d for d in root.iter("div", "td", "body") if len(_clean(d.text_content())) > 0]
        return max(divs, key=lambda d: len(_clean(d.text_content())), default=None)
    best = max(scores, key=scores.get)
    # an article split over sibling wrappers: climb while the parent adds little else
    while best.getparent() is not None and best.getparent().tag not in ("body", "html"):
        parent = best.getparent()
        if sum(scores.get(c, 0) for c in parent) > scores.get(best, 0) * 1.05:
            best = parent
        else:
            break
    return best


def _span(value: str | None) -> int:
    """A ``rowspan``/``colspan`` value as a count (missing or broken: 1)."""
    found = re.match(r"\s*(\d{1,6})", value or "")
    return max(1, int(found.group(1))) if found else 1


def _owner_table(element):
    parent = element.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _inside(element, container) -> bool:
    while element is not None:
        if element is container:
            return True
        element = element.getparent()
    return False


def _align(element) -> str:
    style = (element.get("style") or "").replace(" ", "").lower()
    align = (element.get("align") or "").lower()
    if "text-align:center" in style or align == "center" or element.tag == "center":
        return "center"
    if "text-align:right" in style or align == "right":
        return "right"
    return ""


class _Walker:
    """Turns the container's tree into blocks, one paragraph per block-level element."""

    def __init__(self, folder: Path, max_bytes: int):
        self.folder = folder
        self.max_bytes = max_bytes
        self.blocks: list[Block] = []
        self.files: list[tuple[str, bytes]] = []
        self.warnings: list[Notice] = []
        self.copied: dict[Path, str] = {}
        self.buffer: list[str] = []
        self.owner = None

    def flush(self) -> None:
        text = _clean("".join(self.buffer))
        self.buffer = []
        if text:
            owner = self.owner
            level = int(owner.tag[1]) if owner is not None and re.fullmatch(r"h[1-6]", owner.tag) else 0
            align = _align(owner) if owner is not None else ""
            self.blocks.append(Para(text, heading=level, centered=align == "center", right=align == "right",
                                    bold=owner is not None and owner.find(".//strong") is not None and
                                    _clean(owner.find(".//strong").text_content()) == text))

    def walk(self, element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "table":
            self.flush()
            self.table(element)
        elif tag == "img":
            self.flush()
            name = self.image(element.get("src") or "", element.sourceline or 0)
            if name:
                self.blocks.append(Image(name))
        elif tag == "br":
            self.flush()
        elif tag in _BLOCK:
            self.flush()
            previous, self.owner = self.owner, element
            self.buffer.append(element.text or "")
            for child in element:
                self.walk(child)
            self.flush()
            self.owner = previous
        else:
            self.buffer.append(element.text or "" if tag else "")
            for child in element:
                self.walk(child)
        if element.tail:
            self.buffer.append(element.tail)

    def table(self, element) -> None:
        """Rows of this table (not of a table nested in a cell), each cell with its spans."""
        layout, head = [], 0
        for tr in element.iter("tr"):
            if _owner_table(tr) is not element:
                continue
            cells = [td for td in tr if td.tag in ("td", "th")]
            layout.append([Cell(_clean(td.text_content()), _span(td.get("rowspan")), _span(td.get("colspan")))
                           for td in cells])
            if tr.getparent() is not None and tr.getparent().tag == "thead" and head == len(layout) - 1:
                head = len(layout)
        table = table_from_cells(layout, head)
        if table is not None:
            self.blocks.append(table)

    def image(self, src: str, line: int) -> str:
        """Copy a picture saved beside the page (``页面_files/x.png``); remote ones stay out, and
        so does anything ``safety.local_picture`` refuses (each with a warning)."""
        src = src.strip()
        if not src:
            return ""
        parts = urlsplit(src)
        if parts.scheme or parts.netloc or not parts.path:
            reason = "是内嵌的 data: 图片，未导入" if parts.scheme.lower() == "data" else "是网络地址，导入时不下载"
            self.refuse(src, line, reason)
            return ""
        source, data, reason = local_picture(self.folder, unquote(parts.path), self.max_bytes)
        if source is None:
            self.refuse(src, line, reason)
            return ""
        if source in self.copied:
            return self.copied[source]
        name = f"image-{len(self.files) + 1}{picture_kind(data)}"
        self.files.append((name, data))
        self.copied[source] = name
        return name

    def refuse(self, src: str, line: int, reason: str) -> None:
        shown = src if len(src) <= 80 else src[:77] + "…"
        self.warnings.append(Notice("MZ725", line, {"ref": shown, "row": line or "?", "reason": reason}))
