"""Issue #28 bars on real public documents (``python bench/import.py --real /work/realdocs``).

The corpus is rebuilt by ``bench/realdocs.py``; the truth per document is ``bench/realdocs_truth.yml``,
written by hand. Everything mzkb is measured against here is computed from the source files by this
module's own code (lxml for HTML tables and paragraphs, the docx XML, ``pdftotext``), never from mzkb.

Per format: each field exact (title, doc_number, issuer, date, attachments); wrong values written
without ``unconfirmed``; Han characters of the source lost (in order); paragraphs broken mid-sentence;
rows of merged-cell tables whose every cell is in its column; files passing ``mzkb check`` once the
flagged placeholders are filled. Anchors: pandoc (HTML, Word) and ``pdftotext -layout`` (PDF).
"""

from __future__ import annotations

import html as html_lib
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

import yaml

HAN = re.compile(r"[\u3400-\u9fff]")
ENDS = tuple("。；：！？…”’）」』")
FIELDS = ("title", "doc_number", "issuer", "date", "attachments")
FORMATS = ("html", "docx", "doc", "wps", "ofd", "pdf")
HERE = Path(__file__).resolve().parent
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def han(text: str) -> str:
    return "".join(HAN.findall(text))


def compact(text: str) -> str:
    return re.sub(r"[\s\u3000\xa0]+", "", text)


# ---- the source side (independent of mzkb) -------------------------------------------------------

def _content(root):
    cell = root.xpath('//*[@id="UCAP-CONTENT"]')
    return cell[0] if cell else root.find(".//body")


def _grid(table) -> list[tuple[str, ...]]:
    """Rows of an lxml table with every merged cell's text in each slot it covers."""
    grid: dict[tuple[int, int], str] = {}
    rows = [tr for tr in table.iter("tr") if _owner(tr) is table]
    for r, tr in enumerate(rows):
        c = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            text = compact(td.text_content())
            span_r = max(1, int(re.sub(r"\D", "", td.get("rowspan") or "1") or 1))
            span_c = max(1, int(re.sub(r"\D", "", td.get("colspan") or "1") or 1))
            for dr in range(min(span_r, len(rows) - r)):
                for dc in range(span_c):
                    grid[(r + dr, c + dc)] = text
            c += span_c
    width = max((c for _, c in grid), default=-1) + 1
    out = [tuple(grid.get((r, c), "") for c in range(width)) for r in range(len(rows))]
    return [row for row in out if any(row)]


def _owner(element):
    while element is not None and element.tag != "table":
        element = element.getparent()
    return element


def _merged_tables(root) -> list[list[tuple[str, ...]]]:
    out = []
    for table in root.iter("table"):
        if table.xpath(".//table"):
            continue  # a layout table around other tables
        if any((td.get("rowspan") or "1").strip() not in ("", "1") or (td.get("colspan") or "1").strip() not in ("", "1")
               for td in table.iter("td", "th")):
            grid = _grid(table)
            if len(grid) > 1 and len(grid[0]) > 1:
                out.append(grid)
    return out


def html_source(path: Path) -> dict:
    import lxml.html

    root = lxml.html.document_fromstring(path.read_text(encoding="utf-8"))
    content = _content(root)
    for br in content.iter("br"):
        br.tail = "\n" + (br.tail or "")
    paras = []
    for el in content.iter("p", "td", "th", "li", "h1", "h2", "h3", "h4", "div"):
        if el.tag in ("td", "th", "div") and el.xpath(".//p|.//div|.//table"):
            continue
        for piece in el.text_content().split("\n"):
            if compact(piece):
                paras.append(compact(piece))
    return {"paras": paras, "tables": _merged_tables(content)}


def docx_source(path: Path) -> list[str]:
    from lxml import etree

    xml = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    out = []
    for p in xml.iter(W + "p"):
        text = "".join(t.text or "" for t in p.iter(W + "t"))
        for piece in text.split("\n"):
            if compact(piece):
                out.append(compact(piece))
    return out


def converted_source(path: Path) -> list[str]:
    """Paragraphs of a .doc/.wps as LibreOffice saves them to .docx (the reference reading of a binary Word file)."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["soffice", "--headless", "--convert-to", "docx:MS Word 2007 XML", "--outdir", tmp, str(path)],
                       check=True, capture_output=True, timeout=180)
        return docx_source(Path(tmp) / (path.stem + ".docx"))


def ofd_source(path: Path) -> list[str]:
    """Text lines of an OFD: the TextCode runs of each page's Content.xml, a line per baseline."""
    from lxml import etree

    lines: list[str] = []
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if n.endswith("Content.xml")):
            rows: dict[float, list[tuple[float, str]]] = {}
            for obj in etree.fromstring(z.read(name)).iter("{*}TextObject"):
                box = [float(v) for v in (obj.get("Boundary") or "0 0 0 0").split()]
                for code in obj.iter("{*}TextCode"):
                    y = round(box[1] + float(code.get("Y") or 0))
                    rows.setdefault(y, []).append((box[0] + float(code.get("X") or 0), code.text or ""))
            lines += ["".join(t for _, t in sorted(row)) for _, row in sorted(rows.items())]
    return [compact(ln) for ln in lines if compact(ln)]


def pdf_source(path: Path, layout: bool = False) -> str:
    return subprocess.run(["pdftotext", *(["-layout"] if layout else []), str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


# ---- the output side ------------------------------------------------------------------------------

def out_blocks(body: str) -> tuple[list[str], list[list[tuple[str, ...]]]]:
    """(paragraph texts without Markdown markup, tables as grids) of an imported body."""
    import lxml.html

    paras, tables = [], []
    for block in re.split(r"\n\s*\n", body):
        block = block.strip()
        if not block:
            continue
        if "<table" in block:
            root = lxml.html.fragment_fromstring(block, create_parent="div")
            tables += [_grid(t) for t in root.iter("table")]
            continue
        if block.startswith("|"):
            rows = [ln for ln in block.splitlines() if ln.startswith("|") and not re.match(r"^\|[\s:|-]+\|$", ln)]
            tables.append([tuple(compact(html_lib.unescape(c.replace("\\|", "|")))
                                 for c in re.split(r"(?<!\\)\|", r.strip()[1:-1])) for r in rows])
            continue
        if block.startswith("#"):
            continue  # a heading is not a paragraph
        text = re.sub(r"^(?:[-*] |\d+\. |> )", "", block, flags=re.M)
        text = re.sub(r"\*\*|\\(?=[\\`*_{}\[\]()#+\-.!|<>])|<[^>]+>|\{#[^}]*\}", "", text)
        paras.append(compact(html_lib.unescape(text)))
    return paras, tables


def lost(ref_paras: list[str], out_text: str) -> tuple[int, int]:
    """(Han characters of the source not found in order in the output, Han characters of the source)."""
    got = han(out_text)
    cursor, missing, total = 0, 0, 0
    for para in ref_paras:
        need = han(para)
        if not need:
            continue
        total += len(need)
        at = got.find(need, cursor)
        if at >= 0:
            cursor = at + len(need)
            continue
        at = got.find(need)
        if at >= 0:  # present, out of order (a repeated header cell): not lost
            continue
        window, matched, k = got[cursor: cursor + 3 * len(need) + 50], 0, 0
        for ch in need:
            j = window.find(ch, k)
            if j >= 0:
                matched, k = matched + 1, j + 1
        missing += len(need) - matched
        cursor += k
    return missing, total


def broken(paras: list[str], ref_paras: list[str] | None) -> tuple[int, int]:
    """(paragraphs ending mid-sentence that are not whole source paragraphs, paragraphs)."""
    ref = set(ref_paras or ())
    count = bad = 0
    for p in paras:
        if len(han(p)) < 2:
            continue
        count += 1
        if p.endswith(ENDS) or p in ref:
            continue
        if ref_paras is None and len(p) < 25:
            continue  # no source paragraphs to compare with: a short line may be a heading or signature
        bad += 1
    return bad, count


def aligned(ref_tables, out_tables) -> tuple[int, int]:
    have = Counter(row for t in out_tables for row in t)
    ok = total = 0
    for table in ref_tables:
        for row in table:
            total += 1
            if have[row] > 0:
                have[row] -= 1
                ok += 1
    return ok, total


# ---- the run --------------------------------------------------------------------------------------

def _fill(text: str) -> str:
    """What an editor does with a flagged file: fill the placeholders, confirm the guesses."""
    from mzkb.importer import writer

    text = text.replace(writer.PLACEHOLDER_TITLE, "标题").replace(writer.PLACEHOLDER_ISSUER, "某机关")
    text = text.replace(f'"{writer.PLACEHOLDER_DATE}"', '"2000-01-01"').replace(writer.PLACEHOLDER_DATE, "2000-01-01")
    return re.sub(r"(?m)^unconfirmed:.*\n", "", text)


def measure(folder: Path, truth_file: Path = HERE / "realdocs_truth.yml") -> dict:
    from mzkb.config import load_config
    from mzkb.content.model import DocType
    from mzkb.importer import gongwen
    from mzkb.importer.run import import_file, read

    truth = yaml.safe_load(truth_file.read_text(encoding="utf-8"))
    html_refs = {p.stem: html_source(p) for p in sorted((folder / "html").glob("*.html"))}
    report: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in FORMATS:
            files = sorted((folder / fmt).glob(f"*.{fmt}"))
            if not files:
                continue
            kb = Path(tmp) / f"kb-{fmt}"
            subprocess.run([sys.executable, "-m", "mzkb.cli", "init", str(kb)], check=True, capture_output=True)
            config, _ = load_config(kb / "site_config.yml")
            c: Counter = Counter()
            misses: list[dict] = []
            per_file: dict[str, dict] = {}
            known: list = []
            for path in files:
                want = truth[path.stem]
                result = import_file(path, path.name, config, DocType.NOTICE, known)
                c["files"] += 1
                if result.known is not None:
                    known.append(result.known)
                if not result.ok:
                    misses.append({"file": path.name, "error": [d.format() for d in result.diagnostics
                                                                if " 错误：" in d.format()][:2]})
                    continue
                _, front, body = result.text.split("---\n", 2)
                meta = yaml.safe_load(front)
                flagged = set(meta.get("unconfirmed") or ())
                names = list(gongwen.extract(read(path, path.name, config.max_file_mb)).fields.attachments)
                got = {"title": meta.get("title"), "doc_number": meta.get("doc_number", ""),
                       "issuer": meta.get("issuer", ""), "date": str(meta.get("written_date") or ""),
                       "attachments": names}
                for key in FIELDS:
                    good = got[key] == (want[key] or ([] if key == "attachments" else ""))
                    if not want[key] and key != "attachments" and str(got[key]).startswith("（请填写"):
                        good = True  # not printed in the file: the placeholder to fill is the right answer
                    c[key] += good
                    if not good:
                        misses.append({"file": path.name, key: [got[key], want[key]], "flagged": key in flagged})
                        written = got[key] and key != "attachments" and not str(got[key]).startswith("（请填写")
                        c["wrong_unflagged"] += bool(written and key not in flagged)
                        c["wrong"] += bool(written)
                ref = html_refs.get(path.stem) if path.stem in html_refs else None
                if fmt == "docx":
                    ref_paras = docx_source(path)
                elif fmt in ("doc", "wps"):
                    ref_paras = converted_source(path)
                elif ref is not None:
                    ref_paras = ref["paras"]
                else:
                    ref_paras = None
                if ref_paras is not None:
                    loss_ref = ref_paras
                else:
                    loss_ref = ofd_source(path) if fmt == "ofd" else pdf_source(path).splitlines()
                # the 版头 and 版记 move into the front matter (title, 文号, 主送, 抄送, 印发…): shown in the page's header
                shown = "".join(str(meta.get(k) or "") for k in ("title", "doc_number", "issuer", "recipients", "cc",
                                                                  "printed", "signer")) + body
                miss, total = lost(loss_ref, shown)
                c["han_lost"] += miss
                c["han"] += total
                paras, tables = out_blocks(body)
                b, n = broken(paras, ref_paras)
                c["broken"] += b
                c["paras"] += n
                per_file[path.name] = {"fields": {k: got[k] == (want[k] or ([] if k == "attachments" else ""))
                                                  or (not want[k] and str(got[k]).startswith("（请填写")) for k in FIELDS},
                                       "han_lost": miss, "han": total, "broken": b, "paras": n}
                if b or miss:
                    misses.append({"file": path.name, "mid_sentence": f"{b}/{n}", "han_lost": f"{miss}/{total}",
                                   "examples": [p[-30:] for p in paras if p and not p.endswith(ENDS)][:3]})
                if ref is not None and ref["tables"]:
                    ok, rows = aligned(ref["tables"], tables)
                    c["rows_aligned"] += ok
                    c["merged_rows"] += rows
                    if ok < rows:
                        misses.append({"file": path.name, "table_rows_aligned": f"{ok}/{rows}"})
                result.target.parent.mkdir(parents=True, exist_ok=True)
                result.target.write_text(_fill(result.text), encoding="utf-8")
                for target, data in result.files:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
            check = subprocess.run([sys.executable, "-m", "mzkb.cli", "check", "-c", str(kb / "site_config.yml")],
                                   capture_output=True, text=True)
            failing = {ln.split(":", 1)[0] for ln in (check.stdout + check.stderr).splitlines() if " 错误：" in ln}
            c["check_failing"] = len(failing)
            report[fmt] = {"counts": dict(c), "misses": misses, "check_errors": sorted(failing)[:5], "files": per_file,
                           "anchor": anchor(fmt, files, html_refs)}
    return report


def anchor(fmt: str, files: list[Path], html_refs: dict) -> dict:
    """The same figures for pandoc (HTML, Word) and ``pdftotext -layout`` (PDF), where they apply."""
    c: Counter = Counter()
    if fmt not in ("html", "docx", "pdf"):
        return {"tool": "none for this format"}
    for path in files:
        ref = html_refs.get(path.stem)
        if fmt == "pdf":
            text = pdf_source(path, layout=True)
            paras = [compact(p) for p in re.split(r"\n\s*\n|\n", text) if compact(p)]
            tables: list = []
        elif shutil.which("pandoc"):
            md = subprocess.run(["pandoc", "-f", fmt, "-t", "markdown_strict+pipe_tables", "--wrap=none", str(path)],
                                capture_output=True, text=True).stdout
            paras, tables = out_blocks(md)
            text = md
        else:
            return {"tool": "pandoc not installed"}
        ref_paras = docx_source(path) if fmt == "docx" else (ref["paras"] if ref else None)
        b, n = broken(paras, ref_paras)
        c["broken"] += b
        c["paras"] += n
        miss, total = lost(ref_paras if ref_paras is not None else pdf_source(path).splitlines(), text)
        c["han_lost"] += miss
        c["han"] += total
        if ref and ref["tables"]:
            ok, rows = aligned(ref["tables"], tables)
            c["rows_aligned"] += ok
            c["merged_rows"] += rows
    return {"tool": "pdftotext -layout" if fmt == "pdf" else "pandoc", **c}


def summary(report: dict) -> list[str]:
    lines = []
    for fmt, part in report.items():
        c = part["counts"]
        n = c.get("files", 0) or 1
        fields = ", ".join(f"{k} {c.get(k, 0)}/{c.get('files', 0)}" for k in FIELDS)
        rows = f"{c.get('rows_aligned', 0)}/{c.get('merged_rows', 0)}" if c.get("merged_rows") else "no merged tables"
        lines.append(f"{fmt}: {c.get('files', 0)} files; {fields}; wrong unflagged {c.get('wrong_unflagged', 0)} "
                     f"(wrong {c.get('wrong', 0)}); text lost {c.get('han_lost', 0) / max(1, c.get('han', 0)):.2%}; "
                     f"mid-sentence {c.get('broken', 0)}/{c.get('paras', 0)} "
                     f"({c.get('broken', 0) / max(1, c.get('paras', 0)):.1%}); merged rows aligned {rows}; "
                     f"check failing {c.get('check_failing', 0)}/{n}")
        a = part["anchor"]
        if "paras" in a:
            rows = f"{a.get('rows_aligned', 0)}/{a.get('merged_rows', 0)}" if a.get("merged_rows") else "-"
            lines.append(f"  {a['tool']}: text lost {a.get('han_lost', 0) / max(1, a.get('han', 0)):.2%}; mid-sentence "
                         f"{a['broken']}/{a['paras']} ({a['broken'] / max(1, a['paras']):.1%}); merged rows aligned {rows}")
    return lines


def by_source(report: dict) -> list[str]:
    """The same bars per source (the file-name prefix: npc-, nhc-, laosheng-, tpl-, gov-) and format."""
    lines = []
    for fmt, part in report.items():
        groups: dict[str, list[dict]] = {}
        for name, rec in (part.get("files") or {}).items():
            groups.setdefault(name.split("-")[0], []).append(rec)
        for source, recs in sorted(groups.items()):
            exact = " ".join(f"{sum(r['fields'][k] for r in recs)}" for k in FIELDS)
            lost_, han_ = sum(r["han_lost"] for r in recs), sum(r["han"] for r in recs)
            b, n = sum(r["broken"] for r in recs), sum(r["paras"] for r in recs)
            lines.append(f"  {fmt} {source}: {len(recs)} files; exact {exact}; lost {lost_}/{han_} "
                         f"({lost_ / max(1, han_):.2%}); mid-sentence {b}/{n} ({b / max(1, n):.1%})")
    return lines
