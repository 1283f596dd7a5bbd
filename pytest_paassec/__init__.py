"""pytest-paassec: security baselines for PaaS deployment files, as pytest tests."""

from __future__ import annotations

from .conditions import Finding
from .controls import Control, Severity, Violation
from .custom import InvalidControl, control, violation
from .discovery import Candidate
from .documents import Document, ParsedFile
from .errors import BaselineError, LocatedError, PaasSecError, ParseError, SettingsError
from .platforms.base import Platform
from .resources import Resource

__all__ = [
    "BaselineError",
    "Candidate",
    "Control",
    "Document",
    "Finding",
    "InvalidControl",
    "LocatedError",
    "PaasSecError",
    "ParseError",
    "ParsedFile",
    "Platform",
    "Resource",
    "SettingsError",
    "Severity",
    "Violation",
    "control",
    "violation",
]
