"""Pagefind baseline: bytes loaded per query and query latency on a built mzkb site.

Usage:
    pip install 'pagefind[extended]'   # the extended binary segments Chinese
    python bench/pagefind_compare.py SITE_DIR --queries FILE_OR_COMMA_LIST [--out JSON]

SITE_DIR is a site written by ``mzkb build``; it is copied (never changed) to WORK/site, indexed with
``python -m pagefind --site WORK/site --force-language zh`` and served from 127.0.0.1 (Pagefind cannot
run from file://). Every query runs in a fresh Chromium context (cold cache) on a blank page
``/__bench.html`` that imports ``/pagefind/pagefind.js``; it calls ``pagefind.search(q)`` and then
``data()`` of the first 10 results, as a results page would. Then the same page repeats the full
search + data to get a warm median.

Bytes: Pagefind 1.5 does its fetching inside a dedicated Web Worker, whose requests a page-level CDP
session does not see, so the byte count is taken where nothing can be missed: the benchmark's own
HTTP server counts every byte it writes (status line + headers + body, HTTP/1.1 keep-alive, no
Content-Encoding) per request. Two browser-side counts are kept beside it as a cross-check:
Playwright's ``request.sizes()`` (which does include worker requests) and CDP
``Network.loadingFinished.encodedDataLength`` of the page session (page requests only).
Pagefind's own data files (.pf_meta, .pf_index, .pf_fragment, wasm) are already gzip-compressed by
Pagefind; only its JavaScript and the bench page travel raw, so ``bytes_gzip_est`` also reports the
total a gzip-serving host would send (headers as served + gzip -6 of uncompressed bodies).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
BENCH_PAGE = "__bench.html"
TOP = 10
REPEATS = 5
UI_FILES = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")

BENCH_HTML = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>pagefind bench</title></head>
<body><script type="module">
import * as pagefind from "/pagefind/pagefind.js";
window.pagefind = pagefind;
window.__pfReady = true;
</script></body></html>
"""

# One cold or warm query, timed inside the page. Returns the timings and what a results page shows.
SEARCH_JS = """async ([q, top]) => {
  const t0 = performance.now();
  const search = await window.pagefind.search(q);
  const t1 = performance.now();
  const data = await Promise.all(search.results.slice(0, top).map(r => r.data()));
  const t2 = performance.now();
  return {search_ms: t1 - t0, total_ms: t2 - t0, results: search.results.length,
          titles: data.map(d => (d.meta && d.meta.title) || d.url),
          urls: data.map(d => d.url), excerpts: data.map(d => d.excerpt)};
}"""


def pagefind_version() -> str:
    """Version string printed by the installed Pagefind binary (``python -m pagefind --version``)."""
    proc = subprocess.run([sys.executable, "-m", "pagefind", "--version"], capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError("Pagefind is not installed: pip install 'pagefind[extended]'\n" + proc.stderr)
    return proc.stdout.strip()


def _du(path: Path) -> int:
    """Total bytes of the files under ``path``."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def pagefind_index_stats(site: Path) -> dict:
    """Sizes of the ``pagefind/`` bundle under ``site``: everything, the search runtime without UI files,
    index chunks and fragments, plus what ``pagefind-entry.json`` says about languages."""
    bundle = site / "pagefind"
    files = [f for f in bundle.rglob("*") if f.is_file()]
    ui = [f for f in files if f.parent == bundle and f.name.startswith(UI_FILES)]
    chunks = list((bundle / "index").glob("*.pf_index"))
    fragments = list((bundle / "fragment").glob("*.pf_fragment"))
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return {
        "bundle_bytes": _du(bundle),
        "bundle_files": len(files),
        "search_bytes": sum(f.stat().st_size for f in files) - sum(f.stat().st_size for f in ui),
        "ui_bytes": sum(f.stat().st_size for f in ui),
        "index_chunks": len(chunks),
        "index_chunk_bytes": sum(f.stat().st_size for f in chunks),
        "fragments": len(fragments),
        "fragment_bytes": sum(f.stat().st_size for f in fragments),
        "wasm": sorted(f.name for f in bundle.glob("wasm.*")),
        "languages": entry.get("languages", {}),
    }


def index_with_pagefind(site_dir: Path, work: Path, force_language: str | None = "zh",
                        root_selector: str | None = None) -> Path:
    """Copy the built site ``site_dir`` to ``work/site``, index it with Pagefind and return that path.

    Runs ``python -m pagefind --site work/site --force-language zh`` (the pages say ``lang="zh"``;
    forcing keeps one index even if a page lacks it). ``root_selector`` is passed as
    ``--root-selector`` (default: Pagefind's own rule, i.e. all of ``<body>`` minus nav/header/footer,
    as there is no ``data-pagefind-body`` on mzkb pages). Writes ``work/pagefind.log`` (indexer output)
    and ``work/pagefind-index.json`` (bundle sizes, counts parsed from the log, build seconds).
    """
    site_dir, work = Path(site_dir), Path(work)
    site = work / "site"
    if site.exists():
        shutil.rmtree(site)
    work.mkdir(parents=True, exist_ok=True)
    shutil.copytree(site_dir, site)
    shutil.rmtree(site / "pagefind", ignore_errors=True)
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site)]
    if force_language:
        cmd += ["--force-language", force_language]
    if root_selector:
        cmd += ["--root-selector", root_selector]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    log = proc.stdout + proc.stderr
    (work / "pagefind.log").write_text(log, encoding="utf-8")
    if proc.returncode or not (site / "pagefind" / "pagefind.js").is_file():
        raise RuntimeError(f"pagefind failed ({proc.returncode}):\n{log[-3000:]}")
    counts = {key: int(m.group(1)) for key in ("pages", "words", "filters")
              if (m := re.search(rf"Indexed (\d+) {key}", log))}
    stats = {"version": pagefind_version(), "command": cmd[1:], "index_seconds": round(seconds, 2),
             "indexed": counts, **pagefind_index_stats(site)}
    (work / "pagefind-index.json").write_text(json.dumps(stats, ensure_ascii=False, indent=2), encoding="utf-8")
    return site


class _Counter:
    """Wraps the handler's socket writer and counts the bytes written to it."""

    def __init__(self, raw) -> None:
        self.raw, self.count = raw, 0

    def write(self, data) -> int:
        self.count += len(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()

    def __getattr__(self, name):
        return getattr(self.raw, name)


def _gzip_estimate(path: Path, _cache: dict = {}) -> int | None:
    """Body bytes a gzip-serving host would send for ``path``; None if the file is already gzip."""
    if path not in _cache:
        data = path.read_bytes() if path.is_file() else b""
        _cache[path] = None if data[:2] == b"\x1f\x8b" else len(gzip.compress(data, 6))
    return _cache[path]


class _Handler(SimpleHTTPRequestHandler):
    """Static files over HTTP/1.1 keep-alive, quiet, recording the bytes written for each request."""

    protocol_version = "HTTP/1.1"
    log_list: list  # set on the subclass made by _serve

    def setup(self) -> None:
        super().setup()
        self.wfile = _Counter(self.wfile)

    def handle_one_request(self) -> None:
        before = self.wfile.count
        self.requestline = ""
        super().handle_one_request()
        if self.requestline:
            path = Path(self.translate_path(self.path))
            sent = self.wfile.count - before
            body = path.stat().st_size if path.is_file() else 0
            est = _gzip_estimate(path) if path.is_file() else None
            self.log_list.append({"path": self.path, "bytes": sent,
                                  "gzip_est": sent if est is None else sent - body + est})

    def log_message(self, *args) -> None:
        pass


def _serve(site: Path) -> tuple[ThreadingHTTPServer, str, list]:
    """Start a static server for ``site`` on a free 127.0.0.1 port; return (server, base URL, log)."""
    log: list = []
    handler = type("Handler", (_Handler,), {"log_list": log})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}", log


def _marks(excerpts: list[str]) -> list[str]:
    """Distinct highlighted terms in Pagefind excerpts: shows how the query was segmented."""
    seen: dict[str, None] = {}
    for excerpt in excerpts:
        for term in re.findall(r"<mark>(.*?)</mark>", excerpt or ""):
            if term.strip():
                seen.setdefault(term.strip(), None)
    return list(seen)


def measure_pagefind(site: Path, queries: list[str], repeats: int = REPEATS, top: int = TOP) -> list[dict]:
    """Measure each query on a Pagefind-indexed ``site`` in headless Chromium; one dict per query.

    Cold (fresh browser context per query): ``bytes`` / ``requests`` are everything the server sent
    from the start of loading ``/__bench.html`` until the search and the ``data()`` of the first
    ``top`` results resolved (``bytes_page`` is the part before the search call: page + pagefind.js);
    ``first_results_ms`` is from the ``search()`` call until those ``top`` results' data are loaded,
    ``search_ms`` until ``search()`` alone resolved. Warm: ``warm_ms`` is the median of ``repeats`` more
    full search + data runs of the same query in the same page (``warm_runs_ms`` all of them,
    ``warm_search_ms`` the median of ``search()`` alone).
    ``bytes_browser`` (Playwright ``request.sizes()``: sees worker fetches but reports 0 body bytes for
    the worker script itself) and ``bytes_cdp_page`` (CDP encodedDataLength, page target only, so
    without the worker's fetches) are cross-checks of the server count.
    """
    from playwright.sync_api import sync_playwright

    site = Path(site)
    (site / BENCH_PAGE).write_text(BENCH_HTML, encoding="utf-8")
    server, base, log = _serve(site)
    rows: list[dict] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                for q in queries:
                    rows.append(_measure_one(browser, base, log, q, repeats, top))
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return rows


def _measure_one(browser, base: str, log: list, q: str, repeats: int, top: int) -> dict:
    """Cold then warm measurement of one query in its own browser context."""
    context = browser.new_context()
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp_bytes: dict[str, int] = {}
        cdp.on("Network.loadingFinished", lambda e: cdp_bytes.__setitem__(e["requestId"], e["encodedDataLength"]))
        browser_reqs: list[dict] = []

        def finished(request) -> None:
            sizes = request.sizes()
            browser_reqs.append({"url": request.url,
                                 "bytes": sizes["responseHeadersSize"] + sizes["responseBodySize"]})

        context.on("requestfinished", finished)
        log.clear()
        page.goto(f"{base}/{BENCH_PAGE}")
        page.wait_for_function("window.__pfReady === true")
        _settle(log)
        page_reqs = list(log)
        cold = page.evaluate(SEARCH_JS, [q, top])
        _settle(log)
        reqs = list(log)
        warm_runs = [page.evaluate(SEARCH_JS, [q, top]) for _ in range(repeats)]
        warm = [run["total_ms"] for run in warm_runs]
        _settle(log)
        warm_reqs = log[len(reqs):]
        return {
            "query": q,
            "results": cold["results"],
            "bytes": sum(r["bytes"] for r in reqs),
            "requests": len(reqs),
            "bytes_page": sum(r["bytes"] for r in page_reqs),
            "bytes_search": sum(r["bytes"] for r in reqs[len(page_reqs):]),
            "bytes_gzip_est": sum(r["gzip_est"] for r in reqs),
            "first_results_ms": round(cold["total_ms"], 1),
            "search_ms": round(cold["search_ms"], 1),
            "warm_ms": round(statistics.median(warm), 2),
            "warm_runs_ms": [round(t, 2) for t in warm],
            "warm_search_ms": round(statistics.median(run["search_ms"] for run in warm_runs), 2),
            "warm_requests": len(warm_reqs),
            "bytes_browser": sum(r["bytes"] for r in browser_reqs),
            "requests_browser": len(browser_reqs),
            "bytes_cdp_page": sum(cdp_bytes.values()),
            "top_titles": cold["titles"],
            "highlighted_terms": _marks(cold["excerpts"]),
            "request_log": reqs,
        }
    finally:
        context.close()


def _settle(log: list, quiet: float = 0.15, limit: float = 3.0) -> None:
    """Wait until the server log has not grown for ``quiet`` seconds (at most ``limit`` seconds)."""
    end = time.monotonic() + limit
    size = -1
    while time.monotonic() < end and size != len(log):
        size = len(log)
        time.sleep(quiet)


def load_queries(spec: str) -> list[str]:
    """Queries from a YAML file (a list of ``{q: ...}`` or of strings), a text file (one per line),
    or a comma-separated list (ASCII or full-width commas)."""
    path = Path(spec)
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        if path.suffix in (".yml", ".yaml"):
            import yaml

            items = yaml.safe_load(text) or []
            if isinstance(items, dict):
                items = items.get("queries", [])
            return [str(i["q"] if isinstance(i, dict) else i).strip() for i in items]
        return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return [part.strip() for part in re.split(r"[,，]", spec) if part.strip()]


def _table(rows: list[dict]) -> str:
    """Plain-text table of the per-query numbers."""
    head = ["query", "results", "requests", "KiB", "KiB gz-est", "first ms", "warm ms"]
    lines = [[r["query"], r["results"], r["requests"], f"{r['bytes'] / 1024:.1f}", f"{r['bytes_gzip_est'] / 1024:.1f}",
              f"{r['first_results_ms']:.0f}", f"{r['warm_ms']:.1f}"] for r in rows]
    if rows:
        lines.append(["median", "", statistics.median(r["requests"] for r in rows),
                      f"{statistics.median(r['bytes'] for r in rows) / 1024:.1f}",
                      f"{statistics.median(r['bytes_gzip_est'] for r in rows) / 1024:.1f}",
                      f"{statistics.median(r['first_results_ms'] for r in rows):.0f}",
                      f"{statistics.median(r['warm_ms'] for r in rows):.1f}"])

    def width(s: str) -> int:
        return sum(2 if ord(c) > 0x2E7F else 1 for c in s)

    cells = [head] + [[str(c) for c in line] for line in lines]
    widths = [max(width(row[i]) for row in cells) for i in range(len(head))]
    out = []
    for n, row in enumerate(cells):
        out.append("  ".join(c + " " * (widths[i] - width(c)) if i == 0 else " " * (widths[i] - width(c)) + c
                             for i, c in enumerate(row)))
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """CLI: index SITE_DIR with Pagefind, measure the queries, print a table, write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site_dir", type=Path, help="a site written by mzkb build")
    parser.add_argument("--queries", required=True, help="YAML/text file, or comma-separated queries")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a new temporary folder)")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="warm runs per query (median)")
    parser.add_argument("--root-selector", help="passed to pagefind --root-selector (e.g. article)")
    parser.add_argument("--force-language", default="zh", help="passed to pagefind ('' to let it detect)")
    args = parser.parse_args(argv)
    if not (args.site_dir / "index.html").is_file():
        parser.error(f"{args.site_dir} is not a built site (no index.html)")
    queries = load_queries(args.queries)
    if not queries:
        parser.error("no queries")
    work = args.work or Path(tempfile.mkdtemp(prefix="pagefind-bench-"))
    site = index_with_pagefind(args.site_dir, work, args.force_language or None, args.root_selector)
    index = json.loads((work / "pagefind-index.json").read_text(encoding="utf-8"))
    rows = measure_pagefind(site, queries, repeats=args.repeats)
    print(f"{index['version']}: {index['indexed'].get('pages', '?')} pages, {index['indexed'].get('words', '?')} words; "
          f"bundle {index['bundle_bytes'] / 1024:.0f} KiB ({index['search_bytes'] / 1024:.0f} KiB without UI files), "
          f"{index['index_chunks']} index chunks, {index['fragments']} fragments; indexed in {index['index_seconds']} s")
    print(_table(rows))
    for r in rows:
        print(f"  {r['query']}: highlighted {' '.join(r['highlighted_terms'][:8]) or '-'}")
    result = {"tool": "pagefind", "site_dir": str(args.site_dir), "work": str(work), "index": index,
              "top": TOP, "repeats": args.repeats, "queries": rows}
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
