"""``mzkb init`` and ``mzkb new``: create a knowledge base and new documents."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import yaml

from .clock import local_today
from .content.ids import make_id
from .content.model import DocType

SITE_CONFIG = """\
# mzkb 站点配置。路径均相对于本文件。
site:
  title: {title}
  description: 民政服务机构政策、指南、微视频和典型案例汇编。
  language: zh

content_dir: content

audiences:
  - key: elderly-care
    label: 养老机构
    synonyms: [养老院, 敬老院]
  - key: child-welfare
    label: 儿童福利机构
    synonyms: [儿童福利院]
  - key: relief
    label: 流浪乞讨人员救助管理机构
    synonyms: [救助站, 救助管理站]
  - key: funeral
    label: 殡葬服务机构
    synonyms: [殡仪馆]
  - key: community
    label: 城乡社区
    synonyms: [社区]

topics: [疫情防控, 安全管理]

search:
  synonyms:
    - [新冠, 新冠肺炎, 新型冠状病毒]

bundle: {{}}
"""

GITIGNORE = "/site/\n.mzkb/\n"

SAMPLE_TITLE = "关于启用民政知识库的通知"
SAMPLE_BODY = ("本知识库收录适用于各类民政服务机构的政策通知、指南、微视频和典型案例。\n\n## 使用方法\n\n"
               "1. 在首页按机构类型查找；\n2. 在搜索框输入关键词。\n")


def init_kb(target: Path, title: str = "民政知识库") -> list[tuple[Path, str]]:
    """Create site_config.yml, the four content folders and one sample notice; return (path, Chinese verb) pairs.

    Nothing is ever overwritten: every file init would create is checked before anything is written
    (FileExistsError names the first that exists), and an existing .gitignore keeps its rules and only
    gets the missing mzkb lines appended.
    """
    config = target / "site_config.yml"
    sample = document_path(target / "content", DocType.NOTICE, SAMPLE_TITLE)
    for path in (config, sample):
        if path.exists() or path.is_symlink():
            raise FileExistsError(str(path))
    ignore = target / ".gitignore"
    if ignore.is_symlink() and not ignore.exists():
        raise FileExistsError(str(ignore))
    ignore_text = ignore.read_bytes() if ignore.exists() else None
    target.mkdir(parents=True, exist_ok=True)
    config.write_text(SITE_CONFIG.format(title=json.dumps(title, ensure_ascii=False)), encoding="utf-8")
    created = [(config, "已创建")]
    for doc_type in DocType:
        folder = target / "content" / doc_type.folder
        folder.mkdir(parents=True, exist_ok=True)
    if ignore_text is None:
        ignore.write_text(GITIGNORE, encoding="utf-8")
        created.append((ignore, "已创建"))
    else:
        missing = missing_ignore_lines(ignore_text)
        if missing:
            with ignore.open("ab") as out:
                out.write(("" if not ignore_text or ignore_text.endswith((b"\n", b"\r")) else "\n").encode()
                          + "".join(f"{line}\n" for line in missing).encode("utf-8"))
            created.append((ignore, "已补充"))
    created.append((new_document(target / "content", DocType.NOTICE, SAMPLE_TITLE, issuer="（请填写发文机关）",
                                 body=SAMPLE_BODY), "已创建"))
    return created


def missing_ignore_lines(text: bytes) -> list[str]:
    """The lines of GITIGNORE that an existing .gitignore lacks (a rule with or without its leading or trailing slash counts)."""
    have = {line.strip().strip(b"/") for line in text.splitlines()}
    return [line for line in GITIGNORE.splitlines() if line.strip("/").encode() not in have]


def document_path(content_dir: Path, doc_type: DocType, title: str) -> Path:
    """Where ``new_document`` writes a document of this type and title."""
    return content_dir / doc_type.folder / f"{make_id(title)}.md"


def new_document(content_dir: Path, doc_type: DocType, title: str, issuer: str = "（请填写发文机关）",
                 audiences: tuple[str, ...] = ("全部",), today: dt.date | None = None, body: str | None = None) -> Path:
    """Write a new, valid document with an ASCII id from the title's pinyin; return its path."""
    doc_id = make_id(title)
    path = document_path(content_dir, doc_type, title)
    if path.exists():
        raise FileExistsError(str(path))
    meta: dict = {"id": doc_id, "title": title, "date": (today or local_today()).isoformat(), "audiences": list(audiences)}
    if doc_type.row.rule:
        meta["issuer"] = issuer
    edition = re.search(r"[（(](第[一二三四五六七八九十\d]+版)[）)]", title)
    if edition:
        meta["edition"] = edition.group(1)
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=None).strip()
    extra = doc_type.row.scaffold
    text = f"---\n{front}\n{extra}---\n\n" + (body or "（在此撰写正文，标题从 ## 开始。）\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
