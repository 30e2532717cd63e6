"""``mzkb serve``'s HTTP server and browser reloading: MkDocs' public ``LiveReloadServer``.

Only the serving is MkDocs': it answers requests from the preview folder, injects its reload
script into pages and long-polls browsers. What happens on a change is ``serve.serve``'s
(``pipeline.rebuild`` of its session): ``run`` calls ``rebuild(changed_paths)`` after each burst
of changes and reloads the browsers when it returns.

The files are watched with the operating system's notifications (inotify on Linux) where
there are any, instead of MkDocs' polling every half second (which stats every file of the
knowledge base twice a second and makes an edit wait for the next poll); ``PollingObserver``
only where the system has none or refuses more watches.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

from mkdocs.livereload import LiveReloadServer
from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from ..site.model import ServeError

BUILD_DELAY = 0.05
"""Seconds without another change before a rebuild starts (an editor's save is several events)."""


def run(site_dir: Path, host: str, port: int, open_browser: bool, rebuild: Callable[[set[str]], None],
        watch: list[Path], wrap: Callable[[Callable, str], Callable],
        error_page: Callable[[str, int], bytes | None]) -> None:
    """Serve ``site_dir`` (already built) until Ctrl+C; ``rebuild(changed paths)`` after each
    change under ``watch``.

    ``wrap(app, site_dir)`` wraps the server's WSGI application (Range requests); ``error_page``
    gives the body of a 404/500 answer. ``rebuild`` must not raise for what an editor did (it
    reports that itself); browsers are reloaded when it returns.
    """
    root = str(site_dir)
    access = logging.getLogger("mkdocs.livereload")
    access.addFilter(AccessLogInChinese())
    to_stderr = logging.StreamHandler(sys.stderr)
    to_stderr.setLevel(logging.WARNING)
    access.addHandler(to_stderr)  # its own: a rebuild's MkDocs logger collects warnings as diagnostics
    access.propagate = False
    changed: set[str] = set()
    lock = threading.Lock()

    def builder() -> None:
        with lock:
            paths = set(changed)
            changed.clear()
        rebuild(paths)

    server = _Server(builder=builder, host=host, port=port, root=root)
    server.build_delay = BUILD_DELAY
    server.set_app(wrap(server.serve_request, root))
    server.error_handler = lambda code: error_page(root, code)
    _watch(server, watch, changed, lock)
    try:
        server.serve(open_in_browser=open_browser)
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        raise ServeError(f"无法监听 {host}:{port}（错误码 {exc.errno}）") from None
    finally:
        server.shutdown()
        access.removeHandler(to_stderr)


class _Server(LiveReloadServer):
    """MkDocs' server, told about changes by our watcher (``_Recorder``) instead of its own."""

    def request_rebuild(self) -> None:
        """What MkDocs' own watch callback does: ask its build loop for a rebuild."""
        with self._rebuild_cond:
            self._want_rebuild = True
            self._rebuild_cond.notify_all()


def _watch(server: _Server, paths: list[Path], changed: set[str], lock: threading.Lock):
    """Start watching the folders ``paths`` (a file: its folder, not recursively, so that an
    editor's save-by-rename is seen) with the system's notifications, polling when there are
    none; return the running observer."""
    watched = [(str(p), True) if p.is_dir() else (str(p.parent), False) for p in paths]
    observer = Observer(timeout=0.1) if _notifications_work(watched) else PollingObserver(timeout=0.5)
    recorder = _Recorder(changed, lock, server.request_rebuild)
    for folder, recursive in watched:
        observer.schedule(recorder, folder, recursive=recursive)
    server.observer = observer  # stopped by server.shutdown()
    observer.start()
    return observer


def _notifications_work(watched: list[tuple[str, bool]]) -> bool:
    """True when the system's file notifications can watch these folders (inotify exists and
    its limits are not reached)."""
    probe = Observer()
    if isinstance(probe, PollingObserver):
        return False
    try:
        for folder, recursive in watched:
            probe.schedule(FileSystemEventHandler(), folder, recursive=recursive)
        probe.start()
    except OSError:
        return False
    finally:
        if probe.is_alive():
            probe.stop()
            probe.join()
    return True


class _Recorder(FileSystemEventHandler):
    """Remembers the paths of changes and asks for a rebuild. Opening or reading a file is no
    change (inotify reports them: the rebuild reads files and MkDocs copies attachments), nor
    is a folder's modification (the change of a file in it is reported itself)."""

    IGNORED = ("opened", "closed", "closed_no_write")

    def __init__(self, changed: set[str], lock: threading.Lock, poke: Callable[[], None]) -> None:
        super().__init__()
        self.changed, self.lock, self.poke = changed, lock, poke

    def on_any_event(self, event) -> None:  # noqa: D102 (watchdog API)
        if event.event_type in self.IGNORED or (event.is_directory and event.event_type == "modified"):
            return
        with self.lock:
            self.changed.add(str(event.src_path))
            if getattr(event, "dest_path", ""):
                self.changed.add(str(event.dest_path))
        self.poke()


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
