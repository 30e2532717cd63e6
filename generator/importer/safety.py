"""What an import may take from beside the imported file: pictures a saved web page refers to
(inside the page's own folder, not hidden, not a key, really an image) and the attachments a
.docx names (exact name only). Every refusal has a reason the report can name."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

PICTURE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"\xff\xd8\xff", ".jpg"),
    (b"GIF87a", ".gif"),
    (b"GIF89a", ".gif"),
    (b"BM", ".bmp"),
)
"""Leading bytes of the picture formats an import copies (WebP is checked separately: RIFF….WEBP)."""

_SECRET_SUFFIXES = frozenset({".pem", ".key", ".p12", ".pfx", ".crt", ".cer", ".der", ".csr", ".asc", ".gpg", ".pgp",
                              ".kdbx", ".ppk", ".jks", ".keystore", ".env", ".netrc", ".pub", ".age", ".token"})
_SECRET_NAME = re.compile(r"(^id_(rsa|dsa|ecdsa|ed25519)|^authorized_keys|^known_hosts|^shadow$|^passwd$|private|secret|"
                          r"credential|passw|token|signing|(^|[-_.\s])keys?([-_.\s]|$)|密钥|私钥|口令|密码)", re.I)


def picture_kind(data: bytes) -> str:
    """The suffix of the picture format ``data`` really is ('.png', '.jpg', …); '' when it is none
    of the allowed ones (whatever the file's name says)."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    for magic, suffix in PICTURE_MAGIC:
        if data.startswith(magic):
            return suffix
    return ""


def looks_secret(name: str) -> bool:
    """A file or folder name that reads like a key, a password store or a credential."""
    return Path(name).suffix.lower() in _SECRET_SUFFIXES or bool(_SECRET_NAME.search(name))


def local_picture(folder: Path, src: str, max_bytes: int) -> tuple[Path | None, bytes, str]:
    """(file, bytes, '') for a picture reference of a page saved in ``folder``; (None, b'', reason)
    when it is refused. Only files inside ``folder``'s tree, reached without leaving it through a
    link, neither hidden nor key-like, not larger than ``max_bytes`` and really a picture."""
    rel = src.replace("\\", "/")
    parts = [p for p in rel.split("/") if p not in ("", ".")]
    if not parts or rel.startswith("/"):
        return None, b"", "不是网页所在文件夹中的文件"
    if ".." in parts:
        return None, b"", "指向网页所在文件夹之外"
    if any(p.startswith(".") for p in parts):
        return None, b"", "是隐藏文件或在隐藏文件夹中"
    if any(looks_secret(p) for p in parts):
        return None, b"", "文件名像是密钥或密码文件"
    base = folder.resolve()
    current = base
    for part in parts:
        current = current / part
        if current.is_symlink():
            target = current.resolve()
            if not target.is_relative_to(base):
                return None, b"", "是指向网页所在文件夹之外的符号链接"
            if any(p.startswith(".") or looks_secret(p) for p in target.relative_to(base).parts):
                return None, b"", "是指向隐藏文件或密钥文件的符号链接"
    source = current.resolve()
    if not source.is_relative_to(base):
        return None, b"", "指向网页所在文件夹之外"
    if not source.exists():
        return None, b"", "文件不存在（保存网页时没有一起保存）"
    if not source.is_file():
        return None, b"", "不是普通文件"
    if source.stat().st_size > max_bytes:
        return None, b"", f"文件超过 {max_bytes // 1024 // 1024} MB"
    with source.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    if not picture_kind(data):
        return None, b"", "文件内容不是 PNG、JPEG、GIF、WebP 或 BMP 图片"
    return source, data, ""


def name_key(text: str) -> str:
    """A file stem or an attachment title compared as the same name: NFKC (full-width digits and
    letters), no whitespace, no ``附件1`` numbering, no surrounding 《》“” or final 。."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"^附件\d*[-_—:.、]*", "", text)
    text = re.sub(r"^\d{1,2}[-_—:.、]+", "", text)
    return text.strip("《》“”\"'「」。；;，,")


def attachment_candidates(folder: Path, title: str, source: Path) -> tuple[list[Path], list[Path]]:
    """(files in ``folder`` whose name is exactly the attachment ``title``, files whose name is
    only close to it). Hidden, key-like and non-regular files and links leaving the folder are
    never candidates."""
    wanted = name_key(title)
    exact: list[Path] = []
    near: list[Path] = []
    if not wanted:
        return exact, near
    base = folder.resolve()
    for candidate in sorted(folder.iterdir()):
        name = candidate.name
        if candidate == source or name.startswith(".") or looks_secret(name) or candidate.suffix.lower() == ".md":
            continue
        if candidate.is_symlink() and not candidate.resolve().is_relative_to(base):
            continue
        if not candidate.is_file():
            continue
        stem = name_key(candidate.stem)
        if not stem:
            continue
        if stem == wanted:
            exact.append(candidate)
        elif len(stem) >= 2 and (stem in wanted or wanted in stem):
            near.append(candidate)
    return exact, near
