"""Incremental evaluation of a tree of deployment files, one change at a time."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    checked again; the other files keep their findings.  Checks that read
    other files run again when a file of a platform with repository facts
    changed (a new NetworkPolicy fixes a namespace), but only where a
    resource's facts actually changed: the rest keep their findings."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.plans: dict[str, Plan] = {}
        self.local: dict[str, dict[str, Row]] = {}  # file -> findings of checks that read only it
        # (resource, control) -> (the resource, the facts it was judged on, its findings)
        self.spanning: dict[tuple[int, str], tuple[Any, dict, dict[str, Row]]] = {}
        self.resumed: dict[str, Row] = {}  # cross-file findings read from the database, until judged again

    def load(self, texts: dict[str, str | None], open_rows: dict[str, Row]) -> None:
        """Resume at a commit whose findings the database holds: parse and
        plan every file, take the findings from the database instead of
        evaluating them again, and judge cross-file checks on the next change."""
        spanning_ids = {c.id for c in self.catalog.controls if c.spans_files}
        for relpath, text in sorted(texts.items()):
            plan = self._plan(relpath, text)
            if plan is not None:
                self.plans[relpath] = plan
        for fingerprint, row in open_rows.items():
            if row.control not in spanning_ids:
                self.local.setdefault(row.file, {})[fingerprint] = row
        self.resumed = {fp: row for fp, row in open_rows.items() if row.control in spanning_ids}

    def _plan(self, relpath: str, text: str | None) -> Plan | None:
        candidate = classify(Path(relpath))
        if text is None or candidate is None:
            return None
        intake = take_in_text(relpath, candidate, text)
        return plan_checks(intake.parsed, candidate, self.catalog) if intake.parsed is not None else None

    def update(self, texts: dict[str, str | None]) -> dict[str, Row]:
        """Apply changed files (``None``: deleted); return every current finding by fingerprint."""
        facts_changed = bool(self.resumed)
        for relpath, text in sorted(texts.items()):
            old = self.plans.pop(relpath, None)
            self.local.pop(relpath, None)
            facts_changed |= old is not None and any(r.facts is not None for r in old.resources)
            plan = self._plan(relpath, text)
            if plan is None:
                continue
            self.plans[relpath] = plan
            facts_changed |= any(r.facts is not None for r in plan.resources)
            self.local[relpath] = self._rows(plan, repository=None)
        if facts_changed:
            self._judge_spanning()
            self.resumed = {}
        current: dict[str, Row] = {}
        for _, _, rows in self.spanning.values():
            current.update(rows)
        current.update(self.resumed)
        for rows in self.local.values():
            current.update(rows)
        return current

    def _judge_spanning(self) -> None:
        repository = Repository(r for plan in self.plans.values() for r in plan.resources)
        judged: dict[tuple[int, str], tuple[Any, dict, dict[str, Row]]] = {}
        for plan in self.plans.values():
            for resource, control in plan.checks:
                if not control.spans_files:
                    continue
                facts = repository.facts(resource)
                seen = dict(facts) if facts is not None else {}
                key = (id(resource), control.id)
                before = self.spanning.get(key)
                if before is not None and before[0] is resource and before[1] == seen:
                    judged[key] = before  # same resource, same facts: same findings
                    continue
                judged[key] = (resource, seen, _findings(resource, control, repository))
        self.spanning = judged

    @staticmethod
    def _rows(plan: Plan, repository: Repository | None) -> dict[str, Row]:
        rows: dict[str, Row] = {}
        for resource, control in plan.checks:
            if not control.spans_files:
                rows.update(_findings(resource, control, repository))
        return rows


def _findings(resource: Any, control: Any, repository: Repository | None) -> dict[str, Row]:
    return {
        f.fingerprint: Row(f.fingerprint, control.id, control.severity.label, f.file, f.resource, f.path)
        for f in findings_of(control.id, resource.ref, control.evaluate(resource, repository))
    }
