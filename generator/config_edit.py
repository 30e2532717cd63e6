"""Write one value into ``site_config.yml`` as an editor would: in place, comments and layout kept.

``set_public_key`` is what ``mzkb keygen`` uses to record the public key (``bundle.public_key``).
The edit is made on the text (a YAML dump would drop every comment), then read back: it is
written only when the file then means exactly what it meant before plus the new key.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import yaml

_BUNDLE = re.compile(r"^bundle:[ \t]*(?P<flow>\{[ \t]*\})?[ \t]*(?P<comment>#.*)?$")
_CHILD = re.compile(r"^(?P<indent>[ \t]+)(?P<key>[A-Za-z_]+):")


def with_public_key(text: str, public: str) -> str | None:
    """``text`` with ``bundle.public_key`` set to ``public``; None when it cannot be done safely
    (a flow mapping with content, a different key already there, an unusual layout)."""
    lines = text.split("\n")
    entry = f"public_key: {public}"
    for index, line in enumerate(lines):
        if not line.startswith("bundle:"):
            continue
        match = _BUNDLE.match(line)
        if match is None:
            return None
        comment = f"  {match.group('comment')}" if match.group("comment") else ""
        if match.group("flow"):  # init's `bundle: {}`
            lines[index:index + 1] = [f"bundle:{comment}", f"  {entry}"]
            return _checked(text, "\n".join(lines), public)
        indent, end = "  ", index + 1
        while end < len(lines) and (not lines[end].strip() or lines[end][:1] in " \t#"):
            child = _CHILD.match(lines[end])
            if child:
                indent = child.group("indent")
                if child.group("key") == "public_key":
                    return None  # a key is configured already: replacing it is the editor's decision
            end += 1
        lines.insert(index + 1, f"{indent}{entry}")
        return _checked(text, "\n".join(lines), public)
    suffix = "" if text.endswith("\n") or not text else "\n"
    return _checked(text, f"{text}{suffix}\nbundle:\n  {entry}\n", public)


def _checked(old: str, new: str, public: str) -> str | None:
    """``new`` when it parses to ``old`` plus ``bundle.public_key``, else None."""
    try:
        before, after = yaml.safe_load(old) or {}, yaml.safe_load(new)
    except yaml.YAMLError:
        return None
    if not isinstance(before, dict) or not isinstance(after, dict):
        return None
    bundle = dict(before.get("bundle") or {})
    bundle["public_key"] = public
    return new if after == {**before, "bundle": bundle} else None


def set_public_key(path: Path, public: str) -> bool:
    """Record ``public`` as ``bundle.public_key`` in the file at ``path`` (atomically); False when
    the file was left alone (see ``with_public_key``)."""
    text = path.read_bytes().decode("utf-8-sig")
    new = with_public_key(text, public)
    if new is None:
        return False
    fd, tmp = tempfile.mkstemp(prefix=".site_config.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(new)
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True
