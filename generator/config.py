"""``site_config.yml`` -> a typed ``SiteConfig``.

Every key is declared once (``_KEYS``) with its type, default and meaning; all keys
are checked in one pass and each problem names the key, the file and the line.
Paths in the file are relative to the file itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import yamlsrc
from .diagnostics import Diagnostic, make
from .urls import is_safe_web_url

ALL_AUDIENCES = "全部"
_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True, slots=True)
class Audience:
    """One institution type of the audience taxonomy."""

    key: str
    """ASCII key used in URLs (``elderly-care``)."""
    label: str
    """Chinese label shown to readers (``养老机构``)."""
    synonyms: tuple[str, ...] = ()
    """Other names staff type (``养老院``); used by search."""


DEFAULT_SUBJECTS: tuple[str, ...] = (
    "国务院组织机构", "综合政务", "国民经济管理、国有资产监管", "财政、金融、审计", "国土资源、能源",
    "农业、林业、水利", "工业、交通", "商贸、海关、旅游", "市场监管、安全生产监管", "城乡建设、环境保护",
    "科技、教育", "文化、广电、新闻出版", "卫生、体育", "人口与计划生育、妇女儿童工作", "劳动、人事、监察",
    "公安、安全、司法", "民政、扶贫、救灾", "民族、宗教", "对外事务", "港澳台侨工作", "国防", "其他",
)
"""The State Council's 主题分类 (top level, as used by 中国政府网's 政策文件库; source and the date it was
checked: generator/data/README.md)."""

RELEASE_DEFAULTS = ("latest-release", "working-tree")


@dataclass(frozen=True, slots=True)
class SiteIdentity:
    """What a government site states about itself (every page's footer and print)."""

    organizer: str = ""
    """主办单位."""
    operator: str = ""
    """承办单位."""
    site_code: str = ""
    """网站标识码."""
    icp: str = ""
    """ICP备案号 (linked to beian.miit.gov.cn only when ``icp_url`` is given)."""
    icp_url: str = ""
    """Optional address the ICP number links to."""
    police_record: str = ""
    """公安机关备案号."""
    police_url: str = ""
    """Optional address the 公安备案号 links to."""
    contact: str = ""
    """联系方式 (text: phone, address, e-mail)."""
    logo: str = ""
    """Path of the logo image, relative to site_config.yml ('' = none)."""

    @property
    def logo_url(self) -> str:
        """Site path the logo is copied to ('' when there is none)."""
        return f"assets/site-logo{Path(self.logo).suffix.lower()}" if self.logo else ""

    @property
    def lines(self) -> tuple[tuple[str, str, str], ...]:
        """(label, text, link or '') of each given item, in the order government sites show them."""
        items = (("主办单位", self.organizer, ""), ("承办单位", self.operator, ""), ("网站标识码", self.site_code, ""),
                 ("ICP备案号", self.icp, self.icp_url), ("公安机关备案号", self.police_record, self.police_url),
                 ("联系方式", self.contact, ""))
        return tuple(item for item in items if item[1])


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """The validated site configuration."""

    path: Path
    """Absolute path of site_config.yml."""
    title: str
    """Site title."""
    description: str = ""
    """One-line description shown on the home page."""
    language: str = "zh"
    """Site language (only zh is supported)."""
    url: str = ""
    """Public base URL, optional (feeds resolve links against it)."""
    demo: bool = False
    """Mark every page as sample content (示例)."""
    content_dir: Path = Path("content")
    """Absolute path of the content folder."""
    audiences: tuple[Audience, ...] = ()
    """Audience taxonomy, in display order."""
    topics: tuple[str, ...] = ()
    """Known topic tags."""
    synonyms: tuple[tuple[str, ...], ...] = ()
    """Search synonym groups (search.synonyms)."""
    aliases: tuple[tuple[str, str], ...] = ()
    """Search aliases (``search.aliases``: a word typed -> the word searched, e.g. covid -> 新冠), as written;
    the search adds them to its defaults (``search.records.query_aliases``)."""
    future_date_margin_days: int = 31
    """Dates later than today by more than this many days are warned about."""
    max_file_mb: float = 50.0
    """Attachments and media larger than this are refused."""
    remote_resources: str = "warning"
    """``validation.remote_resources``: a body image loaded from the network (the site is read
    offline) is an ``error`` (MZ611) or a ``warning`` (MZ612)."""
    search: dict = field(default_factory=dict)
    """Search settings (reserved)."""
    bundle: dict = field(default_factory=dict)
    """Offline bundle settings: ``public_key`` (``ed25519:…`` line printed by ``mzkb keygen``: bundles and
    update packs are checked against it) and ``signing_key`` (path of the private key file, relative to
    site_config.yml; keep it outside the repository)."""
    releases: dict = field(default_factory=dict)
    """Release settings: ``tag_pattern``; ``default`` (``latest-release`` or ``working-tree``, see
    ``release_default``)."""
    subjects: tuple[str, ...] = DEFAULT_SUBJECTS
    """信息公开 主题分类 a document's ``subjects`` are chosen from (default: the State Council's list)."""
    identity: SiteIdentity = field(default_factory=lambda: SiteIdentity())
    """Site identity under ``site:`` (主办单位, 网站标识码, 备案号 …), shown in every page's footer."""

    @property
    def release_default(self) -> str:
        """``releases.default``: what a versioned site opens — ``latest-release`` (the newest git
        release; the working tree is a preview) or ``working-tree`` (uncommitted edits as latest)."""
        return str(self.releases.get("default", "latest-release"))

    @property
    def root(self) -> Path:
        """The knowledge-base folder (where site_config.yml is)."""
        return self.path.parent

    @property
    def state_dir(self) -> Path:
        """``.mzkb/`` beside site_config.yml: caches and the Whoosh index."""
        return self.root / ".mzkb"

    def audience(self, name: str) -> Audience | None:
        """Find an audience by key or Chinese label."""
        for aud in self.audiences:
            if name in (aud.key, aud.label):
                return aud
        return None


# key -> (expected type, Chinese description of the type)
_KEYS: dict[str, tuple[type | tuple, str]] = {
    "site": (dict, "映射"),
    "content_dir": (str, "字符串（路径）"),
    "audiences": (list, "列表"),
    "topics": (list, "列表"),
    "search": (dict, "映射"),
    "bundle": (dict, "映射"),
    "releases": (dict, "映射"),
    "validation": (dict, "映射"),
    "subjects": (list, "列表"),
}
_IDENTITY_KEYS = ("organizer", "operator", "site_code", "icp", "icp_url", "police_record", "police_url", "contact", "logo")
_SITE_KEYS = {"title": str, "description": str, "language": str, "url": str, "demo": bool,
              **{key: str for key in _IDENTITY_KEYS}}
_VALIDATION_KEYS = {"future_date_margin_days": int, "max_file_mb": (int, float), "remote_resources": str}
_RELEASE_KEYS = {"tag_pattern": str, "default": str}
_BUNDLE_KEYS = {"public_key": str, "signing_key": str}
_PUBLIC_KEY_RE = re.compile(r"^ed25519:[A-Za-z0-9+/]{43}=$")
_TYPE_NAMES = {str: "字符串", bool: "true 或 false", int: "整数", (int, float): "数字", list: "列表", dict: "映射"}


def _type_name(value: object) -> str:
    return {str: "字符串", bool: "布尔值", int: "整数", float: "数字", list: "列表", dict: "映射", type(None): "空值"}.get(
        type(value), type(value).__name__
    )


def load_config(path: str | Path) -> tuple[SiteConfig | None, list[Diagnostic]]:
    """Read and validate ``site_config.yml``; return the config (None on errors) and all problems."""
    path = Path(path).absolute()
    if not path.is_file():
        return None, [make("MZ101", str(path), path=str(path))]
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [make("MZ201", path.name, 1, 1, encoding="非 UTF-8")]
    try:
        data, marks = yamlsrc.load(text)
    except yamlsrc.YamlError as exc:
        return None, [make("MZ102", path.name, exc.line, exc.column, detail=exc.detail)]
    if not isinstance(data, dict):
        return None, [make("MZ104", path.name, 1, 1, key="（顶层）", expected="映射", actual=_type_name(data))]
    checker = _Checker(path.name, data, marks, path.parent)
    checker.top_level()
    checker.site()
    validation = checker.section("validation", _VALIDATION_KEYS)
    checker.release_default(checker.section("releases", _RELEASE_KEYS))
    checker.remote_resources(validation)
    checker.public_key(checker.section("bundle", _BUNDLE_KEYS))
    audiences = _audiences(data.get("audiences"), path.name, checker.pos, checker.diags)
    search = data.get("search") if isinstance(data.get("search"), dict) else {}
    synonyms = _synonyms(search, path.name, checker.pos, checker.diags)
    aliases = _aliases(search, path.name, checker.pos, checker.diags)
    content_raw = data.get("content_dir", "content")
    content_dir = (path.parent / (content_raw if isinstance(content_raw, str) else "content")).resolve()
    if isinstance(content_raw, str) and not content_dir.is_dir():
        checker.diags.append(make("MZ107", path.name, *checker.pos("content_dir"), path=content_raw))
    if any(d.severity.value == "error" for d in checker.diags):
        return None, checker.diags
    return replace(_site_config(path, data, validation, content_dir, audiences, synonyms, search), aliases=aliases), \
        checker.diags


class _Checker:
    """Checks the keys and value types of a parsed ``site_config.yml``, collecting diagnostics
    that point at the line of the offending key or value."""

    def __init__(self, shown: str, data: dict, marks: dict, root: Path | None = None) -> None:
        self.shown, self.data, self.marks, self.root = shown, data, marks, root or Path(".")
        self.diags: list[Diagnostic] = []

    def pos(self, *keys: object) -> tuple[int, int]:
        """Line and column of a key path (its parent's when the key itself has no mark)."""
        return self.marks.get(tuple(keys), self.marks.get(tuple(keys[:-1]), (1, 1)))

    def check(self, value: object, expected: type | tuple, key: str, *keypath: object) -> bool:
        """Whether ``value`` has the expected type (a bool is never a number); MZ104 if not."""
        ok = not (isinstance(value, bool) and expected in (int, (int, float))) and isinstance(value, expected)
        if not ok:
            self.diags.append(make("MZ104", self.shown, *self.pos(*keypath), key=key,
                                   expected=_TYPE_NAMES.get(expected, "?"), actual=_type_name(value)))
        return ok

    def top_level(self) -> None:
        """Unknown top-level keys (MZ105), wrong types (MZ104), a missing ``site`` (MZ103)."""
        for key, value in self.data.items():
            if key not in _KEYS:
                self.diags.append(make("MZ105", self.shown, *self.pos(key, "__key__"), key=key))
            else:
                self.check(value, _KEYS[key][0], key, key)
        if "site" not in self.data:
            self.diags.append(make("MZ103", self.shown, 1, 1, key="site"))

    def section(self, name: str, keys: dict) -> dict:
        """Check the keys of one mapping section; return it ({} when absent or not a mapping)."""
        values = self.data.get(name) if isinstance(self.data.get(name), dict) else {}
        for key, value in values.items():
            if key not in keys:
                self.diags.append(make("MZ105", self.shown, *self.pos(name, key, "__key__"), key=f"{name}.{key}"))
            else:
                self.check(value, keys[key], f"{name}.{key}", name, key)
        return values

    def site(self) -> None:
        """The ``site`` section: title present, language zh, a safe web address."""
        site = self.section("site", _SITE_KEYS)
        if "site" in self.data and site.get("title") is None:
            self.diags.append(make("MZ103", self.shown, *self.pos("site", "__key__"), key="site.title"))
        if site.get("language", "zh") != "zh":
            self.diags.append(make("MZ104", self.shown, *self.pos("site", "language"), key="site.language",
                                   expected=" zh", actual=str(site.get("language"))))
        for key in ("url", "icp_url", "police_url"):
            url = site.get(key)
            if isinstance(url, str) and url.strip() and not is_safe_web_url(url, ("http", "https")):
                code = "MZ604" if key == "url" else "MZ606"
                self.diags.append(make(code, self.shown, *self.pos("site", key), key=f"site.{key}", value=url))
        logo = site.get("logo")
        if isinstance(logo, str) and logo.strip():
            path = (self.root / logo.strip()).resolve()
            if not path.is_file() or path.suffix.lower() not in (".png", ".jpg", ".jpeg", ".gif", ".webp") \
                    or not path.is_relative_to(self.root.resolve()):
                self.diags.append(make("MZ605", self.shown, *self.pos("site", "logo"), value=logo))

    def release_default(self, releases: dict) -> None:
        """``releases.default`` is latest-release or working-tree."""
        value = releases.get("default", RELEASE_DEFAULTS[0])
        if isinstance(value, str) and value not in RELEASE_DEFAULTS:
            self.diags.append(make("MZ104", self.shown, *self.pos("releases", "default"), key="releases.default",
                                   expected=" latest-release 或 working-tree", actual=value))

    def remote_resources(self, validation: dict) -> None:
        """``validation.remote_resources`` is error or warning."""
        if validation.get("remote_resources", "warning") not in ("error", "warning"):
            self.diags.append(make("MZ104", self.shown, *self.pos("validation", "remote_resources"),
                                   key="validation.remote_resources", expected=" error 或 warning",
                                   actual=str(validation.get("remote_resources"))))

    def public_key(self, bundle: dict) -> None:
        """``bundle.public_key`` is a line ``mzkb keygen`` printed."""
        public_key = bundle.get("public_key")
        if isinstance(public_key, str) and not _PUBLIC_KEY_RE.match(public_key.strip()):
            self.diags.append(make("MZ104", self.shown, *self.pos("bundle", "public_key"), key="bundle.public_key",
                                   expected=" mzkb keygen 打印的一行 ed25519:…", actual=public_key[:60]))


def _site_config(path: Path, data: dict, validation: dict, content_dir: Path, audiences: tuple, synonyms: tuple,
                 search: dict) -> SiteConfig:
    """The ``SiteConfig`` of a checked ``site_config.yml`` (defaults filled in)."""
    site = data.get("site") if isinstance(data.get("site"), dict) else {}
    topics = data.get("topics")
    subjects = data.get("subjects")
    identity = SiteIdentity(**{key: str(site.get(key) or "").strip() for key in _IDENTITY_KEYS})
    return SiteConfig(
        path=path,
        title=str(site.get("title", "")).strip(),
        description=str(site.get("description", "") or ""),
        language="zh",
        url=str(site.get("url", "") or ""),
        demo=bool(site.get("demo", False)),
        content_dir=content_dir,
        audiences=audiences,
        topics=tuple(str(t) for t in topics if isinstance(t, (str, int))) if isinstance(topics, list) else (),
        synonyms=synonyms,
        future_date_margin_days=int(validation.get("future_date_margin_days", 31)),
        max_file_mb=float(validation.get("max_file_mb", 50.0)),
        remote_resources=str(validation.get("remote_resources", "warning")),
        search=search,
        bundle=data.get("bundle") if isinstance(data.get("bundle"), dict) else {},
        releases=data.get("releases") if isinstance(data.get("releases"), dict) else {},
        subjects=tuple(str(t).strip() for t in subjects if isinstance(t, (str, int))) if isinstance(subjects, list) else DEFAULT_SUBJECTS,
        identity=identity,
    )


def _audiences(raw: object, shown: str, pos, diags: list[Diagnostic]) -> tuple[Audience, ...]:
    if raw is None:
        diags.append(make("MZ103", shown, 1, 1, key="audiences"))
        return ()
    if not isinstance(raw, list):
        return ()
    result: list[Audience] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        where = pos("audiences", index)
        if not isinstance(item, dict) or not isinstance(item.get("key"), str) or not isinstance(item.get("label"), str):
            diags.append(make("MZ106", shown, *where, key=f"audiences[{index}]", detail="需要 key 和 label 两项"))
            continue
        key, label = item["key"], item["label"].strip()
        if not _KEY_RE.match(key):
            diags.append(make("MZ106", shown, *pos("audiences", index, "key"), key=key, detail="键只能含小写字母、数字和连字符"))
            continue
        if key in seen or label in seen or label == ALL_AUDIENCES:
            diags.append(make("MZ106", shown, *where, key=key, detail="键或名称重复"))
            continue
        seen.update((key, label))
        for extra in item:
            if extra not in ("key", "label", "synonyms"):
                diags.append(make("MZ105", shown, *pos("audiences", index, extra, "__key__"), key=f"audiences[{index}].{extra}"))
        synonyms = item.get("synonyms") or []
        if not isinstance(synonyms, list):
            diags.append(make("MZ104", shown, *pos("audiences", index, "synonyms"), key=f"audiences[{index}].synonyms", expected="列表", actual=_type_name(synonyms)))
            synonyms = []
        result.append(Audience(key, label, tuple(str(s) for s in synonyms)))
    return tuple(result)


def _synonyms(search: dict, shown: str, pos, diags: list[Diagnostic]) -> tuple[tuple[str, ...], ...]:
    raw = search.get("synonyms", [])
    groups: list[tuple[str, ...]] = []
    if not isinstance(raw, list):
        diags.append(make("MZ104", shown, *pos("search", "synonyms"), key="search.synonyms", expected="列表的列表", actual=_type_name(raw)))
        return ()
    for index, group in enumerate(raw):
        if not isinstance(group, list) or len(group) < 2:
            diags.append(make("MZ104", shown, *pos("search", "synonyms", index), key=f"search.synonyms[{index}]", expected="至少两个词的列表", actual=_type_name(group)))
            continue
        groups.append(tuple(str(word) for word in group))
    return tuple(groups)


def _aliases(search: dict, shown: str, pos, diags: list[Diagnostic]) -> tuple[tuple[str, str], ...]:
    """``search.aliases``: a mapping of words typed to the words searched (covid: 新冠)."""
    raw = search.get("aliases", {})
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        diags.append(make("MZ104", shown, *pos("search", "aliases"), key="search.aliases", expected="映射（输入的词: 搜索的词）",
                          actual=_type_name(raw)))
        return ()
    found: list[tuple[str, str]] = []
    for typed, searched in raw.items():
        where = pos("search", "aliases", typed)
        if not isinstance(searched, (str, int)) or isinstance(searched, bool) or not str(searched).strip():
            diags.append(make("MZ353", shown, *where, typed=typed, detail=f"搜索的词应为非空字符串，实际为 {_type_name(searched)}"))
        elif not str(typed).strip() or str(typed).strip().lower() == str(searched).strip().lower():
            diags.append(make("MZ353", shown, *where, typed=typed, detail="输入的词为空或与搜索的词相同"))
        else:
            found.append((str(typed).strip(), str(searched).strip()))
    return tuple(found)
