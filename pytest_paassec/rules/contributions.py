"""Controls contributed by hooks: validated once, merged per file.

``pytest_paassec_controls`` is called through each file's hook relay, so
the answer depends on the conftests above the file.  Each distinct answer
is validated once: invalid definitions and ids that clash with a baseline
become errors, reported once per session.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..errors import BaselineError
from .baseline import apply_overrides
from .catalog import Catalog
from .controls import Control
from .custom import InvalidControl


class Contributions:
    def __init__(self, catalog: Catalog, root: Path | None = None) -> None:
        self.catalog = catalog
        self.root = root
        self._known: dict[tuple[int, ...], tuple[tuple[Control, ...], list[BaselineError]]] = {}
        self._reported: set[str] = set()

    def for_hook(self, hook: Any, config: Any) -> tuple[tuple[Control, ...], list[BaselineError]]:
        """The valid contributed controls for a file, and errors not yet reported."""
        offered: list[Any] = []
        seen: set[int] = set()
        for group in hook.pytest_paassec_controls(config=config):
            for item in group or ():
                if id(item) not in seen:  # the same object from two places counts once
                    seen.add(id(item))
                    offered.append(item)
        key = tuple(id(item) for item in offered)
        known = self._known.get(key)
        if known is None:
            known = self._known[key] = self._validate(offered)
        controls, errors = known
        fresh = [e for e in errors if e.render() not in self._reported]
        self._reported.update(e.render() for e in fresh)
        return controls, fresh

    def _shown(self, path: str) -> str:
        if self.root is not None and os.path.isabs(path):
            try:
                return Path(path).resolve().relative_to(self.root.resolve()).as_posix()
            except ValueError:
                pass
        return path

    def _validate(self, offered: list[Any]) -> tuple[tuple[Control, ...], list[BaselineError]]:
        baseline_ids = {c.id: c for c in self.catalog.controls}
        valid: dict[str, Control] = {}
        errors: list[BaselineError] = []
        for item in offered:
            if isinstance(item, Control) and ":" in item.source:
                file, _, line = item.source.rpartition(":")
                item.source = f"{self._shown(file)}:{line}"
            if isinstance(item, InvalidControl):
                error = item.error
                errors.append(BaselineError(self._shown(error.path), error.line, error.problem, error.hint))
            elif not isinstance(item, Control):
                errors.append(
                    BaselineError("pytest_paassec_controls", None, f"returned {type(item).__name__}, not a Control", "decorate the function with @pytest_paassec.control(...)")
                )
            else:
                clash = baseline_ids.get(item.id) or valid.get(item.id)
                unknown = unknown_platforms(item, self.catalog)
                if unknown:
                    file, _, line = item.source.rpartition(":")
                    errors.append(
                        BaselineError(file or item.source, int(line) if line.isdigit() else None, f"control {item.id}: unknown platform {unknown[0]!r}", f"use one of {', '.join(sorted(known_platforms(self.catalog)))}")
                    )
                elif clash is not None:
                    file, _, line = item.source.rpartition(":")
                    errors.append(
                        BaselineError(file or item.source, int(line) if line.isdigit() else None, f"duplicate control id {item.id} (first defined at {clash.source})", "ids are never reused: pick a new id")
                    )
                else:
                    valid[item.id] = item
        controls = apply_overrides(sorted(valid.values(), key=lambda c: c.id), self.catalog.overrides)
        return tuple(controls), errors


def known_platforms(catalog: Catalog) -> set[str]:
    return set(catalog.platform_ids)


def unknown_platforms(control: Control, catalog: Catalog) -> list[str]:
    return sorted((control.platforms or frozenset()) - known_platforms(catalog))
