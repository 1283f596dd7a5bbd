"""Which folders and files the session walks: one answer for pytest's
collection and for the inventory's own walk (fixture-based controls)."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path
from typing import Iterable

import pytest

from .state import STATE


def user_ignored(path: Path, config: pytest.Config) -> bool:
    """Ruled out by ``--ignore`` or ``--ignore-glob``."""
    ignored = {Path(p).resolve() for p in config.getoption("ignore") or ()}
    globs = config.getoption("ignore_glob") or ()
    return path.resolve() in ignored or any(fnmatch.fnmatch(str(path), g) for g in globs)


def ignore_collect(path: Path, config: pytest.Config) -> bool | None:
    """``pytest_ignore_collect``'s answer: walk into the deployment folders
    pytest skips by default (the platforms' own, such as ``.do/``) unless the user
    ignores them explicitly; never follow a folder link back into one of its
    own ancestors (a loop); otherwise leave the decision to pytest (None)."""
    if path.is_symlink() and path.is_dir():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return True
        parent = path.parent.resolve()
        if target == parent or target in parent.parents:
            return True
    if path.name not in config.stash[STATE].discovery.dot_dirs:
        return None
    if user_ignored(path, config):
        return True
    return False if path.is_dir() else None


def skips_dir(path: Path, config: pytest.Config) -> bool:
    """Whether pytest's walk would skip this folder, for walks of our own."""
    decision = ignore_collect(path, config)
    if decision is not None:
        return decision
    if path.name == "__pycache__" or (path / "pyvenv.cfg").exists():
        return True
    if any(fnmatch.fnmatch(path.name, pattern) for pattern in config.getini("norecursedirs")):
        return True
    return user_ignored(path, config)


def walk_files(roots: Iterable[Path], config: pytest.Config, skip: Iterable[Path] = ()) -> list[Path]:
    """Every file under ``roots`` that pytest's walk would reach, sorted;
    folders in ``skip`` (already collected some other way) are left out."""
    skipped = {p.resolve() for p in skip}
    found: list[Path] = []
    for root in roots:
        if root.is_file():
            found.append(root)
            continue
        for folder, dirs, files in os.walk(root):
            here = Path(folder)
            dirs[:] = sorted(d for d in dirs if (here / d).resolve() not in skipped and not skips_dir(here / d, config))
            found.extend(here / name for name in sorted(files) if not user_ignored(here / name, config))
    return sorted(set(found))
