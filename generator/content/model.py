"""The values that flow through the pipeline: ``Document`` and its parts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from .. import urls
from .doctypes import DocType


class Status(str, Enum):
    """Validity of a document. Only ``current`` and ``repealed`` are written by editors; the
    others are derived by the link stage (editions, amendments, validity dates)."""

    CURRENT = "current"
    AMENDED = "amended"
    """In force, but some sections were adjusted by a later document (``amends``)."""
    PENDING = "pending"
    """``valid_from`` is still ahead."""
    EXPIRED = "expired"
    """``valid_until`` has passed."""
    SUPERSEDED = "superseded"
    REPEALED = "repealed"

    @property
    def label(self) -> str:
        """Chinese name shown to readers."""
        return _STATUS_LABELS[self.value]

    @property
    def in_force(self) -> bool:
        """True for documents a reader may act on today (current, or current with amended sections)."""
        return self in (Status.CURRENT, Status.AMENDED)


_STATUS_LABELS = {"current": "现行有效", "amended": "部分修改", "pending": "尚未生效", "expired": "已失效（到期）",
                  "superseded": "已被替代", "repealed": "已废止"}


@dataclass(frozen=True, slots=True)
class Amendment:
    """One ``amends`` entry: this document adjusts some sections of another one."""

    target: str
    """Id of the amended document."""
    sections: tuple[str, ...]
    """Anchors of the amended sections (editors may write the heading text; the link stage
    turns it into the anchor)."""
    note: str = ""
    """中文说明 of the change, shown in the banner on the amended section."""
    at: str = ""
    """Anchor of the section of this document that makes the change ('' = the whole document)."""
    line: int = 1
    """File line of the entry (for diagnostics)."""
    section_lines: tuple[int, ...] = ()
    """File line of each item of ``sections``."""


@dataclass(frozen=True, slots=True)
class SectionChange:
    """Derived on an amended document: one of its sections was adjusted by another document."""

    anchor: str
    """Anchor of the amended section of this document."""
    by: str
    """Id of the amending document."""
    at: str = ""
    """Anchor in the amending document ('' = its top)."""
    note: str = ""
    """中文说明 from the amending document."""
    active: bool = True
    """False when the amending document is not in force (expired, not yet valid, superseded)."""


@dataclass(frozen=True, slots=True)
class Section:
    """A heading of a document body and the text under it (up to the next heading)."""

    title: str
    """Heading text as shown."""
    anchor: str
    """Fragment id, identical to the one MkDocs' toc puts on the heading."""
    level: int
    """Heading level (2..6; the document title is the only h1)."""
    line: int
    """1-based line of the heading in the source file."""
    text: str
    """Plain text of the section body (for excerpts and the search index)."""


@dataclass(frozen=True, slots=True)
class Article:
    """An article lead of a body (a paragraph or heading starting 第X条): a place links can point at."""

    label: str
    """The article number as written (``第十二条``, ``第12条``, ``第一百二十条之一``)."""
    anchor: str
    """The ``id`` on the page (the label itself unless another element of the page has it)."""
    line: int
    """1-based line of the article lead in the source file."""


@dataclass(frozen=True, slots=True)
class Link:
    """A Markdown link in a document body."""

    href: str
    """Target as written."""
    line: int
    """1-based line in the source file."""
    image: bool = False
    """True for an image (``![alt](src)``): the reader's browser loads it with the page."""


@dataclass(frozen=True, slots=True)
class Asset:
    """A local file referenced by a document (attachment, media, poster, transcript)."""

    source: Path
    """Absolute path of the file."""
    rel: str
    """Path relative to the content folder, with forward slashes."""
    size: int
    """Size in bytes."""


@dataclass(frozen=True, slots=True)
class Chapter:
    """A chapter mark of a video."""

    seconds: int
    """Start, in seconds from the beginning."""
    title: str
    """Chapter title."""


@dataclass(frozen=True, slots=True)
class Cue:
    """A transcript cue of a video."""

    start: float
    """Start in seconds."""
    end: float
    """End in seconds."""
    text: str
    """Spoken text."""


@dataclass(frozen=True, slots=True)
class Document:
    """One document, as loaded, validated and (after linking) related to others."""

    id: str
    """Stable ASCII id (from front matter, or pinyin of the file name)."""
    type: DocType
    """Document type, from its top folder."""
    source: Path
    """Absolute path of the Markdown file."""
    rel_path: str
    """Path relative to the knowledge base root, as shown in diagnostics."""
    title: str
    """标题."""
    date: dt.date
    """发布日期."""
    audiences: tuple[str, ...]
    """Audience keys; all keys when the editor wrote 全部."""
    body: str
    """Markdown body (front matter removed, line endings normalised)."""
    body_line: int
    """1-based file line of the body's first line."""
    issuer: str = ""
    """发文机关."""
    doc_number: str = ""
    """文号."""
    topics: tuple[str, ...] = ()
    """Free tags."""
    summary: str = ""
    """摘要: given, or the first paragraph."""
    status: Status = Status.CURRENT
    """Validity; ``superseded`` is derived by the link stage."""
    declared_status: str = ""
    """The status as written in front matter ('' when absent)."""
    supersedes: tuple[str, ...] = ()
    """Ids this document replaces."""
    superseded_by: tuple[str, ...] = ()
    """Ids of documents replacing this one (derived)."""
    edition: str = ""
    """Edition label, e.g. 第二版."""
    valid_from: dt.date | None = None
    """施行日期: not in force before this day (None = from its date)."""
    valid_until: dt.date | None = None
    """有效期至: not in force after this day (None = no end)."""
    temporary: bool = False
    """临时措施 (set by ``temporary: true`` or implied by ``valid_until``)."""
    amends: tuple[Amendment, ...] = ()
    """Sections of other documents this one adjusts."""
    amended_by: tuple[SectionChange, ...] = ()
    """Sections of this document adjusted by others (derived; oldest amendment first)."""
    related: tuple[str, ...] = ()
    """Related document ids (as written)."""
    cited_by: tuple[str, ...] = ()
    """Ids of documents whose ``related`` names this one (derived)."""
    attachments: tuple[Asset, ...] = ()
    """Attached files."""
    media: str = ""
    """Video: an https URL, or '' when ``media_asset`` is set."""
    media_asset: Asset | None = None
    """Video: local media file."""
    poster: Asset | None = None
    """Video: poster image."""
    transcript: Asset | None = None
    """Video: transcript file."""
    duration: int = 0
    """Video: length in seconds."""
    chapters: tuple[Chapter, ...] = ()
    """Video: chapter marks."""
    cues: tuple[Cue, ...] = ()
    """Video: parsed transcript cues."""
    region: str = ""
    """Case: region name, e.g. 浙江省杭州市."""
    region_code: str = ""
    """Case: GB/T 2260 code."""
    draft: bool = False
    """草稿 (``draft: true``): shown by ``mzkb serve``, never built, bundled or released."""
    index_number: str = ""
    """信息公开 索引号."""
    subjects: tuple[str, ...] = ()
    """信息公开 主题分类 (from the configured vocabulary)."""
    written_date: dt.date | None = None
    """成文日期 (``date`` is the 发布日期)."""
    recipients: str = ""
    """主送 (the bodies a notice is addressed to)."""
    sections: tuple[Section, ...] = ()
    """Headings of the body with their text."""
    links: tuple[Link, ...] = ()
    """Links in the body."""
    articles: tuple[Article, ...] = ()
    """Article leads of the body (第X条), in order."""
    lines: dict = field(default_factory=dict, compare=False, hash=False)
    """Front-matter key -> 1-based file line (for diagnostics of later stages)."""

    @property
    def url(self) -> str:
        """Site path of the document page, relative to the site root."""
        return urls.document(self.type.folder, self.id)

    @property
    def src_uri(self) -> str:
        """Path of the generated Markdown page inside the renderer."""
        return urls.source_uri(self.url)

    def line_of(self, key: str) -> int:
        """File line of a front-matter key (1 if unknown)."""
        return self.lines.get(key, 1)
