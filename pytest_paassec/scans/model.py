"""What an imported scanner report holds, whatever tool wrote it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..errors import LocatedError

# The kinds of finding a report holds.
KINDS = ("vulnerability", "misconfiguration", "secret", "code")


class ReportError(LocatedError):
    """A report that cannot be read: malformed, truncated, of an unknown
    schema version or of another format than the one named."""


@dataclass(frozen=True)
class ScanFinding:
    """One finding of a report, in our terms.

    ``ref`` names it inside the item id (``ID[ref]``): ``target/package``
    for a vulnerability, ``file:line`` for code and misconfiguration.
    ``report_path`` is the finding's place in the report's parsed JSON
    (for the report line); ``file``/``line`` is where the tool says the
    problem is (a source file for SAST, a Dockerfile for a misconfiguration).
    No secret's matched text is ever kept: only the rule that matched.
    """

    id: str  # CVE-2024-3094, GHSA-..., B105, DS002, py/sql-injection
    kind: str  # one of KINDS
    severity: str  # ours: critical, high, medium, low, info
    tool_severity: str  # as the tool wrote it
    title: str
    target: str  # what the tool scanned that holds it: image, lock file, source file
    ref: str
    package: str | None = None
    installed: str | None = None
    fixed: str | None = None  # fixed version(s), as the tool gives them
    file: str | None = None
    line: int | None = None
    references: tuple[str, ...] = ()  # the tool's primary link first
    report_path: tuple = ()
    report_line: int = 1


@dataclass(frozen=True)
class ScannedArtifact:
    """Something a report says it scanned: an image (by reference and the
    digests the tool resolved), a file system, a lock file, a repository."""

    kind: str  # image, filesystem, lockfile, repository
    name: str  # as the report gives it: registry.example.com/shop/api:1.4.2
    digests: tuple[str, ...] = ()  # sha256:... (image id / repo digests)
    report_line: int = 1


@dataclass
class ScanReport:
    path: str  # the report file, relative to the rootdir
    format: str  # trivy, grype, pip-audit, osv, npm-audit, sarif
    tool: str  # the tool that wrote it (for SARIF: runs[].tool.driver.name)
    tool_version: str | None
    created: dt.datetime | None  # the report's own timestamp (UTC), None when it has none
    artifacts: list[ScannedArtifact] = field(default_factory=list)
    findings: list[ScanFinding] = field(default_factory=list)
