"""Diagnostics for CI services: GitHub Actions workflow commands and GitLab Code Quality JSON.

- ``github``: one ``::error file=…,line=…,col=…,title=…::message`` (or ``::warning``) line per
  problem, escaped as GitHub documents for workflow commands: in the message ``%``, CR and LF
  become ``%25``, ``%0D``, ``%0A``; in a property also ``:`` and ``,`` (``%3A``, ``%2C``).
  GitHub shows each as an annotation on the file and line of the pull request.
- ``gitlab``: a Code Quality report (a JSON array of ``description``, ``check_name``,
  ``fingerprint``, ``severity``, ``location.path``, ``location.lines.begin``), which GitLab shows
  in the merge request when a job stores it as ``artifacts:reports:codequality``.

Paths are made relative to the current folder (the repository root in CI) when the knowledge
base is inside it.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .diagnostics import CATALOGUE, Diagnostic, Severity


def escape_data(text: str) -> str:
    """A workflow command's message, escaped (``%`` first)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value, escaped (message escapes plus ``:`` and ``,``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def repo_path(file: str, root: Path | None, cwd: Path | None = None) -> str:
    """The diagnostic's file relative to ``cwd`` when it lies inside it, else as reported."""
    cwd = (cwd or Path.cwd()).resolve()
    path = Path(file)
    if not path.is_absolute():
        if root is None:
            return file
        path = root / path
    try:
        return Path(os.path.normpath(path.absolute())).relative_to(cwd).as_posix()
    except ValueError:
        return file


def render_github(diagnostics, root: Path | None = None, cwd: Path | None = None) -> str:
    """Every diagnostic as a GitHub Actions ``::error``/``::warning`` workflow command."""
    lines = []
    for d in diagnostics:
        kind = "error" if d.severity is Severity.ERROR else "warning"
        props = [f"file={escape_property(repo_path(d.file, root, cwd))}"] if d.file else []
        if d.file and d.line:
            props.append(f"line={d.line}")
            if d.column:
                props.append(f"col={d.column}")
        label = "错误" if d.severity is Severity.ERROR else "警告"
        props.append(f"title={escape_property(f'mzkb {d.code} {label}')}")
        fix = CATALOGUE[d.code].fix if d.code in CATALOGUE else ""
        message = d.message + (f"\n处理：{fix}" if fix else "")
        lines.append(f"::{kind} {','.join(props)}::{escape_data(message)}")
    return "\n".join(lines)


def fingerprint(d: Diagnostic, path: str) -> str:
    """A stable id of one problem (GitLab compares reports of two commits by it)."""
    return hashlib.sha256(f"{d.code}\0{path}\0{d.line}\0{d.column}\0{d.message}".encode("utf-8")).hexdigest()


def render_gitlab(diagnostics, root: Path | None = None, cwd: Path | None = None) -> str:
    """Every diagnostic as one entry of a GitLab Code Quality report (JSON array)."""
    entries = []
    for d in diagnostics:
        path = repo_path(d.file, root, cwd)
        fix = CATALOGUE[d.code].fix if d.code in CATALOGUE else ""
        entries.append({
            "description": f"{d.code} {d.message}" + (f"（处理：{fix}）" if fix else ""),
            "check_name": d.code,
            "fingerprint": fingerprint(d, path),
            "severity": "major" if d.severity is Severity.ERROR else "minor",
            "location": {"path": path, "lines": {"begin": max(d.line, 1)}},
        })
    return json.dumps(entries, ensure_ascii=False, indent=2)
