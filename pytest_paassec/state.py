"""Per-session state, kept in ``config.stash`` (never in module globals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .catalog import Catalog
from .contributions import Contributions
from .documents import ParsedFile
from .reporting.summary import Summary
from .settings import Settings


@dataclass
class SessionState:
    settings: Settings
    catalog: Catalog
    root: Path | None = None
    summary: Summary = field(default_factory=Summary)
    # Files the inventory already parsed (for fixture-based controls).
    parsed: dict[Path, ParsedFile] = field(default_factory=dict)
    # Files named like deployment files whose content no platform claimed.
    unrecognized: list[str] = field(default_factory=list)
    # Whether data items may use the lean run protocol (see runner.py).
    lean_protocol: bool = True
    contributions: Contributions = field(init=False)

    def __post_init__(self) -> None:
        self.contributions = Contributions(self.catalog, self.root)
        self.summary.titles = {control.id: control.title for control in self.catalog.controls}


STATE = pytest.StashKey[SessionState]()
