"""Import benchmark: speed of ``mzkb import`` and accuracy of the 公文 field extraction.

Usage: python bench/import.py [--files 100] [--accuracy 200] [--seed 7] | --real /work/realdocs

1. Generates ``--accuracy`` 公文 files from independent random layouts
   (``tests/fixtures/import/maker.py: varied_spec``: 发文机关标志 or not, six bracket styles
   for the 文号, 签发人, one- or two-line titles, Arabic or Chinese-numeral dates with 〇 or ○,
   joint signatures, no signature, 附件说明, 版记, 份号/密级, tables), spread over the formats
   .docx, .pdf (printed by Chromium), .html (ministry page with and without a metadata table)
   and .txt (UTF-8, GBK, UTF-16).
2. Speed: one ``mzkb import`` process imports the first ``--files`` of them into a fresh
   knowledge base; the wall time includes interpreter start-up.
3. Accuracy: title, doc_number, issuer and date of every file compared exactly with the
   layout's truth; every Han character of the body must appear in the output in order.

5. Real public documents (``--real DIR``, the corpus ``bench/realdocs.py`` rebuilds): the #28 bars
   per format against ``bench/realdocs_truth.yml`` (written by hand), see ``bench/_real.py``.

4. Real texts (``--lawref``): every file of ``../shared/corpora/lawref-dev`` through the .md
   path, title and date compared with its manifest (whose date comes from the file name).

Writes bench/out/import.json and prints a summary.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "import"))
import maker  # noqa: E402

FORMATS = ["docx", "pdf", "html", "html-plain", "txt-utf8", "txt-gbk", "txt-utf16"]
FIELDS = ("title", "doc_number", "issuer", "date")
HAN = re.compile(r"[\u3400-\u9fff]")


def generate(folder: Path, count: int, seed: int) -> list[tuple[Path, maker.Spec]]:
    """``count`` files, formats in rotation, each from its own random layout."""
    rng = random.Random(seed)
    made: list[tuple[Path, maker.Spec]] = []
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page()
        for n in range(count):
            spec = maker.varied_spec(rng)
            kind = FORMATS[n % len(FORMATS)]
            path = folder / f"gw-{n:03d}.{kind.split('-')[0]}"
            if kind == "docx":
                maker.make_docx(spec, path)
            elif kind == "pdf":
                maker.make_pdf(spec, path, page)
            elif kind.startswith("html"):
                path.write_text(maker.ministry_page(spec, with_meta=kind == "html"), encoding="utf-8")
            else:
                encoding = {"txt-utf8": "utf-8", "txt-gbk": "gb18030", "txt-utf16": "utf-16"}[kind]
                path.write_bytes(maker.text_version(spec).encode(encoding))
            made.append((path, spec))
        browser.close()
    return made


def run_import(files: list[Path], kb: Path) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall seconds, CPU seconds of the import process, its result)."""
    subprocess.run([sys.executable, "-m", "mzkb.cli", "init", str(kb)], check=True, capture_output=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "mzkb.cli", "import", "-c", str(kb / "site_config.yml"),
                           *map(str, files)], capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done


def han(text: str) -> str:
    return "".join(HAN.findall(text))


def subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(ch in it for ch in needle)


def accuracy(made: list[tuple[Path, maker.Spec]]) -> dict:
    """Field-by-field exact matches, using the importer in this process."""
    from mzkb.config import load_config
    from mzkb.importer.run import import_file
    from mzkb.content.model import DocType

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "mzkb.cli", "init", f"{tmp}/kb"], check=True, capture_output=True)
        config, _ = load_config(f"{tmp}/kb/site_config.yml")
        right: Counter = Counter()
        by_format: dict[str, Counter] = {}
        misses: list[dict] = []
        for path, spec in made:
            result = import_file(path, path.name, config, DocType.NOTICE, [])
            kind = path.suffix[1:]
            fmt = by_format.setdefault(kind, Counter())
            fmt["files"] += 1
            if not result.ok:
                misses.append({"file": path.name, "error": [d.format() for d in result.diagnostics]})
                continue
            _, front, body = result.text.split("---\n", 2)
            meta = yaml.safe_load(front)
            got = {"title": meta.get("title"), "doc_number": meta.get("doc_number", ""), "issuer": meta.get("issuer"),
                   "date": meta.get("date")}
            want = {"title": spec.title, "doc_number": spec.doc_number, "issuer": spec.issuer, "date": spec.date}
            ok = {f: got[f] == want[f] for f in FIELDS}
            ok["body"] = subsequence(han("".join(spec.body_texts())), han(body))
            for key, good in ok.items():
                right[key] += good
                fmt[key] += good
            if not all(ok.values()):
                misses.append({"file": path.name, **{f: [got[f], want[f]] for f in FIELDS if not ok[f]},
                               **({"body": "lost text"} if not ok["body"] else {})})
    total = len(made)
    return {"files": total, "exact": {k: right[k] / total for k in (*FIELDS, "body")},
            "by_format": {k: dict(v) for k, v in by_format.items()}, "misses": misses}


def lawref(folder: Path) -> dict:
    """Title and date of every lawref file against the manifest (date from the file name)."""
    from mzkb.config import load_config
    from mzkb.importer.run import import_file
    from mzkb.content.model import DocType

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    counts: Counter = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "mzkb.cli", "init", f"{tmp}/kb"], check=True, capture_output=True)
        config, _ = load_config(f"{tmp}/kb/site_config.yml")
        start = time.perf_counter()
        for entry in manifest:
            result = import_file(folder / entry["path"], entry["path"], config, DocType.GUIDELINE, [])
            counts["files"] += 1
            counts["imported"] += result.ok
            if result.known is None:
                continue
            counts["title"] += result.known.title == entry["title"]
            counts["dated"] += bool(entry["date"])
            counts["date"] += bool(entry["date"]) and result.known.date == entry["date"]
        seconds = time.perf_counter() - start
    return {**counts, "seconds": round(seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--accuracy", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--lawref", default="", help="folder of lawref-dev (with manifest.json) to import too")
    parser.add_argument("--real", default="", help="folder built by bench/realdocs.py: only the real-document bars")
    args = parser.parse_args()
    if args.real:
        sys.path.insert(0, str(HERE))
        import _real

        real = _real.measure(Path(args.real))
        (HERE / "out").mkdir(exist_ok=True)
        (HERE / "out" / "import-real.json").write_text(json.dumps(real, ensure_ascii=False, indent=1), encoding="utf-8")
        print("\n".join(_real.summary(real)))
        print("\n".join(_real.by_source(real)))
        for fmt, part in real.items():
            for miss in part["misses"][:25]:
                print(f"  {fmt} miss:", json.dumps(miss, ensure_ascii=False))
            for line in part["check_errors"]:
                print(f"  {fmt} check error in:", line)
        return
    with tempfile.TemporaryDirectory(prefix="mzkb-import-bench-") as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        made = generate(folder, max(args.files, args.accuracy), args.seed)
        seconds, cpu, done = run_import([p for p, _ in made[: args.files]], Path(tmp) / "kb")
        imported = done.stdout.count("已导入")
        quality = accuracy(made[: args.accuracy])
    load = os.getloadavg()[0]
    report = {"import_files": args.files, "import_seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
              "load_average": round(load, 1), "imported": imported,
              "exit_code": done.returncode, **quality}
    if args.lawref:
        report["lawref"] = lawref(Path(args.lawref))
        print("lawref: " + json.dumps(report["lawref"], ensure_ascii=False))
    (HERE / "out").mkdir(exist_ok=True)
    (HERE / "out" / "import.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    for line in [x for x in done.stderr.splitlines() if " 错误：" in x][:5]:
        print("  import error:", line)
    print(f"import of {args.files} files: {seconds:.1f} s wall, {cpu:.1f} s CPU, load average {load:.1f} "
          f"({imported} imported, exit {done.returncode})")
    print("exact: " + ", ".join(f"{k} {v:.1%}" for k, v in quality["exact"].items()) + f" (of {quality['files']} files)")
    for miss in quality["misses"][:15]:
        print("  miss:", json.dumps(miss, ensure_ascii=False))


if __name__ == "__main__":
    main()
