"""PDF paragraphs come back whole: lines joined per page from the page's own margins and
indents (odd and even pages mirrored), CJK lines joined without spaces, a paragraph running
over a page break kept together, running headers and "— N —" page numbers dropped."""

from __future__ import annotations

import html

from mzkb.importer.model import Para
from mzkb.importer.pdf_reader import read_pdf

ADDRESSEES = "各省、自治区、直辖市民政厅（局），新疆生产建设兵团民政局，各计划单列市民政局，部机关各司（局），各直属单位："
RUNNING = "民政部规范性文件汇编"
PARAS = [f"第{n}条 为了保障志愿者、志愿服务组织、志愿服务对象的合法权益，鼓励和规范志愿服务（第{n}款），"
         f"县级以上人民政府应当将志愿服务事业纳入国民经济和社会发展规划，合理安排志愿服务所需资金，"
         f"促进广覆盖、多层次、宽领域开展志愿服务，培育和践行社会主义核心价值观，促进社会文明进步。" for n in range(1, 25)]


def _notice() -> str:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in PARAS)
    return f"""<html><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 3.7cm 2.2cm 3.5cm 2.9cm; }}
@page :left {{ margin: 3.7cm 2.9cm 3.5cm 2.2cm; }}
body {{ font-family: 'Noto Serif CJK SC'; font-size: 16pt; line-height: 1.75; margin: 0; }}
p {{ text-indent: 2em; text-align: justify; margin: 0; }}
.mark {{ color: #d00; font-size: 36pt; text-align: center; text-indent: 0; }}
.c {{ text-align: center; text-indent: 0; }} .to {{ text-indent: 0; }}
.sign {{ text-align: right; text-indent: 0; padding-right: 4em; }}
</style></head><body><p class="mark">民政部办公厅文件</p><p class="c">民办发〔2021〕3号</p>
<p class="c" style="font-size:22pt">关于印发志愿服务工作规范的通知</p><p class="to">{ADDRESSEES}</p>{body}
<p class="sign">民政部办公厅</p><p class="sign">2021年3月1日</p></body></html>"""


def test_paragraphs_are_whole_and_page_chrome_is_gone(tmp_path, browser):
    page = browser.new_page()
    page.set_content(_notice())
    page.pdf(path=str(tmp_path / "notice.pdf"), format="A4", display_header_footer=True,
             header_template=f'<div style="font-size:9pt;width:100%;text-align:center">{RUNNING}</div>',
             footer_template='<div style="font-size:14pt;width:100%;text-align:center">— <span class="pageNumber"></span> —</div>')
    page.close()
    texts = [b.text for b in read_pdf(tmp_path / "notice.pdf").blocks if isinstance(b, Para)]
    assert ADDRESSEES in texts  # the 主送 line wrapped over two lines is one paragraph
    assert [t for t in texts if t.startswith("第")] == PARAS  # every paragraph whole, also over page breaks
    assert not any(RUNNING in t for t in texts)
    assert not any("—" in t for t in texts)
    assert texts[0] == "民政部办公厅文件" and texts[-1] == "2021年3月1日"
