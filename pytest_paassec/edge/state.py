"""Per-session state, kept in ``config.stash`` (never in module globals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from ..parsing.documents import ParsedFile
from ..reporting.summary import Summary
from ..rules.catalog import Catalog
from ..rules.contributions import Contributions
from .protocol import Protocol
from .settings import Settings


@dataclass
class SessionState:
    settings: Settings
    # Builds the catalog; called on first use, so a run with no deployment
    # files does not pay for loading and compiling the baselines.
    load_catalog: Callable[[], Catalog]
    root: Path | None = None
    summary: Summary = field(default_factory=Summary)
    # Files the inventory already parsed (for fixture-based controls).
    parsed: dict[Path, ParsedFile] = field(default_factory=dict)
    # Files named like deployment files whose content no platform claimed.
    unrecognized: list[str] = field(default_factory=list)
    # The run protocol this process chose (protocol.py): provisional when
    # the header is written, final after collection.
    protocol: Protocol | None = None
    _catalog: Catalog | None = None
    _contributions: Contributions | None = None

    @property
    def catalog_loaded(self) -> bool:
        return self._catalog is not None

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = self.load_catalog()
            self.summary.titles = {control.id: control.title for control in self._catalog.controls}
        return self._catalog

    @property
    def contributions(self) -> Contributions:
        if self._contributions is None:
            self._contributions = Contributions(self.catalog, self.root)
        return self._contributions


STATE = pytest.StashKey[SessionState]()
