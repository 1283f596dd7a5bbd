"""pytest-paassec: security baselines for PaaS deployment files, as pytest tests."""

from __future__ import annotations

from .errors import BaselineError, LocatedError, PaasSecError, ParseError, SettingsError
from .model.resources import Resource
from .parsing.discovery import Candidate
from .parsing.documents import Document, ParsedFile
from .platforms.base import Platform
from .rules.conditions import Finding
from .rules.controls import Control, Severity, Violation
from .rules.custom import InvalidControl, control, violation

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
