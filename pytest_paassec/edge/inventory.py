"""The deployment files a session checks, for fixture-based controls.

A test function marked ``paassec_control`` is parametrized while its module
is collected, before pytest reaches the deployment files themselves, so the
inventory walks the session's arguments with the same selection rules as
collection (``selection.py``) and parses each file once; the collector then
reuses the parse.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ..model.resources import Resource
from ..parsing.discovery import Candidate
from ..parsing.documents import ParsedFile
from ..parsing.intake import take_in_file
from ..parsing.selection import relative_path, select_file
from ..rules.controls import Control
from ..rules.engine import resources_of
from .collect import file_candidate
from .paths import walk_files


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
    def __init__(self, session: pytest.Session, state: Any) -> None:
        self.session = session
        self.config = session.config
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

    def files(self) -> list[tuple[ParsedFile, Candidate]]:
        """Every deployment file of the session that parsed, read once: the
        collector later takes the same reading (with its notices) from the state."""
        if self._files is None:
            self._files = []
            rootpath = self.config.rootpath
            settings = self.state.settings
            for path in walk_files(self._roots(), self.config):
                ihook = self.session.gethookproxy(path)
                candidate = file_candidate(path, ihook, self.config) if self.state.in_change(path) else None
                selected = select_file(path, relative_path(path, rootpath), settings, candidate, self.state.discovery) if candidate else None
                if selected is None:
                    continue
                candidate, text = selected

                def parse_other(relpath: str, fmt: str, text: str, ihook: Any = ihook) -> Any:
                    return ihook.pytest_paassec_parse(relpath=relpath, format=fmt, text=text)

                intake = take_in_file(path, rootpath, candidate, max_size=settings.max_file_size, text=text, parse_other=parse_other)
                self.state.parsed[path] = intake
                if intake.parsed is not None:
                    self._files.append((intake.parsed, candidate))
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
