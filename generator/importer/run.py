"""Import one file: check its size, read its format, extract the 公文 fields, write Markdown.

Nothing is written here: ``import_file`` returns the text and the files to write, so
``--dry-run`` and the real run share every step (the CLI writes)."""

from __future__ import annotations

import hashlib
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from ..config import ALL_AUDIENCES, SiteConfig
from ..diagnostics import Diagnostic, Severity, make
from ..content.ids import is_valid_id, make_id
from ..content.model import DocType
from . import gongwen, writer
from .limits import LIMITS, Budget, Limits
from .model import Block, Extracted, Para, ReadError, Table
from .safety import attachment_candidates

READERS = {".docx": "docx", ".pdf": "pdf", ".ofd": "ofd", ".html": "html", ".htm": "html", ".txt": "text",
           ".md": "markdown", ".markdown": "markdown"}
OLD_FORMATS = {".doc", ".wps", ".xls", ".ppt", ".rtf", ".ceb"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp"}


@dataclass(frozen=True, slots=True)
class Known:
    """A document of the knowledge base (or one imported earlier in the same run)."""

    id: str
    title: str
    date: str
    path: Path
    doc_number: str = ""
    text_key: str = ""


@dataclass(frozen=True, slots=True)
class Imported:
    """The outcome of importing one file."""

    source: str
    """The file as given on the command line."""
    target: Path | None
    """Markdown file to write (None when the file could not be read)."""
    text: str
    """The Markdown document."""
    files: tuple[tuple[Path, bytes], ...]
    """Pictures, embedded files and attachments to write beside it."""
    diagnostics: tuple[Diagnostic, ...]
    attached: tuple[tuple[str, Path], ...] = ()
    """Files taken from beside the source as attachments: (why: the 附件说明 title or 命令行, file)."""
    known: Known | None = None
    """The new document, for edition matching of later files in the same run."""

    @property
    def ok(self) -> bool:
        """True when nothing stops the import."""
        return self.target is not None and not any(d.severity is Severity.ERROR for d in self.diagnostics)


def read(path: Path, shown: str, max_mb: float, limits: Limits = LIMITS) -> Extracted:
    """Any supported format -> ``Extracted``; size and emptiness are checked before reading, the
    format's own limits (``limits``) before the work they bound."""
    suffix = path.suffix.lower()
    if suffix in OLD_FORMATS:
        from . import legacy

        exe = legacy.soffice() if suffix in legacy.CONVERTIBLE else None
        if exe is None:
            hint = "未安装 LibreOffice；请先用 Word/WPS 另存为 .docx 或 PDF" if suffix in legacy.CONVERTIBLE \
                else "请先用 Word/WPS 另存为 .docx 或 PDF"
            raise ReadError("MZ704", suffix=suffix, hint=hint)
        size = path.stat().st_size
        if size == 0:
            raise ReadError("MZ702")
        if size > max_mb * 1024 * 1024:
            raise ReadError("MZ703", size=f"{size / 1024 / 1024:.0f}", limit=f"{max_mb:g}")
        from .docx_reader import read_docx

        with tempfile.TemporaryDirectory(prefix="mzkb-import-") as tmp:
            converted = Path(tmp) / "converted.docx"
            converted.write_bytes(legacy.convert_to_docx(path, exe, limits.convert_seconds))
            return read_docx(converted, limits, Budget(limits.seconds))
    kind = READERS.get(suffix)
    if kind is None:
        raise ReadError("MZ704", suffix=suffix or "（无扩展名）", hint="支持 .docx、.pdf、.ofd、.html、.txt、.md")
    size = path.stat().st_size
    if size == 0:
        raise ReadError("MZ702")
    if size > max_mb * 1024 * 1024:
        raise ReadError("MZ703", size=f"{size / 1024 / 1024:.0f}", limit=f"{max_mb:g}")
    budget = Budget(limits.seconds)
    if kind == "docx":
        from .docx_reader import read_docx

        extracted = read_docx(path, limits, budget)
    elif kind == "pdf":
        from .pdf_reader import read_pdf

        extracted = read_pdf(path, limits, budget)
    elif kind == "ofd":
        from .ofd_reader import read_ofd

        extracted = read_ofd(path, limits, budget)
    else:
        data = path.read_bytes()
        if not data.strip():
            raise ReadError("MZ702")
        if kind == "html":
            from .html_reader import read_html

            extracted = read_html(path, data, int(max_mb * 1024 * 1024))
        else:
            from .text_reader import read_markdown, read_text

            extracted = read_markdown(data) if kind == "markdown" else read_text(data)
    if len(extracted.blocks) > limits.paragraphs:
        raise ReadError("MZ728", detail=f"段落超过 {limits.paragraphs} 个")
    return extracted


def import_file(path: Path, shown: str, config: SiteConfig, doc_type: DocType, known: list[Known],
                doc_id: str = "", attach: tuple[Path, ...] = (), limits: Limits = LIMITS) -> Imported:
    """Import one file into ``content/<type>/<id>.md`` (returned, not written). ``attach``:
    files named on the command line to attach whatever their names."""
    try:
        if not path.is_file():
            raise ReadError("MZ701", detail="文件不存在" if not path.exists() else "不是文件")
        for extra in attach:
            if not extra.is_file():
                raise ReadError("MZ701", detail=f"附件 {extra} " + ("不存在" if not extra.exists() else "不是文件"))
        extracted = read(path, shown, config.max_file_mb, limits)
    except ReadError as exc:
        return Imported(shown, None, "", (), (make(exc.code, shown, 0, 0, **exc.fields),))
    except OSError as exc:
        return Imported(shown, None, "", (), (make("MZ701", shown, 0, 0, detail=exc.strerror or str(exc)),))
    except Exception as exc:  # a reader library failing on a malformed file: report it, never a traceback
        return Imported(shown, None, "", (), (make("MZ724", shown, 0, 0, detail=f"{type(exc).__name__}: {exc}"[:200]),))
    doc = gongwen.extract(extracted)
    if extracted.hints.get("ocr"):  # every field read from a scan is a guess until checked against it
        why = f"由{extracted.hints['ocr']}文字识别所得"
        found = [key for key in ("title", "doc_number", "date", "issuer") if getattr(doc.fields, key)]
        earlier = dict(doc.fields.guessed)
        doc = replace(doc, fields=replace(doc.fields, guessed=tuple(
            (key, f"{earlier[key]}，{why}" if key in earlier else why) for key in dict.fromkeys([*earlier, *found]))))
    if not doc.fields.date:
        named = _date_in_name(path.stem)
        if named:
            fields = replace(doc.fields, date=named, notes=(*doc.fields.notes, f"正文中没有日期，日期取自文件名：{named}"),
                             guessed=(*doc.fields.guessed, ("date", "正文中没有日期，日期取自文件名")))
            doc = replace(doc, fields=fields)
    if not any(isinstance(b, (Para, Table)) for b in doc.body):
        notes = tuple(make(w.code, shown, w.line, 0, **w.fields) for w in extracted.warnings)
        return Imported(shown, None, "", (), (*notes, make("MZ711", shown, 0, 0)))
    folder = config.content_dir / doc_type.folder
    owner = next((k for k in known if k.id == doc_id), None) if doc_id else None
    if owner is not None and owner.path != folder / f"{doc_id}.md":
        return Imported(shown, None, "", (), (make("MZ734", shown, 0, 0, id=doc_id, path=_rel(owner.path, config)),))
    return _compose(path, shown, config, doc_type, known, doc_id, doc, extracted, attach)


def _compose(path, shown, config, doc_type, known, doc_id, doc, extracted, attach=()) -> Imported:
    f = doc.fields
    diags: list[Diagnostic] = [make(w.code, shown, w.line, 0, **w.fields) for w in extracted.warnings]
    title = f.title or writer.PLACEHOLDER_TITLE
    folder = config.content_dir / doc_type.folder
    if doc_id:
        new_id, previous = doc_id, _same_title(title, folder / f"{doc_id}.md", known)
    else:
        new_id, previous = _choose_id(make_id(f.title or path.stem), title, f.date, f.doc_number, folder, known)
    target = folder / f"{new_id}.md"
    asset_dir = f"{new_id}-files"
    files: list[tuple[Path, bytes]] = [(folder / asset_dir / name, data) for name, data in extracted.files]
    attachments = [f"{asset_dir}/{name}" for name, _ in extracted.files if Path(name).suffix.lower() not in IMAGE_SUFFIXES]
    attached: list[tuple[str, Path]] = [("命令行 --attach", extra) for extra in attach]
    for name in f.attachments:
        exact, near = attachment_candidates(path.parent, name, path)
        exact = [c for c in exact if c.resolve() not in {a.resolve() for _, a in attached}]
        if not exact and not any(gongwen.compact(name) in gongwen.compact(a.stem) for _, a in attached):
            diags.append(make("MZ718", shown, 0, 0, name=name))
        for candidate in near:
            diags.append(make("MZ726", shown, 0, 0, name=name, candidate=candidate.name))
        attached += [(f"附件说明“{name}”", c) for c in exact]
    for _, found in attached:
        files.append((folder / asset_dir / found.name, found.read_bytes()))
        attachments.append(f"{asset_dir}/{found.name}")
    audiences, basis = guess_audiences(config, f.title, f.addressees, doc.body)
    meta: dict = {"id": new_id, "title": title, "date": f.date or writer.PLACEHOLDER_DATE}
    if f.date:  # the 公文's date is its 成文日期; the 发布日期 (date) starts as the same day
        meta["written_date"] = f.date
    if f.doc_number:
        meta["doc_number"] = f.doc_number
    if f.issuer or doc_type.row.rule:
        meta["issuer"] = f.issuer or writer.PLACEHOLDER_ISSUER
    if f.addressees:
        meta["recipients"] = f.addressees
    if f.valid_from and f.valid_from != f.date:
        meta["valid_from"] = f.valid_from
    meta["audiences"] = audiences
    guessed = {key: why for key, why in f.guessed if key in meta and meta[key] != writer.PLACEHOLDER_DATE}
    meta["unconfirmed"] = [key for key in meta if key in guessed] + ["audiences"]
    comments = {key: f"导入时推测：{why}，请核对" for key, why in guessed.items()}
    comments["audiences"] = f"导入时推测（{basis}），请核对"
    comments["unconfirmed"] = "逐项核对后从本行删除；全部核对完删除本行"
    if f.date:
        comments["date"] = ("导入时推测：" + guessed["date"] + "；" if "date" in guessed else "") + \
            "发布日期：导入时与成文日期相同，如不同请修改"
    supersedes = [k for k in previous if f.date and k.date and k.date < f.date]
    if supersedes:
        meta["supersedes"] = [k.id for k in supersedes]
        comments["supersedes"] = "标题与已有文档相同且日期较新，导入时建议；请核对"
        diags.append(make("MZ716", shown, 0, 0, value="、".join(f"{k.id}（{k.date}）" for k in supersedes)))
    for k in known:  # the same 文号 elsewhere is almost always the same document imported again
        if f.doc_number and gongwen.compact(k.doc_number) == gongwen.compact(f.doc_number) and k.path != target:
            diags.append(make("MZ750", shown, 0, 0, doc_number=f.doc_number, path=_rel(k.path, config)))
    for k in previous:
        if k not in supersedes:
            diags.append(make("MZ719", shown, 0, 0, value=f"{k.id}（{k.date or '无日期'}）"))
    if attachments:
        meta["attachments"] = sorted(dict.fromkeys(attachments), key=attachments.index)
    if f.cc:
        meta["cc"] = f.cc
    if f.printed:
        meta["printed"] = f.printed
    body = writer.body_markdown(doc.body, asset_dir)
    text = writer.front_matter(meta, comments) + "\n" + body
    diags += _missing(shown, f, doc_type, basis, (_rel(target, config), text))
    key = text_key(body)
    for k in known:  # a second copy of the same file (any name) must not become a second document
        other_number = bool(f.doc_number and k.doc_number
                            and gongwen.compact(k.doc_number) != gongwen.compact(f.doc_number))
        if key and k.text_key == key and k.path != target and not other_number:  # another 文号 is another document
            diags.append(make("MZ752", shown, 0, 0, path=_rel(k.path, config),
                              doc_number=k.doc_number or "无文号"))
    if target.exists() and target.read_text(encoding="utf-8", errors="replace") != text:
        diags.append(make("MZ717", shown, 0, 0, target=_rel(target, config)))
    return Imported(shown, target, text, tuple(sorted(files, key=lambda x: str(x[0]))), tuple(diags),
                    tuple(attached), Known(new_id, title, f.date, target, f.doc_number, key))


def _date_in_name(stem: str) -> str:
    """A date written in the file name (``条例(2020-11-27)``, ``通知_20200210``)."""
    found = re.search(r"((?:19|20)\d{2})[-_.年]?(\d{2})[-_.月]?(\d{2})日?(?!\d)", stem)
    return gongwen.parse_date(f"{found.group(1)}年{int(found.group(2))}月{int(found.group(3))}日") if found else ""


def _missing(shown: str, f: gongwen.Fields, doc_type: DocType, basis: str, written: tuple[str, str]) -> list[Diagnostic]:
    """Fields not found: a placeholder to fill is reported at its line of the written file
    (``written``: that file as shown and its text)."""
    out, text = written
    lines = text.split("\n")

    def placeholder(field: str, key: str) -> Diagnostic:
        value = {"title": writer.PLACEHOLDER_TITLE, "date": writer.PLACEHOLDER_DATE, "issuer": writer.PLACEHOLDER_ISSUER}[key]
        line = next((n for n, x in enumerate(lines, 1) if x.startswith(f"{key}: {value}")), 0)
        return make("MZ712", out, line, len(key) + 3 if line else 0, field=field, key=key, placeholder=value)

    diags = []
    if not f.title:
        diags.append(placeholder("标题", "title"))
    if not f.date:
        diags.append(placeholder("成文日期", "date"))
    if not f.issuer and doc_type.row.rule:
        diags.append(placeholder("发文机关", "issuer"))
    if not f.doc_number and doc_type.row.doc_number:
        diags.append(make("MZ713", shown, 0, 0))
    for note in f.notes:
        diags.append(make("MZ714", shown, 0, 0, detail=note))
    diags.append(make("MZ715", shown, 0, 0, basis=basis))
    return diags


def _choose_id(base: str, title: str, date: str, doc_number: str, folder: Path,
               known: list[Known]) -> tuple[str, list[Known]]:
    """An id not used by another document (the same title, date and 文号 at the same place is this
    document imported before); and the other documents with the same title (earlier editions)."""
    flat = gongwen.compact(title)
    stem = edition_stem(title)
    same = [k for k in known if edition_stem(k.title) == stem and flat and not flat.startswith("（请填写")]
    ids = {k.id: k for k in known}
    year = date[:4] if date else ""
    candidates = [base] + ([f"{base}-{year}"] if year else []) + [f"{base}-{n}" for n in range(2, 100)]
    for candidate in candidates:
        owner = ids.get(candidate)
        if owner is None or (owner.path == folder / f"{candidate}.md" and gongwen.compact(owner.title) == flat
                             and owner.date == date and owner.doc_number == doc_number):
            chosen = candidate
            break
    else:
        chosen = f"{base}-{len(known)}"
    return chosen, [k for k in same if k.path != folder / f"{chosen}.md"]


def _same_title(title: str, target: Path, known: list[Known]) -> list[Known]:
    """Other documents with the same title (earlier editions) than the one written at ``target``."""
    flat = gongwen.compact(title)
    if not flat or flat.startswith("（请填写"):
        return []
    return [k for k in known if edition_stem(k.title) == edition_stem(title) and k.path != target]


_EDITION = re.compile(r"[（(]?(?:第[一二三四五六七八九十百\d]+版|(?:19|20)\d{2}年(?:版|修订|修正|修订版)?|修订(?:版|稿)?|试行)[）)]?")


def edition_stem(title: str) -> str:
    """The title without its edition marks (（第九版）, （2020年修订）, 修订版, （试行）): equal for the
    editions of one document."""
    return gongwen.compact(_EDITION.sub("", title))


def guess_audiences(config: SiteConfig, title: str, addressees: str, body: tuple[Block, ...]) -> tuple[list[str], str]:
    """Audience labels named in the title, else in the 主送机关, else often in the text; else 全部."""
    text = "\n".join(b.text for b in body if isinstance(b, Para)) + "\n" + "\n".join(
        " ".join(" ".join(r) for r in b.rows) for b in body if isinstance(b, Table))

    def named(where: str) -> list[str]:
        return [a.label for a in config.audiences if any(n and n in where for n in (a.label, *a.synonyms))]

    for where, basis in ((title, "标题"), (addressees, "主送机关")):
        found = named(where)
        if found:
            return found, f"依据{basis}"
    counts = {a.label: sum(text.count(n) for n in {a.label, *a.synonyms} if n) for a in config.audiences}
    often = sorted((label for label, n in counts.items() if n >= 3), key=lambda label: -counts[label])[:3]
    if often:
        return [label for label in (a.label for a in config.audiences) if label in often], "依据正文中多次出现的机构类型"
    return [ALL_AUDIENCES], "未找到具体机构类型"


def _rel(path: Path, config: SiteConfig) -> str:
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return str(path)


def valid_id(value: str) -> bool:
    """``--id`` must be a valid document id."""
    return is_valid_id(value)


def known_documents(config: SiteConfig) -> list[Known]:
    """Id, title and date of every document of the knowledge base (front matter only)."""
    from ..content.loader import load

    result = []
    for src in load(config.content_dir, config.root).sources:
        meta = src.meta
        doc_id = str(meta.get("id") or make_id(src.path.stem))
        result.append(Known(doc_id, str(meta.get("title") or ""), str(meta.get("date") or ""), src.path,
                            str(meta.get("doc_number") or ""), text_key(src.body)))
    return result


def text_key(body: str) -> str:
    """The body's words only (no markup, spacing or punctuation): equal for two copies of one file."""
    words = "".join(re.findall(r"\w+", re.sub(r"\]\([^)]*\)", "]", body)))
    return hashlib.sha256(words.encode("utf-8")).hexdigest() if len(words) >= 20 else ""
