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

from generator.search.browser_index import pack_texts

MODULE = Path(__file__).resolve().parents[2] / "theme" / "assets" / "mzkb" / "search-inflate.js"


def _packed(level: int, texts: list[str]) -> str:
    return base64.b64encode(zlib.compress(json.dumps(texts, ensure_ascii=False).encode(), level)).decode()


def test_inflater_reads_every_block_kind_and_all_of_unicode():
    rng = random.Random(5)
    han = "".join(rng.choice("民政部养老服务机构救助探视条第一二") for _ in range(6000))
    cases = [
        ["养老机构探视管理" * 40, "", "abc😀𠀀x", "第一条 " + han],  # dynamic Huffman blocks
        [bytes(rng.getrandbits(8) for _ in range(2000)).hex()],  # nearly incompressible
    ]
    packed = [pack_texts(c) for c in cases] + [_packed(0, ["stored block 存储"]), _packed(1, ["固定"])]
    expected = cases + [["stored block 存储"], ["固定"]]
    script = (f"const I = require({json.dumps(str(MODULE))});"
              f"console.log(JSON.stringify({json.dumps(packed)}.map(p => JSON.parse(I.inflateBase64(p)))));")
    node = shutil.which("node")
    if not node:
        pytest.fail("node is needed (Debian nodejs)")
    run = subprocess.run([node, "-e", script], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == expected
