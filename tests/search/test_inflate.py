"""search-inflate.js reads what pack_texts writes, in node (no DecompressionStream anywhere)."""

from __future__ import annotations

import base64
import json
import random
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

from mzkb.search.browser_index import pack_texts, unpack_texts

MODULE = Path(__file__).resolve().parents[2] / "theme" / "assets" / "mzkb" / "search-inflate.js"


def _packed(level: int, texts: list[str]) -> str:
    """What ``pack_texts`` writes (UTF-16, raw deflate, base 85) at another deflate level: 0 =
    stored blocks, 1 on a short text = fixed Huffman codes."""
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    raw = json.dumps(texts, ensure_ascii=False).encode("utf-16-be")
    return base64.b85encode(packer.compress(raw) + packer.flush()).decode()


def _zlib_base64(texts: list[str]) -> str:
    return base64.b64encode(zlib.compress(json.dumps(texts, ensure_ascii=False).encode(), 6)).decode()


def _node(script: str) -> list:
    node = shutil.which("node")
    if not node:
        pytest.fail("node is needed (Debian nodejs)")
    run = subprocess.run([node, "-e", script], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_inflater_reads_every_block_kind_and_all_of_unicode():
    rng = random.Random(5)
    han = "".join(rng.choice("民政部养老服务机构救助探视条第一二") for _ in range(6000))
    cases = [
        ["养老机构探视管理" * 40, "", "abc😀𠀀x", "第一条 " + han, 'quote " backslash \\ `{|}~'],  # dynamic Huffman blocks
        [bytes(rng.getrandbits(8) for _ in range(2000)).hex()],  # nearly incompressible
        ["1"], ["12"], ["123"], [],  # every length of the last base-85 group
    ]
    packed = [pack_texts(c) for c in cases] + [_packed(0, ["stored block 存储"]), _packed(1, ["固定"])]
    expected = cases + [["stored block 存储"], ["固定"]]
    assert all(unpack_texts(p) == e for p, e in zip(packed, expected))
    assert _node(f"const I = require({json.dumps(str(MODULE))});"
                 f"console.log(JSON.stringify({json.dumps(packed)}.map(p => JSON.parse(I.unpackTexts(p)))));") == expected


def test_zlib_base64_still_reads():
    texts = ["养老机构探视管理" * 20, "abc"]
    assert _node(f"const I = require({json.dumps(str(MODULE))});"
                 f"console.log(JSON.stringify(JSON.parse(I.inflateBase64({json.dumps(_zlib_base64(texts))}))));") == texts


def test_packed_texts_are_smaller_than_zlib_base64():
    """UTF-16 + base 85 instead of UTF-8 + base 64: fewer bytes per fragment on Chinese text."""
    rng = random.Random(3)
    texts = ["第" + str(i) + "条 " + "".join(rng.choice("民政部门应当加强养老服务机构的监督管理救助探视条例规定") for _ in range(300))
             for i in range(20)]
    assert len(pack_texts(texts)) < 0.95 * len(_zlib_base64(texts))
