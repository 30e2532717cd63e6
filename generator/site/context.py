"""Template context for document pages: everything a template shows, precomputed.

URLs here are site-root relative; templates pass them through MkDocs' ``url`` filter.
"""

from __future__ import annotations

import base64
import io

from .. import urls
from ..config import SiteConfig
from ..content import status
from ..content.links import Corpus, asset_url
from ..content.model import Asset, Cue, Document, DocType, Status
from ..foundations import human_size
from .status_view import as_of, dated_id

_KIND = {
    ".pdf": "PDF 文档", ".doc": "Word 文档", ".docx": "Word 文档", ".xls": "Excel 表格", ".xlsx": "Excel 表格",
    ".ppt": "PowerPoint 演示文稿", ".pptx": "PowerPoint 演示文稿", ".wps": "WPS 文档", ".txt": "文本文件",
    ".zip": "压缩包", ".jpg": "图片", ".jpeg": "图片", ".png": "图片", ".mp4": "视频", ".mp3": "音频",
    ".ofd": "OFD 版式文档", ".csv": "CSV 表格",
}


def hms(seconds: float) -> str:
    """Seconds -> ``MM:SS`` or ``H:MM:SS``."""
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def doc_ref(doc: Document) -> dict:
    """A short reference to another document, for lists and banners."""
    return {
        "id": doc.id, "title": doc.title, "url": doc.url, "date": doc.date.isoformat(), "type": doc.type.value,
        "type_label": doc.type.label, "status": doc.status.value, "status_label": doc.status.label,
        "edition": doc.edition, "doc_number": doc.doc_number, "validity": validity(doc),
        "key": dated_id(doc),  # set when validity.js re-judges its status on the reader's day
    }


def validity(doc: Document) -> dict | None:
    """The validity period for pages and validity.js (None when the document has none).

    ``base`` is the status without the dates (what the reader's browser shows while the
    period runs); the browser recomputes 尚未生效 / 已失效 from ``from`` and ``until``.
    """
    start = status.effective_from(doc)  # an amending document applies from its date: pending before it
    if not (start or doc.valid_until or doc.temporary):
        return None
    dated = doc.status in (Status.PENDING, Status.EXPIRED)
    base = (Status.AMENDED if any(c.active for c in doc.amended_by) else Status.CURRENT) if dated else doc.status
    return {
        "from": doc.valid_from.isoformat() if doc.valid_from else "",  # the 有效期 the editor wrote
        "starts": start.isoformat() if start else "",  # the day it takes effect (the pending banner)
        "until": doc.valid_until.isoformat() if doc.valid_until else "",
        "temporary": doc.temporary, "base": base.value, "base_label": base.label,
        "dated": base.in_force,  # only documents in force by their editions can be pending or expired
        "state": {Status.PENDING: "pending", Status.EXPIRED: "expired"}.get(doc.status, "in"),
    }


def amendments(doc: Document, corpus: Corpus) -> dict:
    """What ``doc`` amends (``amends``) and which of its sections others amended (``amended``:
    anchor -> changes), with site-root URLs of the exact places."""
    titles = {s.anchor: s.title for s in doc.sections} | {a.anchor: a.label for a in doc.articles}
    made = []
    for entry in doc.amends:
        target = corpus.get(entry.target)
        if target is None:
            continue
        names = {s.anchor: s.title for s in target.sections} | {a.anchor: a.label for a in target.articles}
        made.append({"doc": doc_ref(target), "note": entry.note, "at": entry.at,
                     "sections": [{"title": names.get(a, a), "url": f"{target.url}#{a}"} for a in entry.sections]})
    amended: dict[str, list] = {}
    for change in doc.amended_by:
        by = corpus.get(change.by)
        if by is not None:
            amended.setdefault(change.anchor, []).append({
                "by": doc_ref(by), "note": change.note, "active": change.active,
                "url": by.url + (f"#{change.at}" if change.at else ""), "section": titles.get(change.anchor, ""),
            })
    return {"amends": made, "amended": amended}


def _asset(asset: Asset) -> dict:
    name = asset.rel.rsplit("/", 1)[-1]
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    return {"name": name, "url": asset_url(asset.rel), "size": human_size(asset.size), "kind": _KIND.get(suffix, (suffix[1:].upper() + " 文件") if suffix else "文件")}


def edition_chain(doc: Document, corpus: Corpus) -> list[Document]:
    """All documents connected to ``doc`` by supersedes, oldest first (just ``doc`` if none)."""
    seen: dict[str, Document] = {}
    stack = [doc]
    while stack:
        current = stack.pop()
        if current.id in seen:
            continue
        seen[current.id] = current
        for other_id in current.supersedes + current.superseded_by:
            other = corpus.get(other_id)
            if other is not None:
                stack.append(other)
    return sorted(seen.values(), key=lambda d: (d.date, d.id))


def latest_successor(doc: Document, corpus: Corpus) -> Document | None:
    """Follow superseded_by to the newest current document (None when doc is current)."""
    current, seen = doc, {doc.id}
    while current.superseded_by:
        nxt = corpus.get(current.superseded_by[-1])
        if nxt is None or nxt.id in seen:
            break
        seen.add(nxt.id)
        current = nxt
    return current if current is not doc else None


def _compare_link(doc: Document, corpus: Corpus) -> str:
    """Comparison page of ``doc`` with the edition it directly replaces ('' if none)."""
    older = [d for d in map(corpus.get, doc.supersedes) if d]
    if not older:
        return ""
    previous = max(older, key=lambda d: (d.date, d.id))
    return urls.compare(previous.id, doc.id)


_CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """A non-negative integer in Chinese numerals (edition numbers: 第二版, 第十二版, 第一百零五版)."""
    if n < 0:
        raise ValueError(n)
    return _chinese_number(n, leading=True)


def _chinese_number(n: int, leading: bool) -> str:
    for size, unit in ((10**8, "亿"), (10**4, "万")):
        if n >= size:
            high, low = divmod(n, size)
            text = _chinese_number(high, leading) + unit
            if low:
                text += ("零" if low < size // 10 else "") + _chinese_number(low, leading=False)
            return text
    if n == 0:
        return _CN_DIGITS[0]
    parts, gap = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if not digit:
            gap = bool(parts)
            continue
        parts.append(("零" if gap else "") + _CN_DIGITS[digit] + unit)
        gap = False
    text = "".join(parts)
    return text[1:] if leading and 10 <= n < 20 else text  # 十二, not 一十二 (but 一百一十二)


def edition_line(doc: Document, corpus: Corpus) -> dict | None:
    """The line under a guideline's metadata: 第N版 · 替代《…》· 查看改了什么, or 仅此一版.

    Other document types get the line only when they belong to an edition chain.
    """
    chain = edition_chain(doc, corpus)
    if len(chain) == 1:
        return {"only": True} if doc.type.row.alone_edition else None
    # editions are counted among documents of the same type (a notice a guideline replaced is not 第一版)
    same = [d for d in chain if d.type is doc.type]
    number = doc.edition or f"第{chinese_number(same.index(doc) + 1)}版"
    replaces = [doc_ref(d) for d in map(corpus.get, doc.supersedes) if d]
    return {"only": False, "number": number, "count": len(same), "replaces": replaces,
            "compare": _compare_link(doc, corpus)}


def _vtt_time(seconds: float) -> str:
    millis = int(round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def captions_data_url(cues: tuple[Cue, ...]) -> str:
    """WebVTT of the transcript cues (from .vtt or .srt) as a data: URL for ``<track>``.

    Inline, because Chromium refuses to load a caption file from file:// next to the page. The
    text is escaped (``&lt;``), so the captions show exactly what the transcript list shows.
    """
    out = io.StringIO()
    out.write("WEBVTT\n\n")
    for index, cue in enumerate(cues, 1):
        # cue text is plain text: VTT's own escapes, so no cue markup (<b>, <c>, …) comes from the source
        text = cue.text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        text = "\n".join(line for line in text.splitlines() if line.strip()) or " "
        out.write(f"{index}\n{_vtt_time(cue.start)} --> {_vtt_time(max(cue.end, cue.start + 0.5))}\n{text}\n\n")
    return "data:text/vtt;charset=utf-8;base64," + base64.b64encode(out.getvalue().encode("utf-8")).decode("ascii")


def page_address(config: SiteConfig, url: str) -> str:
    """The public address of a page (``site.url`` + its URL), '' when no ``site.url`` is set."""
    return config.url.rstrip("/") + "/" + url if config.url else ""


def qr_svg(address: str) -> str:
    """A QR code of ``address`` as inline SVG (segno, at build time), '' for no address."""
    if not address:
        return ""
    import segno

    buffer = io.BytesIO()
    segno.make(address, error="m", micro=False).save(buffer, kind="svg", xmldecl=False, svgns=True, nl=False,
                                                      omitsize=True, border=2, svgclass="mzkb-qr", lineclass=None)
    return buffer.getvalue().decode("utf-8")


def revision_log(revisions: tuple) -> tuple[str, list[dict]]:
    """(最后更新, reader-facing change log) from the file's revisions, newest first.

    Only revisions that changed the file's content or carry an editor's note count; the
    import of a file and moves do not. No hashes or commit subjects reach the reader.
    """
    shown = [r for r in revisions if getattr(r, "content_changed", False) or getattr(r, "note", "")]
    changed = [r for r in revisions if getattr(r, "content_changed", False)]
    log = [{"date": r.date, "note": getattr(r, "note", "") or "内容修订（未附说明）"} for r in shown[:20]]
    return (changed[0].date if changed else ""), log


def document_context(doc: Document, corpus: Corpus, config: SiteConfig, revisions: tuple = ()) -> dict:
    """The ``page.meta.mzkb`` dict of a document page (``revisions``: git log of its file, newest first)."""
    last_changed, change_log = revision_log(revisions)
    labels = {a.key: a.label for a in config.audiences}
    all_audiences = len(doc.audiences) == len(config.audiences) and len(config.audiences) > 1
    successor = latest_successor(doc, corpus)
    chain = edition_chain(doc, corpus)
    context = {
        "kind": "document",
        "doc": doc_ref(doc),
        "issuer": doc.issuer,
        "summary": doc.summary,
        "topics": list(doc.topics),
        "audiences": [{"key": k, "label": labels[k], "url": urls.audience(k)} for k in doc.audiences],
        "all_audiences": all_audiences,
        "successor": doc_ref(successor) if successor else None,
        "superseded_by": [doc_ref(d) for d in map(corpus.get, doc.superseded_by) if d],
        "editions": [dict(doc_ref(d), this=d.id == doc.id, compare=_compare_link(d, corpus)) for d in chain] if len(chain) > 1 else [],
        "validity": validity(doc),
        # the day judged, said on every page (it shows a status; a later build may repeal a current document)
        "as_of": as_of(corpus),
        **amendments(doc, corpus),
        "compare_next": (urls.compare(doc.id, doc.superseded_by[-1]) if doc.superseded_by else ""),
        "related": [doc_ref(d) for d in map(corpus.get, doc.related) if d],
        "cited_by": [doc_ref(d) for d in map(corpus.get, doc.cited_by) if d],
        "attachments": [_asset(a) for a in doc.attachments],
        "breadcrumbs": [{"title": "首页", "url": urls.HOME}, {"title": doc.type.label, "url": urls.listing(doc.type.folder)}],
        "demo": config.demo,
        "region": doc.region,
        "draft": doc.draft,
        "disclosure": {"index_number": doc.index_number, "subjects": list(doc.subjects), "recipients": doc.recipients,
                       "written_date": doc.written_date.isoformat() if doc.written_date else ""},
        "last_updated": last_changed or doc.date.isoformat(),
        "revisions": change_log,
        "edition_line": edition_line(doc, corpus),
        "print_qr": qr_svg(page_address(config, doc.url)),
    }
    if doc.type is DocType.VIDEO:
        context["video"] = {
            "src": asset_url(doc.media_asset.rel) if doc.media_asset else doc.media,
            "external": not doc.media_asset,
            "poster": asset_url(doc.poster.rel) if doc.poster else "",
            "duration": hms(doc.duration) if doc.duration else "",
            "chapters": [{"t": c.seconds, "time": hms(c.seconds), "title": c.title} for c in doc.chapters],
            "cues": [{"t": int(c.start), "time": hms(c.start), "text": c.text} for c in doc.cues],
            "transcript": _asset(doc.transcript) if doc.transcript else None,
            "captions": captions_data_url(doc.cues) if doc.cues else "",
        }
    return context


STATUS_ORDER = {Status.CURRENT: 0, Status.AMENDED: 0, Status.PENDING: 1, Status.EXPIRED: 1, Status.SUPERSEDED: 1,
                Status.REPEALED: 2}
