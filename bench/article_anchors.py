"""#28 article anchors (第X条): how many article leads of real regulations get an anchor.

    python bench/article_anchors.py [--corpus /work/shared/corpora/lawref-dev] [--import-docs 12]

1. Hand-written Markdown: every file of the corpus analysed by ``markdown.analyse``; article lines
   (a line starting 第X条) against article anchors, and the laws whose anchors number 1..N.
2. Imported files: ``--import-docs`` regulations of lawref-minzheng written out as plain text (the
   Markdown marks dropped) and, when LibreOffice is installed, printed to PDF by it; each imported
   with ``importer.run.import_file`` and its written body analysed again."""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from mzkb.config import load_config
from mzkb.content.model import DocType
from mzkb.importer.run import import_file
from mzkb.markdown import analyse, article_key

LEAD = re.compile(r"^第[零〇一二三四五六七八九十百千两\d]+条(?:之[一二三四五六七八九十]+)?(?=[\s:：.．、,，]|$)")
MINZHENG = Path("/work/shared/corpora/lawref-minzheng")


def corpus(root: Path) -> None:
    files = sorted(f for f in root.rglob("*.md") if f.name != "README.md")
    lines = anchored = laws = whole = 0
    start = time.process_time()
    for path in files:
        body = path.read_text(encoding="utf-8")
        lines += sum(1 for line in body.split("\n") if LEAD.match(line.strip().lstrip("\u200b\ufeff")))
        articles = analyse(body)[4]
        anchored += len(articles)
        if articles:
            laws += 1
            numbers = [article_key(a.label) for a in articles]
            whole += [int(n) for n in numbers if n.isdigit()] == list(range(1, sum(n.isdigit() for n in numbers) + 1))
    print(f"markdown: {len(files)} files, {lines} article lines, {anchored} anchored ({anchored / max(lines, 1):.4f}); "
          f"{laws} files with articles, {whole} numbered 1..N; {time.process_time() - start:.1f} s CPU")


def imported(count: int) -> None:
    files = sorted(f for f in MINZHENG.rglob("*.md") if f.name != "README.md")
    random.Random(28).shuffle(files)
    with tempfile.TemporaryDirectory(prefix="mzkb-bench-") as tmp:
        work = Path(tmp)
        subprocess.run(["mzkb", "init", str(work / "kb")], check=True, capture_output=True)
        config, _ = load_config(work / "kb" / "site_config.yml")
        texts = []
        for path in files:
            body = path.read_text(encoding="utf-8")
            if "<!-- INFO END -->" not in body or len(body) > 40_000:
                continue
            head, rest = body.split("<!-- INFO END -->", 1)
            title = re.search(r"^# (.+)$", head, re.M).group(1).strip()
            lines = [title] + [re.sub(r"^#+\s*", "", line).strip() for line in rest.split("\n")]
            target = work / f"{len(texts):02d}.txt"
            target.write_text("\n".join(line for line in lines if line) + "\n", encoding="utf-8")
            texts.append(target)
            if len(texts) == count:
                break
        kinds = {"txt": texts}
        soffice = shutil.which("soffice")
        if soffice:
            subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(work / "pdf"), *map(str, texts)],
                           check=True, capture_output=True)
            kinds["pdf"] = sorted((work / "pdf").glob("*.pdf"))
        for kind, sources in kinds.items():
            want = got = 0
            start = time.process_time()
            for source in sources:
                text = (work / f"{source.stem}.txt").read_text(encoding="utf-8")
                want += sum(1 for line in text.split("\n") if LEAD.match(line))
                result = import_file(source, source.name, config, DocType.GUIDELINE, [])
                got += len(analyse(result.text.split("---\n", 2)[2])[4])
            print(f"import {kind}: {len(sources)} files, {want} article lines in the source, {got} anchored after import; "
                  f"{time.process_time() - start:.1f} s CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("/work/shared/corpora/lawref-dev"))
    parser.add_argument("--import-docs", type=int, default=12)
    args = parser.parse_args()
    corpus(args.corpus)
    if args.import_docs:
        imported(args.import_docs)


if __name__ == "__main__":
    main()
