"""Incremental evaluation of a tree of deployment files, one change at a time."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..governance.findings import findings_of
from ..model.repository import Repository
from ..parsing.discovery import classify
from ..parsing.intake import take_in_text
from ..rules.catalog import Catalog
from ..rules.engine import Plan, plan_checks


@dataclass(frozen=True, order=True)
class Row:
    """One finding as the history stores it."""

    fingerprint: str
    control: str
    severity: str
    file: str
    resource: str
    path: str


class TreeEvaluator:
    """The findings of a tree as files change: a changed file is parsed and
    checked again; the other files keep their findings, except for checks
    that read other files, which run again whenever a file of a platform
    with repository facts changed (a new NetworkPolicy fixes a namespace)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.plans: dict[str, Plan] = {}
        self.local: dict[str, dict[str, Row]] = {}  # file -> findings of checks that read only it
        self.spanning: dict[str, Row] = {}

    def update(self, texts: dict[str, str | None]) -> dict[str, Row]:
        """Apply changed files (``None``: deleted); return every current finding by fingerprint."""
        facts_changed = False
        for relpath, text in sorted(texts.items()):
            old = self.plans.pop(relpath, None)
            self.local.pop(relpath, None)
            facts_changed |= old is not None and any(r.facts is not None for r in old.resources)
            candidate = classify(Path(relpath))
            if text is None or candidate is None:
                continue
            intake = take_in_text(relpath, candidate, text)
            if intake.parsed is None:
                continue
            plan = plan_checks(intake.parsed, candidate, self.catalog)
            self.plans[relpath] = plan
            facts_changed |= any(r.facts is not None for r in plan.resources)
            self.local[relpath] = self._rows(plan, spanning=False, repository=None)
        if facts_changed:
            repository = Repository(r for plan in self.plans.values() for r in plan.resources)
            self.spanning = {}
            for plan in self.plans.values():
                self.spanning.update(self._rows(plan, spanning=True, repository=repository))
        current: dict[str, Row] = dict(self.spanning)
        for rows in self.local.values():
            current.update(rows)
        return current

    @staticmethod
    def _rows(plan: Plan, spanning: bool, repository: Repository | None) -> dict[str, Row]:
        rows = {}
        for resource, control in plan.checks:
            if control.spans_files != spanning:
                continue
            for finding in findings_of(control.id, resource.ref, control.evaluate(resource, repository)):
                rows[finding.fingerprint] = Row(finding.fingerprint, control.id, control.severity.label, finding.file, finding.resource, finding.path)
        return rows
