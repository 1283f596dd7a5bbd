"""Per-session state, kept in ``config.stash`` (never in module globals)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from .catalog import Catalog
from .reporting.summary import Summary
from .settings import Settings


@dataclass
class SessionState:
    settings: Settings
    catalog: Catalog
    summary: Summary = field(default_factory=Summary)
    # Files named like deployment files whose content no platform claimed.
    unrecognized: list[str] = field(default_factory=list)
    # Whether data items may use the lean run protocol (see runner.py).
    lean_protocol: bool = True


STATE = pytest.StashKey[SessionState]()
