"""Live-state snapshots, exported with each platform's own CLI, read into
:class:`~pytest_paassec.drift.live.LiveDocument` objects.

A file is recognised by its content (docs/live-state.md lists the export
commands).  Exports that do not name what they describe (``heroku config
--json``, ``az webapp config appsettings list``, Render's env-var list) take
the name from the file name and are joined with their companion export
(apps:info, az webapp show/config show, the service JSON) by
:func:`read_snapshots`.  Anything malformed, unrecognised or left without
its companion is a located :class:`SnapshotError`, never skipped.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Iterable

from ...errors import ParseError
from ...parsing.documents import read_text
from ..live import LiveDocument
from . import appengine, azure, cloudfoundry, compose, digitalocean, elasticbeanstalk, flyio, heroku, kubernetes, render
from .common import Part, Reading, SnapshotError, parse_snapshot

# Most specific first: the first reader that recognises a file reads it.
READERS = (kubernetes, elasticbeanstalk, appengine, heroku, azure, render, cloudfoundry, compose, flyio, digitalocean)
# Platforms whose export is split over files, and the module that joins them.
SPLIT: dict[str, ModuleType] = {module.PLATFORM: module for module in (heroku, azure, render)}
SNAPSHOT_SUFFIXES = (".json", ".yaml", ".yml")
MAX_SNAPSHOT_SIZE = 64 * 1024 * 1024  # a whole cluster's kubectl get -A -o yaml


def _read(relpath: str, text: str) -> Reading:
    snapshot = parse_snapshot(relpath, text)
    for reader in READERS:
        found = reader.read(snapshot)
        if found is not None:
            return found
    raise SnapshotError(
        relpath, 1, "not a live-state export any reader recognises",
        "export it with one of the commands in docs/live-state.md, or move it out of the live directory",
    )


def read_snapshot(relpath: str, text: str) -> list[LiveDocument]:
    """The live documents of one self-contained export.

    A file that is one part of a split export (Heroku, Azure, Render) raises
    :class:`SnapshotError`: read it with its companions through
    :func:`read_snapshots` or :func:`read_directory`.
    """
    found = _read(relpath, text)
    for item in found:
        if isinstance(item, Part):
            companions = ", ".join(role for role in SPLIT[item.platform].ROLES if role != item.role)
            raise SnapshotError(
                relpath, item.line, f"a {item.platform} {item.role} export is only one part of the live state",
                f"read it together with its {companions} export (read_snapshots, or a live directory)",
            )
    return found  # type: ignore[return-value]


def read_snapshots(files: Iterable[tuple[str, str]]) -> tuple[list[LiveDocument], list[SnapshotError]]:
    """Every file's live documents, split exports joined, and every error.

    Errors do not stop the others: one broken file must not hide the drift
    the rest show.
    """
    documents: list[LiveDocument] = []
    errors: list[SnapshotError] = []
    parts: dict[tuple[str, str], dict[str, Part]] = {}
    for relpath, text in files:
        try:
            found = _read(relpath, text)
        except SnapshotError as exc:
            errors.append(exc)
            continue
        for item in found:
            if isinstance(item, LiveDocument):
                documents.append(item)
                continue
            group = parts.setdefault((item.platform, item.key), {})
            if item.role in group:
                first = group[item.role]
                errors.append(SnapshotError(
                    item.source, item.line, f"a second {item.platform} {item.role} export for {item.key!r}",
                    f"keep one (the other is {first.source}:{first.line})",
                ))
                continue
            group[item.role] = item
    for (platform, key), group in sorted(parts.items()):
        module = SPLIT[platform]
        missing = [role for role in module.ROLES if role not in group]
        if missing:
            part = group[min(group)]
            errors.append(SnapshotError(
                part.source, part.line, f"the {platform} live state of {key!r} lacks its {', '.join(missing)} export",
                "export every command docs/live-state.md lists for the platform, with the file names it gives",
            ))
            continue
        documents.append(module.combine(group))
    documents.sort(key=lambda d: (d.source, d.line, d.platform))
    errors.sort(key=lambda e: (e.path, e.line or 0, e.problem))
    return documents, errors


def _files(root: Path, base: Path, max_size: int, errors: list[SnapshotError]) -> Iterable[tuple[str, str]]:
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if not path.is_file() or path.suffix.lower() not in SNAPSHOT_SUFFIXES or any(p.startswith(".") for p in parts):
            continue
        try:
            relpath = path.relative_to(base).as_posix()
        except ValueError:
            relpath = path.as_posix()
        try:
            yield relpath, read_text(path, relpath, max_size)
        except ParseError as exc:
            errors.append(SnapshotError(exc.path, exc.line, exc.problem, exc.hint, column=exc.column))


def read_directory(
    root: Path, base: Path, *, max_size: int = MAX_SNAPSHOT_SIZE
) -> tuple[list[LiveDocument], list[SnapshotError]]:
    """Every ``*.json``, ``*.yaml`` and ``*.yml`` under ``root`` (hidden
    files and folders excepted), in sorted order; paths relative to ``base``."""
    errors: list[SnapshotError] = []
    documents, more = read_snapshots(list(_files(root, base, max_size, errors)))
    errors.extend(more)
    errors.sort(key=lambda e: (e.path, e.line or 0, e.problem))
    return documents, errors


__all__ = ["SnapshotError", "read_directory", "read_snapshot", "read_snapshots"]
