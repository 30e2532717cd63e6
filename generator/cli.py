"""The ``mzkb`` command: thin Click commands, arguments -> pipeline -> diagnostics -> exit code.

The commands that make and check offline bundles are in ``cli_offline``, the option and the
diagnostic printing they share in ``cli_common``; these three modules are the only ones that print.

Exit codes: 0 ok, 1 diagnostics with errors (or a failed operation), 2 usage error.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

import click

from . import __version__, cli_offline, click_zh
from .cli_common import config_option, failed_files, report
from .content.model import DocType
from .diagnostics import make, render_json

class _Group(click.Group):
    """The command group: file-system failures that reach it become a Chinese message (exit 1),
    a path with a NUL byte a usage error (exit 2), never a traceback."""

    def invoke(self, ctx: click.Context):  # noqa: D102
        from .writer import describe_os_error

        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # the reader closed the pipe (mzkb search 口罩 | head -1): stop quietly
            _silence_stdout()
            sys.exit(141)  # what a shell reports for a command stopped by SIGPIPE
        except OSError as exc:
            raise click.ClickException(describe_os_error(exc)) from None
        except ValueError as exc:
            if "null" in str(exc) or "NUL" in str(exc):
                raise click.UsageError("参数中的路径含有 NUL 字符") from None
            raise


def _silence_stdout() -> None:
    """Point stdout at the null device, so the interpreter's final flush raises nothing more."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mzkb")
def cli() -> None:
    """mzkb（民政知识库）：把民政政策通知、指南、微视频和典型案例编译成可搜索、可离线使用的静态网站。"""


@cli.command()
@config_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "gitlab"]), default="text", show_default=True,
              help="输出格式：text（文件:行:列）、json、github（GitHub Actions 注释）、gitlab（GitLab 代码质量报告）")
@click.option("--strict", is_flag=True, help="把警告也当作错误")
@click.option("--explain", is_flag=True, help="在每类问题第一次出现后，给出处理方法")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar="日期",
              help="按这一天判断文件状态（YYYY-MM-DD，默认今天）")
def check(config_path: str, fmt: str, strict: bool, explain: bool, as_of) -> None:
    """检查配置和全部文档，报告所有问题（不生成网站）。"""
    from .content.model import Status
    from .clock import as_of_date
    from .pipeline import prepare

    day = as_of_date(as_of)
    result = prepare(config_path, strict=strict, today=day)
    if fmt == "json":
        click.echo(render_json(list(result.diagnostics)))
    elif fmt in ("github", "gitlab"):
        from .diagnostic_formats import render_github, render_gitlab

        root = result.config.root if result.config else Path(config_path).absolute().parent
        text = (render_github if fmt == "github" else render_gitlab)(result.diagnostics, root)
        if text:
            click.echo(text)
    else:
        report(result.diagnostics, explain=explain)
        if not result.failed:
            drafts = f"（另有 {result.drafts} 个草稿，不会发布）" if result.drafts else ""
            click.echo(f"检查通过：{len(result.corpus.documents)} 个文档{drafts}。")
            counts = {s: sum(d.status is s for d in result.corpus.documents) for s in Status}
            click.echo(f"状态以 {day.isoformat()} 为准：" + "，".join(f"{s.label} {n} 个" for s, n in counts.items() if n) + "。")
            for line in dated_lines(result.corpus.documents):
                click.echo(line)
        elif strict and not any(d.severity.value == "error" for d in result.diagnostics):
            click.echo("检查未通过：使用了 --strict，警告也视为错误。")
    sys.exit(1 if result.failed else 0)


DATED_NAMES = 5
"""``mzkb check`` names at most this many documents per time-boxed status."""


def dated_lines(documents) -> list[str]:
    """The documents not yet or no longer in force on the run's day because of their validity
    period (尚未生效 / 已失效), a line per status: what the site shows readers on that day."""
    from .content.model import Status

    lines = []
    for state, when in ((Status.PENDING, lambda d: f"自 {d.valid_from} 起施行"), (Status.EXPIRED, lambda d: f"有效期至 {d.valid_until}")):
        found = sorted((d for d in documents if d.status is state), key=lambda d: (d.date, d.id))
        if found:
            names = "、".join(f"《{d.title}》（{when(d)}）" for d in found[:DATED_NAMES])
            more = f"等 {len(found)} 个" if len(found) > DATED_NAMES else ""
            lines.append(f"  {state.label}：{names}{more}")
    return lines


@cli.command()
@config_option
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False), default=None,
              help="输出目录（默认：配置文件旁的 site/）")
@click.option("--strict", is_flag=True, help="把警告也当作错误")
@click.option("--versions", "with_versions", is_flag=True,
              help="生成全部已发布版本（git 标签，默认打开最新发布的版本）和当前工作区的预览，输出到 site/<版本>/")
@click.option("--full", is_flag=True,
              help="完整重建：不沿用上次构建的页面和索引（默认只重新生成改动过的文档及受其影响的页面）")
def build(config_path: str, out_dir: str | None, strict: bool, with_versions: bool, full: bool) -> None:
    """检查并生成网站；失败时保留原来的网站不变。

    再次构建时只重新生成改动过的文档和受其影响的页面（缓存在 .mzkb/cache，可随时删除）。
    """
    from .pipeline import build as run_build

    if with_versions:
        from .versions import LATEST, PREVIEW, build_versions

        versions = build_versions(config_path, out_dir, strict)
        report(versions.diagnostics, err=True)
        if not versions.ok:
            click.echo("生成失败，原有网站未被改动。", err=True)
            sys.exit(1)
        shown = {PREVIEW: f"预览（{PREVIEW}/）", LATEST: f"未发布的修改（{LATEST}/）"}  # the working tree, by its folder
        built, reused = ("、".join(shown.get(n, n) for n in names) or "无" for names in (versions.built, versions.reused))
        click.echo(f"已生成版本：{built}；沿用缓存：{reused}")
        click.echo(f"网站：{versions.out_dir}（index.html 打开最新版本）")
        return
    from .progress import for_terminal

    result = run_build(config_path, out_dir, strict, incremental=not full, progress=for_terminal())
    report([*result.prepared.diagnostics, *result.diagnostics], err=True)
    if not result.ok:
        click.echo(f"生成失败{failed_files([*result.prepared.diagnostics, *result.diagnostics], strict)}，原有网站未被改动。",
                   err=True)
        sys.exit(1)
    count = len(result.prepared.corpus.documents)
    click.echo(f"已生成 {count} 个文档的网站：{result.out_dir}")
    click.echo(f"可直接用浏览器打开 {result.out_dir / 'index.html'}")


@cli.command()
@config_option
@click.option("-a", "--addr", default="127.0.0.1:8000", show_default=True, help="监听地址（默认只允许本机访问）")
@click.option("--open", "open_browser", is_flag=True, help="启动后打开浏览器")
def serve(config_path: str, addr: str, open_browser: bool) -> None:
    """本地预览网站，修改内容后自动刷新（视频可以拖动进度）。"""
    from . import serve as preview
    from .pipeline import prepare

    try:
        host, port = preview.parse_addr(addr)
    except preview.ServeError as exc:
        raise click.BadParameter(exc.args[0], param_hint="--addr") from None
    try:
        preview.check_port(host, port)  # before anything else: a busy port is told before any address
    except preview.ServeError as exc:
        report([make("MZ912", "", 0, 0, detail=exc.args[0])], err=True)
        sys.exit(1)
    try:
        result = prepare(config_path)
        report(result.diagnostics, err=True)
        if result.failed:
            click.echo("存在错误，请修正后再预览。", err=True)
            sys.exit(1)
        click.echo(f"预览地址：http://{addr}/  （按 Ctrl+C 停止）")
        preview.serve(result.config, host, port, open_browser, report=lambda text: click.echo(text, err=True))
    except preview.ServeError as exc:
        report([make("MZ912", "", 0, 0, detail=exc.args[0])], err=True)
        sys.exit(1)
    except KeyboardInterrupt:  # Ctrl+C while the first build runs: stopping is what was asked
        pass
    click.echo("预览已停止。", err=True)


@cli.command()
@config_option
@click.argument("name")
@click.option("--title", default=None, help="版本说明（默认与版本名相同）")
def release(config_path: str, name: str, title: str | None) -> None:
    """发布版本：检查通过后，给当前提交打上 git 标签（版本名）。"""
    from . import releases
    from .pipeline import prepare

    result = prepare(config_path)
    report(result.diagnostics, err=True)
    if result.failed:
        click.echo("检查未通过，没有发布。", err=True)
        sys.exit(1)
    root = result.config.root
    pattern = str(result.config.releases.get("tag_pattern", releases.DEFAULT_PATTERN))
    try:
        bad_name = releases.name_problem("版本名", name)
        if bad_name:
            problem = bad_name
        elif not releases.is_repository(root):
            problem = "知识库不在 git 仓库中（或还没有任何提交）"
        elif not releases.is_clean(root):
            problem = "工作区有未提交的修改，请先提交（git commit）"
        elif releases.tag_exists(root, name):
            problem = f"版本 {name} 已经存在"
        elif not __import__("fnmatch").fnmatchcase(name, pattern):
            problem = f"版本名 {name} 不符合 site_config.yml 中 releases.tag_pattern（{pattern}）"
        else:
            problem = ""
            releases.create_tag(root, name, title or name)
    except releases.GitError as exc:
        problem = _identity_hint(exc.args[0])
    if problem:
        report([make("MZ906", result.config.path.name, 0, 0, detail=problem)], err=True)
        sys.exit(1)
    named = f"（{title}）" if title and title != name else ""  # no "v2（v2）"
    click.echo(f"已发布版本 {name}{named}。运行 mzkb build --versions 生成各版本网站。")


def _identity_hint(problem: str) -> str:
    """git's English refusal to tag without a name and e-mail -> what the editor should run."""
    lowered = problem.lower()
    if "email" in lowered or "who you are" in lowered or "user.name" in lowered:
        return ("git 不知道你的姓名和邮箱（发布版本要记录发布人）：先运行 "
                "git config --global user.name \"你的姓名\" 和 git config --global user.email \"你的邮箱\"，再重新发布")
    return problem


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--title", default="民政知识库", show_default=True, help="站点标题")
def init(directory: str, title: str) -> None:
    """在指定文件夹中创建一个新的知识库（site_config.yml 和 content/ 目录）。"""
    from .scaffold import init_kb

    from .writer import describe_os_error

    try:
        created = init_kb(Path(directory), title)
    except FileExistsError as exc:
        click.echo(f"{exc}：文件已存在，未做任何改动。", err=True)
        sys.exit(1)
    except OSError as exc:
        report([make("MZ913", directory, 0, 0, path=directory, detail=describe_os_error(exc))], err=True)
        sys.exit(1)
    for path, verb in created:
        click.echo(f"{verb} {path}")
    click.echo(f"下一步：cd {directory} && mzkb build")


TYPE_CHOICES = [t.value for t in DocType]
TYPE_NAMES = TYPE_CHOICES + [name for t in DocType for name in (t.label, *t.row.aliases)]
"""What ``new`` and ``search --type`` accept: the English value or the Chinese name of a type."""


@cli.command(help="新建一个文档：类型为 " + "、".join(f"{t.value}（{t.label}）" for t in DocType) + "，标题为文档标题。")
@config_option
@click.argument("doc_type", type=click.Choice(TYPE_NAMES))
@click.argument("title")
@click.option("--issuer", default="（请填写发文机关）", help="发文机关")
@click.option("--audience", "audiences", multiple=True, help="适用机构（可重复；默认：全部）")
def new(config_path: str, doc_type: str, title: str, issuer: str, audiences: tuple[str, ...]) -> None:
    """Create a document (the help text lists the types from the type table)."""
    from .config import load_config
    from .scaffold import new_document

    if not title.strip() or any(ord(c) < 32 or "\ud800" <= c <= "\udfff" for c in title):
        raise click.BadParameter("标题不能为空，也不能含有换行等控制字符或无法识别的字节（非 UTF-8）", param_hint="标题")
    config, diags = load_config(config_path)
    if config is None:
        report(diags, err=True)
        sys.exit(1)
    unknown = [a for a in audiences if a != "全部" and config.audience(a) is None]
    if unknown:  # the hint check gives (MZ309): a synonym's label, a close spelling
        from .content.schema import audience_hint

        problems = "".join(f"未知的适用机构 {a}{hint}{'' if hint.endswith('？') else '。'}"
                           for a in unknown for hint in [audience_hint(a, config)])
        known = "、".join(a.label for a in config.audiences)
        raise click.BadParameter(f"{problems}可用：{known}，或“全部”", param_hint="--audience")
    kind = DocType.parse(doc_type)
    try:
        path = new_document(config.content_dir, kind, title, issuer, audiences or ("全部",))
    except FileExistsError as exc:
        click.echo(f"{exc}：文件已存在，未做任何改动。", err=True)
        sys.exit(1)
    click.echo(f"已创建 {path}")


@cli.command("import")
@config_option
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--type", "doc_type", type=click.Choice(TYPE_CHOICES), default="notice", show_default=True,
              help="导入为哪类文档（决定放入 content/ 下哪个目录）")
@click.option("--id", "doc_id", default="", help="文档 id（只能导入一个文件时使用；默认由标题拼音生成）")
@click.option("--attach", "attach", multiple=True, type=click.Path(dir_okay=False),
              help="把这个文件作为附件加入（可多次使用；只能导入一个文件时使用）")
@click.option("--dry-run", is_flag=True, help="只显示导入结果和提示，不写任何文件")
def import_(config_path: str, files: tuple[str, ...], doc_type: str, doc_id: str, attach: tuple[str, ...],
            dry_run: bool) -> None:
    """导入公文：把 .docx、.pdf（带文字层）、.ofd、.html、.txt、.md 文件转换为带元数据的 Markdown 文档。

    标题、发文字号、发文机关、成文日期、附件等从公文版式中识别；找不到的留下占位文字，
    推测的适用机构写入 unconfirmed，mzkb check 会提示核对。无法读取的文件报错（退出码 1），
    同一次运行中的其他文件照常导入。给出文件夹时导入其中（含子文件夹）全部可导入的文件；
    导入多个文件时在终端显示进度条，最后列出汇总表（每个文件：成功/警告/失败、标题、文号、导入为哪个文件、原因）。
    """
    import shutil

    from .config import load_config
    from .importer import summary
    from .importer.run import known_documents, valid_id
    from .progress import for_terminal

    config, diags = load_config(config_path)
    if config is None:
        report(diags, err=True)
        sys.exit(1)
    names, files = files, _expand_folders(files)
    if doc_id and (len(files) > 1 or not valid_id(doc_id)):
        raise click.BadParameter("--id 只能用于单个文件，且只能包含小写字母、数字和连字符", param_hint="--id")
    if attach and len(files) > 1:
        raise click.BadParameter("--attach 只能用于单个文件", param_hint="--attach")
    known = known_documents(config)
    progress = for_terminal()
    progress.stage("import", "导入文件", total=len(files))
    try:
        rows = _import_all(files, config, doc_type, known, doc_id, attach, dry_run, progress)
    finally:
        progress.close()
    if len(rows) > 1 or any(Path(n).is_dir() for n in names):
        click.echo(summary.table(rows, shutil.get_terminal_size().columns if sys.stdout.isatty() else None))
    failed = sum(r.result == "失败" for r in rows)
    if failed:
        click.echo(f"{failed} 个文件未能导入。", err=True)
        sys.exit(1)


def _import_all(files, config, doc_type, known, doc_id, attach, dry_run, progress) -> list:
    """Import each file in turn (said as it goes), for ``import_``; the summary rows."""
    from .importer import summary
    from .importer.batch import once_per_target
    from .importer.run import import_file

    rows, targets = [], {}
    for name in files:
        result = import_file(Path(name), name, config, DocType.parse(doc_type), known, doc_id,
                             tuple(Path(a) for a in attach))
        progress.advance("import")
        if result.target is not None:
            shown = result.target.relative_to(config.root).as_posix() if result.target.is_relative_to(config.root) else str(result.target)
            result = once_per_target(result, targets, shown)
        report(result.diagnostics, err=True)
        if not result.ok:
            click.echo(f"未导入：{name}", err=True)
            rows.append(summary.row(result, ""))
            continue
        rows.append(summary.row(result, shown + ("（试运行，未写入）" if dry_run else "")))
        if dry_run:
            click.echo(f"===== {name} -> {shown}（试运行，未写入） =====")
            click.echo(result.text, nl=False)
            for path, _ in result.files:
                click.echo(f"（将写入 {path.relative_to(config.root).as_posix()}）")
        else:
            for path, data in result.files:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            result.target.parent.mkdir(parents=True, exist_ok=True)
            result.target.write_text(result.text, encoding="utf-8")
            click.echo(f"已导入 {name} -> {shown}")
        for why, found in result.attached:
            click.echo(f"  附件：{found}（依据{why}）")
        known.append(result.known)
    return rows


def _expand_folders(names: tuple[str, ...]) -> tuple[str, ...]:
    """Each folder among ``names`` replaced by the files to import under it (skips said on stderr)."""
    from .importer.batch import folder_files
    from .importer.run import OLD_FORMATS, READERS

    out: list[str] = []
    for name in names:
        if not Path(name).is_dir():
            out.append(name)
            continue
        found, skipped = folder_files(Path(name), set(READERS) | OLD_FORMATS)
        for path, why in skipped:
            click.echo(f"跳过 {path}（{why}）", err=True)
        out += [str(p) for p in found]
    return tuple(out)


@cli.command()
@config_option
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 数组输出（id、title、url、type、status、score、snippet 等）")
@click.option("-n", "--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="最多显示多少条")
@click.option("--type", "doc_type", type=click.Choice(TYPE_NAMES), help="只看某类文件（如 通知 或 notice）")
@click.option("--audience", help="只看适用于某类机构的文件（键或中文名称）")
@click.option("--status", type=click.Choice(["current", "amended", "pending", "expired", "superseded", "repealed"]), help="只看某种状态的文件")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar="日期",
              help="按这一天判断文件状态并据此排序（YYYY-MM-DD，默认今天）")
def search(config_path: str, query: str, as_json: bool, limit: int, doc_type: str | None, audience: str | None,
           status: str | None, as_of) -> None:
    """在最近一次 mzkb build 生成的索引中全文搜索。"""
    import json

    from .clock import as_of_date
    from .config import load_config
    from .search.whoosh_index import IndexDamaged, IndexMissing, search_results

    config, diags = load_config(config_path)
    if config is None:
        report(diags, err=True)
        sys.exit(1)
    doc_type = DocType.parse(doc_type).value if doc_type else None
    if audience:
        found = config.audience(audience)
        if found is None:
            raise click.BadParameter(f"未知的适用机构 {audience}", param_hint="--audience")
        audience = found.key
    try:
        day = as_of_date(as_of).isoformat()
        found = search_results(config.state_dir / "whoosh", query, config, limit, doc_type, audience, status, day)
    except IndexDamaged as exc:
        report([make("MZ907", str(exc))], err=True)
        sys.exit(1)
    except IndexMissing:
        click.echo("还没有搜索索引：请先运行 mzkb build。", err=True)
        sys.exit(1)
    hits = found.hits
    if found.shortened:
        click.echo(shortened_line(), err=True)
    query = found.query
    if as_json:
        click.echo(json.dumps([h.to_json() for h in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo(no_owner_line(found.no_owner) if found.no_owner else f"没有找到与“{query}”相关的文件。")
        if found.suggestion:
            click.echo(f"您是不是要找：{found.suggestion}")
        return
    if found.folded:
        click.echo(f"已按简体字“{found.folded}”搜索。")
    if found.aliased:
        click.echo(f"已按“{found.aliased}”搜索。")
    if found.no_owner:
        click.echo(no_owner_line(found.no_owner))
    click.echo(count_line(found.full, found.partial, query, found.synonym, found.synonym_words))
    if found.suggestion:
        click.echo(f"您是不是要找：{found.suggestion}")
    click.echo(f"（状态以 {day} 为准）")
    from .content.model import Status

    labels = {t.value: t.label for t in DocType}
    status_labels = {s.value: s.label for s in Status}
    for rank, hit in enumerate(hits, 1):
        badge = f"[{labels.get(hit.type, hit.type)}·{status_labels.get(hit.status, hit.status)}]"
        click.echo(f"{rank}. {emphasized(hit.title, hit.title_marks, bold=True)} {badge} {hit.date}")
        click.echo(f"   {hit.url}")
        if disclosure := disclosure_line(hit):
            click.echo(f"   {disclosure}")
        if hit.in_attachment:
            click.echo(f"   {hit.heading}")
        if hit.snippet_in:
            click.echo(f"   {older_passage(hit.full_in_title, hit.snippet_in_date)}")
        click.echo(f"   {emphasized(hit.snippet, hit.snippet_marks)}")
        if hit.current:
            click.echo(f"   此为旧版本，现行版本：{hit.current_title}  {hit.current_url}")
        if hit.full_in and not hit.snippet_in:
            click.echo(f"   完整匹配见于旧版本：{hit.full_in_title}")
        if hit.topics:
            click.echo(f"   主题：{'、'.join(emphasized(t, m) for t, m in zip(hit.topics, hit.topic_marks))}")


def emphasized(text: str, spans, bold: bool = False) -> str:
    """``text`` with its matched spans underlined on a terminal (all of it bold when ``bold``);
    plain where styles are stripped (a pipe, a file): never marker characters, which real 文号
    hold (【2024】)."""
    out, pos = [], 0
    for start, end in [*spans, (len(text), len(text))]:
        if text[pos:start]:
            out.append(click.style(text[pos:start], bold=bold) if bold else text[pos:start])
        if start < end:
            out.append(click.style(text[start:end], bold=bold, underline=True))
        pos = end
    return "".join(out)


def older_passage(title: str, date: str) -> str:
    """Said above a snippet cut from an older edition (search-ui.js olderPassage)."""
    return f"见于旧版《{title}》（{date[:4]}年版）："


def shortened_line() -> str:
    """What both engines say when a query was cut (search-ui.js shortenedText)."""
    from .search.analyzer import MAX_QUERY

    return f"搜索词太长，只按前 {MAX_QUERY} 个字符搜索。"


def disclosure_line(hit) -> str:
    """A hit's 信息公开 fields, as the browser's result card shows them (search-ui.js disclosureText)."""
    parts = [f"索引号：{hit.index_number}"] if hit.index_number else []
    if hit.subjects:
        parts.append(f"主题分类：{'、'.join(hit.subjects)}")
    if hit.recipients:
        parts.append(f"主送：{hit.recipients}")
    return " · ".join(parts)
def no_owner_line(prefix: str) -> str:
    """What both engines say when a 文号 prefix is no document's (search-ui.js noOwnerText)."""
    return f"没有文号以“{prefix}”开头的文件。"


def count_line(full: int, partial: int, query: str, synonym: int = 0, synonym_words=()) -> str:
    """The counts the browser prints above its results (search-ui.js countText)."""
    text = f"找到 {full} 个文件完全匹配" if full else f"没有文件完全匹配“{query}”"
    if synonym:
        text += f"，另有 {synonym} 个含同义词“{'”“'.join(synonym_words)}”"
    return text + (f"，另有 {partial} 个部分匹配。" if partial else "。")


for command in (cli_offline.bundle, cli_offline.verify, cli_offline.apply_update, cli_offline.keygen):
    cli.add_command(command)
click_zh.localize(cli, {"doc_type": "类型", "title": "标题", "name": "版本名", "directory": "文件夹", "files": "文件",
                        "query": "关键词", "path": "离线包", "pack": "更新包"})


def main() -> None:
    """Console-script entry point.

    ``mzkb build`` leaves straight after its output is flushed: tearing down a heap of
    thousands of documents object by object takes half a second at 5,000 documents and
    nothing is left to clean (files are closed, worker processes have ended)."""
    try:
        cli(prog_name="mzkb")
    except SystemExit as exc:
        if sys.argv[1:2] != ["build"]:
            raise
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    except Exception:  # Click has already turned Ctrl+C and its own errors into SystemExit
        traceback.print_exc()
        click.echo(BUG_LINE.format(version=__version__), err=True)
        sys.exit(70)


BUG_LINE = ("以上是 mzkb 自身的程序错误（不是您的内容或配置有误），mzkb {version}。"
            "请把以上全部信息和运行的命令报告给 mzkb 的维护者（见 README 的“报告问题”）。")
"""Printed under the traceback of an unexpected exception: a bug, never an editor's mistake."""


if __name__ == "__main__":
    main()
