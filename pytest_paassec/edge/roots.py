"""Deployment files outside ``testpaths``.

Most Python projects set ``testpaths = ["tests"]``: a plain ``pytest`` then
never reaches the deployment files, and a green run would read as "secure".
When pytest takes its arguments from ``testpaths``, the deployment files
under ``paassec_roots`` (default: the rootdir) are added as explicit
arguments, so nothing else outside ``testpaths`` is collected.  Explicit
path arguments keep their meaning.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..parsing.selection import relative_path, select_file
from .collect import file_candidate
from .paths import walk_files
from .state import STATE


def extra_deployment_files(session: pytest.Session) -> list[Path]:
    config = session.config
    if getattr(config, "args_source", None) != pytest.Config.ArgsSource.TESTPATHS:
        return []
    rootpath = config.rootpath
    base = config.invocation_params.dir
    settings = config.stash[STATE].settings
    collected = [(base / arg.split("::", 1)[0]).resolve() for arg in config.args]
    roots = [(rootpath / root).resolve() for root in settings.roots or (".",)]
    found = []
    for path in walk_files([r for r in roots if r.exists()], config, skip=collected):
        if any(path.resolve() == c or c in path.resolve().parents for c in collected):
            continue  # pytest collects it through testpaths
        candidate = file_candidate(path, session.gethookproxy(path), config)
        if candidate is not None and select_file(path, relative_path(path, rootpath), settings, candidate, config.stash[STATE].discovery) is not None:
            found.append(path)
    return found


def add_to_arguments(session: pytest.Session) -> None:
    files = extra_deployment_files(session)
    state = session.config.stash[STATE]
    state.extra_roots = tuple(sorted({relative_path(p.parent, session.config.rootpath).split("/", 1)[0] for p in files}))
    state.extra_files = len(files)
    session.config.args.extend(str(path) for path in files)
