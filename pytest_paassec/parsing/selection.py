"""Which files a session checks: name or content, then the user's path filters.

Shared by pytest's collection hook and the inventory behind fixture-based
controls, so both always agree on the set of deployment files.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

from ..edge.settings import Settings
from ..errors import ParseError
from .discovery import Candidate, Discovery, classify, sniff
from .documents import read_text

SNIFF_LIMIT = 65536


def relative_path(path: Path, rootpath: Path) -> str:
    try:
        return path.relative_to(rootpath).as_posix()
    except ValueError:
        return path.as_posix()


def matches_any(relpath: str, patterns: tuple[str, ...]) -> bool:
    """A path against paassec_paths / paassec_exclude globs (``*`` crosses ``/``)."""
    return any(fnmatch.fnmatchcase(relpath, pattern) for pattern in patterns)


def excluded(relpath: str, settings: Settings) -> bool:
    """True when paassec_paths / paassec_exclude rule the file out."""
    if settings.paths and not matches_any(relpath, settings.paths):
        return True
    return matches_any(relpath, settings.exclude)


def select_file(
    path: Path, relpath: str, settings: Settings, candidate: Candidate | None = None, discovery: Discovery | None = None
) -> tuple[Candidate, str | None] | None:
    """The candidate and, for sniffed files, the text already read; or None."""
    candidate = candidate or classify(path, discovery)
    if candidate is None or excluded(relpath, settings):
        return None
    if candidate.by_name:
        return candidate, None
    try:
        text = read_text(path, relpath, settings.max_file_size)
    except ParseError:
        # Unreadable, binary or too large: judge by the head.  If it looks like
        # a deployment file, collecting it reports the error as an item.
        try:
            with open(path, "rb") as handle:
                head = handle.read(SNIFF_LIMIT).decode("utf-8", "replace")
        except OSError:
            return None
        return (candidate, None) if sniff(candidate, head, discovery) else None
    return (candidate, text) if sniff(candidate, text, discovery) else None
