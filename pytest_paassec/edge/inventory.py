"""The deployment files a session checks, for fixture-based controls.

A test function marked ``paassec_control`` is parametrized while its module
is collected, before pytest reaches the deployment files themselves, so the
inventory walks the session's arguments with the same selection rules as
collection (``selection.py``) and parses each file once; the collector then
reuses the parse.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ..errors import ParseError
from ..model.resources import Resource
from ..parsing.discovery import Candidate
from ..parsing.documents import ParsedFile, parse_text, read_text
from ..parsing.selection import relative_path, select_file
from ..rules.controls import Control
from ..rules.engine import resources_of

DEPLOYMENT_DOT_DIRS = frozenset({".do", ".ebextensions"})


@dataclass(frozen=True)
class Target:
    """One subject entry a fixture-based control runs on."""

    relpath: str
    resource: Resource
    path: tuple
    value: Any
    label: str  # the parametrize id

    @property
    def line(self) -> int:
        return self.resource.document.line_of(self.resource.path + self.path)


class Inventory:
    def __init__(self, config: pytest.Config, state: Any) -> None:
        self.config = config
        self.state = state
        self._files: list[tuple[ParsedFile, Candidate]] | None = None

    def _roots(self) -> list[Path]:
        base = self.config.invocation_params.dir
        roots = []
        for arg in self.config.args or [str(base)]:
            path = (base / arg.split("::", 1)[0]).resolve()
            if path.exists():
                roots.append(path)
        return sorted(set(roots))

    def _skip_dir(self, path: Path) -> bool:
        if path.name in DEPLOYMENT_DOT_DIRS:
            return self._ignored(path)
        if path.name == "__pycache__" or (path / "pyvenv.cfg").exists():
            return True
        if any(fnmatch.fnmatch(path.name, pattern) for pattern in self.config.getini("norecursedirs")):
            return True
        return self._ignored(path)

    def _ignored(self, path: Path) -> bool:
        ignored = {Path(p).resolve() for p in self.config.getoption("ignore") or ()}
        globs = self.config.getoption("ignore_glob") or ()
        return path in ignored or any(fnmatch.fnmatch(str(path), g) for g in globs)

    def _walk(self) -> list[Path]:
        found: list[Path] = []
        for root in self._roots():
            if root.is_file():
                found.append(root)
                continue
            for folder, dirs, files in os.walk(root):
                here = Path(folder)
                dirs[:] = sorted(d for d in dirs if not self._skip_dir(here / d))
                found.extend(here / name for name in sorted(files) if not self._ignored(here / name))
        return sorted(set(found))

    def files(self) -> list[tuple[ParsedFile, Candidate]]:
        if self._files is None:
            self._files = []
            settings = self.state.settings
            for path in self._walk():
                relpath = relative_path(path, self.config.rootpath)
                hook = self.config.hook.pytest_paassec_candidate(file_path=path, config=self.config)
                selected = select_file(path, relpath, settings, hook)
                if selected is None:
                    continue
                candidate, text = selected
                try:
                    text = text if text is not None else read_text(path, relpath, settings.max_file_size)
                except ParseError:
                    continue  # collection reports it as an error item
                if candidate.format not in ("yaml", "json", "toml", "dockerfile", "procfile"):
                    continue
                parsed = parse_text(relpath, candidate.format, text)
                self.state.parsed[path] = parsed
                self._files.append((parsed, candidate))
        return self._files

    def targets(self, control: Control) -> list[Target]:
        targets: list[Target] = []
        labels: dict[str, int] = {}
        for parsed, candidate in self.files():
            resources, _ = resources_of(parsed, candidate, self.state.catalog)
            for resource in resources:
                if not control.is_applicable(resource):
                    continue
                for path, value in control.entries(resource):
                    label = f"{parsed.relpath}:{resource.ref}"
                    seen = labels[label] = labels.get(label, 0) + 1
                    if seen > 1:
                        label = f"{label}~{seen}"
                    targets.append(Target(parsed.relpath, resource, path, value, label))
        return targets
