"""The ``mzkb`` commands of offline bundles: ``bundle``, ``verify``, ``apply-update``, ``keygen``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .cli_common import config_option, fail, optional_config, report

SIGN_HELP = "签名私钥文件（mzkb keygen 生成；默认：site_config.yml 的 bundle.signing_key，或环境变量 MZKB_SIGNING_KEY）"
PUBLIC_HELP = "可信公钥：mzkb keygen 打印的 ed25519:… 一行或 .pub 文件（默认：site_config.yml 的 bundle.public_key）"
DOWNGRADE_HELP = "允许版本退回：更新包的新版本比旧版本更旧（默认拒绝）"
UNSIGNED_HELP = "接受未签名（或无法与可信公钥核对）的离线包/更新包；签名无效的仍然拒绝"


@click.command()
@config_option
@click.option("-o", "--output", "out_dir", required=True, help="离线包输出目录")
@click.option("--version", "version", default=None, help="打包哪个已发布版本（git 标签）；默认打包当前工作区")
@click.option("--with-media/--without-media", default=True, help="是否包含视频、音频文件（默认包含）")
@click.option("--since", default=None, help="同时生成更新包：相对旧版本（版本名，或旧离线包 zip/目录）只含变化的文件")
@click.option("--sign-key", "sign_key", default=None, help=SIGN_HELP)
@click.option("--format", "fmt", type=click.Choice(["zip", "zim"]), default="zip", show_default=True,
              help="zip：解压后双击 index.html 打开；zim：用 Kiwix（手机、电脑）或 kiwix-serve 打开的单个文件")
@click.option("--allow-downgrade", is_flag=True, help=DOWNGRADE_HELP)
def bundle(config_path: str, out_dir: str, version: str | None, with_media: bool, since: str | None,
           sign_key: str | None, fmt: str, allow_downgrade: bool) -> None:
    """生成可离线使用的离线包：zip（解压后双击 index.html 打开）或 ZIM（Kiwix），附带清单、校验值和签名。"""
    from . import releases
    from .config import load_config
    from .offline.format import BundleError
    from .offline.keys import key_warnings, load_signing_key
    from .offline.make import OptionConflict, UnknownRelease, bundle_command

    config, diags = load_config(config_path)
    if config is None:
        report(diags, err=True)
        sys.exit(1)
    if problem := _inside_knowledge_base(config, Path(out_dir)):
        raise click.BadParameter(problem, param_hint="-o/--output")
    try:
        key = load_signing_key(config, sign_key)
        for line in key_warnings(config, sign_key) if key else ():
            click.echo(line, err=True)
        run = bundle_command(config, out_dir, version=version, with_media=with_media, since=since, signing_key=key,
                             fmt=fmt, allow_downgrade=allow_downgrade)
    except UnknownRelease as exc:
        raise click.BadParameter(exc.message, param_hint="--version") from None
    except OptionConflict as exc:
        raise click.UsageError(exc.diagnostic().format()) from None
    except BundleError as exc:
        fail(exc)
    except releases.GitError as exc:
        click.echo(exc.args[0], err=True)
        sys.exit(1)
    report([*run.build.prepared.diagnostics, *run.build.diagnostics], err=True)
    if run.zim is not None:
        for line in run.zim.lines():
            click.echo(line)
        return
    if run.bundle is None:
        click.echo("生成失败，没有写出离线包。", err=True)
        sys.exit(1)
    for line in run.bundle.sizes.lines():
        click.echo(line)
    if not run.bundle.signed:
        click.echo("注意：离线包未签名，接收方无法确认它来自你。用 mzkb keygen 生成密钥，再用 --sign-key 签名。")
    for line in run.update.lines() if run.update is not None else ():
        click.echo(line)


def _inside_knowledge_base(config, out_dir: Path) -> str:
    """Why ``out_dir`` must not receive bundles ('' when it may): inside the content folder, or
    a folder of the knowledge base that git would commit (a git-ignored one such as dist/ is fine)."""
    from . import releases

    target = out_dir.absolute().resolve()
    if target.is_relative_to(config.content_dir):
        return f"{out_dir} 在内容目录中：离线包会被当作内容提交进仓库。请输出到知识库以外的文件夹，例如 ../离线包"
    if not target.is_relative_to(config.root.resolve()):
        return ""
    if target == config.root.resolve():
        return f"{out_dir} 是知识库文件夹本身：请输出到知识库以外的文件夹，例如 ../离线包"
    if releases.is_repository(config.root):
        try:
            releases.git(config.root, "check-ignore", "-q", str(target / "x.zip"))
            return ""  # ignored by git: never committed
        except releases.GitError:
            return (f"{out_dir} 在知识库的 git 仓库中，离线包会被提交进仓库：请输出到知识库以外的文件夹，"
                    "或先把这个文件夹写进 .gitignore")
    return ""
def _trusted(config_path: str, public_key: str | None, checked: tuple[Path, ...]):
    """The trusted key of ``verify``/``apply-update``; a key inside the bundle or pack being read is not one
    (MZ930 says so on stderr)."""
    from .offline.format import BundleError
    from .offline.keys import trusted_key, untrusted_sources

    config = optional_config(config_path)
    for diag in untrusted_sources(config, public_key, checked):
        click.echo(diag.format(), err=True)
    try:
        return trusted_key(config, public_key, checked)
    except BundleError as exc:
        fail(exc)


@click.command()
@config_option
@click.argument("path")
@click.option("--public-key", default=None, help=PUBLIC_HELP)
@click.option("--allow-unsigned", is_flag=True, help=UNSIGNED_HELP)
def verify(config_path: str, path: str, public_key: str | None, allow_unsigned: bool) -> None:
    """校验离线包（zip 或解压后的目录）：逐个文件核对清单中的大小和 SHA-256，并核对签名。"""
    from .offline.verify import verify_bundle

    trusted = _trusted(config_path, public_key, (Path(path),))
    result = verify_bundle(Path(path), trusted, allow_unsigned)
    for line in result.lines():
        click.echo(line)
    sys.exit(0 if result.ok else 1)


@click.command("apply-update")
@config_option
@click.argument("pack")
@click.argument("directory")
@click.option("--public-key", default=None, help=PUBLIC_HELP + "；都没有时用正在更新的离线包所带的公钥")
@click.option("--allow-unsigned", is_flag=True, help=UNSIGNED_HELP)
@click.option("--allow-downgrade", is_flag=True, help=DOWNGRADE_HELP)
def apply_update(config_path: str, pack: str, directory: str, public_key: str | None, allow_unsigned: bool,
                 allow_downgrade: bool) -> None:
    """把更新包应用到解压后的离线包目录：先核对签名，再校验结果与新版本完整离线包一致。"""
    from .offline.update import apply_update as run_apply

    trusted = _trusted(config_path, public_key, (Path(pack), Path(directory)))
    result = run_apply(Path(pack), Path(directory), trusted, allow_unsigned, allow_downgrade)
    for line in result.lines():
        click.echo(line, err=not result.ok)
    sys.exit(0 if result.ok else 1)


@click.command()
@config_option
@click.option("-o", "--output", "out_dir", default=None,
              help="私钥保存到哪个文件夹（默认：~/.config/mzkb；不能在知识库或 git 仓库中）")
def keygen(config_path: str, out_dir: str | None) -> None:
    """生成离线包签名密钥：私钥只保存在本机（权限 600），公钥写进 site_config.yml。"""
    from .offline.format import BundleError
    from .offline.keys import keygen as make_key
    from .offline.signing import fingerprint

    from .config_edit import set_public_key

    config = optional_config(config_path)
    try:
        key_path, public = make_key(Path(out_dir) if out_dir else None, config)
    except BundleError as exc:
        fail(exc)
    click.echo(f"已生成签名私钥：{key_path}（只有你能读取；请妥善备份，不要提交到 git，不要发给别人）")
    click.echo(f"公钥指纹：{fingerprint(public)}（请在正式文件中公布，供县级单位核对）")
    if config is not None and set_public_key(config.path, public):
        click.echo(f"已把公钥写入 {config.path} 的 bundle.public_key（其余内容和注释不变；公钥可以公开，请提交）：")
        click.echo(f"  public_key: {public}")
    else:
        where = "site_config.yml" if config is None else str(config.path)
        click.echo(f"请在 {where} 的 bundle 下写入（或替换）这一项，公钥可以公开：")
        click.echo(f"  public_key: {public}")
        click.echo("（没有 bundle 项时，先加一行 bundle:，再把上面一行缩进两个空格写在它下面；"
                   "已有 bundle: {} 时，把 {} 删去。）")
    click.echo(f"签名离线包：mzkb bundle -o 离线包/ --sign-key {key_path}")
