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
ORDER_NUMBER = re.compile(r"^([\u4e00-\u9fff]{0,20}?令)\s*[〔(（]?\s*第\s*(\d{1,5})\s*号[)）]?$")
"""A 令's number standing alone (``国令第707号``, ``中华人民共和国国务院令 第707号``, ``民政部令第69号``)."""
_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "O": 0, "０": 0, "Ｏ": 0}
_ARABIC_DATE = re.compile(r"((?:19|20)\d{2})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|[-./](\d{1,2})[-./](\d{1,2})(?!\d))")
_CN_DATE = re.compile(r"([〇○零一二三四五六七八九OＯ０]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日")
_HEAD_NOISE = re.compile(r"^(\d{6}|\d{0,6}\s*(?:[★☆]?\s*(?:绝密|机密|秘密|内部)(?:\s*[★☆]\s*[\d一二三四五六七八九十]*\s*年?)?)?\s*"
                         r"(?:特急|加急|特提|平急)?|ICS\s*[\d.]+.*|(?:GB|MZ|DB\d{0,6})(?:/T|/Z)?(?:\s*[\d.—-]+.*)?|中华人民共和国(?:国家|[\u4e00-\u9fff]{2,6}行业)标准|(?:https?://)?[A-Za-z][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)+/?|签发人[：:].*|会签人[：:].*|"
                         r"[（(]?(此件)?(公开方式|公开属性|主动公开|依申请公开|不予公开)[）)]?([：:].{0,12})?)$")
_BANJI = re.compile(r"^(抄送|抄报|分送|主题词|关键词)[：:]|印发\s*$|^（共印\s*\d+\s*份）$|^[（(]?共印\d+份")
_ADDRESSEE = re.compile(r"^[^。；！？]{2,160}[：:]$")
_ATTACHMENT = re.compile(r"^附\s*件\s*(?:[：:]|(?=\d{1,2}\s*[.．、]\s*\S))\s*(.*)$")
"""A 附件说明: ``附件：名称``, ``附件：1. 名称`` or ``附件1. 名称`` (not ``附件1`` heading an attachment)."""
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
    valid_from: str = ""
    """施行日期 (ISO) read from ``自…起施行`` ('' when none)."""
    guessed: tuple[tuple[str, str], ...] = ()
    """(front-matter key, why it is a guess) for every field not read from its usual, declared
    place: the writer lists them in ``unconfirmed`` with the reason as a comment."""
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
    order = ORDER_NUMBER.match(compact(text))
    if order:  # cited in its short form: 中华人民共和国国务院令 第707号 -> 国令第707号
        organ = re.sub(r"^中华人民共和国(?=.+令$)", "", order.group(1))
        return f"{'国令' if organ == '国务院令' else organ}第{order.group(2)}号"
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
    return rest in ("", "印发", "发布") and bool(parse_date(text)) and len(compact(text)) <= 16


def all_dates(text: str) -> list[tuple[int, str]]:
    """Every valid date in ``text`` with its position (of the whitespace-free text)."""
    text = compact(text)
    found = []
    for m in _ARABIC_DATE.finditer(text):
        got = parse_date(m.group(0))
        if got:
            found.append((m.start(), got))
    for m in _CN_DATE.finditer(text):
        got = parse_date(m.group(0))
        if got:
            found.append((m.start(), got))
    return sorted(found)


def extract(source: Extracted) -> Gongwen:
    """Split a document into 公文 fields and body blocks."""
    blocks = list(source.blocks)
    paras = [i for i, b in enumerate(blocks) if isinstance(b, Para)]
    hints = source.hints
    notes: list[str] = []
    guessed: dict[str, str] = {}
    head_end, doc_number, mark, number_at = _head(blocks, paras)
    declared = bool(hints.get("title")) or bool(paras and blocks[paras[0]].heading == 1)
    title, title_end = _title(blocks, paras, head_end, hints.get("title", ""))
    if number_at is not None:  # the title stood above the 文号: the body starts under the 文号
        title_end = max(title_end, number_at + 1)
    if title and not declared:
        guessed["title"] = "标题按版式推测（版头下第一行最大字号的文字）"
    if hints.get("doc_number") and not doc_number:
        doc_number = normalize_doc_number(hints["doc_number"])
    tail_start, cc, printed = _banji(blocks)
    body_idx = [i for i in paras if title_end <= i < tail_start]
    date_at, date = _date_line(blocks, body_idx)
    if date and not _signed(blocks, body_idx, date_at):
        guessed["date"] = "日期取自正文中单独成行的日期，不在落款处"
    issuer = _signature(blocks, body_idx, date_at if date_at is not None else (body_idx[-1] + 1 if body_idx else 0))
    if issuer and _PERSON.match(issuer) and mark.endswith("令"):
        issuer = re.sub(r"^中华人民共和国", "", mark)[:-1]  # 国务院令 signed 总理 李克强: the 国务院
        guessed["issuer"] = "令由负责人署名，发文机关取自“…令”"
    if not date and hints.get("date"):
        date = parse_date(hints["date"])
    if not issuer and hints.get("issuer"):
        issuer = hints["issuer"]
    if not issuer and mark:
        issuer = re.sub(r"(文件|文电|函|公报|通报)$", "", mark)
        notes.append("发文机关取自发文机关标志")
        guessed["issuer"] = "发文机关取自版头的发文机关标志"
    h_date, h_issuer, revised = _history(blocks, body_idx)
    if h_date and (not date or (revised and h_date > date)):
        if date:
            notes.append(f"法规经过修正或修订，日期取最近一次：{h_date}（原为 {date}）")
        date = h_date
        guessed["date"] = "日期取自题注中最近一次通过、修正或修订的日期" if revised else "日期取自题注中的通过或公布日期"
    if not issuer and h_issuer:
        issuer = h_issuer
        guessed["issuer"] = "发文机关取自题注中通过或公布它的机关"
    if not issuer and hints.get("source"):
        issuer = hints["source"]
        notes.append(f"发文机关取自网页的“来源”：{issuer}")
        guessed["issuer"] = "发文机关取自网页的“来源”"
    if not date and printed:
        date = parse_date(printed)
        if date:
            notes.append("日期取自版记中的印发日期（未找到成文日期）")
            guessed["date"] = "日期取自版记中的印发日期"
    addressees = next((compact(blocks[i].text)[:-1] for i in body_idx[:2]
                       if _ADDRESSEE.match(compact(blocks[i].text)) and not _ATTACHMENT.match(compact(blocks[i].text))), "")
    if addressees:
        guessed["recipients"] = "主送机关取自正文开头以冒号结尾的一行"
    attachments = _attachments(blocks, body_idx, date_at)
    valid_from = _valid_from(blocks, body_idx)
    if valid_from:
        guessed["valid_from"] = "施行日期取自“自…起施行”"
    fields = Fields(title=title, doc_number=doc_number, issuer=issuer, date=date, addressees=addressees,
                    attachments=attachments, cc=cc, printed=printed, valid_from=valid_from,
                    guessed=tuple(guessed.items()), notes=tuple(notes))
    body = [b for i, b in enumerate(blocks) if title_end <= i < tail_start]
    return Gongwen(fields, tuple(body))


_PERSON = re.compile(r"^(总理|副总理|部长|主任|主席|省长|市长|区长|县长|局长|署长|行长|院长|委员长)\S{2,4}$")
_VALID_FROM = re.compile(r"自(.{6,16}?日)起(?:施行|实施|执行|生效)")
_PROXY = re.compile(r"^[（(][^（）()]{2,30}代章[）)]$")


def _date_line(blocks: list[Block], body_idx: list[int]) -> tuple[int | None, str]:
    """(index, ISO date) of the 成文日期: the first line that is only a date (``2012-06-29 发布``
    too), or a date wrapped over two lines (``2012年6月`` / ``29日``)."""
    for pos, i in enumerate(body_idx):
        text = blocks[i].text
        if is_date_line(text):
            return i, parse_date(text)
        nxt = body_idx[pos + 1] if pos + 1 < len(body_idx) else None
        if nxt == i + 1 and len(compact(text)) <= 10 and re.search(r"[年月]$", compact(text)):
            joined = compact(text) + compact(blocks[nxt].text)
            if is_date_line(joined) and not parse_date(text):
                return i, parse_date(joined)
    return None, ""


def _signed(blocks: list[Block], body_idx: list[int], date_at: int | None) -> bool:
    """The date line stands where a 成文日期 does: after the body text (in the last third of the
    document or right under a 署名 line), not in a preamble or an adoption note."""
    if date_at is None or not body_idx:
        return False
    return body_idx.index(date_at) >= len(body_idx) * 2 // 3 or bool(_signature(blocks, body_idx, date_at))


def _valid_from(blocks: list[Block], body_idx: list[int]) -> str:
    """The day of ``自2019年1月1日起施行`` in the body (the first one)."""
    for i in body_idx:
        found = _VALID_FROM.search(compact(blocks[i].text))
        if found:
            got = parse_date(found.group(1))
            if got:
                return got
    return ""


def _head(blocks: list[Block], paras: list[int]) -> tuple[int, str, str, int | None]:
    """(index after the 版头, 发文字号, 发文机关标志, index of a 文号 printed under the title). The
    文号 sits right under the mark (or, in the 国务院公报 layout, under the title), so
    when one is found near the top everything above it is the head (份号, 密级, 紧急程度, the
    mark); otherwise the head is the run of such lines at the top, the first other line
    (the title) ending it."""
    if paras and blocks[paras[0]].heading == 1:
        return 0, "", "", None  # a declared title (Markdown #, Word Title, <h1>) opens the document
    for pos, i in enumerate(paras[:10]):
        text = compact(blocks[i].text)
        number = normalize_doc_number(text) if len(text) <= 48 and not parse_date(text) else ""
        if not number and pos and re.fullmatch(r"第\d{1,5}号", text) and compact(blocks[paras[pos - 1]].text).endswith("令"):
            number = normalize_doc_number(compact(blocks[paras[pos - 1]].text) + text)  # 国务院令 / 第707号
        if number and not _kind_end(text):
            kept = [j for j in paras[:pos] if not _HEAD_NOISE.match(compact(blocks[j].text))]
            above = [compact(blocks[j].text) for j in kept]
            if all(len(t) <= 48 and not t.endswith(("。", "：")) for t in above):
                if above and "令第" not in number and _titled("".join(above)):
                    return kept[0], number, "", i  # the title above its 文号 (国务院公报, gov.cn)
                return i + 1, number, above[-1] if above else "", None
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
    return end, "", mark, None


def _titled(text: str) -> bool:
    """Lines above a 文号 that read as a title, not as a 发文机关标志."""
    return "关于" in text or _kind_end_title(text) and not text.endswith(("文件", "文电"))


def _is_mark(par: Para, text: str) -> bool:
    if len(text) > 40 or "关于" in text or text.endswith(("。", "：")):
        return False
    return par.red or text.endswith(("文件", "文电")) or text.endswith(_ORG_END)


def _kind_end(text: str) -> bool:
    return text.endswith(_KINDS) or "关于" in text


_MARKING = re.compile(r"(?:密级|份号|紧急程度|保密期限)[：:]|[★☆]|(?:绝密|机密|秘密|特急|加急)$")
"""A 密级/份号/紧急程度 marking printed beside or under the title: never part of it."""
_EDITION = re.compile(r"（(?![^）]*(?:年|月|日|通过|公布|发布|修订|修正))[^（）]{1,12}）")


def _title(blocks: list[Block], paras: list[int], start: int, hint: str) -> tuple[str, int]:
    """(title, index of the first body block). Two-line titles are joined."""
    candidates = [i for i in paras if i >= start]
    if not candidates:
        return hint, start
    if hint:
        target, got, end, passed = compact(hint), "", None, False
        for i in candidates[:6]:
            piece = compact(blocks[i].text)
            if target.startswith(got + piece):
                got += piece
                end = i + 1
                if got == target:  # a 令's 公布 preamble above the title it names stays body
                    return hint, start if passed else end
            elif got:
                break
            else:
                passed = passed or piece.endswith("。")
        return hint, start
    first = _largest(blocks, candidates)
    par = blocks[first]
    if compact(par.text).endswith("。") and start:
        above = [i for i in paras if i < start and _kind_end_title(compact(blocks[i].text))]
        flat = compact(par.text)
        named = re.search(r"《([^》]{2,80})》", flat) if re.search(r"(?:现|予以|予|将).{0,40}(?:公布|发布)", flat) else None
        if named:  # 令 first, then its preamble: the title is the one the preamble publishes
            return named.group(1), start
        if above:  # 令: the title stands above the 令 and its number; the 公布 preamble below is body
            return _unspace(blocks[above[0]].text.strip()), start
    lines = [par.text]
    end = first + 1
    styled = par.centered or par.heading or par.size >= _body_size(blocks) + 2
    for i in [c for c in candidates if c > first][:3]:
        if i != end:
            break
        nxt = blocks[i]
        text = compact(nxt.text)
        if _ADDRESSEE.match(text) or text.endswith("。") or normalize_doc_number(text) or _MARKING.match(text):
            break
        same_style = styled and nxt.centered == par.centered and nxt.size == par.size and nxt.heading == par.heading
        # an edition or status in brackets centred under the title, set smaller: （第八版）（试行）（征求意见稿）
        same_style = same_style or bool(par.centered and nxt.centered and _EDITION.fullmatch(text))
        unfinished = not styled and not _kind_end_title(compact(" ".join(lines))) and len(text) <= 40 and _kind_end_title(text)
        if same_style and (par.centered or par.heading or par.size) or unfinished:
            lines.append(nxt.text)
            end = i + 1
        else:
            break
    # a title typed over two lines with a line break inside one paragraph joins as two paragraphs do
    return "".join(_unspace(part.strip()) for x in lines for part in x.split("\n")), end


def _largest(blocks: list[Block], candidates: list[int]) -> int:
    """The first paragraph set in the largest type among the first lines under the 版头 (a
    site header, ICS line or 份号 in small type above the title is passed over); the first
    candidate when the format has no sizes."""
    top = [i for i in candidates[:8] if not _HEAD_NOISE.match(compact(blocks[i].text))]
    body = _body_size(blocks)
    sized = []
    for i in top:
        text = compact(blocks[i].text)
        if _ADDRESSEE.match(text) or text.endswith("。") or is_date_line(text):
            break
        sized.append(i)
    biggest = max((blocks[i].size for i in sized), default=0.0)
    if biggest and biggest >= body + 2:
        return next(i for i in sized if blocks[i].size == biggest)
    return top[0] if top else candidates[0]


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
    """(start of the 版记 at the end, 抄送, 印发 line). Nothing of it is dropped: a second list
    (抄报/分送 after 抄送) keeps its label in ``cc``, "共印N份" joins the 印发 line."""
    start, lists, printed = len(blocks), [], []
    for i in range(len(blocks) - 1, -1, -1):
        block = blocks[i]
        if not isinstance(block, Para):
            break
        text = compact(block.text)
        if not _BANJI.search(text):
            break
        start = i
        if re.match(r"^(抄送|抄报|分送)[：:]", text):
            lists.insert(0, block.text.strip().rstrip("。"))
        elif text.endswith("印发") or re.search(r"共印\d+份", text):
            printed.insert(0, re.sub(r"\s+", " ", block.text.strip()))
    if lists:
        lists[0] = re.sub(r"^(抄送|抄报|分送)[：:]\s*", "", lists[0])
    return start, "；".join(lists), " ".join(printed)


def _signature(blocks: list[Block], body_idx: list[int], date_at: int) -> str:
    """The 署名 lines just before the 成文日期, or at the end when there is no date (several
    issuers joined with 、; a name wrapped over two lines is joined back)."""
    lines: list[str] = []
    dated = date_at in body_idx
    above = [j for j in body_idx if j < date_at]
    if above and above[-1] == date_at - 1 and _PROXY.match(compact(blocks[above[-1]].text)):
        above.pop()  # （国家卫生健康委代章） between the 署名 and the date
        date_at -= 1
    for i in reversed(above):
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
        pieces = [p for p in re.split(r"[\s\u3000]+", line) if re.search(r"[\u4e00-\u9fff]", p)]  # not "&sp;" junk
        if names and not names[-1].endswith(_ORG_END):
            names[-1] += pieces.pop(0)
        names.extend(pieces)
    return "、".join(names)


def _history(blocks: list[Block], body_idx: list[int]) -> tuple[str, str, bool]:
    """Date and body of a regulation's adoption history (``2009年2月28日 第十一届…会议通过``,
    ``根据2018年3月11日…修正``; one line or several, in parentheses or not): the latest date
    that adopted, amended, revised or issued it (not a 施行 date), the body that adopted or
    issued it, and whether that latest date is a 修正/修订."""
    note: list[str] = []  # the 题注's lines, joined before reading: a line may cut a date from its verb
    inside = False  # within the parentheses of a 题注 that runs over several lines
    for i in body_idx[:40]:
        text = compact(blocks[i].text)
        if not (_HISTORY.match(text) or inside and parse_date(text) or re.match(r"^[（(]?根据.*(修正|修订)", text)):
            if inside and note and not re.match(r"^(目录|第[一二三四五六七八九十百零〇\d]+[编章节条])", text):  # to its ")"
                note.append(text)
                inside = not text.endswith(("）", ")"))
                continue
            if note:
                break
            continue
        opened = text.count("（") + text.count("(") - text.count("）") - text.count(")")
        inside = opened > 0 or inside and not text.endswith(("）", ")"))
        note.append(text)
    text = "".join(note)
    dated: list[tuple[str, bool]] = []
    found = all_dates(text)
    for n, (at, day) in enumerate(found):
        end = found[n + 1][0] if n + 1 < len(found) else len(text)
        piece = text[at:end]
        verb = re.search(r"(通过|修正|修订|公布|发布|印发|批准|施行|实施)", piece)
        if verb and verb.group(1) not in ("施行", "实施") or verb and re.search(r"公布施行|发布施行", piece):
            dated.append((day, verb.group(1) in ("修正", "修订") or "修正" in piece or "修订" in piece))
    issuer = ""
    meeting = re.search(r"日(.+?)第[一二三四五六七八九十百\d]+次(?:常务|全体)?会议", text)
    order = re.search(r"日(.+?)令第", text) or re.search(r"日(.+?)(?:公布|发布|印发)", text)
    got = meeting or order
    if got:
        issuer = re.sub(r"第[一二三四五六七八九十百\d]+届", "", got.group(1)).strip("（()） ")
    if not dated:
        return "", issuer, False
    latest = max(dated)
    return latest[0], issuer, latest[1]


def _attachments(blocks: list[Block], body_idx: list[int], date_at: int | None) -> tuple[str, ...]:
    """Names from the 附件说明 (``附件：1. 名称`` and the numbered lines after it)."""
    names: list[str] = []
    for pos, i in enumerate(body_idx):
        stop = date_at if date_at is not None and i < date_at else (body_idx[-1] + 1)  # 附件说明 after the 署名 too
        found = _ATTACHMENT.match(compact(blocks[i].text))
        if not found:
            continue
        first = re.sub(r"^\s*附\s*件\s*[：:]?", "", blocks[i].text).strip()
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
