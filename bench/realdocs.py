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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="/work/realdocs")
    parser.add_argument("--mirror-root", default="/work/.mirror")
    args = parser.parse_args()
    out, mirrors = Path(args.out), Path(args.mirror_root)
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
