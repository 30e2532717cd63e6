"""``mzkb serve``: the preview server of the knowledge base, with HTTP Range requests.

One ``pipeline.Session`` lives as long as the server; every change runs ``pipeline.rebuild``
on it (the stages of ``mzkb build``, reusing what did not change, rendered in place into the
preview folder). The HTTP server, the file watcher and the browsers' reloading are the
renderer's (``render/livereload.py``: MkDocs' ``LiveReloadServer``). Its WSGI application is
wrapped by ``ranged``, which answers one ``Range: bytes=…``
range with 206 (video seeking in the preview; several or unparseable ranges get the whole
file with 200, RFC 9110), adds ``Accept-Ranges`` and refuses paths with a NUL byte (400) instead of letting them fail as 500. Errors are ``ServeError`` with a Chinese message;
this module prints nothing (``report`` callbacks are the CLI's).
"""

from __future__ import annotations

import mimetypes
import os
import posixpath
import re
import shutil
import socket
import traceback
from collections.abc import Callable
from pathlib import Path

from .config import SiteConfig
from .site.model import ServeError

CHUNK = 1 << 16
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")




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

    ``report`` receives the Chinese diagnostics of failed rebuilds, and the traceback of a
    rebuild that failed for a bug (the server then keeps the last good site and waits for the
    next change).
    """
    from .pipeline import Session, rebuild
    from .render.livereload import run

    check_port(host, port)
    site_dir = config.state_dir / f".serve-site.building-{os.getpid()}"  # removed by the next build if killed
    site_dir.mkdir(parents=True, exist_ok=True)
    session = Session(config.path, site_dir)
    try:
        first = rebuild(session)
        if not first.ok:  # the first build: nothing to serve
            _tell(first, report)
            raise ServeError("存在错误，无法生成预览网站。")
        run(site_dir, host, port, open_browser, lambda changed: _again(session, changed, report),
            [config.content_dir, config.path], ranged, _error_page)
    finally:
        session.close()
        shutil.rmtree(site_dir, ignore_errors=True)


def _again(session, changed: set[str], report: Callable[[str], None]) -> None:
    """A rebuild after a change: what failed is reported, the last good site stays served."""
    from .pipeline import rebuild

    try:
        result = rebuild(session, changed)
    except Exception:
        # a bug keeps its traceback (in the log) but must not stop the preview: the last good
        # site stays served (the renderer's memory made the next rebuild render again every page
        # this one may have written)
        session.memory.forget_pages()
        report(traceback.format_exc().rstrip())
        report("mzkb 在生成预览时出错（程序错误，请把上面的 Traceback 报告给维护者）；"
               "预览仍显示上一次成功生成的网站，修改内容后会再次尝试。")
        return
    if not result.ok:
        _tell(result, report)
        report("存在错误，预览仍显示上一次成功生成的网站；修正后会自动刷新。")
    elif result.render.diagnostics:
        _tell(result, report, renderer_only=True)


def _tell(result, report: Callable[[str], None], renderer_only: bool = False) -> None:
    """Report a rebuild's diagnostics (a failed check's; else the renderer's)."""
    shown = result.render.diagnostics if renderer_only else result.diagnostics
    for diagnostic in shown:
        report(diagnostic.format())


def _error_page(site_dir: str, code: int) -> bytes | None:
    page = os.path.join(site_dir, f"{code}.html")
    if code in (404, 500) and os.path.isfile(page):
        with open(page, "rb") as handle:
            return handle.read()
    return None
