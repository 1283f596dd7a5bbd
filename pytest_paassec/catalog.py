"""The session's controls, indexed so each resource sees only its platform's."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from .baseline import BaselineLoader, builtin_baseline_dir
from .controls import Control
from .errors import BaselineError
from .platforms import BUILTIN_PLATFORMS, PLATFORM_NAMES
from .platforms.base import Platform


class Catalog:
    """Controls (sorted by id) and platform adapters for one session."""

    def __init__(
        self,
        controls: list[Control],
        platforms: list[Platform],
        errors: list[BaselineError],
        sources: list[str],
    ) -> None:
        self.controls = sorted(controls, key=lambda c: c.id)
        self.platforms = {p.name: p for p in platforms}
        self.errors = errors
        self.sources = sources  # baseline files and plugins, for the header
        self._by_platform: dict[str, list[Control]] = {}

    def for_platform(self, platform: str) -> list[Control]:
        controls = self._by_platform.get(platform)
        if controls is None:
            controls = [c for c in self.controls if c.platforms is None or platform in c.platforms]
            self._by_platform[platform] = controls
        return controls

    def applicable(self, resource) -> list[Control]:  # type: ignore[no-untyped-def]
        return [c for c in self.for_platform(resource.platform) if c.is_applicable(resource)]


def build_catalog(
    baseline_paths: Iterable[Path],
    *,
    builtin: bool = True,
    platforms: Iterable[Platform] = (),
    controls: Iterable[Control] = (),
    root: Path | None = None,
) -> Catalog:
    """Load baselines (built-in first) and add contributed platforms and controls."""
    adapters = {p.name: p for p in BUILTIN_PLATFORMS}
    for platform in platforms:
        adapters[platform.name] = platform
    subjects = frozenset(name for p in adapters.values() for name in p.subjects)
    loader = BaselineLoader(frozenset(PLATFORM_NAMES | set(adapters)), subjects, root)
    paths = ([builtin_baseline_dir()] if builtin else []) + list(baseline_paths)
    result = loader.load_paths(paths, extra=list(controls))
    sources = ["built-in" if builtin and i == 0 else loader.display(p) for i, p in enumerate(paths)]
    return Catalog(result.controls, list(adapters.values()), result.errors, sources)
