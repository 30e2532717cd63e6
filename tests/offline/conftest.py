"""Small signed bundles v1 and v2 and the update pack between them, made in a second from tiny sites."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mzkb.offline.signing import TrustedKey, public_text
from mzkb.offline.update import make_update
from mzkb.offline.writer import make_bundle

EPOCH = 1582156800
PUBLISHER = Ed25519PrivateKey.generate()
INTRUDER = Ed25519PrivateKey.generate()


@dataclass(frozen=True)
class Kit:
    """v1 and v2 bundle zips (signed by PUBLISHER unless ``signed=False``), the pack, a fresh v1 folder."""

    v1: Path
    v2: Path
    pack: Path
    folder: Path
    trusted: TrustedKey


def tiny_site(folder: Path, files: dict[str, bytes]) -> Path:
    for rel, data in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    return folder


def bundle(site: Path, out: Path, version: str, key) -> Path:
    return make_bundle(site, out, site_name="demo", site_title="示例知识库", version=version, commit=None,
                       with_media=True, doc_counts={"notice": 1}, epoch=EPOCH, signing_key=key).path


def unzip(zip_path: Path, into: Path) -> Path:
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(into)
        return into / zf.namelist()[0].split("/")[0]


def make_kit(tmp: Path, key=PUBLISHER) -> Kit:
    v1 = bundle(tiny_site(tmp / "s1", {"index.html": b"<h1>v1</h1>", "a.html": b"a" * 3000}), tmp / "b", "v1", key)
    v2 = bundle(tiny_site(tmp / "s2", {"index.html": b"<h1>v2</h1>", "a.html": b"a" * 3000, "b.html": b"new"}),
                tmp / "b", "v2", key)
    pack = make_update(v1, v2, tmp / "packs", key).path
    return Kit(v1, v2, pack, unzip(v1, tmp / "county"), TrustedKey(public_text(PUBLISHER.public_key()), "测试"))


@pytest.fixture
def kit(tmp_path: Path) -> Kit:
    return make_kit(tmp_path / "signed")


@pytest.fixture
def unsigned_kit(tmp_path: Path) -> Kit:
    return make_kit(tmp_path / "unsigned", key=None)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (and its siblings' names), to prove nothing changed."""
    files = {p.relative_to(folder.parent).as_posix(): p.read_bytes() for p in sorted(folder.parent.rglob("*")) if p.is_file()}
    return files


@pytest.fixture
def tools():
    """The helpers above, for test modules (conftest cannot be imported under --import-mode=importlib)."""
    from types import SimpleNamespace

    return SimpleNamespace(PUBLISHER=PUBLISHER, INTRUDER=INTRUDER, EPOCH=EPOCH, tiny_site=tiny_site, bundle=bundle,
                           unzip=unzip, make_kit=make_kit, snapshot=snapshot)
