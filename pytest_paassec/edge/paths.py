"""Which folders and files the session walks: one answer for pytest's
collection and for the inventory's own walk (fixture-based controls)."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path
from typing import Iterable

import pytest

from ..parsing.discovery import classify
from .state import STATE

# Dot-directories that hold tools' state, never deployment files: not walked
# even when paassec_dot_dirs is on (neither are virtualenvs, by pyvenv.cfg).
NEVER_WALKED = frozenset({
    ".git", ".hg", ".svn", ".tox", ".nox", ".venv", ".pytest_cache", ".mypy_cache", ".ruff_cache",
    ".hypothesis", ".eggs", ".direnv", ".idea", ".terraform", ".cache",
})


def user_ignored(path: Path, config: pytest.Config) -> bool:
    """Ruled out by ``--ignore`` or ``--ignore-glob``."""
    ignored = {Path(p).resolve() for p in config.getoption("ignore") or ()}
    globs = config.getoption("ignore_glob") or ()
    return path.resolve() in ignored or any(fnmatch.fnmatch(str(path), g) for g in globs)


def ignore_collect(path: Path, config: pytest.Config) -> bool | None:
    """``pytest_ignore_collect``'s answer: walk into the dot-directories
    pytest skips by default (the platforms' own, such as ``.do/``, always;
    others such as ``.github/`` under ``paassec_dot_dirs``) unless the user
    ignores them; inside them, offer only deployment files to collectors, so
    no other plugin collects there; never follow a folder link back into one
    of its own ancestors (a loop); otherwise leave the decision to pytest (None)."""
    if path.is_symlink() and path.is_dir():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return True
        parent = path.parent.resolve()
        if target == parent or target in parent.parents:
            return True
    state = config.stash[STATE]
    if not path.is_dir():
        return _outside_deployment_files(path, config)
    if path.name in state.discovery.dot_dirs:
        return True if user_ignored(path, config) else False
    if not path.name.startswith(".") or not state.settings.dot_dirs or path.name in NEVER_WALKED:
        return None
    if (path / "pyvenv.cfg").exists() or user_ignored(path, config):
        return None
    # Patterns the user added to norecursedirs still hold; pytest's own ".*" is what this lifts.
    if any(fnmatch.fnmatch(path.name, pattern) for pattern in config.getini("norecursedirs") if pattern != ".*"):
        return None
    return False


def _outside_deployment_files(path: Path, config: pytest.Config) -> bool | None:
    """True for a file pytest reaches only because we walk a dot-directory
    and that is no deployment file (a script, a test module in .github/)."""
    try:
        folders = path.relative_to(config.rootpath).parts[:-1]
    except ValueError:
        return None
    if not any(part.startswith(".") for part in folders):
        return None
    if path in _initial_paths(config):
        return None  # named on the command line
    return True if classify(path, config.stash[STATE].discovery) is None else None


def _initial_paths(config: pytest.Config) -> frozenset[Path]:
    found = config.stash.get(_INITIAL, None)
    if found is None:
        found = config.stash[_INITIAL] = frozenset(
            (config.invocation_params.dir / arg.split("::")[0]).resolve() for arg in config.args
        )
    return found


_INITIAL = pytest.StashKey[frozenset]()


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
