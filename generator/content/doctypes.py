"""Document types: the enum and its one table (every fact about a type lives in its row).

Adding a type is one member of ``DocType`` plus one row in ``TYPES`` (and, for a listing of its
own kind, a page builder beside the others in ``site/pages/listings.py``). Every other module —
the loader, the schema, the nav, the home page, the CLI, ``mzkb new``/``init``, the importer,
the search index and the offline bundle — reads the row; the module refuses to import when a
member has no row, so a half-added type cannot build.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class DocType(str, Enum):
    """The document types; a document's type comes from its top folder."""

    NOTICE = "notice"
    GUIDELINE = "guideline"
    VIDEO = "video"
    CASE = "case"

    @property
    def row(self) -> TypeRow:
        """This type's row of ``TYPES``."""
        return TYPES[self]

    @property
    def folder(self) -> str:
        """Folder under content/ and under the site."""
        return TYPES[self].folder

    @property
    def label(self) -> str:
        """Chinese name shown to readers."""
        return TYPES[self].label

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the CLI and a ``type:`` key accept: value, folder, label, aliases."""
        row = TYPES[self]
        return (self.value, row.folder, row.label, *row.aliases)

    @classmethod
    def parse(cls, name: str) -> DocType | None:
        """Accept ``notice``, ``notices``, the Chinese label or an alias; None if unknown."""
        name = name.strip().lower()
        return next((doc_type for doc_type in cls if name in doc_type.names), None)


@dataclass(frozen=True)
class TypeRow:
    """Everything mzkb knows about one document type."""

    folder: str
    """Folder under content/ and under the site (``notices``); the type's listing is ``{folder}/index.html``."""
    label: str
    """Chinese name shown to readers, in the nav, on the home page and in CLI output (``政策通知``)."""
    aliases: tuple[str, ...]
    """Other Chinese names the CLI and ``type:`` accept (``通知``)."""
    listing: str
    """Which listing page builder makes ``{folder}/index.md``: ``list`` (paginated, current first),
    ``videos`` (cards) or ``cases`` (by region, with province pages); see ``site/pages/listings.py``."""
    rule: bool
    """A rule text (规范性文件): 发文机关 required, shown in topic timelines, ``mzkb new`` and the
    importer write ``issuer``, ``valid_until`` and ``amends``."""
    doc_number: bool
    """The importer warns when an imported 公文 of this type has no 文号."""
    alone_edition: bool
    """A single edition still shows ``仅此一版`` under its metadata."""
    keys: frozenset[str]
    """Front-matter keys only this type takes (besides the common ones)."""
    scaffold: str
    """Front-matter lines (mostly commented hints) ``mzkb new`` adds for this type."""


_RULE_HINTS = ("# valid_until: \"YYYY-MM-DD\"  # 临时措施的截止日期\n"
               "# amends: [{id: 被调整文件的 id, sections: [被调整小节的标题], note: 调整说明}]\n")

TYPES: dict[DocType, TypeRow] = {
    DocType.NOTICE: TypeRow(
        folder="notices", label="政策通知", aliases=("通知",), listing="list", rule=True, doc_number=True,
        alone_edition=False, keys=frozenset(), scaffold=_RULE_HINTS),
    DocType.GUIDELINE: TypeRow(
        folder="guidelines", label="指南", aliases=(), listing="list", rule=True, doc_number=False,
        alone_edition=True, keys=frozenset(), scaffold="# supersedes: 被本版替代的旧版 id\n" + _RULE_HINTS),
    DocType.VIDEO: TypeRow(
        folder="videos", label="微视频", aliases=("视频",), listing="videos", rule=False, doc_number=False,
        alone_edition=False, keys=frozenset({"media", "poster", "transcript", "duration", "chapters"}),
        scaffold="media: https://example.org/请替换为视频地址.mp4  # 或与本文件同目录的视频文件名\n"
                 "# poster: 封面.jpg\n# transcript: 字幕.vtt\n# duration: \"00:03:00\"\n"),
    DocType.CASE: TypeRow(
        folder="cases", label="典型案例", aliases=("案例",), listing="cases", rule=False, doc_number=False,
        alone_edition=False, keys=frozenset({"region", "region_code"}),
        scaffold="# region: 浙江省杭州市\n# region_code: \"330100\"\n"),
}

LISTINGS = ("list", "videos", "cases")
"""The listing kinds a row may name."""

_missing = [t.value for t in DocType if t not in TYPES]
if _missing or any(row.listing not in LISTINGS for row in TYPES.values()):
    raise ImportError(f"content/doctypes.py: DocType members without a complete TYPES row: {_missing or 'bad listing'}")
