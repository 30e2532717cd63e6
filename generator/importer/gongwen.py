"""The one 公文 field extractor (GB/T 9704-2012 layout): from the intermediate blocks of any
format to the fields (标题, 发文字号, 发文机关, 成文日期, 主送机关, 附件说明, 版记) and the body.

Nothing is invented: a field that is not found stays empty and the writer leaves a placeholder.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .model import Block, Extracted, Para

_OPEN, _CLOSE = "〔[［(（【{｛<＜", "〕]］)）】}｝>＞"
DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,16}?)\s*[〔\[［(（【{｛<＜]\s*((?:19|20)\d{2})\s*[〕\]］)）】}｝>＞]\s*(第?\s*\d{1,5})\s*号")
_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "O": 0, "０": 0, "Ｏ": 0}
_ARABIC_DATE = re.compile(r"((?:19|20)\d{2})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|[-./](\d{1,2})[-./](\d{1,2})(?!\d))")
_CN_DATE = re.compile(r"([〇○零一二三四五六七八九OＯ０]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日")
_HEAD_NOISE = re.compile(r"^(\d{6}|[★☆]?\s*(绝密|机密|秘密|内部|特急|加急|特提|平急)(\s*[★☆]\s*\S*)?|签发人[：:].*|会签人[：:].*|"
                         r"[（(]?(此件)?(公开方式|公开属性|主动公开|依申请公开|不予公开)[）)]?([：:].{0,12})?)$")
_BANJI = re.compile(r"^(抄送|抄报|分送|主题词|关键词)[：:]|印发\s*$|^（共印\s*\d+\s*份）$|^[（(]?共印\d+份")
_ADDRESSEE = re.compile(r"^[^。；！？]{2,160}[：:]$")
_ATTACHMENT = re.compile(r"^附\s*件\s*[：:]\s*(.*)$")
_ITEM = re.compile(r"^\s*(\d{1,2})\s*[.．、]\s*(.+)$")
_KINDS = ("通知", "意见", "办法", "方案", "规定", "决定", "通报", "函", "报告", "批复", "公告", "通告", "指南", "纲要", "规划",
          "细则", "条例", "规则", "规范", "要点", "命令", "令", "议案", "请示", "纪要", "决议", "指引", "标准", "清单", "公报")
_ORG_END = ("部", "委", "厅", "局", "办", "室", "院", "会", "组", "府", "处", "心", "站", "所", "司", "署", "行", "社",
            "团", "队", "馆", "部门", "机构", "政府")
_HISTORY = re.compile(r"^[（(]?\s*(?:(?:19|20)\d{2}|[〇○零一二三四五六七八九]{4})\s*年.{0,120}(通过|修正|修订|公布|发布|施行|批准|印发)")


@dataclass(frozen=True, slots=True)
class Fields:
    """What the extractor found; '' / () when not found."""

    title: str = ""
    doc_number: str = ""
    issuer: str = ""
    date: str = ""
    """ISO date (YYYY-MM-DD)."""
    addressees: str = ""
    """主送机关 line without its colon."""
    attachments: tuple[str, ...] = ()
    """Names listed in 附件说明, numbering removed."""
    cc: str = ""
    """抄送."""
    printed: str = ""
    """印发 line (印发机关和印发日期)."""
    notes: tuple[str, ...] = field(default_factory=tuple)
    """Where a field came from when it was not the usual place (for the import report)."""


@dataclass(frozen=True, slots=True)
class Gongwen:
    """Fields and the blocks that make the body."""

    fields: Fields
    body: tuple[Block, ...]


def compact(text: str) -> str:
    """Text without any whitespace (for comparisons)."""
    return re.sub(r"[\s\u3000\xa0]+", "", text)


def normalize_doc_number(text: str) -> str:
    """``民发[2020]18号`` / ``民发（2020）18号`` -> ``民发〔2020〕18号``; '' when ``text`` holds none."""
    found = DOC_NUMBER.search(compact(text))
    if not found:
        return ""
    return f"{found.group(1)}〔{found.group(2)}〕{found.group(3).replace(' ', '')}号"


def parse_date(text: str) -> str:
    """The first date in ``text`` (Arabic or Chinese numerals) as ``YYYY-MM-DD``; '' when none is valid."""
    text = compact(text)
    candidates = []
    for found in _ARABIC_DATE.finditer(text):
        month, day = (found.group(2), found.group(3)) if found.group(2) else (found.group(4), found.group(5))
        candidates.append((found.start(), int(found.group(1)), int(month), int(day)))
    for found in _CN_DATE.finditer(text):
        year = "".join(str(_CN_DIGIT.get(c, 0)) for c in found.group(1))
        candidates.append((found.start(), int(year), _cn_number(found.group(2)), _cn_number(found.group(3))))
    for _, year, month, day in sorted(candidates):
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            continue
    return ""


def _cn_number(text: str) -> int:
    """一 .. 三十一."""
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGIT.get(tens, 1) if tens else 1) * 10 + (_CN_DIGIT.get(ones, 0) if ones else 0)
    return _CN_DIGIT.get(text, 0)


def is_date_line(text: str) -> bool:
    """A paragraph that is only a date (成文日期)."""
    rest = compact(text)
    rest = _ARABIC_DATE.sub("", rest, count=1) if _ARABIC_DATE.search(rest) else _CN_DATE.sub("", rest, count=1)
    return rest in ("", "印发") and bool(parse_date(text)) and len(compact(text)) <= 16


def extract(source: Extracted) -> Gongwen:
    """Split a document into 公文 fields and body blocks."""
    blocks = list(source.blocks)
    paras = [i for i, b in enumerate(blocks) if isinstance(b, Para)]
    hints = source.hints
    notes: list[str] = []
    head_end, doc_number, mark = _head(blocks, paras)
    title, title_end = _title(blocks, paras, head_end, hints.get("title", ""))
    if hints.get("doc_number") and not doc_number:
        doc_number = normalize_doc_number(hints["doc_number"])
    tail_start, cc, printed = _banji(blocks)
    body_idx = [i for i in paras if title_end <= i < tail_start]
    date_at = next((i for i in body_idx if is_date_line(blocks[i].text)), None)
    date = parse_date(blocks[date_at].text) if date_at is not None else ""
    issuer = _signature(blocks, body_idx, date_at if date_at is not None else (body_idx[-1] + 1 if body_idx else 0))
    if not date and hints.get("date"):
        date = parse_date(hints["date"])
    if not issuer and hints.get("issuer"):
        issuer = hints["issuer"]
    if not issuer and mark:
        issuer = re.sub(r"(文件|文电|函|公报|通报)$", "", mark)
        notes.append("发文机关取自发文机关标志")
    if not date or not issuer:
        h_date, h_issuer = _history(blocks, body_idx)
        date = date or h_date
        issuer = issuer or h_issuer
    if not issuer and hints.get("source"):
        issuer = hints["source"]
        notes.append(f"发文机关取自网页的“来源”：{issuer}")
    if not date and printed:
        date = parse_date(printed)
        if date:
            notes.append("日期取自版记中的印发日期（未找到成文日期）")
    addressees = next((compact(blocks[i].text)[:-1] for i in body_idx[:2]
                       if _ADDRESSEE.match(compact(blocks[i].text)) and not _ATTACHMENT.match(compact(blocks[i].text))), "")
    attachments = _attachments(blocks, body_idx, date_at)
    fields = Fields(title=title, doc_number=doc_number, issuer=issuer, date=date, addressees=addressees,
                    attachments=attachments, cc=cc, printed=printed, notes=tuple(notes))
    body = [b for i, b in enumerate(blocks) if title_end <= i < tail_start]
    return Gongwen(fields, tuple(body))


def _head(blocks: list[Block], paras: list[int]) -> tuple[int, str, str]:
    """(index after the 版头, 发文字号, 发文机关标志). The 文号 sits right under the mark, so
    when one is found near the top everything above it is the head (份号, 密级, 紧急程度, the
    mark); otherwise the head is the run of such lines at the top, the first other line
    (the title) ending it."""
    if paras and blocks[paras[0]].heading == 1:
        return 0, "", ""  # a declared title (Markdown #, Word Title, <h1>) opens the document
    for pos, i in enumerate(paras[:10]):
        text = compact(blocks[i].text)
        number = normalize_doc_number(text) if len(text) <= 48 and not parse_date(text) else ""
        if number and not _kind_end(text):
            above = [compact(blocks[j].text) for j in paras[:pos] if not _HEAD_NOISE.match(compact(blocks[j].text))]
            if all(len(t) <= 48 and not t.endswith(("。", "：")) for t in above):
                return i + 1, number, above[-1] if above else ""
            break
    mark, end = "", 0
    for i in paras[:10]:
        text = compact(blocks[i].text)
        if _HEAD_NOISE.match(text):
            end = i + 1
        elif not mark and _is_mark(blocks[i], text):
            mark, end = text, i + 1
        else:
            break
    return end, "", mark


def _is_mark(par: Para, text: str) -> bool:
    if len(text) > 40 or "关于" in text or text.endswith(("。", "：")):
        return False
    return par.red or text.endswith(("文件", "文电")) or text.endswith(_ORG_END)


def _kind_end(text: str) -> bool:
    return text.endswith(_KINDS) or "关于" in text


def _title(blocks: list[Block], paras: list[int], start: int, hint: str) -> tuple[str, int]:
    """(title, index of the first body block). Two-line titles are joined."""
    candidates = [i for i in paras if i >= start]
    if not candidates:
        return hint, start
    if hint:
        target, got, end = compact(hint), "", None
        for i in candidates[:6]:
            piece = compact(blocks[i].text)
            if target.startswith(got + piece):
                got += piece
                end = i + 1
                if got == target:
                    return hint, end
            elif got:
                break
        return hint, start
    first = candidates[0]
    par = blocks[first]
    lines = [par.text]
    end = first + 1
    styled = par.centered or par.heading or par.size >= _body_size(blocks) + 2
    for i in candidates[1:4]:
        if i != end:
            break
        nxt = blocks[i]
        text = compact(nxt.text)
        if _ADDRESSEE.match(text) or text.endswith("。") or normalize_doc_number(text):
            break
        same_style = styled and nxt.centered == par.centered and nxt.size == par.size and nxt.heading == par.heading
        unfinished = not styled and not _kind_end_title(compact(" ".join(lines))) and len(text) <= 40 and _kind_end_title(text)
        if same_style and (par.centered or par.heading or par.size) or unfinished:
            lines.append(nxt.text)
            end = i + 1
        else:
            break
    return "".join(_unspace(x.strip()) for x in lines), end


def _body_size(blocks: list[Block]) -> float:
    """The font size most of the text is set in (0 when the format has none)."""
    weights: dict[float, int] = {}
    for block in blocks:
        if isinstance(block, Para):
            weights[block.size] = weights.get(block.size, 0) + len(block.text)
    return max(weights, key=weights.get) if weights else 0.0


def _kind_end_title(text: str) -> bool:
    """A complete title: ends with a 文种 (通知, 意见, …); a ``关于…`` title also has its ``的``
    (``关于规范`` / ``殡葬服务工作的通知`` is one title over two lines)."""
    text = re.sub(r"[（(][^）)]*[）)]$", "", text)
    if not text.endswith(_KINDS):
        return False
    return "关于" not in text or bool(re.search(r"关于.*的[\u4e00-\u9fff《》]{0,8}$", text))


def _unspace(line: str) -> str:
    """A letter-spaced title line (``关 于 做 好 …``) without its spaces; other spacing
    (``最高人民法院  最高人民检察院关于…``) is kept."""
    gaps = re.findall(r"[\u4e00-\u9fff](\s*)(?=[\u4e00-\u9fff])", line)
    if gaps and sum(1 for g in gaps if g) > len(gaps) / 2:
        return re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", line)
    return line


def _banji(blocks: list[Block]) -> tuple[int, str, str]:
    """(start of the 版记 at the end, 抄送, 印发 line)."""
    start, cc, printed = len(blocks), "", ""
    for i in range(len(blocks) - 1, -1, -1):
        block = blocks[i]
        if not isinstance(block, Para):
            break
        text = compact(block.text)
        if not _BANJI.search(text):
            break
        start = i
        if re.match(r"^(抄送|抄报|分送)[：:]", text):
            cc = re.sub(r"^(抄送|抄报|分送)[：:]\s*", "", block.text.strip()).rstrip("。")
        elif text.endswith("印发"):
            printed = re.sub(r"\s+", " ", block.text.strip())
    return start, cc, printed


def _signature(blocks: list[Block], body_idx: list[int], date_at: int) -> str:
    """The 署名 lines just before the 成文日期, or at the end when there is no date (several
    issuers joined with 、; a name wrapped over two lines is joined back)."""
    lines: list[str] = []
    dated = date_at in body_idx
    for i in reversed([j for j in body_idx if j < date_at]):
        text = blocks[i].text.strip()
        flat = compact(text)
        if i != date_at - 1 - len(lines) or len(flat) > 40 or re.search(r"[。，；：:,!！？?\d\t]", flat) or \
                flat.startswith(("附件", "（", "(")) or len(flat) < 2:
            break
        if not dated and not flat.endswith(_ORG_END):
            break  # without a date below it, only a line that reads as an organ's name is a 署名
        lines.insert(0, text)
        if len(lines) >= 4 or not dated:
            break
    names: list[str] = []
    for line in lines:
        pieces = [p for p in re.split(r"[\s\u3000]+", line) if p]
        if names and not names[-1].endswith(_ORG_END):
            names[-1] += pieces.pop(0)
        names.extend(pieces)
    return "、".join(names)


def _history(blocks: list[Block], body_idx: list[int]) -> tuple[str, str]:
    """Date and body of a regulation's adoption history lines (``2009年2月28日 第十一届…会议通过``):
    the latest date, the body that adopted or issued it."""
    dates: list[str] = []
    issuer = ""
    for i in body_idx[:40]:
        text = compact(blocks[i].text)
        if not _HISTORY.match(text):
            if dates:
                break
            continue
        for piece in re.split(r"[；;]|根据", text):
            found = parse_date(piece)
            if found and not piece.rstrip("）)").endswith("施行"):
                dates.append(found)
        if not issuer:
            meeting = re.search(r"日(.+?)第[一二三四五六七八九十百\d]+次(?:常务|全体)?会议", text)
            order = re.search(r"日(.+?)令第", text) or re.search(r"日(.+?)(?:公布|发布|印发)", text)
            found = meeting or order
            if found:
                issuer = re.sub(r"第[一二三四五六七八九十百\d]+届", "", found.group(1)).strip("（()） ")
    return (max(dates) if dates else ""), issuer


def _attachments(blocks: list[Block], body_idx: list[int], date_at: int | None) -> tuple[str, ...]:
    """Names from the 附件说明 (``附件：1. 名称`` and the numbered lines after it)."""
    stop = date_at if date_at is not None else (body_idx[-1] + 1 if body_idx else 0)
    names: list[str] = []
    for pos, i in enumerate(body_idx):
        if i >= stop:
            break
        found = _ATTACHMENT.match(compact(blocks[i].text))
        if not found:
            continue
        first = blocks[i].text.split("：", 1)[-1].split(":", 1)[-1].strip()
        if first:
            names.append(_item_name(first))
        for j in body_idx[pos + 1:]:
            if j >= stop:
                break
            item = _ITEM.match(blocks[j].text.strip())
            if not item:
                break
            names.append(_item_name(item.group(2)))
        break
    return tuple(n for n in names if n)


def _item_name(text: str) -> str:
    found = _ITEM.match(text)
    name = found.group(2) if found else text
    return name.strip().rstrip("。；;，,")
