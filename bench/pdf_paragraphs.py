"""#28 PDF paragraphs: real regulation texts (lawref-minzheng) printed by Chromium as 公文-shaped
PDFs — red 版头, 文号, a 主送 line that wraps, first-line-indented justified paragraphs, mirrored
page margins (odd and even pages differ), a running header and "— N —" page numbers — then read
back with ``mzkb.importer.pdf_reader`` and compared with the source paragraphs.

    python bench/pdf_paragraphs.py [--docs 6]

Prints per file: paragraphs, paragraphs broken mid-sentence (a paragraph that is not one whole
source paragraph and does not end a sentence), page chrome left in the text, text lost (Han
characters of the source not found in order)."""

from __future__ import annotations

import argparse
import difflib
import html
import re
import sys
import tempfile
from pathlib import Path

from mzkb.importer.model import Para
from mzkb.importer.pdf_reader import read_pdf

CORPUS = Path("/work/shared/corpora/lawref-minzheng")
HAN = re.compile(r"[\u3400-\u9fff]")
ENDS = tuple("。；：！？…”）」』")
HEADER = "民政部办公厅文件"
FRAME = r"民办发〔2021〕\d+号|关于印发《.*》的通知|2021年3月\d+日"
"""The 版头 and signature lines: whole paragraphs by design."""


def sources(count: int) -> list[tuple[str, list[str]]]:
    files = sorted(p for p in CORPUS.rglob("*.md") if 4000 < p.stat().st_size < 16000)
    step = max(1, len(files) // count)
    out = []
    for path in files[::step][:count]:
        text = path.read_text(encoding="utf-8").split("<!-- INFO END -->")[-1]
        paras = [re.sub(r"^#+\s*", "", p.strip()) for p in text.split("\n\n") if p.strip()]
        out.append((path.stem, [p for p in paras if not p.startswith("<!--")]))
    return out


def page_html(title: str, paras: list[str], variant: int) -> str:
    inner, outer = (2.8, 2.63) if variant % 2 else (2.6, 2.17)  # type area not a whole number of characters
    body = []
    for text in paras:
        if re.match(r"^第[一二三四五六七八九十百]+[章节]", text) and len(text) < 30:
            body.append(f'<p class="h">{html.escape(text)}</p>')
        else:
            body.append(f"<p>{html.escape(text)}</p>")
    return f"""<html><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 3.7cm {outer}cm 3.5cm {inner}cm; }}
@page :left {{ margin: 3.7cm {inner}cm 3.5cm {outer}cm; }}
body {{ font-family: 'Noto Serif CJK SC'; font-size: 16pt; line-height: 1.75; margin: 0; }}
p {{ text-indent: 2em; text-align: {"left" if variant % 3 == 2 else "justify"}; margin: 0; }}
.mark {{ color: #d00; font-size: 36pt; text-align: center; text-indent: 0; font-weight: bold; }}
.no {{ text-align: center; text-indent: 0; }}
.title {{ font-size: 22pt; text-align: center; text-indent: 0; font-weight: bold; margin: 1em 0; }}
.to {{ text-indent: 0; }}
.h {{ text-align: center; text-indent: 0; font-weight: bold; }}
.sign {{ text-align: right; text-indent: 0; padding-right: 4em; }}
</style></head><body>
<p class="mark">民政部办公厅文件</p><p class="no">民办发〔2021〕{variant + 3}号</p>
<p class="title">关于印发《{html.escape(title)}》的通知</p>
<p class="to">各省、自治区、直辖市民政厅（局），新疆生产建设兵团民政局，各计划单列市民政局，部机关各司（局），各直属单位：</p>
{''.join(body)}
<p class="sign">民政部办公厅</p><p class="sign">2021年3月{variant + 1}日</p>
</body></html>"""


def measure(pdf: Path, paras: list[str]) -> dict:
    blocks = [b for b in read_pdf(pdf).blocks if isinstance(b, Para)]
    whole = {re.sub(r"\s", "", p) for p in paras} | {"各省、自治区、直辖市民政厅（局），新疆生产建设兵团民政局，各计划单列市民政局，部机关各司（局），各直属单位："}
    texts = [re.sub(r"\s", "", b.text) for b in blocks]
    whole |= {HEADER, "民政部办公厅"}
    broken = [t for t in texts if t not in whole and not t.endswith(ENDS) and not re.fullmatch(FRAME, t)]
    chrome = sum(1 for t in texts if re.fullmatch(r"[—\-]?\d+[—\-]?", t) or t == HEADER) - 1  # 版头 once
    source = "".join(HAN.findall("".join(paras)))
    matcher = difflib.SequenceMatcher(None, source, "".join(HAN.findall("".join(texts))), autojunk=False)
    found = sum(block.size for block in matcher.get_matching_blocks())
    return {"paras": len(texts), "broken": len(broken), "chrome": max(chrome, 0), "lost": 1 - found / len(source),
            "example": broken[:3]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=6)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    total = {"paras": 0, "broken": 0, "chrome": 0}
    lost = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page()
        for variant, (name, paras) in enumerate(sources(args.docs)):
            page.set_content(page_html(name, paras, variant))
            pdf = Path(tmp) / f"{variant}.pdf"
            page.pdf(path=str(pdf), format="A4", display_header_footer=True,
                     header_template=f'<div style="font-size:9pt;width:100%;text-align:center;font-family:Noto Sans CJK SC">{HEADER}</div>',
                     footer_template='<div style="font-size:14pt;width:100%;text-align:center;font-family:Noto Serif CJK SC">'
                                     '— <span class="pageNumber"></span> —</div>')
            row = measure(pdf, paras)
            for key in total:
                total[key] += row[key]
            lost.append(row["lost"])
            print(f"{name[:24]:<26} paras {row['paras']:>4}  mid-sentence {row['broken']:>4}  chrome {row['chrome']:>2}  "
                  f"lost {row['lost']:.4%}  {row['example']}"[:200])
        browser.close()
    share = total["broken"] / max(total["paras"], 1)
    print(f"TOTAL paragraphs {total['paras']}, mid-sentence {total['broken']} ({share:.1%}), chrome lines "
          f"{total['chrome']}, worst text loss {max(lost):.4%}")
    sys.exit(0)


if __name__ == "__main__":
    main()
