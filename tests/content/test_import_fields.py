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
     ("国务院关于修改部分行政法规的决定", "中华人民共和国国务院令第707号", "国务院", "2018-12-29", "2019-01-01"),
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
