"""The one Markdown writer: 公文 fields -> YAML front matter, body blocks -> Markdown.

公文 numbering becomes structure, by the same rules for every format, decided once per document:
第X编/章 -> ``##``, 第X节 -> ``###``; 一、 -> ``##`` when every 一、 item of the document can be a
heading (else none is); （一） -> ``###`` when every item of its run (the items under one 一、) can be
a heading and the document has no 第X条 articles, else list items; 1. -> list items, （1） -> nested
items. The text itself is never changed, only escaped."""

from __future__ import annotations

import html
import re

import yaml

from .model import Block, Image, Para, Table

_L1 = re.compile(r"^[一二三四五六七八九十]{1,3}、")
_L2 = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)]")
_L3 = re.compile(r"^(\d{1,2})\s*[.．、](?!\d)\s*")
_L4 = re.compile(r"^[（(]\d{1,2}[）)]")
_NUMERAL = r"[一二三四五六七八九十百零〇\d]+"
_CHAPTER = re.compile(rf"^第{_NUMERAL}[章编](?=\s|$|[^\s。，；：、的中])")
_SECTION = re.compile(rf"^第{_NUMERAL}节(?=\s|$|[^\s。，；：、的中])")
_ARTICLE = re.compile(rf"^第{_NUMERAL}条(\s|$)")
_CLAUSE_END = "；;，,：:、"
"""A numbered item ending with one of these is part of an enumeration, never a heading."""
_NOTES = re.compile(r"^附\s*件\s*[：:]")
_ATTACH_HEAD = re.compile(r"^附件\s*\d{0,2}$")
_ESCAPE = re.compile(r"([\\`*_\[\]<>|~{}])")
_ENTITY = re.compile(r"&(?=#\d{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
_LEADING = re.compile(r"^([ \t]*)([#+\-=>:!]|\d+[.)])", re.M)
MAX_HEADING = 40
"""A numbered paragraph longer than this (before its first 。) stays a paragraph."""

PICTURES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp")
PLACEHOLDER_TITLE = "（请填写标题）"
PLACEHOLDER_DATE = "（请填写日期）"
PLACEHOLDER_ISSUER = "（请填写发文机关）"


def escape(text: str) -> str:
    """Markdown-escape plain text so it renders exactly as written: emphasis, code, links, HTML,
    ``~~strikethrough~~``, ``{attrs}``, entity-looking text (``&lt;``) and, at the start of
    every line, headings, lists, quotes, rules, admonitions (``!!!``) and definitions (``:``)."""
    text = _ESCAPE.sub(r"\\\1", text)
    text = _ENTITY.sub(r"\\&", text)
    return _LEADING.sub(lambda m: m.group(1) + ("\\" + m.group(2) if len(m.group(2)) == 1
                                                 else m.group(2)[:-1] + "\\" + m.group(2)[-1]), text)


def front_matter(meta: dict, comments: dict[str, str]) -> str:
    """``---`` YAML ``---`` with keys in the given order and a ``# comment`` after some keys."""
    lines = ["---"]
    for key, value in meta.items():
        flow = isinstance(value, list)
        dumped = yaml.safe_dump({key: value}, allow_unicode=True, default_flow_style=flow, sort_keys=False,
                                width=1000).rstrip("\n")
        if flow:
            dumped = dumped[1:-1]  # {key: [a, b]} -> key: [a, b]
        if key in ("date", "written_date") and isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            dumped = f'{key}: "{value}"'
        if key in comments:
            first, *rest = dumped.split("\n")
            dumped = "\n".join([f"{first}  # {comments[key]}", *rest])
        lines.append(dumped)
    lines.append("---")
    return "\n".join(lines) + "\n"


def _flat(par: Para) -> str:
    return re.sub(r"[ \t]+", " ", par.text.strip()).replace(" ", "")


def _part_heading(text: str) -> bool:
    """第X编/章/节 standing alone as a short line (``第一章 总则``, ``第一章总则``)."""
    short = len(text) <= MAX_HEADING and not any(c in text for c in "。；;，,：:")
    return short and bool(_CHAPTER.match(text) or _SECTION.match(text))


def _can_head(text: str) -> bool:
    """A numbered item that can stand as a heading: short alone, or a short lead sentence before 。."""
    head, sep, rest = text.partition("。")
    if sep and rest.strip():
        return len(head) <= MAX_HEADING and not any(c in head for c in "；;")
    body = text.rstrip("。")
    return len(body) <= MAX_HEADING and not text.endswith(tuple(_CLAUSE_END)) and not any(c in body for c in "；;")


def structure(blocks: tuple[Block, ...]) -> tuple[bool, set[int]]:
    """Per document: whether 一、 items are headings (all or none), and the block indexes of the
    （一） items that are headings (whole runs: the items under one 一、 or one part heading)."""
    plain = [(i, _flat(b)) for i, b in enumerate(blocks) if isinstance(b, Para) and not b.markdown]
    articles = any(_ARTICLE.match(re.sub(r"[ \t]+", " ", blocks[i].text.strip())) for i, _t in plain)
    firsts = [t for _i, t in plain if _L1.match(t)]
    l1 = bool(firsts) and all(_can_head(t) for t in firsts) and not articles
    heads: set[int] = set()
    run: list[tuple[int, str]] = []

    def close() -> None:
        if run and not articles and all(_can_head(t) for _i, t in run):
            heads.update(i for i, _t in run)
        run.clear()

    for i, text in plain:
        if _L1.match(text) or _part_heading(text):
            close()
        elif _L2.match(text):
            run.append((i, text))
    close()
    return l1, heads


def body_markdown(blocks: tuple[Block, ...], asset_dir: str) -> str:
    """Markdown of the body blocks, blank-line separated, ending with one newline."""
    l1, l2_heads = structure(blocks)
    out: list[str] = []
    in_list = 0  # width of the current ordered-list marker, 0 outside a list
    notes = False  # inside the 附件说明
    for index, block in enumerate(blocks):
        if isinstance(block, Table):
            out.append(_table(block))
            in_list = 0
        elif isinstance(block, Image) and block.name.lower().endswith(PICTURES):
            out.append(f"![]({asset_dir}/{block.name})")
            in_list = 0
        elif isinstance(block, Image):
            out.append(f"[嵌入文件 {escape(block.name)}]({asset_dir}/{block.name})")
            in_list = 0
        elif notes and not block.markdown and _L3.match(block.text.strip()):
            out[-1] += "  \n" + escape(block.text.strip())  # 附件说明: one paragraph, a line per attachment
        else:
            text, in_list = _para(block, in_list, l1, index in l2_heads)
            out.append(text)
        notes = isinstance(block, Para) and (notes and _L3.match(block.text.strip()) or _NOTES.match(block.text.strip()))
    return "\n\n".join(x for x in out if x) + "\n"


def _para(par: Para, in_list: int, l1: bool = True, l2: bool = True) -> tuple[str, int]:
    if par.markdown:
        if par.heading:
            return "#" * max(2, par.heading) + " " + par.text, 0
        return par.text, 0
    text = re.sub(r"[ \t]+", " ", par.text.strip())
    flat = _flat(par)
    if _part_heading(flat):  # the same test ``structure`` closes runs with
        return "#" * (3 if _SECTION.match(flat) else 2) + " " + escape(text), 0
    if _L1.match(flat):
        return (_heading(text, 2), 0) if l1 else (escape(text), 0)
    if _L2.match(flat):
        if l2:
            return _heading(text, 3), 0
        return f"{' ' * in_list}- {escape(text)}", in_list
    if _ATTACH_HEAD.match(flat):
        return "## " + escape(text), 0
    found = _L3.match(text)
    if found:
        rest = text[found.end():]
        number = found.group(1)
        return f"{number}. {escape(rest)}", len(number) + 2
    if _L4.match(flat):
        indent = " " * in_list
        return f"{indent}- {escape(text)}", in_list
    if par.heading:
        return "#" * min(max(2, par.heading), 4) + " " + escape(text), 0
    return escape(text), 0


def _heading(text: str, level: int) -> str:
    """``一、总体要求。各地要……`` -> a heading and, after it, the rest of the paragraph."""
    head, sep, rest = text.partition("。")
    if sep and rest.strip() and len(head) <= MAX_HEADING:
        return "#" * level + " " + escape(head) + "\n\n" + escape(rest.strip())
    if len(text.rstrip("。")) <= MAX_HEADING:
        return "#" * level + " " + escape(text.rstrip("。") if not rest else text)
    return escape(text)


def _table(table: Table) -> str:
    if table.cells:
        return _html_table(table)
    rows = [[_cell(c) for c in row] for row in table.rows]
    width = len(rows[0])
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return escape(re.sub(r"\s+", " ", text).strip())


def _html_table(table: Table) -> str:
    """A table with merged cells, as HTML (a pipe table cannot span): one line per row and no
    blank line, so Markdown reads it as one HTML block; the text is HTML-escaped."""
    lines = ["<table>", "<thead>"]
    for number, row in enumerate(table.cells):
        if number == table.header:
            lines += ["</thead>", "<tbody>"]
        tag = "th" if number < table.header else "td"
        cells = []
        for cell in row:
            spans = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + \
                    (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
            text = html.escape(re.sub(r"\s+", " ", cell.text).strip(), quote=False)
            cells.append(f"<{tag}{spans}>{text}</{tag}>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines += ["</tbody>" if len(table.cells) > table.header else "</thead>", "</table>"]
    return "\n".join(lines)
