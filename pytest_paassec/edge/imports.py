"""Imported scanner reports (``--paassec-import=FORMAT:PATH``) as collectors.

Each imported report is collected as a file of its own, whatever pytest's
arguments are (the pipeline asked for it by name), and each of its findings
becomes a :class:`~.collect.ControlItem` under it, named ``ID[ref]``.  A
report that cannot be read is one error item naming the file, the line and
what is wrong; a missing one is an error item too, never zero findings.  A
clean report gives one passing ``PAASSEC-IMPORT`` item saying what it
scanned, so the reports show it was read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from ..errors import CoverageNote, LocatedError
from ..governance.assign import assign
from ..model.resources import clean_ref_part
from ..parsing.discovery import Candidate
from ..parsing.documents import ParsedFile
from ..parsing.intake import Notice
from ..parsing.selection import relative_path
from ..rules.engine import Plan
from ..scans.checks import report_checks
from ..scans.model import ReportError, ScanReport
from .collect import DeploymentFile, NoticeItem
from .state import STATE

CONTROL = "PAASSEC-IMPORT"
TITLE = "Imported scanner reports must be readable"


def imported_report(path: Path, parent: pytest.Collector) -> ScanReportFile | None:
    """The collector for a file named by --paassec-import, else None."""
    state = parent.config.stash[STATE]
    fmt = state.import_format(path)
    if fmt is None:
        return None
    return ScanReportFile.from_parent(parent, path=path, candidate=Candidate("json", (fmt,), True))


def report_arguments(session: pytest.Session) -> list[str]:
    """Imported reports that exist and that pytest's arguments do not reach."""
    config = session.config
    base = config.invocation_params.dir
    collected = [(base / arg.split("::", 1)[0]).resolve() for arg in config.args]
    found = []
    for _, path in config.stash[STATE].settings.imports:
        resolved = path.resolve()
        if resolved.is_file() and not any(resolved == c or c in resolved.parents for c in collected):
            found.append(str(path))
    return sorted(set(found))


def missing_report_items(session: pytest.Session) -> list[NoticeItem]:
    """An error item for each imported report that is not there."""
    items = []
    for fmt, path in session.config.stash[STATE].settings.imports:
        if not path.is_file():
            relpath = relative_path(path, session.config.rootpath)
            error = ReportError(relpath, None, f"the {fmt} report named by --paassec-import / paassec_imports does not exist",
                                "run the scanner before pytest, or correct the path")
            name = f"{CONTROL}[{clean_ref_part(relpath)}]"
            items.append(NoticeItem.from_parent(session, name=name, nodeid=name, error=error, control=CONTROL, title=TITLE))
    return items


class ScanReportFile(DeploymentFile):
    """A scanner report: one item per finding."""

    def collect(self) -> Iterator[pytest.Item]:
        state = self.config.stash[STATE]
        report = state.scan_report(self.path)
        if isinstance(report, LocatedError):
            name = f"{CONTROL}[{clean_ref_part(self.path.name)}:{report.line or 1}]"
            yield self._notice(Notice(name, report, control=CONTROL, title=TITLE))
            return
        checks = report_checks(report)
        governance = state.governance
        plan = Plan(checks=[(r, c) for r, c in checks if state.settings.wants(c.id)])
        waivers = assign(ParsedFile(report.path, "json", ""), plan.checks, governance.waivers, today=governance.today, max_days=governance.max_days)
        yield from self._items(plan, waivers)
        if not checks:
            yield self._notice(Notice(f"{CONTROL}[{clean_ref_part(self.path.name)}]", CoverageNote(report.path, 1, _clean(report)),
                                      phase="pass", control=CONTROL, severity="info", title=TITLE))


def _clean(report: ScanReport) -> str:
    scanned = ", ".join(a.name for a in report.artifacts[:5]) or "its target"
    when = f" on {report.created.date().isoformat()}" if report.created else ""
    return f"{report.tool} found nothing in {scanned}{when}"
