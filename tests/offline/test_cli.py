"""mzkb keygen, bundle --sign-key, verify --public-key, apply-update through the CLI: output and exit codes."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from mzkb.cli import cli
from mzkb.offline.signing import fingerprint, public_text


@pytest.fixture(autouse=True)
def _outside_any_knowledge_base(tmp_path: Path, monkeypatch):
    """Commands run where there is no site_config.yml: keygen records its key in the config of the
    current folder (the repository's demo one, were the tests run from there)."""
    monkeypatch.chdir(tmp_path)


def mzkb(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)


def public_line(output: str) -> str:
    return re.search(r"public_key: (ed25519:\S+)", output).group(1)


def test_keygen_writes_a_private_key_only_its_owner_can_read_and_never_overwrites(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no site_config.yml here: the key is printed, no file is edited
    made = mzkb("keygen", "-o", str(tmp_path / "keys"))
    assert made.exit_code == 0, made.output
    key = tmp_path / "keys/mzkb-signing-key.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and key.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    public = public_line(made.output)
    assert (tmp_path / "keys/mzkb-signing-key.pub").read_text().strip() == public
    assert "bundle:" in made.output and fingerprint(public) in made.output
    pem = key.read_bytes()
    again = mzkb("keygen", "-o", str(tmp_path / "keys"))
    assert again.exit_code == 1 and "MZ926 错误" in again.output and "已存在" in again.output
    assert key.read_bytes() == pem


def test_keygen_default_folder_is_outside_the_knowledge_base(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    made = mzkb("keygen", env={"XDG_CONFIG_HOME": str(tmp_path / "config")})
    assert made.exit_code == 0, made.output
    assert (tmp_path / "config/mzkb/mzkb-signing-key.pem").is_file()


@pytest.mark.parametrize("where, words", [
    ("content/keys", "内容目录"),
    ("site", "网站输出目录"),
    (".", "知识库文件夹"),
])
def test_keygen_refuses_to_put_the_private_key_where_it_could_be_published(small_kb: Path, where: str, words: str):
    folder = small_kb.parent / where
    result = mzkb("keygen", "-c", str(small_kb), "-o", str(folder))
    assert result.exit_code == 1 and "MZ926 错误" in result.output and words in result.output
    assert not list(small_kb.parent.rglob("mzkb-signing-key*"))


def test_keygen_refuses_a_git_work_tree(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "repo/.git").mkdir(parents=True)
    result = mzkb("keygen", "-o", str(tmp_path / "repo/keys"))
    assert result.exit_code == 1 and "git 仓库" in result.output


def test_sign_with_the_configured_key_then_verify_against_it(small_kb: Path, tmp_path: Path):
    keys = mzkb("keygen", "-o", str(tmp_path / "keys"))
    public = public_line(keys.output)
    with open(small_kb, "a", encoding="utf-8") as fh:
        fh.write(f"bundle:\n  public_key: {public}\n  signing_key: {tmp_path / 'keys/mzkb-signing-key.pem'}\n")
    made = mzkb("bundle", "-c", str(small_kb), "-o", str(tmp_path / "out"))
    assert made.exit_code == 0, made.output
    assert "未签名" not in made.output
    bundle = next((tmp_path / "out").glob("*.zip"))
    checked = mzkb("verify", "-c", str(small_kb), str(bundle))
    assert checked.exit_code == 0 and "签名有效：由可信公钥" in checked.output, checked.output
    stranger = mzkb("keygen", "-o", str(tmp_path / "other"))
    wrong = mzkb("verify", str(bundle), "--public-key", public_line(stranger.output))
    assert wrong.exit_code == 1 and "签名无效" in wrong.output
    (tmp_path / "keys/mzkb-signing-key.pem").chmod(0o644)
    loose = mzkb("bundle", "-c", str(small_kb), "-o", str(tmp_path / "out5"))
    assert loose.exit_code == 0 and "其他用户也能读取" in loose.output and "chmod 600" in loose.output
    from_file = mzkb("verify", str(bundle), "--public-key", str(tmp_path / "keys/mzkb-signing-key.pub"))
    assert from_file.exit_code == 0 and "签名有效" in from_file.output
    missing = mzkb("bundle", "-c", str(small_kb), "-o", str(tmp_path / "out3"), "--sign-key", str(tmp_path / "none.pem"))
    assert missing.exit_code == 1 and "MZ926" in missing.output and "文件或文件夹不存在" in missing.output
    mismatch = mzkb("bundle", "-c", str(small_kb), "-o", str(tmp_path / "out2"),
                    "--sign-key", str(tmp_path / "other/mzkb-signing-key.pem"))
    assert mismatch.exit_code == 1 and "MZ926" in mismatch.output and "不配对" in mismatch.output


def test_unsigned_bundle_says_so_and_verify_with_a_key_refuses_it(small_kb: Path, tmp_path: Path):
    made = mzkb("bundle", "-c", str(small_kb), "-o", str(tmp_path / "out"))
    assert made.exit_code == 0 and "离线包未签名" in made.output
    bundle = next((tmp_path / "out").glob("*.zip"))
    assert mzkb("verify", str(bundle)).exit_code == 0
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = public_text(Ed25519PrivateKey.generate().public_key())
    refused = mzkb("verify", str(bundle), "--public-key", key)
    assert refused.exit_code == 1 and "未签名" in refused.output
    assert mzkb("verify", str(bundle), "--public-key", key, "--allow-unsigned").exit_code == 0


@pytest.mark.parametrize("args, words", [
    (["verify", "{bundle}", "--public-key", "ed25519:short"], "MZ926"),
    (["verify", "{bundle}", "-c", "{missing}"], "MZ101"),
    (["apply-update", "{bundle}", "{folder}"], "MZ921"),
    (["verify", "{junk}"], "MZ921"),
    (["verify", "{folder}"], "MZ921"),
    (["keygen", "-o", "{bundle}/keys"], "MZ926"),
    (["keygen", "-o", "a\x00b"], "MZ926"),
    (["verify", "a\x00b"], "MZ921"),
    (["verify", "{missing}"], "找不到"),
    (["apply-update", "{missing}", "{folder}"], "找不到"),
    (["apply-update", "{junk}", "{missing}"], "找不到这个文件夹"),
    (["verify", "{bundle}", "--public-key", "{bundle}"], "MZ926"),
])
def test_hostile_arguments_give_chinese_diagnostics_and_exit_1(tmp_path: Path, args, words):
    (tmp_path / "junk.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    (tmp_path / "bundle.zip").write_bytes(b"not a zip")
    (tmp_path / "folder").mkdir()
    values = {"bundle": str(tmp_path / "bundle.zip"), "missing": str(tmp_path / "none.yml"),
              "folder": str(tmp_path / "folder"), "junk": str(tmp_path / "junk.zip")}
    result = mzkb(*(a.format(**values) for a in args))
    assert result.exit_code == 1 and words in result.output and "Traceback" not in result.output, result.output


def test_a_malformed_public_key_in_site_config_is_reported_with_its_line(small_kb: Path):
    with open(small_kb, "a", encoding="utf-8") as fh:
        fh.write("bundle:\n  public_key: ed25519:not-a-key\n")
    result = mzkb("check", "-c", str(small_kb))
    line = len(small_kb.read_text(encoding="utf-8").splitlines())
    assert result.exit_code == 1 and f"site_config.yml:{line}:" in result.output and "bundle.public_key" in result.output


def test_a_configured_public_key_without_a_private_key_refuses_to_bundle_unsigned(small_kb: Path, tmp_path: Path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    with open(small_kb, "a", encoding="utf-8") as fh:
        fh.write(f"bundle:\n  public_key: {public_text(Ed25519PrivateKey.generate().public_key())}\n")
    result = mzkb("bundle", "-c", str(small_kb), "-o", str(tmp_path / "out"), env={"MZKB_SIGNING_KEY": None})
    assert result.exit_code == 1 and "MZ926" in result.output and "没有签名私钥" in result.output
    assert not (tmp_path / "out").exists()


def test_keygen_writes_the_public_key_into_init_s_config_keeping_comments(tmp_path: Path):
    kb = tmp_path / "kb"
    assert mzkb("init", str(kb)).exit_code == 0
    config = kb / "site_config.yml"
    before = config.read_text(encoding="utf-8")
    assert "bundle: {}" in before
    made = mzkb("keygen", "-c", str(config), "-o", str(tmp_path / "keys"))
    assert made.exit_code == 0, made.output
    after = config.read_text(encoding="utf-8")
    public = re.search(r"^  public_key: (ed25519:\S+)$", after, re.M).group(1)
    assert "已把公钥写入" in made.output and public in made.output
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(line in after.splitlines() for line in comments)
    assert mzkb("check", "-c", str(config)).exit_code == 0  # no MZ102 键 bundle 重复


def test_keygen_adds_to_a_bundle_block_and_never_replaces_a_key(small_kb: Path, tmp_path: Path):
    from mzkb.config_edit import with_public_key

    key = "ed25519:" + "A" * 43 + "="
    block = "site:\n  title: x\nbundle:   # 离线包\n    signing_key: ../k.pem  # 私钥\n"
    assert with_public_key(block, key) == f"site:\n  title: x\nbundle:   # 离线包\n    public_key: {key}\n    signing_key: ../k.pem  # 私钥\n"
    assert with_public_key("site:\n  title: x\n", key) == f"site:\n  title: x\n\nbundle:\n  public_key: {key}\n"
    assert with_public_key(f"bundle:\n  public_key: {key}\n", key.replace("A", "B")) is None
    assert with_public_key("bundle: {signing_key: a}\n", key) is None
    config = small_kb.read_text(encoding="utf-8") + f"bundle:\n  public_key: {key}\n"
    small_kb.write_text(config, encoding="utf-8")
    made = mzkb("keygen", "-c", str(small_kb), "-o", str(tmp_path / "keys"))
    assert made.exit_code == 0 and small_kb.read_text(encoding="utf-8") == config
    assert "请在" in made.output and "public_key: ed25519:" in made.output


def test_bundle_refuses_an_output_folder_inside_the_knowledge_base(small_kb: Path, tmp_path: Path):
    import subprocess

    kb = small_kb.parent
    for where in ("content", "content/notices/包", "."):
        result = mzkb("bundle", "-c", str(small_kb), "-o", str(kb / where))
        assert result.exit_code == 2 and ("内容目录" in result.output or "知识库文件夹" in result.output), result.output
    assert not list(kb.rglob("*.zip"))
    subprocess.run(["git", "init", "-q"], cwd=kb, check=True)
    (kb / ".gitignore").write_text("/dist/\n", encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=kb, check=True)
    subprocess.run(["git", "-c", "user.name=x", "-c", "user.email=x@example.org", "commit", "-qm", "x"], cwd=kb, check=True)
    tracked = mzkb("bundle", "-c", str(small_kb), "-o", str(kb / "离线包"))
    assert tracked.exit_code == 2 and ".gitignore" in tracked.output
    ignored = mzkb("bundle", "-c", str(small_kb), "-o", str(kb / "dist"))
    assert ignored.exit_code == 0, ignored.output
    assert list((kb / "dist").glob("*.zip"))
