"""Stage 2, validate: ``Source`` -> ``Document`` against the editors' contract.

Every key is checked in one pass and every problem carries the file line of its key.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..config import ALL_AUDIENCES, SiteConfig
from ..diagnostics import Diagnostic, Severity, make
from .. import sanitize
from ..foundations import IMAGE_EXTENSIONS, PLAYABLE_EXTENSIONS
from ..regions import check_region, load_regions
from ..urls import is_safe_web_url, scheme_of
from . import filetypes, media as video
from .ids import closest, is_valid_id, make_id
from ..markdown import analyse
from .analysis_cache import analysis_key, flatten_analysis, unflatten_analysis
from .loader import Source
from .model import Amendment, Asset, DocType, Document, Section, Status

COMMON = {"title", "date", "audiences", "issuer", "doc_number", "id", "topics", "summary", "status",
          "supersedes", "edition", "related", "attachments", "type",
          "unconfirmed", "cc", "printed", "amends", "valid_from", "valid_until", "temporary",
          "draft", "index_number", "subjects", "written_date", "recipients"}
REQUIRED = {"title": "标题", "date": "发布日期", "audiences": "适用机构"}
LABELS = {"issuer": "发文机关"}
PLACEHOLDER = "（请填写"
"""Placeholders left by ``mzkb new`` and ``mzkb import`` start with this."""
MEDIA_PLACEHOLDER = "请替换为"
"""``mzkb new 视频`` writes ``media: https://example.org/请替换为视频地址.mp4``."""
BODY_PLACEHOLDER = "（在此撰写正文"
"""``mzkb new`` writes this body (``（在此撰写正文，标题从 ## 开始。）``)."""
_INDEX_NUMBER = re.compile(r"^[0-9A-Za-z][0-9A-Za-z\-/._]{3,49}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _Checker:
    """Collects diagnostics for one Source while reading its keys."""

    def __init__(self, src: Source, config: SiteConfig, today: dt.date, memo: dict | None = None):
        self.src, self.config, self.today, self.memo = src, config, today, memo
        self.diags: list[Diagnostic] = []

    def analyse(self, body: str):
        """``markdown.analyse`` of a body of this source, through the memo when there is one."""
        if self.memo is None:
            return analyse(body, self.src.body_line)
        key = analysis_key(body, self.src.body_line)
        found = self.memo.get(key)
        if found is None:
            found = analyse(body, self.src.body_line)
            self.memo[key] = flatten_analysis(found)
            return found
        return unflatten_analysis(found)

    def line(self, key: str) -> tuple[int, int]:
        """(line, column) of a key's value when on the key's line, else of the key."""
        key_pos = self.src.marks.get((key, "__key__"))
        value_pos = self.src.marks.get((key,))
        if key_pos and value_pos and value_pos[0] != key_pos[0]:
            return key_pos
        return value_pos or key_pos or (1, 1)

    def report(self, code: str, at: str | None = None, where: tuple[int, int] | None = None, **fields) -> None:
        """Add a diagnostic at ``where``, else at the line of key ``at``, else at line 1."""
        pos = where or (self.line(at) if at else (1, 1))
        self.diags.append(make(code, self.src.rel_path, *pos, **fields))

    def text(self, key: str, required: bool = False) -> str:
        value = self.src.meta.get(key)
        if value is None or value == "":
            if required:
                self.report("MZ305", None, (1, 1), key=key, label=REQUIRED.get(key) or LABELS.get(key, key))
            return ""
        if isinstance(value, (dict, list, bool)):
            self.report("MZ307", key, key=key, expected="文本", actual=_kind(value))
            return ""
        return str(value).strip()

    def ids(self, key: str) -> tuple[str, ...]:
        value = self.src.meta.get(key)
        if value in (None, "", []):
            return ()
        items = value if isinstance(value, list) else [value]
        result = []
        for index, item in enumerate(items):
            if not isinstance(item, str) or not is_valid_id(item):
                where = self.src.marks.get((key, index)) if isinstance(value, list) else None
                self.report("MZ311", key, where, value=item)
            else:
                result.append(item)
        return tuple(result)

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.src.meta.get(key)
        if value in (None, "", []):
            return ()
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            return (str(value),)
        if not isinstance(value, list) or any(isinstance(v, (dict, list)) for v in value):
            self.report("MZ307", key, key=key, expected="文本列表", actual=_kind(value))
            return ()
        return tuple(str(v).strip() for v in value if v is not None)

    def date(self) -> dt.date | None:
        value = self.src.meta.get("date")
        if value is None or value == "":
            self.report("MZ305", None, (1, 1), key="date", label="发布日期")
            return None
        text = str(value).strip()
        try:
            if not _DATE.match(text):
                raise ValueError
            parsed = dt.date.fromisoformat(text)
        except ValueError:
            self.report("MZ308", "date", key="date", value=text)
            return None
        if (parsed - self.today).days > self.config.future_date_margin_days:
            self.report("MZ315", "date", value=text, margin=self.config.future_date_margin_days)
        return parsed

    def audiences(self) -> tuple[str, ...]:
        names = self.strings("audiences")
        if not names and "audiences" not in self.src.meta:
            self.report("MZ305", None, (1, 1), key="audiences", label="适用机构")
            return ()
        keys: list[str] = []
        raw = self.src.meta.get("audiences")
        for index, name in enumerate(names):
            if name == ALL_AUDIENCES:
                keys.extend(a.key for a in self.config.audiences)
                continue
            audience = self.config.audience(name)
            if audience is None:
                where = self.src.marks.get(("audiences", index)) if isinstance(raw, list) else None
                self.report("MZ309", "audiences", where, value=name, hint=audience_hint(name, self.config))
            else:
                keys.append(audience.key)
        ordered = [a.key for a in self.config.audiences if a.key in keys]
        return tuple(ordered)

    def asset(self, key: str, value: object, allowed: set[str] | None = None, where=None) -> Asset | None:
        if not isinstance(value, str) or not value.strip():
            self.report("MZ307", key, where, key=key, expected="相对路径", actual=_kind(value))
            return None
        rel = value.strip()
        if scheme_of(rel) or re.search(r"[\x00-\x1f\x7f]", rel):
            self.report("MZ603", key, where, key=key, value=rel)  # javascript:, data:, file:… or control characters
            return None
        content = self.config.content_dir
        candidate = Path(rel)
        if candidate.is_absolute() or rel.startswith(("/", "\\")) or re.match(r"^[a-zA-Z]:", rel):
            self.report("MZ502", key, where, key=key, value=rel)
            return None
        target = (self.src.path.parent / candidate)
        resolved = target.resolve()
        if not resolved.is_relative_to(content) or not target.absolute().is_relative_to(content):
            self.report("MZ502", key, where, key=key, value=rel)
            return None
        if not resolved.is_file():
            self.report("MZ501", key, where, key=key, value=rel)
            return None
        if video.runs_in_browser(resolved.name):
            self.report("MZ319", key, where, key=key, value=rel)
            return None
        if allowed is not None and resolved.suffix.lower() not in allowed:
            self.report("MZ506", key, where, key=key, value=resolved.suffix or "（无扩展名）", allowed="、".join(sorted(allowed)))
            return None
        size = resolved.stat().st_size
        if size > self.config.max_file_mb * 1024 * 1024:
            self.report("MZ313", key, where, key=key, value=rel, expected=f"文件不能超过 {self.config.max_file_mb:g} MB")
            return None
        wrong = filetypes.mismatch(resolved)
        if wrong:
            self.report("MZ507", key, where, key=key, value=rel, expected=wrong[0], actual=wrong[1])
            return None
        return Asset(resolved, resolved.relative_to(content).as_posix(), size)


def audience_hint(name: str, config: SiteConfig) -> str:
    """``，应写 养老机构（“养老院”是它的同义词）`` for MZ309: the label a synonym or a close
    spelling maps to ('' when nothing is close)."""
    for audience in config.audiences:
        if name in audience.synonyms:
            return f"：“{name}”是同义词（只用于搜索），文档中应写 {audience.label}"
    names = {a.label: a.label for a in config.audiences} | {a.key: a.label for a in config.audiences}
    names |= {s: a.label for a in config.audiences for s in a.synonyms}
    close = closest(name, list(names))
    return f"，是否应为 {names[close]}？" if close else ""


def _kind(value: object) -> str:
    return {dict: "映射", list: "列表", bool: "布尔值", int: "数字", float: "数字", str: "文本"}.get(type(value), "空值")


def validate(sources: tuple[Source, ...], config: SiteConfig, today: dt.date,
             memo: dict | None = None) -> tuple[list[Document], list[Diagnostic]]:
    """Check every source; return the valid documents and all problems.

    ``today`` is the run's one as-of date (``clock.as_of_date``). ``memo`` (body hash -> markdown
    analysis) lets unchanged bodies skip parsing; new analyses are added to it.
    """
    documents: list[Document] = []
    diags: list[Diagnostic] = []
    for src in sources:
        doc, problems = validate_one(src, config, today, memo)
        diags.extend(problems)
        if doc is not None:
            documents.append(doc)
    return documents, diags


def validate_one(src: Source, config: SiteConfig, today: dt.date,
                 memo: dict | None = None) -> tuple[Document | None, list[Diagnostic]]:
    """Validate one source; the Document is None when it has errors."""
    c = _Checker(src, config, today, memo)
    _keys(c)
    title, date, issuer = _head(c)
    audiences = c.audiences()
    doc_id, status_raw, topics = _identity(c)
    attachments = _attachments(c)
    if src.doc_type is DocType.VIDEO and not src.meta.get("media"):
        c.report("MZ305", None, (1, 1), key="media", label="视频文件或地址")
    extra = _video(c) if src.doc_type is DocType.VIDEO else _case(c) if src.doc_type is DocType.CASE else {}
    sections, links, html, first_paragraph, articles = c.analyse(src.body)
    if src.body.strip().startswith(BODY_PLACEHOLDER):
        c.report("MZ340", None, (src.body_line + len(src.body) - len(src.body.lstrip("\n")), 1),
                 key="正文", value=src.body.strip().splitlines()[0][:40])
    for problem in sanitize.problems(html, [(link.href, link.line, link.image) for link in links], config.remote_resources):
        c.diags.append(make(problem.code, src.rel_path, problem.line, 1, value=problem.value))
    body = src.body
    if any(s.level == 1 for s in sections if s.title):
        body, sections = _demote_h1(c, body, sections)
    if any(d.severity is Severity.ERROR for d in c.diags) or date is None:
        return None, c.diags
    lines = {key: c.line(key)[0] for key in src.meta}
    doc = Document(
        id=doc_id, type=src.doc_type, source=src.path, rel_path=src.rel_path, title=title, date=date,
        audiences=audiences, body=body, body_line=src.body_line, issuer=issuer, doc_number=c.text("doc_number"),
        topics=topics, summary=c.text("summary") or first_paragraph, declared_status=status_raw,
        status=Status.REPEALED if status_raw == "repealed" else Status.CURRENT,
        supersedes=c.ids("supersedes"), edition=c.text("edition"), related=c.ids("related"),
        attachments=tuple(attachments), sections=tuple(sections), links=tuple(links), articles=tuple(articles),
        lines=lines,
        amends=_amends(c), **_validity(c), **_disclosure(c, date), **extra,
    )
    if any(d.severity is Severity.ERROR for d in c.diags):
        return None, c.diags
    return doc, c.diags


def _keys(c: _Checker) -> None:
    """Front-matter keys this type of document does not take (MZ306), a ``type`` that
    contradicts the folder (MZ310)."""
    src = c.src
    allowed = COMMON | src.doc_type.row.keys
    for key in src.meta:
        if key not in allowed:
            c.report("MZ306", None, src.marks.get((key, "__key__"), (1, 1)), key=key)
    declared_type = src.meta.get("type")
    if declared_type is not None and DocType.parse(str(declared_type)) is not src.doc_type:
        c.report("MZ310", "type", value=declared_type, folder=src.doc_type.folder)


def _head(c: _Checker) -> tuple[str, dt.date | None, str]:
    """Title, date and issuer, with the import's placeholders and unconfirmed fields reported."""
    src = c.src
    title = c.text("title", required=True)
    if title.startswith(PLACEHOLDER):
        c.report("MZ720", "title", key="title")
    if str(src.meta.get("date") or "").startswith(PLACEHOLDER):
        c.report("MZ721", "date")
        date = None
    else:
        date = c.date()
    issuer = c.text("issuer", required=src.doc_type.row.rule)
    if issuer.startswith(PLACEHOLDER):
        c.report("MZ317", "issuer")
    for index, key in enumerate(c.strings("unconfirmed")):
        where = src.marks.get(("unconfirmed", index)) if isinstance(src.meta.get("unconfirmed"), list) else None
        c.report("MZ722", "unconfirmed", where, value=key)
    c.text("cc")
    c.text("printed")
    return title, date, issuer


def _identity(c: _Checker) -> tuple[str, str, tuple[str, ...]]:
    """The document's id (from the file name when not given), declared status and topics."""
    doc_id = c.text("id")
    if doc_id and not is_valid_id(doc_id):
        c.report("MZ311", "id", value=doc_id)
    doc_id = doc_id or make_id(c.src.path.stem)
    status_raw = c.text("status")
    if status_raw and status_raw not in ("current", "repealed"):
        c.report("MZ312", "status", value=status_raw)
    topics = c.strings("topics")
    for topic in topics:
        if c.config.topics and topic not in c.config.topics:
            c.report("MZ314", "topics", value=topic)
    return doc_id, status_raw, topics


def _attachments(c: _Checker) -> list[Asset]:
    """The attachments that resolve to files of the knowledge base."""
    raw = c.src.meta.get("attachments") or []
    found = []
    for index, item in enumerate(raw if isinstance(raw, list) else [raw]):
        asset = c.asset("attachments", item, where=c.src.marks.get(("attachments", index)))
        if asset:
            found.append(asset)
    return found


AMEND_KEYS = {"id", "sections", "note", "at"}


def _amends(c: _Checker) -> tuple[Amendment, ...]:
    """``amends: [{id, sections: [anchor or heading…], note, at}]`` (targets are checked when linking)."""
    raw = c.src.meta.get("amends")
    if raw in (None, "", []):
        return ()
    if not isinstance(raw, list):
        raw = [raw]
    result = []
    for index, entry in enumerate(raw):
        where = c.src.marks.get(("amends", index)) or c.line("amends")
        if not isinstance(entry, dict):
            c.report("MZ320", None, where, detail=f"第 {index + 1} 项应为包含 id 和 sections 的映射，实际为{_kind(entry)}")
            continue
        for key in entry:
            if key not in AMEND_KEYS:
                c.report("MZ324", None, c.src.marks.get(("amends", index, key, "__key__"), where), key=key)
        target = entry.get("id")
        if not isinstance(target, str) or not is_valid_id(target.strip()):
            c.report("MZ320", None, c.src.marks.get(("amends", index, "id"), where),
                     detail=f"第 {index + 1} 项的 id 缺失或不合法（{target if target is not None else '未填写'}）")
            continue
        sections = entry.get("sections")
        if isinstance(sections, str):
            sections = [sections]
        if not isinstance(sections, list) or not sections or not all(isinstance(s, (str, int)) for s in sections):
            c.report("MZ320", None, c.src.marks.get(("amends", index, "sections"), where),
                     detail=f"第 {index + 1} 项的 sections 应为被调整小节的锚点或标题列表")
            continue
        lines = tuple(c.src.marks.get(("amends", index, "sections", n), where)[0] for n in range(len(sections)))
        note, at = entry.get("note", ""), entry.get("at", "")
        if not isinstance(note, str) or not isinstance(at, str):
            c.report("MZ320", None, where, detail=f"第 {index + 1} 项的 note 和 at 应为文本")
            continue
        result.append(Amendment(target.strip(), tuple(str(s).strip() for s in sections), note.strip(), at.strip(),
                                where[0], lines))
    return tuple(result)


def _validity(c: _Checker) -> dict:
    """``valid_from`` / ``valid_until`` / ``temporary``: the period a (temporary) measure applies."""
    dates = {}
    for key in ("valid_from", "valid_until"):
        value = c.src.meta.get(key)
        if value is None or value == "":
            dates[key] = None
            continue
        text = str(value).strip()
        try:
            if not _DATE.match(text):
                raise ValueError
            dates[key] = dt.date.fromisoformat(text)
        except ValueError:
            c.report("MZ308", key, key=key, value=text)
            dates[key] = None
    if dates["valid_from"] and dates["valid_until"] and dates["valid_until"] < dates["valid_from"]:
        c.report("MZ321", "valid_until", start=dates["valid_from"].isoformat(), end=dates["valid_until"].isoformat())
    temporary = c.src.meta.get("temporary", False)
    if not isinstance(temporary, bool):
        c.report("MZ307", "temporary", key="temporary", expected="true 或 false", actual=_kind(temporary))
        temporary = False
    return {"valid_from": dates["valid_from"], "valid_until": dates["valid_until"],
            "temporary": temporary or dates["valid_until"] is not None}


def _disclosure(c: _Checker, date: dt.date | None) -> dict:
    """``draft`` and the 信息公开 fields: 索引号, 主题分类, 成文日期, 主送."""
    draft = c.src.meta.get("draft", False)
    if not isinstance(draft, bool):
        c.report("MZ307", "draft", key="draft", expected="true 或 false", actual=_kind(draft))
        draft = False
    index_number = c.text("index_number")
    if index_number and not _INDEX_NUMBER.match(index_number):
        c.report("MZ343", "index_number", value=index_number)
    subjects = c.strings("subjects")
    raw = c.src.meta.get("subjects")
    for index, subject in enumerate(subjects):
        if subject not in c.config.subjects:
            close = [s for s in c.config.subjects if subject in s or s in subject]
            hint = f"，是否应为 {close[0]}？" if close else ""
            where = c.src.marks.get(("subjects", index)) if isinstance(raw, list) else None
            c.report("MZ342", "subjects", where, value=subject, hint=hint)
    written = None
    value = c.src.meta.get("written_date")
    if value not in (None, ""):
        text = str(value).strip()
        if text.startswith(PLACEHOLDER):
            c.report("MZ340", "written_date", key="written_date", value=text)
        elif _DATE.match(text):
            try:
                written = dt.date.fromisoformat(text)
            except ValueError:
                pass
        if written is None and not text.startswith(PLACEHOLDER):
            c.report("MZ308", "written_date", key="written_date", value=text)
        elif written and date and written > date:
            c.report("MZ344", "written_date", written=text, date=date.isoformat())
    return {"draft": draft, "index_number": index_number, "subjects": subjects, "written_date": written,
            "recipients": c.text("recipients")}


def _demote_h1(c: _Checker, body: str, sections: list[Section]) -> tuple[str, list[Section]]:
    """Body ``# heading`` -> ``## heading`` with a warning (the title is the page's only h1)."""
    lines = body.split("\n")
    for section in sections:
        if section.level == 1 and section.title:
            c.diags.append(make("MZ602", c.src.rel_path, section.line, 1, value=section.title))
            index = section.line - c.src.body_line
            if 0 <= index < len(lines) and lines[index].lstrip().startswith("#"):
                lines[index] = "#" + lines[index].lstrip()
    new_body = "\n".join(lines)
    return new_body, list(c.analyse(new_body)[0])


def _video(c: _Checker) -> dict:
    meta = c.src.meta
    result: dict = {}
    duration = video.parse_hms(meta.get("duration", "")) if "duration" in meta else None
    if "duration" in meta and duration is None:
        c.report("MZ313", "duration", key="duration", value=meta.get("duration"), expected="格式 HH:MM:SS")
    result["duration"] = duration or 0
    media = meta.get("media")
    scheme = scheme_of(media) if isinstance(media, str) else ""
    if isinstance(media, str) and MEDIA_PLACEHOLDER in media:
        c.report("MZ340", "media", key="media", value=media.strip())
    if scheme == "https":
        if is_safe_web_url(media):
            result["media"] = media.strip()
        else:
            c.report("MZ603", "media", key="media", value=media)
    elif scheme == "http":
        c.report("MZ313", "media", key="media", value=media, expected="本地文件或 https:// 地址")
    elif scheme:
        c.report("MZ603", "media", key="media", value=media)
    elif media is not None:
        result["media_asset"] = c.asset("media", media, PLAYABLE_EXTENSIONS)
    if meta.get("poster") is not None:
        result["poster"] = c.asset("poster", meta.get("poster"), IMAGE_EXTENSIONS)
    if meta.get("transcript") is not None:
        transcript = c.asset("transcript", meta.get("transcript"), {".vtt", ".srt"})
        result["transcript"] = transcript
        if transcript:
            try:
                cues = video.parse_transcript(transcript.source)
            except video.TranscriptError as exc:
                c.report("MZ503", "transcript", value=meta.get("transcript"), detail=exc.args[0])
            else:
                problem = video.check_cues(cues, result["duration"])
                if problem:
                    c.report("MZ504", "transcript", value=meta.get("transcript"), detail=problem)
                result["cues"] = cues
    if meta.get("chapters") is not None:
        chapters, problem = video.parse_chapters(meta.get("chapters"), result["duration"])
        if problem:
            c.report("MZ505", "chapters", detail=problem)
        result["chapters"] = chapters
    return result


def _case(c: _Checker) -> dict:
    region = c.text("region")
    code = c.text("region_code")
    if code and not re.match(r"^\d{6}$", code):
        c.report("MZ313", "region_code", key="region_code", value=code, expected="6 位数字行政区划代码")
    elif region or code:
        problem = check_region(region, code, load_regions())
        if problem:
            c.report("MZ316", "region_code" if code and "代码" in problem else "region", detail=problem)
    return {"region": region, "region_code": code}
