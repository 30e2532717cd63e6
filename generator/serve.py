"""``mzkb serve``: MkDocs' live-reload server on the knowledge base, with HTTP Range requests.

The server is MkDocs' public ``LiveReloadServer`` (watching, rebuilding, reloading browsers)
built the way ``mkdocs serve`` builds it, with dirty rebuilds (pages whose inputs did not
change stay as they are in the preview folder). Its WSGI application (``set_app``, the
standard ``wsgiref`` hook) is wrapped by ``ranged``, which answers one ``Range: bytes=…``
range with 206 (video seeking in the preview; several or unparseable ranges get the whole
file with 200, RFC 9110), adds ``Accept-Ranges`` and refuses paths with a NUL byte (400) instead of letting them fail as 500. Errors are ``ServeError`` with a Chinese message;
this module prints nothing (``report`` callbacks are the CLI's).
"""

from __future__ import annotations

import logging
import mimetypes
import os
import posixpath
import re
import shutil
import socket
import traceback
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

from .config import SiteConfig
from .foundations import fewer_collections

CHUNK = 1 << 16
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class ServeError(Exception):
    """The preview server cannot run; ``args[0]`` is a Chinese message."""


def parse_addr(addr: str) -> tuple[str, int]:
    """``HOST:PORT`` -> (host, port); ``ServeError`` when malformed."""
    host, sep, port = addr.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ServeError(f"地址 {addr!r} 无效：应为 主机:端口，端口为 1–65535，例如 127.0.0.1:8000")
    return host, int(port)


def check_port(host: str, port: int) -> None:
    """``ServeError`` when ``host:port`` cannot be listened on (busy, not ours, no permission)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ServeError(f"无法识别主机名 {host}（{exc.args[-1] if exc.args else exc}）") from None
    family, kind, proto, _, address = infos[0]
    probe = socket.socket(family, kind, proto)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(address)
    except PermissionError:
        raise ServeError(f"没有权限监听端口 {port}（1024 以下的端口需要管理员权限）") from None
    except OSError as exc:
        import errno

        if exc.errno == errno.EADDRINUSE:
            raise ServeError(f"端口 {port} 已被其他程序占用") from None
        raise ServeError(f"无法监听 {host}:{port}（错误码 {exc.errno}）") from None
    finally:
        probe.close()


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) of a single ``bytes=`` range within ``size`` bytes; None when unsatisfiable.

    Raises ``ValueError`` for a header that is ignored (RFC 9110 14.2: the whole file is sent
    with 200): several ranges, other units, unparseable text, a last byte before the first.
    """
    match = _RANGE.match(header.strip())
    if not match or match.group(1) == match.group(2) == "":
        raise ValueError(header)
    first, last = match.groups()
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0:
            return None
        return max(0, size - length), size - 1
    start = int(first)
    if last and int(last) < start:
        raise ValueError(header)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size:
        return None
    return start, end


def _file_of(root: str, path: str) -> str | None:
    """The regular file under ``root`` a URL path names (as MkDocs' server maps it), else None."""
    rel = posixpath.normpath("/" + path + ("index.html" if path.endswith("/") else "")).lstrip("/")
    full = os.path.join(root, rel)
    return full if os.path.isfile(full) else None


def ranged(app: Callable, root: str | Path) -> Callable:
    """Wrap a WSGI app serving the files under ``root``: Range requests, NUL paths refused."""
    root = str(root)

    def application(environ, start_response):
        path = environ.get("PATH_INFO", "").encode("latin-1", "replace").decode("utf-8", "replace")
        if "\x00" in path:
            start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8")])
            return ["请求的地址含有 NUL 字符。".encode()]
        header = environ.get("HTTP_RANGE")
        full = _file_of(root, path) if header and environ.get("REQUEST_METHOD") in ("GET", "HEAD") else None
        if full is not None and not full.endswith(".html"):
            size = os.path.getsize(full)
            try:
                span = _byte_range(header, size)
            except ValueError:  # an ignored header: the whole file with 200, as without it
                span = ()
            if span is None:
                start_response("416 Range Not Satisfiable", [("Content-Range", f"bytes */{size}"),
                                                            ("Content-Length", "0")])
                return [b""]
            if span:
                return _partial(full, size, span, environ, start_response)

        def with_ranges(status, headers, exc_info=None):
            if status.startswith("200") and not any(k.lower() == "accept-ranges" for k, _ in headers):
                headers = [*headers, ("Accept-Ranges", "bytes")]
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        return app(environ, with_ranges)

    return application


def _partial(full: str, size: int, span: tuple[int, int], environ, start_response):
    first, last = span
    length = last - first + 1
    kind = mimetypes.guess_type(full)[0] or "application/octet-stream"
    start_response("206 Partial Content", [("Content-Type", kind), ("Content-Length", str(length)),
                                           ("Content-Range", f"bytes {first}-{last}/{size}"),
                                           ("Accept-Ranges", "bytes")])
    if environ.get("REQUEST_METHOD") == "HEAD":
        return [b""]

    def chunks():
        with open(full, "rb") as handle:
            handle.seek(first)
            left = length
            while left > 0:
                data = handle.read(min(CHUNK, left))
                if not data:
                    break
                left -= len(data)
                yield data

    return chunks()


def serve(config: SiteConfig, host: str, port: int, open_browser: bool = False,
          report: Callable[[str], None] = lambda message: None) -> None:
    """Build the knowledge base into a preview folder and serve it until Ctrl+C.

    ``report`` receives Chinese messages of failed rebuilds, and the traceback of a rebuild that
    failed for a bug (the server then keeps the last good site and waits for the next change).
    """
    from mkdocs.exceptions import Abort, MkDocsException
    from mkdocs.livereload import LiveReloadServer

    from .preview import install
    from .site.mkdocs import DropDirtyNotice, write_mkdocs_yml

    check_port(host, port)
    session = install()  # the plugin checks and indexes the knowledge base on every rebuild (see preview.py)
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
    server.set_app(ranged(server.serve_request, site_dir))
    server.error_handler = lambda code: _error_page(site_dir, code)
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
        session.close()
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
    from mkdocs.config import load_config

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
    from mkdocs.commands.build import build

    with fewer_collections():
        build(cfg, serve_url=url, dirty=True)


def _error_page(site_dir: str, code: int) -> bytes | None:
    page = os.path.join(site_dir, f"{code}.html")
    if code in (404, 500) and os.path.isfile(page):
        with open(page, "rb") as handle:
            return handle.read()
    return None
