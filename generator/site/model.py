"""What the render stage takes and what it gives back (values shared by the pipeline and the plugin)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import SiteConfig
from ..content.links import Corpus
from ..diagnostics import Diagnostic

if TYPE_CHECKING:
    from ..cache import Cache
    from ..progress import Progress
    from .memory import PreviewMemory
    from .reuse import PageReuse


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """What a versioned build needs to know about the version it renders."""

    name: str
    title: str
    date: str = ""
    previous: str = ""
    """Name of the release before this one ('' for the first)."""


@dataclass(frozen=True, slots=True)
class RenderInput:
    """What the render stage needs: the site configuration, the linked corpus and its settings."""

    config: SiteConfig
    corpus: Corpus
    extra_files: dict = field(default_factory=dict)
    """Site-relative path -> text of files produced by other stages (the browser search index);
    None as text: the file is already in the output folder."""
    version: VersionInfo | None = None
    """The version of a versioned build, else None."""
    history: dict = field(default_factory=dict)
    """Path relative to the knowledge base -> git revisions (newest first)."""
    changes: dict | None = None
    """Documents added/changed/superseded/repealed since the previous release (versioned builds)."""
    reuse_from: Path | None = None
    """The previous build's site: pages whose inputs did not change are taken from it."""
    cache: Cache | None = None
    """The cache holding the page fingerprints of the previous build (None: render everything)."""
    progress: Progress | None = None
    """Told about the pages to render and each page rendered."""
    memory: PreviewMemory | None = None
    """Under ``mzkb serve``: the last good rebuild, kept in memory (what this one may reuse)."""


@dataclass(frozen=True, slots=True)
class RenderReport:
    """What the render stage did."""

    diagnostics: tuple[Diagnostic, ...] = ()
    """MkDocs' errors (MZ901) and warnings (MZ903)."""
    rendered: int = 0
    """Document pages rendered by this build."""
    reused: int = 0
    """Document pages taken from the previous build."""
    other_rendered: int = 0
    """Generated pages (home, listings, portals, comparisons …) rendered by this build."""
    reuse: PageReuse | None = None
    """The page fingerprints of this build (saved to the render cache once the site is in place)."""


class ServeError(Exception):
    """The preview server cannot run; ``args[0]`` is a Chinese message."""
