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

ROW = re.compile(r"^insert into ge_policy_raw \(([^)]*)\) values \((.*)\);\s*$", re.I | re.S | re.M)
TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)
BLOCK = re.compile(r"</?(p|div|br|tr|li|h[1-6])\b[^>]*>", re.I)
DOCNO = re.compile(r"〔(19|20)\d\d〕\d+号$")


def sql_values(text: str) -> list[str | None]:
    """The values of one ``values (…)`` list: quoted strings (with '' and backslash escapes), null, numbers."""
    out: list[str | None] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " ,\n\r\t":
            i += 1
        elif c == "'":
            i += 1
            buf = []
            while i < n:
                c = text[i]
                if c == "\\" and i + 1 < n:
                    buf.append({"n": "\n", "t": "\t", "r": ""}.get(text[i + 1], text[i + 1]))
                    i += 2
                elif c == "'" and i + 1 < n and text[i + 1] == "'":
                    buf.append("'")
                    i += 2
                elif c == "'":
                    i += 1
                    break
                else:
                    buf.append(c)
                    i += 1
            out.append("".join(buf))
        else:
            j = i
            while j < n and text[j] not in ",":
                j += 1
            word = text[i:j].strip()
            out.append(None if word.lower() == "null" else word)
            i = j
    return out


def rows(sql: str) -> list[dict]:
    """Rows of the dump as dicts."""
    found = []
    for statement in re.split(r"(?=^insert into )", sql, flags=re.I | re.M):
        match = ROW.match(statement.strip() + "\n")
        if not match:
            continue
        names = [c.strip() for c in match.group(1).split(",")]
        values = sql_values(match.group(2))
        if len(values) == len(names):
            found.append(dict(zip(names, values)))
    return found


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
