"""The session's controls, indexed so each resource sees only its platform's."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..errors import BaselineError
from ..model.repository import REPOSITORY_SUBJECT
from ..parsing.discovery import Discovery
from ..platforms import BUILTIN_DISCOVERY, BUILTIN_PLATFORMS, platform_ids
from ..platforms.base import Platform, Variant
from .baseline import BaselineLoader, Override, builtin_baseline_dir
from .controls import Control


class Catalog:
    """Controls (sorted by id) and platform adapters for one session."""

    def __init__(
        self,
        controls: list[Control],
        platforms: list[Platform],
        errors: list[BaselineError],
        sources: list[str],
        overrides: list[Override] | None = None,
    ) -> None:
        self.controls = sorted(controls, key=lambda c: c.id)
        self.platforms = {p.name: p for p in platforms}
        # Every platform id resources may carry, with its title and fields.
        self.platform_ids: dict[str, Variant] = {v.name: v for v in platform_ids(platforms)}
        # Discovery over these adapters: contributed platforms claim their files too.
        self.discovery = Discovery(platforms)
        self.errors = errors
        self.sources = sources  # baseline files and plugins, for the header
        self.overrides = overrides or []
        self._by_platform: dict[tuple[str, tuple[int, ...]], list[Control]] = {}

    def for_platform(self, platform: str, extra: tuple[Control, ...] = ()) -> list[Control]:
        """Controls for a platform, with ``extra`` (conftest) ones merged in id order."""
        key = (platform, tuple(id(c) for c in extra))
        controls = self._by_platform.get(key)
        if controls is None:
            pool = self.controls + list(extra) if extra else self.controls
            controls = sorted(
                (
                    c
                    for c in pool
                    if (c.platforms is None or platform in c.platforms)
                    and platform not in c.replaced_on
                    and platform not in c.inexpressible_on
                ),
                key=lambda c: c.id,
            )
            self._by_platform[key] = controls
        return controls

    def disabled(self) -> list[Override]:
        return [o for o in self.overrides if o.disabled]


def adapters_with(platforms: Iterable[Platform]) -> dict[str, Platform]:
    """The built-in adapters, with contributed ones added (or replacing by name)."""
    adapters = {p.name: p for p in BUILTIN_PLATFORMS}
    for platform in platforms:
        adapters[platform.name] = platform
    return adapters


def discovery_for(platforms: Iterable[Platform]) -> Discovery:
    platforms = list(platforms)
    return BUILTIN_DISCOVERY if not platforms else Discovery(adapters_with(platforms).values())


def build_catalog(
    baseline_paths: Iterable[Path],
    *,
    builtin: bool = True,
    platforms: Iterable[Platform] = (),
    controls: Iterable[Control] = (),
    root: Path | None = None,
) -> Catalog:
    """Load baselines (built-in first) and add contributed platforms and controls."""
    adapters = adapters_with(platforms)
    subjects = frozenset(name for p in adapters.values() for name in p.subjects)
    if any(p.facts is not None for p in adapters.values()):
        subjects |= {REPOSITORY_SUBJECT}
    ids = platform_ids(list(adapters.values()))
    loader = BaselineLoader(frozenset(v.name for v in ids), subjects, root, {v.name: v.fields for v in ids})
    paths = ([builtin_baseline_dir()] if builtin else []) + list(baseline_paths)
    result = loader.load_paths(paths, extra=list(controls))
    sources = ["built-in" if builtin and i == 0 else loader.display(p) for i, p in enumerate(paths)]
    return Catalog(result.controls, list(adapters.values()), result.errors, sources, result.overrides)
