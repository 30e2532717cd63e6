"""Rebuild the real-document corpus of issue #28 outside the repository (default /work/realdocs).

    python bench/realdocs.py [--out /work/realdocs] [--mirror-root /work/.mirror]

Sources (public GitHub snapshots, pinned by commit; a missing mirror is cloned from GitHub):

* ``ZhouYNF/platform-1`` ``db/ge_policy_raw20190217.sql``: 60 pages of www.gov.cn/zhengce saved by a
  crawler in February 2019 (column ``html``: the page's main ``div.wrap``: the 索引号/发文机关/成文日期
  metadata table and the document body ``td#UCAP-CONTENT``).  ``HTML_IDS`` are written as saved pages.
* ``DOCX_IDS`` / ``PDF_IDS``: the document body alone (no page chrome) of those pages, turned into
  .docx and then .pdf by LibreOffice (``soffice --headless``): real texts and real merged-cell tables,
  but the Word/PDF files themselves are made here (say so when quoting figures).
* ``DiamonWoo/Laosheng.top`` ``falv/duben/2020-xingfa.pdf``: a real third-party text PDF of the 刑法
  (a private reading edition with a site header), as found on the web.

The truth per document is ``bench/realdocs_truth.yml`` (written by hand from reading each document).

``--set agency`` (default out /work/realdocs2) instead copies files other people made, byte for byte,
from the pinned snapshots in ``AGENCY`` (stem: repository, commit, path): the national law database's
Word files of 16 laws and one 决定 (Microsoft Word / WPS, kept in a RAG demo), the National Health
Commission's WPS-made PDFs (防控方案 第八版 and the 71号 notice of 第九版, 诊疗方案 第九版 and 第十版) and a law
PDF made in Word, a third party's LibreOffice PDF of the 宪法, and a 公文-checker's WPS test files
(two red-header 公文 as .docx, .doc, .wps, .ofd and .pdf; the .doc of the first is a third notice).
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

SOURCES = {
    "gov": ("ZhouYNF/platform-1", "2197df553eee3b0bc9989d91addadf2f4227fddc", "db/ge_policy_raw20190217.sql"),
    "laosheng": ("DiamonWoo/Laosheng.top", "960d764c2764edb3314e225cd500a5144b8d56c4", "falv/duben/2020-xingfa.pdf"),
}
RHINO, LAOSHENG, GOVCHECK = "RhinoZhou/RAG-Practice-Prj", "DiamonWoo/Laosheng.top", "Lawliet-lgtm/copilot-help"
_LAWS = "4822cce2cc1fea4507040cd1f0143f1999f449c2"
_NHC = "c5670404d84dd8765fa7be1a83dfa088fde75e64"
_TPL = "7560a92bba043e31ae985e2f4a1ea188c004371b"
AGENCY = {
    **{f"npc-{stem}.docx": (RHINO, _LAWS, f"中华人民共和国{name}.docx") for stem, name in (
        ("daibiao", "全国人民代表大会和地方各级人民代表大会代表法_20250311"), ("nongji", "农业技术推广法_20240426"),
        ("jiti", "农村集体经济组织法_20240628"), ("fanxiqian", "反洗钱法_20241108"),
        ("jianyi", "国境卫生检疫法_20240628"), ("guofang", "国防教育法_20240913"), ("xuewei", "学位法_20240426"),
        ("xueqian", "学前教育法_20241108"), ("wenwu", "文物保护法_20241108"), ("shengwu", "生物安全法_20240426"),
        ("jiancha", "监察法_20241225"), ("kuangchan", "矿产资源法_20241108"), ("tufa", "突发事件应对法_20240628"),
        ("tongji", "统计法_20240913"), ("nengyuan", "能源法_20241108"))},
    "npc-zhongzi.docx": (RHINO, _LAWS, "全国人民代表大会常务委员会关于授权国务院在中国（新疆）自由贸易试验区暂时调整适用"
                                       "《中华人民共和国种子法》有关规定的决定_20250430.docx"),
    "npc-xingfa.docx": (RHINO, "e23abc6997c34dfe5d4ee982475dde86740daa4c", "法律文档/中华人民共和国刑法.docx"),
    "npc-minying.pdf": (RHINO, "e23abc6997c34dfe5d4ee982475dde86740daa4c", "法律文档/中华人民共和国民营经济促进法.pdf"),
    "nhc-zl9.pdf": (RHINO, "52a5442ec41bb0fc61df67c6dae78a1d0341e482", "PDF/新冠治疗方案.pdf"),
    "nhc-zl10.pdf": (LAOSHENG, _NHC, "c/6/6-xinguan诊疗方案-第十版+书签补全-202301.pdf"),
    "nhc-fk9.pdf": (LAOSHENG, _NHC, "c/6/6-xinguan防控方案-第九版-书签整理-202206.pdf"),
    "nhc-fk8.pdf": (LAOSHENG, _NHC, "c/6/6-xinguan防控方案-第八版-书签整理-202105.pdf"),
    "laosheng-xianfa.pdf": (LAOSHENG, "741dfcc1f8122bd1c15741bdc6d9dce02cd4477f", "falv/2018《宪法》.pdf"),
    "laosheng-xingfa.pdf": (LAOSHENG, "960d764c2764edb3314e225cd500a5144b8d56c4", "falv/duben/2020-xingfa.pdf"),
    **{f"tpl-test.{ext}": (GOVCHECK, _TPL, f"cmd/debug_tools/govcheck/test_docs/test.{ext}")
       for ext in ("docx", "wps", "ofd", "pdf")},
    "tpl-test2.doc": (GOVCHECK, _TPL, "cmd/debug_tools/govcheck/test_docs/test.doc"),  # another notice
    **{f"tpl-master.{ext}": (GOVCHECK, _TPL, f"cmd/debug_tools/{where}/master_template.{ext}")
       for ext, where in (("docx", "govcheck/test_docs"), ("doc", "secret_level/test_data"),
                          ("wps", "secret_level/test_data"), ("ofd", "govcheck/test_docs"), ("pdf", "govcheck/test_docs"))},
}
HTML_IDS = (1, 4, 6, 10, 11, 14, 19, 23, 33, 38, 41, 44, 50, 52, 54, 58)
DOCX_IDS = (4, 11, 14, 33, 50, 54, 6, 38)
PDF_IDS = (1, 4, 6, 38, 50, 58, 14)
COLUMNS = ("id crawl_url crawl_time index_number title release_office release_number policy_basis "
           "wiritten_time release_time effect_time content image_url status html remark").split()


def git_file(mirror_root: Path, repo: str, commit: str, path: str) -> bytes:
    git_dir = mirror_root / repo.replace("/", "+") / "repo"
    if not git_dir.exists():
        git_dir = Path(tempfile.mkdtemp()) / "repo"
        subprocess.run(["git", "clone", "--bare", "--filter=blob:none", f"https://github.com/{repo}", str(git_dir)],
                       check=True)
    return subprocess.run(["git", "-C", str(git_dir), "show", f"{commit}:{path}"], check=True,
                          capture_output=True).stdout


def sql_rows(src: str):
    """The value tuples of a MySQL dump of one table (quoted strings with backslash escapes)."""
    at = 0
    while (start := src.find("values (", at)) >= 0:
        k, values = start + 8, []
        while src[k] != ")":
            if src[k] == "'":
                k, buf = k + 1, []
                while True:
                    c = src[k]
                    if c == "\\":
                        buf.append({"n": "\n", "t": "\t", "r": "\r", "0": "\0"}.get(src[k + 1], src[k + 1]))
                        k += 2
                    elif c == "'" and src[k + 1] == "'":
                        buf.append("'")
                        k += 2
                    elif c == "'":
                        k += 1
                        break
                    else:
                        buf.append(c)
                        k += 1
                values.append("".join(buf))
            elif src[k] in " \n\t\r,":
                k += 1
            else:
                m = re.match(r"[^,)]+", src[k:])
                values.append(m.group().strip())
                k += m.end()
        yield dict(zip(COLUMNS, values))
        at = k


def page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
            f"<body>{body}</body></html>\n")


def content_cell(saved: str) -> str:
    """The document body of a saved gov.cn page: the inside of ``td#UCAP-CONTENT``."""
    start = saved.index('id="UCAP-CONTENT">') + len('id="UCAP-CONTENT">')
    depth, k = 1, start
    for m in re.finditer(r"<(/?)td\b", saved[start:]):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            k = start + m.start()
            break
    return saved[start:k]


def soffice(src: Path, fmt: str, out: Path) -> Path:
    subprocess.run(["soffice", "--headless", "--convert-to", fmt, "--outdir", str(out), str(src)],
                   check=True, capture_output=True, timeout=180)
    return out / (src.stem + "." + fmt.split(":")[0])


def agency(out: Path, mirrors: Path) -> None:
    """The files of ``AGENCY`` as their makers saved them, one folder per format."""
    sources = {}
    for ext in {name.rsplit(".", 1)[1] for name in AGENCY}:
        shutil.rmtree(out / ext, ignore_errors=True)
        (out / ext).mkdir(parents=True)
    for name, (repo, commit, path) in AGENCY.items():
        ext = name.rsplit(".", 1)[1]
        (out / ext / name).write_bytes(git_file(mirrors, repo, commit, path))
        sources[name] = f"https://github.com/{repo}/blob/{commit}/{path}"
    (out / "sources.json").write_text(json.dumps(sources, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {len(sources)} files under {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", choices=("gov", "agency"), default="gov")
    parser.add_argument("--out", default="")
    parser.add_argument("--mirror-root", default="/work/.mirror")
    args = parser.parse_args()
    out, mirrors = Path(args.out or ("/work/realdocs2" if args.set == "agency" else "/work/realdocs")), Path(args.mirror_root)
    if args.set == "agency":
        agency(out, mirrors)
        return
    for sub in ("html", "docx", "pdf"):
        shutil.rmtree(out / sub, ignore_errors=True)
        (out / sub).mkdir(parents=True)
    rows = {int(r["id"]): r for r in sql_rows(git_file(mirrors, *SOURCES["gov"]).decode("utf-8"))}
    sources = {}
    for n in HTML_IDS:
        (out / "html" / f"gov-{n:02d}.html").write_text(page(rows[n]["title"], rows[n]["html"]), encoding="utf-8")
        sources[f"gov-{n:02d}"] = rows[n]["crawl_url"]
    with tempfile.TemporaryDirectory() as tmp:
        for n in sorted(set(DOCX_IDS) | set(PDF_IDS)):
            body = Path(tmp) / f"gov-{n:02d}.html"
            body.write_text(page(rows[n]["title"], content_cell(rows[n]["html"])), encoding="utf-8")
            docx = soffice(body, "docx:MS Word 2007 XML", Path(tmp))
            if n in DOCX_IDS:
                shutil.copy(docx, out / "docx" / docx.name)
            if n in PDF_IDS:
                shutil.copy(soffice(docx, "pdf", Path(tmp)), out / "pdf" / f"gov-{n:02d}.pdf")
    (out / "pdf" / "laosheng-xingfa.pdf").write_bytes(git_file(mirrors, *SOURCES["laosheng"]))
    sources["laosheng-xingfa"] = "https://github.com/DiamonWoo/Laosheng.top/blob/960d764/falv/duben/2020-xingfa.pdf"
    (out / "sources.json").write_text(json.dumps(sources, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {sum(1 for _ in out.rglob('*.*'))} files under {out}")


if __name__ == "__main__":
    main()
