"""Ed25519 signatures over manifest.json and update.json (``cryptography``).

A public key is written ``ed25519:<base64 of the 32 raw bytes>`` (one line, what ``mzkb keygen``
prints and ``site_config.yml`` holds under ``bundle.public_key``); its fingerprint is the first
16 bytes of its SHA-256 in groups of four hex digits, for people to compare by eye.
A signature file (``manifest.sig``, ``update.sig``) is JSON: format, algorithm, the public key and
the base64 signature of the exact bytes of the signed file.

What a check proves depends on the key it is checked against: the key embedded in a bundle only
shows the files were not changed after signing by *someone*; only a key the reader already trusts
(configured, given with ``--public-key``, or that of a bundle checked before) shows *who* signed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .format import BundleError, os_reason

PREFIX = "ed25519:"
SIGNATURE_FORMAT = "mzkb-signature"
KEY_FILE = "mzkb-signing-key.pem"
PUBLIC_FILE = "mzkb-signing-key.pub"
KEY_ENV = "MZKB_SIGNING_KEY"

VALID, INVALID, UNSIGNED = "valid", "invalid", "unsigned"
LABELS = {VALID: "签名有效", INVALID: "签名无效", UNSIGNED: "未签名"}


@dataclass(frozen=True, slots=True)
class TrustedKey:
    """A public key the reader trusts, and where it came from (shown in reports)."""

    text: str
    source: str


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """Outcome of checking one signed file: status (valid/invalid/unsigned), the signer's key, why."""

    status: str
    public_key: str = ""
    trusted: TrustedKey | None = None
    detail: str = ""

    @property
    def label(self) -> str:
        """签名有效 / 签名无效 / 未签名."""
        return LABELS[self.status]

    @property
    def authentic(self) -> bool:
        """Valid against a key the reader trusts (not only the key the file carries)."""
        return self.status == VALID and self.trusted is not None

    def line(self) -> str:
        """One Chinese sentence for reports."""
        if self.status == VALID and self.trusted:
            return f"{self.label}：由可信公钥（{self.trusted.source}，指纹 {fingerprint(self.public_key)}）签名。"
        if self.status == VALID:
            return (f"{self.label}（公钥指纹 {fingerprint(self.public_key)}），但只与包内附带的公钥核对过，不能证明来源："
                    "请用 --public-key 或 site_config.yml 的 bundle.public_key 给出发布单位公布的公钥再校验。")
        return f"{self.label}：{self.detail}" if self.detail else self.label


def public_text(key: Ed25519PublicKey) -> str:
    """``ed25519:<base64>`` of a public key."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return PREFIX + base64.b64encode(raw).decode("ascii")


def parse_public_key(text: str, where: str = "公钥") -> Ed25519PublicKey:
    """The key of an ``ed25519:<base64>`` line; ``BundleError`` (MZ926) if malformed."""
    raw = b""
    if isinstance(text, str) and text.strip().startswith(PREFIX):
        try:
            raw = base64.b64decode(text.strip()[len(PREFIX):], validate=True)
        except (binascii.Error, ValueError):
            raw = b""
    if len(raw) != 32:
        raise BundleError("MZ926", f"{where}格式不对：应为 mzkb keygen 打印的一行 ed25519:…（44 个字符的 base64）")
    return Ed25519PublicKey.from_public_bytes(raw)


def fingerprint(text: str) -> str:
    """``AB12 CD34 …`` (8 groups): the first 16 bytes of the SHA-256 of the key line's raw bytes."""
    try:
        raw = base64.b64decode(text[len(PREFIX):], validate=True)
    except (binascii.Error, ValueError, TypeError):
        return "（无法识别）"
    digest = hashlib.sha256(raw).hexdigest()[:32].upper()
    return " ".join(digest[i:i + 4] for i in range(0, 32, 4))


def generate_key(folder: Path) -> tuple[Path, str]:
    """Write a new private key (PEM, mode 0600, never overwriting) and its public line beside it."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    key_path, pub_path = folder / KEY_FILE, folder / PUBLIC_FILE
    for path in (key_path, pub_path):
        if path.exists() or path.is_symlink():
            raise BundleError("MZ926", f"{path} 已存在，未做任何改动：换一个目录，或先把旧密钥移走（丢失私钥后旧签名仍然有效）",
                              file=str(path))
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    os.chmod(key_path, 0o600)
    public = public_text(key.public_key())
    pub_path.write_text(public + "\n", encoding="ascii")
    return key_path, public


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 key in a PEM file; ``BundleError`` (MZ926) naming the file if unusable."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise BundleError("MZ926", f"无法读取签名私钥：{os_reason(exc)}", file=str(path)) from None
    except ValueError:
        raise BundleError("MZ926", "私钥路径中含有不允许的字符", file=repr(str(path))) from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        raise BundleError("MZ926", "不是 mzkb keygen 生成的 Ed25519 私钥文件（或已损坏、带有密码）", file=str(path))
    return key


def sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    """The signature file for ``data``."""
    doc = {"format": SIGNATURE_FORMAT, "algorithm": "ed25519", "public_key": public_text(key.public_key()),
           "signature": base64.b64encode(key.sign(data)).decode("ascii")}
    return (json.dumps(doc, indent=2) + "\n").encode("ascii")


def _read_signature(sig_bytes: bytes) -> tuple[str, bytes]:
    """(public key line, raw signature) of a signature file; ValueError if malformed."""
    doc = json.loads(sig_bytes)
    if not isinstance(doc, dict) or doc.get("format") != SIGNATURE_FORMAT or doc.get("algorithm") != "ed25519":
        raise ValueError("format")
    key, sig = doc.get("public_key"), doc.get("signature")
    if not isinstance(key, str) or not isinstance(sig, str):
        raise ValueError("fields")
    return key, base64.b64decode(sig, validate=True)


def check(data: bytes, sig_bytes: bytes | None, declared: str | None, trusted: TrustedKey | None) -> SignatureCheck:
    """Check the signature of ``data``: ``declared`` is the key the signed file names (its ``signing``
    field), ``trusted`` the key the reader trusts (None: only the embedded key is available)."""
    if sig_bytes is None:
        if declared:
            return SignatureCheck(INVALID, declared, trusted, "清单写明已签名，但签名文件缺失")
        return SignatureCheck(UNSIGNED, "", trusted, "没有签名文件，无法确认来源")
    try:
        key_text, raw = _read_signature(sig_bytes)
        key = parse_public_key(key_text)
    except (ValueError, binascii.Error, BundleError, RecursionError):
        return SignatureCheck(INVALID, declared or "", trusted, "签名文件已损坏")
    if declared != key_text:
        return SignatureCheck(INVALID, key_text, trusted, "签名文件中的公钥与清单中写明的不一致")
    if trusted is not None and trusted.text.strip() != key_text:
        return SignatureCheck(INVALID, key_text, trusted,
                              f"签名者（指纹 {fingerprint(key_text)}）不是可信公钥（{trusted.source}，"
                              f"指纹 {fingerprint(trusted.text.strip())}）")
    try:
        key.verify(raw, data)
    except InvalidSignature:
        return SignatureCheck(INVALID, key_text, trusted, "签名与文件内容不符（文件在签名后被改动过，或签名是伪造的）")
    return SignatureCheck(VALID, key_text, trusted)
