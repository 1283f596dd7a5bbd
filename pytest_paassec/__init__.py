"""pytest-paassec: security baselines for PaaS deployment files, as pytest tests."""

from __future__ import annotations

from .errors import BaselineError, LocatedError, PaasSecError, ParseError, SettingsError
from .model.resources import Resource
from .parsing.discovery import Candidate, FileRule, Sniff
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
    "FileRule",
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
    "Sniff",
    "Violation",
    "control",
    "violation",
]
