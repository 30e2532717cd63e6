"""Real public notices with a 文号 as a knowledge base, for the search benchmarks (issue #27).

    python bench/real_notices.py SQL_FILE OUT_DIR

SQL_FILE: an SQL dump of gov.cn policy pages (``insert into ge_policy_raw (…, title,
release_office, release_number, …, release_time, …, content, …) values (…);``), e.g.
``db/ge_policy_raw20190217.sql`` of the public repository ZhouYNF/platform-1 (State Council
documents crawled from www.gov.cn in February 2019). Kept outside this repository: only this
converter is ours. Each row with a 文号 becomes a notice (title, date, issuer, 文号, the page's text
as paragraphs); the texts cite each other's 文号 as real notices do. Writes OUT_DIR/site_config.yml.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

from realdocs import sql_rows  # bench/ is on sys.path when a bench script runs

TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)
BLOCK = re.compile(r"</?(p|div|br|tr|li|h[1-6])\b[^>]*>", re.I)
DOCNO = re.compile(r"〔(19|20)\d\d〕\d+号$")


def rows(sql: str) -> list[dict]:
    """Rows of the dump as dicts (``realdocs.sql_rows`` reads the same gov.cn dump): SQL null as None,
    carriage returns dropped."""
    return [{k: None if v.lower() == "null" else v.replace("\r", "") for k, v in row.items()} for row in sql_rows(sql)]


def paragraphs(page: str) -> list[str]:
    """The text of an HTML fragment, one paragraph a line."""
    text = html.unescape(TAG.sub("", BLOCK.sub("\n", page or "")))
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def convert(sql_path: Path, target: Path) -> int:
    """Write the notices; return how many."""
    folder = target / "content" / "notices"
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for row in rows(sql_path.read_text(encoding="utf-8", errors="replace")):
        number = (row.get("release_number") or "").strip()
        title = " ".join((row.get("title") or "").split())
        body = paragraphs(row.get("content") or "")
        if not (DOCNO.search(number) and title and body):
            continue
        count += 1
        date = (row.get("release_time") or row.get("crawl_time") or "2019-01-01")[:10]
        issuer = (row.get("release_office") or "国务院").strip()
        meta = [f"id: real-{int(row['id']):05d}", f"title: '{title.replace(chr(39), chr(39) * 2)}'", f"date: {date}",
                f"issuer: {issuer}", f"doc_number: {number}", "audiences: [全部]"]
        text = "\n\n".join(p.replace("#", "＃") for p in body)
        (folder / f"real-{int(row['id']):05d}.md").write_text("---\n" + "\n".join(meta) + "\n---\n\n" + text + "\n", encoding="utf-8")
    (target / "site_config.yml").write_text("site:\n  title: 真实通知（基准）\ncontent_dir: content\naudiences:\n"
                                            "  - key: elderly-care\n    label: 养老机构\n", encoding="utf-8")
    return count


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    print(convert(Path(sys.argv[1]), Path(sys.argv[2])))
