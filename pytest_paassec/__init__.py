"""pytest-paassec: security baselines for PaaS deployment files, as pytest tests."""

from __future__ import annotations

from .conditions import Finding
from .controls import Control, Severity, Violation
from .documents import Document
from .errors import BaselineError, LocatedError, PaasSecError, ParseError, SettingsError
from .platforms.base import Platform
from .resources import Resource

__all__ = [
    "BaselineError",
    "Control",
    "Document",
    "Finding",
    "LocatedError",
    "PaasSecError",
    "ParseError",
    "Platform",
    "Resource",
    "SettingsError",
    "Severity",
    "Violation",
]
