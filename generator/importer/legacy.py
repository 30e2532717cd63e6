"""Legacy word-processor files (.doc, .wps, .rtf) converted to .docx by a locally installed LibreOffice.

LibreOffice is found on PATH (``soffice`` or ``libreoffice``) and never downloaded; without it the
caller keeps the plain "save it as .docx" message."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from io import BytesIO
from pathlib import Path

from .model import ReadError

CONVERTIBLE = {".doc", ".wps", ".rtf"}


def soffice() -> str | None:
    """The LibreOffice executable on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(path: Path, exe: str, seconds: float) -> bytes:
    """The .docx bytes LibreOffice makes of ``path``, within ``seconds`` (a private profile dir, so a
    running desktop LibreOffice is not disturbed)."""
    with tempfile.TemporaryDirectory(prefix="mzkb-soffice-") as tmp:
        work = Path(tmp)
        source = work / f"source{path.suffix.lower()}"  # a hostile name never reaches the command line
        shutil.copyfile(path, source)
        command = [exe, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
                   "--convert-to", "docx", "--outdir", str(work / "out"), str(source)]
        try:
            subprocess.run(command, capture_output=True, timeout=seconds, check=False, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise ReadError("MZ751", suffix=path.suffix.lower(), detail=f"超过 {seconds:g} 秒") from None
        out = work / "out" / "source.docx"
        if not out.is_file():
            raise ReadError("MZ751", suffix=path.suffix.lower(), detail="LibreOffice 没有生成 .docx")
        return _transitional(out.read_bytes())


def _transitional(data: bytes) -> bytes:
    """LibreOffice writes the strict-OOXML alignments ``start``/``end``, which python-docx does not
    map; rewrite them to ``left``/``right`` (same meaning for left-to-right Chinese text)."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info)
            if info.filename.startswith("word/") and info.filename.endswith(".xml"):
                part = part.replace(b'w:val="start"', b'w:val="left"').replace(b'w:val="end"', b'w:val="right"')
            dst.writestr(info, part)
    return out.getvalue()
