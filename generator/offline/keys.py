"""Which keys to use: the signing key of ``mzkb bundle``, the trusted key of ``verify``/``apply-update``,
and where ``mzkb keygen`` may write a private key (never where it could be committed or published)."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..config import SiteConfig
from ..diagnostics import Diagnostic, make
from . import signing
from .format import BundleError, os_reason
from .signing import KEY_ENV, TrustedKey


def default_key_dir() -> Path:
    """``$XDG_CONFIG_HOME/mzkb`` (else ``~/.config/mzkb``): outside any knowledge base."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "mzkb"


def _git_work_tree(folder: Path) -> Path | None:
    for parent in (folder, *folder.parents):
        if (parent / ".git").exists():
            return parent
    return None


def _forbidden(folder: Path, config: SiteConfig | None) -> str:
    """Why a private key must not be written into ``folder`` ("" if it may)."""
    folder = folder.resolve()
    if config is not None:
        places = ((config.content_dir, "内容目录（content）"), (config.root / "site", "网站输出目录（site）"),
                  (config.state_dir, "缓存目录（.mzkb）"), (config.root, "知识库文件夹"))
        for place, label in places:
            if folder == place.resolve() or folder.is_relative_to(place.resolve()):
                return f"{label}（{place}）中：私钥可能被提交到 git、打进网站或离线包"
    repo = _git_work_tree(folder)
    if repo is not None:
        return f"git 仓库（{repo}）中：私钥可能被提交并公开"
    return ""


def keygen(folder: Path | None, config: SiteConfig | None) -> tuple[Path, str]:
    """Write a new key pair into ``folder`` (default ``default_key_dir()``); return the private key's path and
    the public key line. ``BundleError`` (MZ926) if the place is unsafe or a key is already there."""
    folder = Path(folder) if folder is not None else default_key_dir()
    if "\x00" in str(folder):
        raise BundleError("MZ926", "路径中含有不允许的字符", file=repr(str(folder)))
    why = _forbidden(folder.absolute(), config)
    if why:
        raise BundleError("MZ926", f"不能把签名私钥放在{why}。请用 -o 指定知识库以外、只有你能访问的文件夹",
                          file=str(folder))
    try:
        return signing.generate_key(folder)
    except OSError as exc:
        raise BundleError("MZ926", f"无法写入签名私钥：{os_reason(exc)}", file=str(folder)) from None
    except ValueError:
        raise BundleError("MZ926", "路径中含有不允许的字符", file=repr(str(folder))) from None


def signing_key_path(config: SiteConfig | None, given: str | None) -> Path | None:
    """``--sign-key``, else ``bundle.signing_key`` of site_config.yml, else ``$MZKB_SIGNING_KEY``, else None."""
    if given:
        return Path(given)
    configured = (config.bundle.get("signing_key") if config is not None else None) or ""
    if configured:
        return config.root / configured
    return Path(os.environ[KEY_ENV]) if os.environ.get(KEY_ENV) else None


def load_signing_key(config: SiteConfig | None, given: str | None) -> Ed25519PrivateKey | None:
    """The private key to sign with (None: bundles stay unsigned); it must match a configured public key."""
    path = signing_key_path(config, given)
    configured = (config.bundle.get("public_key") if config is not None else None) or ""
    if path is None and configured:
        raise BundleError("MZ926", "site_config.yml 配置了 bundle.public_key，但没有签名私钥：用 --sign-key 给出私钥文件，"
                          "或设置 bundle.signing_key / 环境变量 MZKB_SIGNING_KEY（未签名的包会被接收方拒绝）",
                          file=str(config.path))
    if path is None:
        return None
    key = signing.load_private_key(path)
    if configured and signing.public_text(key.public_key()) != configured.strip():
        raise BundleError("MZ926", "签名私钥与 site_config.yml 中的 bundle.public_key 不配对：用错了私钥，"
                          "或公钥没有更新", file=str(path))
    return key


def key_warnings(config: SiteConfig | None, given: str | None) -> list[str]:
    """Warnings about the signing key file: readable by other users (POSIX permissions only)."""
    path = signing_key_path(config, given)
    if path is None or os.name == "nt":
        return []
    try:
        mode = path.stat().st_mode & 0o777
    except (OSError, ValueError):
        return []
    if mode & 0o077:
        return [f"警告：签名私钥 {path} 的权限是 {mode:o}，其他用户也能读取；请运行 chmod 600 {path}"]
    return []


def _inside(path: Path, checked: tuple[Path, ...]) -> Path | None:
    """The folder of ``checked`` (bundles or packs being read) that holds ``path``, else None."""
    real = Path(os.path.realpath(path))
    for folder in checked:
        top = Path(os.path.realpath(folder))
        if top.is_dir() and real.is_relative_to(top):
            return Path(folder)
    return None


def untrusted_sources(config: SiteConfig | None, given: str | None, checked: tuple[Path, ...]) -> list[Diagnostic]:
    """MZ930 for each key source that lies inside a bundle or pack being checked: such a key came with the
    bundle, so a signature checked against it proves nothing about where the bundle came from."""
    found = []
    if given and not given.strip().startswith(signing.PREFIX) and (where := _inside(Path(given.strip()), checked)):
        found.append(make("MZ930", given.strip(), 0, 0, source="--public-key 给出的公钥文件", folder=str(where)))
    if config is not None and (config.bundle.get("public_key") or "") and (where := _inside(config.path, checked)):
        found.append(make("MZ930", str(config.path), 0, 0, source=f"{config.path.name} 的 bundle.public_key",
                          folder=str(where)))
    return found


def trusted_key(config: SiteConfig | None, given: str | None, checked: tuple[Path, ...] = ()) -> TrustedKey | None:
    """``--public-key`` (a key line or a .pub file), else ``bundle.public_key`` of site_config.yml, else None.

    A key file or site_config.yml inside one of ``checked`` (the bundle or pack being verified) is never
    trusted (``untrusted_sources`` says so)."""
    if given and not _inside(Path(given.strip()), checked):
        text = given.strip()
        if not text.startswith(signing.PREFIX) and Path(text).is_file():
            try:
                text = Path(text).read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError):
                raise BundleError("MZ926", "无法读取公钥文件", file=given) from None
        signing.parse_public_key(text, "--public-key 给出的公钥")
        return TrustedKey(text, "--public-key")
    configured = (config.bundle.get("public_key") if config is not None else None) or ""
    if configured and not _inside(config.path, checked):
        return TrustedKey(configured.strip(), f"{config.path.name} 的 bundle.public_key")
    return None
