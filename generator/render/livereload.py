"""``mzkb serve``'s loop as MkDocs runs it: its public ``LiveReloadServer`` (watching,
rebuilding, reloading browsers) built the way ``mkdocs serve`` builds it, with dirty rebuilds
(pages whose inputs did not change stay as they are in the preview folder).

``serve.serve`` hands it the WSGI wrapper (HTTP Range requests) and the error pages; every
rebuild's input comes from the plugin's loader (``preview.install``).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import traceback
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, MkDocsException
from mkdocs.livereload import LiveReloadServer

from ..config import SiteConfig
from ..foundations import fewer_collections
from ..site.model import ServeError
from .mkdocs import DropDirtyNotice, write_mkdocs_yml

def run(config: SiteConfig, host: str, port: int, open_browser: bool, report: Callable[[str], None],
        wrap: Callable[[Callable, str], Callable], error_page: Callable[[str, int], bytes | None]) -> None:
    """Build the knowledge base into a preview folder and serve it until Ctrl+C (``serve.serve``).

    ``wrap(app, site_dir)`` wraps the server's WSGI application (Range requests); ``error_page``
    gives the body of a 404/500 answer. The plugin's ``MzkbPlugin.loader`` (set by
    ``preview.install``) checks and indexes the knowledge base on every rebuild.
    """
    site_dir = str(config.state_dir / f".serve-site.building-{os.getpid()}")  # removed by the next build if killed
    os.makedirs(site_dir, exist_ok=True)
    path = write_mkdocs_yml(config, Path(site_dir))
    url = f"http://{host}:{port}/"
    logging.getLogger("mkdocs.commands.build").addFilter(DropDirtyNotice())
    logging.getLogger("mkdocs.livereload").addFilter(AccessLogInChinese())

    get_config = config_loader(path, site_dir, url)

    def builder(cfg=None) -> None:
        # MkDocs has logged a failed check's Chinese diagnostics (file:line); its own summary
        # (Abort: "Aborted with a BuildError!") is English and says nothing more
        try:
            rebuild(cfg or get_config(), url)
        except (MkDocsException, OSError) as exc:
            if not isinstance(exc, Abort):
                report(str(exc))
            if cfg is not None:  # the first build: nothing to serve
                raise ServeError("存在错误，无法生成预览网站。") from None
            # a later one: the server keeps serving the last good site (MkDocs' loop must not
            # see the error: it would print a traceback, or stop the server for SystemExit)
            report("存在错误，预览仍显示上一次成功生成的网站；修正后会自动刷新。")
        except Exception:
            if cfg is not None:  # a bug in the first build: nothing to serve, the traceback is the CLI's
                raise
            # a bug in a later one keeps its traceback (in the log) but must not stop the preview:
            # raised into MkDocs' loop, the site would never become "visible" again and every
            # request would wait for it; returning serves the last good site (the plugin's
            # on_build_error made the next rebuild render again every page this one may have written)
            report(traceback.format_exc().rstrip())
            report("mzkb 在生成预览时出错（程序错误，请把上面的 Traceback 报告给维护者）；"
                   "预览仍显示上一次成功生成的网站，修改内容后会再次尝试。")

    first = get_config()
    first.plugins.on_startup(command="serve", dirty=True)
    server = LiveReloadServer(builder=builder, host=host, port=port, root=site_dir)
    server.set_app(wrap(server.serve_request, site_dir))
    server.error_handler = lambda code: error_page(site_dir, code)
    try:
        builder(first)
        for item in first.watch:
            server.watch(item)
        server = first.plugins.on_serve(server, config=first, builder=builder)
        try:
            server.serve(open_in_browser=open_browser)
        except KeyboardInterrupt:
            pass
        except OSError as exc:
            raise ServeError(f"无法监听 {host}:{port}（错误码 {exc.errno}）") from None
        finally:
            server.shutdown()
    finally:
        first.plugins.on_shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)


_REQUEST_LINE = re.compile(r'^(\[\d\d:\d\d:\d\d\] )?"(\S+) (\S+) HTTP/[\d.]+" code (\d{3})$')
_STATUS_TEXT = {"304": "未改动", "400": "请求无效", "403": "不允许访问", "404": "找不到", "405": "不支持的请求",
                "416": "范围无效", "500": "服务器出错"}


class AccessLogInChinese(logging.Filter):
    """MkDocs' server logs a request that did not succeed as ``"GET /x HTTP/1.1" code 404``
    (successful ones only at debug level): say it as ``找不到（404）：/x``. Only the record's text
    changes; MkDocs' time prefix stays."""

    def filter(self, record: logging.LogRecord) -> bool:  # noqa: D102
        match = _REQUEST_LINE.match(record.getMessage())
        if match:
            stamp, _method, target, code = match.groups()
            path = unquote(target.split("?", 1)[0])
            record.msg, record.args = f"{stamp or ''}{_STATUS_TEXT.get(code, '请求未成功')}（{code}）：{path}", ()
        return True


def config_loader(path: Path, site_dir: str | None, url: str | None) -> Callable:
    """A function giving the MkDocs configuration of each rebuild (all with one theme environment);
    ``site_dir`` None: the one in ``path``."""
    theme_env: list = []

    def get_config():
        cfg = load_config(config_file=str(path), **({"site_dir": site_dir} if site_dir else {}))
        if url is not None:
            cfg.site_url = url
        one_theme_env(cfg.theme, theme_env)
        return cfg

    return get_config


def one_theme_env(theme, kept: list) -> None:
    """Let every rebuild of one server use the first rebuild's Jinja environment of the theme.

    MkDocs makes a new one per build: templates loaded again, and Material's ~14,500 theme
    files (icons) walked and filtered to find its static files, a fixed ~0.2 s per rebuild.
    The theme folders are not watched by ``mzkb serve`` (a theme change needs a restart
    anyway), the generated mkdocs.yml does not change while it runs, and MkDocs passes each
    page its context at render time, so the same environment and file list serve every rebuild.
    """
    make_env = theme.get_env

    def get_env():
        if not kept:
            env = make_env()
            listing = []

            def list_templates(extensions=None, filter_func=None, _real=env.list_templates):
                if not listing:
                    listing.append(_real(extensions, filter_func))
                return listing[0]

            env.list_templates = list_templates
            kept.append(env)
        return kept[0]

    theme.get_env = get_env


def rebuild(cfg, url: str | None = None) -> None:
    """One preview build, as the live-reload server runs it after a change (MkDocs' dirty
    build with our plugin; the garbage collector seldom runs: the session's corpus lives long)."""
    with fewer_collections():
        build(cfg, serve_url=url, dirty=True)
