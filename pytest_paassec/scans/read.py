"""Read an imported report by format name: the one entry point the plugin calls."""

from __future__ import annotations

from pathlib import Path

from ..errors import SettingsError
from . import grype, npm_audit, osv, pip_audit, sarif, trivy
from .common import read_guarded
from .model import ScanReport

FORMATS: tuple[str, ...] = ("trivy", "grype", "pip-audit", "osv", "npm-audit", "sarif")
_READERS = {"trivy": trivy.read, "grype": grype.read, "pip-audit": pip_audit.read,
            "osv": osv.read, "npm-audit": npm_audit.read, "sarif": sarif.read}


def read_report(fmt: str, path: Path, relpath: str, max_size: int) -> ScanReport:
    """The report at ``path`` in format ``fmt``; a bad report raises ReportError."""
    return read_guarded(_READERS[fmt], fmt, path, relpath, max_size)


def parse_import_spec(text: str, source: str) -> tuple[str, str]:
    """``"trivy:reports/trivy.json"`` -> ``("trivy", "reports/trivy.json")``."""
    fmt, sep, path = text.strip().partition(":")
    fmt = fmt.strip().lower()
    if not sep or fmt not in FORMATS or not path.strip():
        raise SettingsError(
            f"{source}: {text!r} is not FORMAT:PATH with FORMAT one of {', '.join(FORMATS)}"
        )
    return fmt, path.strip()
