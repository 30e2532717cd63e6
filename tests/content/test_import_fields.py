"""Issue 28, item 4: fields of real document shapes (a revised law, the 宪法 with its 修正 history, a
国务院令 with its 公布 preamble, a national standard under its ICS line, a site header and a date
wrapped over two lines, 份号/密级/紧急程度 above the mark) — and every guess says it is one."""

from __future__ import annotations

import pytest

from mzkb.importer import gongwen
from mzkb.importer.text_reader import read_text

CASES = [
    ("a revised law: the latest 修订 date, the 施行 date as valid_from",
     "中华人民共和国反洗钱法\n（2006年10月31日第十届全国人民代表大会常务委员会第二十四次会议通过　"
     "2024年11月8日第十四届全国人民代表大会常务委员会第十二次会议修订）\n第一章 总则\n"
     "第一条 为了预防洗钱活动，制定本法。\n第二条 本法自2025年1月1日起施行。\n",
     ("中华人民共和国反洗钱法", "", "全国人民代表大会常务委员会", "2024-11-08", "2025-01-01"),
     {"date", "issuer", "valid_from"}),
    ("the 宪法: the last 修正 wins over the first enactment",
     "中华人民共和国宪法\n（1982年12月4日第五届全国人民代表大会第五次会议通过　1982年12月4日全国人民代表大会公告公布施行\n"
     "根据1988年4月12日第七届全国人民代表大会第一次会议通过的《中华人民共和国宪法修正案》、"
     "2018年3月11日第十三届全国人民代表大会第一次会议通过的《中华人民共和国宪法修正案》修正）\n序言\n"
     "中国是世界上历史最悠久的国家之一。\n",
     ("中华人民共和国宪法", "", "全国人民代表大会", "2018-03-11", ""), {"date", "issuer"}),
    ("a 国务院令 first, its preamble kept, the title it publishes",
     "中华人民共和国国务院令\n第707号\n《国务院关于修改部分行政法规的决定》已经2018年12月5日国务院第33次常务会议通过，"
     "现予公布，自2019年1月1日起施行。\n总理　李克强\n2018年12月29日\n国务院关于修改部分行政法规的决定\n"
     "为依法推进简政放权，国务院决定修改部分行政法规。\n",
     ("国务院关于修改部分行政法规的决定", "国令第707号", "国务院", "2018-12-29", "2019-01-01"),
     {"issuer", "valid_from"}),
    ("a national standard: not its ICS or GB line, the 发布 date",
     "ICS 35.240.20\nGB\n中华人民共和国国家标准\n养老机构服务安全基本规范\n2012-06-29 发布\n2013-01-01 实施\n"
     "1 范围\n本标准规定了养老机构服务安全的基本要求。\n",
     ("养老机构服务安全基本规范", "", "", "2012-06-29", ""), {"date"}),
    ("a site header above the title, the date wrapped over two lines",
     "Laosheng.top\n民政部关于示例工作的通知\n各省民政厅：\n请认真组织实施。\n民政部\n2022年1月\n20日\n",
     ("民政部关于示例工作的通知", "", "民政部", "2022-01-20", ""), set()),
    ("份号, 密级 and 紧急程度 never the title",
     "001012\n机密★5 年\n特急\n民政部文件\n民发〔2020〕9号\n民政部关于示例工作的通知\n各省民政厅：\n"
     "请认真组织实施。\n民政部\n2020年3月3日\n",
     ("民政部关于示例工作的通知", "民发〔2020〕9号", "民政部", "2020-03-03", ""), set()),
]


@pytest.mark.parametrize("name, text, expected, guesses", CASES, ids=[c[0] for c in CASES])
def test_fields_of_real_shapes_and_their_guesses(name, text, expected, guesses):
    fields = gongwen.extract(read_text(text.encode("utf-8"))).fields
    assert (fields.title, fields.doc_number, fields.issuer, fields.date, fields.valid_from) == expected
    assert guesses <= {key for key, _reason in fields.guessed}
    assert all(reason for _key, reason in fields.guessed)  # each guess says why


# Issue 28 on real documents (bench/import.py --real): the shapes the gov.cn pages, the Word files
# and the PDFs made from them showed; the texts here are made up, only their layout is real.
MORE = [
    ("the 公报 layout: the title above its 文号, the 文号 not body",
     "民政部关于进一步做好\n示例服务工作的通知\n民发〔2021〕3号\n各省、自治区、直辖市民政厅（局）：\n"
     "现就做好示例服务工作通知如下。\n民政部\n2021年1月9日\n",
     ("民政部关于进一步做好示例服务工作的通知", "民发〔2021〕3号", "民政部", "2021-01-09", "")),
    ("a 国务院令 whose preamble publishes the title printed under the date",
     "中华人民共和国国务院令\n第706号\n《示例代理条例》已经2018年9月6日国务院第23次常务会议修订通过，"
     "现将修订后的《示例代理条例》公布，自2019年3月1日起施行。\n总理　李克强\n2018年11月6日\n示例代理条例\n"
     "第一章　总　　则\n第一条　为了规范示例代理行为，制定本条例。\n",
     ("示例代理条例", "国令第706号", "国务院", "2018-11-06", "2019-03-01")),
    ("a ministry's 令 cited in its short form",
     "中华人民共和国民政部令\n第69号\n《示例登记办法》已经民政部部务会议通过，现予公布，自2021年5月1日起施行。\n"
     "部长　某某某\n2021年3月1日\n示例登记办法\n第一条　为了规范示例登记，制定本办法。\n",
     ("示例登记办法", "民政部令第69号", "民政部", "2021-03-01", "2021-05-01")),
]


@pytest.mark.parametrize("name, text, expected", MORE, ids=[c[0] for c in MORE])
def test_fields_of_the_real_corpus_shapes(name, text, expected):
    doc = gongwen.extract(read_text(text.encode("utf-8")))
    f = doc.fields
    assert (f.title, f.doc_number, f.issuer, f.date, f.valid_from) == expected
    body = [b.text.replace(" ", "") for b in doc.body if hasattr(b, "text")]
    assert f.doc_number not in body and f.title not in body[:1]  # neither is left as the first body lines
    if "令第" in f.doc_number:
        assert any("起施行" in line for line in body)  # the 令's preamble stays in the body


def test_attachment_note_numbered_right_after_the_word():
    """``附件1. 名称`` / ``2. 名称`` is a 附件说明; ``附件1.`` heading the attachment itself is not a name."""
    text = ("国务院关于示例口岸范围的批复\n国函〔2006〕1号\n广东省人民政府：\n同意示例口岸的范围。\n"
            "附件1.示例口岸查验区界址点坐标\n2.示例大桥桥面界址点坐标\n国务院\n二〇〇六年十二月三十日\n附件1.\n甲 乙\n")
    f = gongwen.extract(read_text(text.encode("utf-8"))).fields
    assert f.attachments == ("示例口岸查验区界址点坐标", "示例大桥桥面界址点坐标")
    assert f.issuer == "国务院"


def test_signature_keeps_only_names():
    """A saved page's broken entity (``&sp;``) beside the 署名 is not part of the issuer."""
    text = "国务院办公厅转发示例部门意见的通知\n国办发〔1996〕9号\n各省人民政府：\n请认真执行。\n国务院办公厅 &sp;\n一九九六年七月十七日\n"
    assert gongwen.extract(read_text(text.encode("utf-8"))).fields.issuer == "国务院办公厅"


def test_page_title_hint_keeps_the_orders_preamble():
    """A saved page names the title (metadata table); the 令's 公布 preamble above it is still body."""
    from mzkb.importer.model import Extracted, Para

    lines = ["中华人民共和国国务院令", "第706号", "现将修订后的《示例代理条例》公布，自2019年3月1日起施行。", "总理　李克强",
             "2018年11月6日", "示例代理条例", "第一条　为了规范示例代理行为，制定本条例。"]
    doc = gongwen.extract(Extracted(tuple(Para(t) for t in lines), hints={"title": "示例代理条例"}))
    assert doc.fields.title == "示例代理条例" and doc.fields.doc_number == "国令第706号"
    assert any("起施行" in b.text for b in doc.body)


def test_history_note_broken_over_lines_without_dates():
    """A 题注 whose lines were cut anywhere (a PDF; even between a date and its 通过) is read to its
    closing parenthesis: the latest 修正 wins."""
    text = ("中华人民共和国示例法\n（1979年7月1日第五届全国人民代表大会第二次会议通过 1997年3月14日第八届全国人民代表大会"
            "第五次会议修订 根据1998年12月29日第九届全国人民代表大会常务委员会第六次会\n议通过的《关于示例的决定》、\n"
            "第十届全国人民代表大会常务委员会第十四次会议通过的《示例法修正案（五）》、\n"
            "2017年11月4日第十二届全国人民代表大会常务委员会第三十次会议通过的《示例法修正案（十）》和2020年12月26日"
            "第十三届全国人民代表大会常务委员\n会第二十四次会议通过的《示例法修正案（十一）》修正）\n"
            "第一编　总　　则\n第一条　为了示例，制定本法。\n")
    f = gongwen.extract(read_text(text.encode("utf-8"))).fields
    assert f.date == "2020-12-26" and "date" in dict(f.guessed)
