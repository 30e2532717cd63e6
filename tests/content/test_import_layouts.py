"""Hand-written 公文 layouts unlike the generated ones (``maker.varied_spec``): the extractor
must find the same four fields, or leave a placeholder rather than guess."""

from __future__ import annotations

import pytest

from mzkb.importer import gongwen
from mzkb.importer.text_reader import read_text

CASES = [
    ("two-line title, 此件公开发布 after the date",
     "民政部\n民发〔2019〕88号\n民政部关于进一步扩大养老服务供给\n促进养老服务消费的实施意见\n"
     "各省、自治区、直辖市民政厅（局），新疆生产建设兵团民政局：\n为贯彻落实党中央、国务院决策部署，现提出以下意见。\n"
     "一、总体要求\n坚持以人民为中心的发展思想。\n民政部\n2019年9月20日\n（此件公开发布）\n",
     ("民政部关于进一步扩大养老服务供给促进养老服务消费的实施意见", "民发〔2019〕88号", "民政部", "2019-09-20")),
    ("a 函 with 签发人 on the 文号 line",
     "民政部办公厅\n民办函〔2021〕5号　　　　签发人：王某某\n民政部办公厅关于养老机构等级评定有关问题的复函\n"
     "浙江省民政厅：\n你厅《关于养老机构等级评定有关问题的请示》收悉。经研究，现函复如下。\n特此函复。\n"
     "民政部办公厅\n二〇二一年三月八日\n",
     ("民政部办公厅关于养老机构等级评定有关问题的复函", "民办函〔2021〕5号", "民政部办公厅", "2021-03-08")),
    ("book-title marks and [] 文号, 附件 with one name",
     "湖南省民政厅文件\n湘民发[2021]12号\n湖南省民政厅关于印发《养老机构服务安全基本规范》\n实施方案的通知\n"
     "各市州民政局：\n现将实施方案印发给你们，请认真贯彻执行。\n附件：养老机构服务安全检查要点\n湖南省民政厅\n2021年6月1日\n"
     "湖南省民政厅办公室　　2021年6月2日印发\n",
     ("湖南省民政厅关于印发《养老机构服务安全基本规范》实施方案的通知", "湘民发〔2021〕12号", "湖南省民政厅", "2021-06-01")),
    ("joint issuers on one line, ○ in the date",
     "民政部  财政部\n民发（2020）30号\n关于进一步做好困难群众基本生活保障工作的通知\n各省、自治区、直辖市民政厅（局）、财政厅（局）：\n"
     "为切实保障困难群众基本生活，现就有关事项通知如下。\n民政部　　　　财政部\n二○二○年三月十二日\n",
     ("关于进一步做好困难群众基本生活保障工作的通知", "民发〔2020〕30号", "民政部、财政部", "2020-03-12")),
    ("no 署名, no mark: issuer left empty, date still found",
     "关于做好春节期间殡葬服务工作的通知\n各区殡葬管理所：\n春节将至，请做好殡葬服务保障工作。\n2022年1月20日\n",
     ("关于做好春节期间殡葬服务工作的通知", "", "", "2022-01-20")),
    ("no date anywhere: date left empty, 署名 still found",
     "民政部办公厅关于开展养老服务质量提升行动的通知\n各省民政厅：\n请认真组织实施。\n民政部办公厅\n",
     ("民政部办公厅关于开展养老服务质量提升行动的通知", "", "民政部办公厅", "")),
    ("密级, 紧急程度 and 份号 above the mark",
     "000015\n机密★1年\n特急\n国务院办公厅文件\n国办发〔2020〕7号\n国务院办公厅关于切实做好社会救助兜底保障工作的通知\n"
     "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n经国务院同意，现就有关事项通知如下。\n国务院办公厅\n2020年6月3日\n",
     ("国务院办公厅关于切实做好社会救助兜底保障工作的通知", "国办发〔2020〕7号", "国务院办公厅", "2020-06-03")),
]


@pytest.mark.parametrize("title, text, expected", CASES, ids=[c[0] for c in CASES])
def test_fields_of_hand_written_layouts(title, text, expected):
    fields = gongwen.extract(read_text(text.encode("utf-8"))).fields
    assert (fields.title, fields.doc_number, fields.issuer, fields.date) == expected
